import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { buttonValue, lastCard, toastOf } from "../evaluation/helpers.ts";
import { component, formCard, holdMeeting, reread, submitForm } from "./helpers.ts";

/**
 * Votes as real meetings record them (issue 14 item 5, domain.md §1.2), through the real entry
 * point: a 20-member branch, 11 present. domain.md's example — 10 yes of 11 present is not a
 * majority of the 20 entitled — and the 发展党员 rule that the written opinions of absent
 * voting members, handed in before the meeting, count in the tally.
 */

let t: TestBot;
const NEWCOMERS = Array.from({ length: 11 }, (_, i) => ({ openId: `ou_votes_${String(i).padStart(2, "0")}`, name: `新同志${i + 1}` }));
const START = new Date("2026-03-10T14:30:00+08:00");

beforeAll(async () => {
  t = await startTestBot();
  // Eleven more 正式党员, classified by the secretary: 20 entitled with the branch's nine.
  for (const p of NEWCOMERS) t.fake.addUser(p);
  await t.fake.addUsersToChat(t.chats.branch1, NEWCOMERS.map((p) => p.openId), t.people.s1.openId);
  await t.settle();
  const card = lastCard(t, t.people.s1, "新进群成员身份待确认")!;
  const ids = await t.runtime.db.member.findMany({ where: { openId: { in: NEWCOMERS.map((p) => p.openId) } }, select: { id: true } });
  const classified = await t.click(t.people.s1, card, buttonValue(card, "roster.classify")!, Object.fromEntries(ids.map((m) => [`class_${m.id}`, "full"])));
  expect(toastOf(classified)).toBe("已确认 11 位同志的身份");
});
afterAll(() => t.stop());

describe("a 党员大会 of 20 entitled with 11 present", () => {
  let form: ReturnType<typeof formCard>;

  it("holds the meeting with quorum: 11 of 20", async () => {
    const p = t.people;
    const held = await holdMeeting(t, {
      chat: t.chats.branch1,
      by: p.s1,
      command: "/安排 党员大会 2026-03-10 14:30 三楼会议室 讨论接收预备党员",
      start: START,
      present: [p.s1, p.o1, p.x1, p.d1, p.m1, p.m2, p.m3, p.m4, p.m5, ...NEWCOMERS.slice(0, 2).map((n) => ({ ...n, role: "正式党员" }))],
    });
    expect(held).toMatchObject({ entitledCount: 20, presentVoting: 11, quorumMet: true });
    form = formCard(t, p.o1);
    expect(textOf(form)).toContain("赞成票须超过应到 20 人的半数（至少 11 票）才算通过");
    expect(component(form, "r1_method")?.tag).toBe("select_static");
    expect(component(form, "r1_matter")?.tag).toBe("select_static");
    expect(component(form, "r1_written")?.tag).toBe("input");
    expect(component(form, "r1_dissent")?.tag).toBe("input");
  });

  it("records 10 yes of 11 present as 未通过: yes votes must exceed half of the 20 entitled", async () => {
    const typed = { d1: "逐一发表意见。", r1_text: "同意接收钱多同志为中共预备党员", r1_yes: "10", r1_no: "1", r1_abs: "0", r1_method: "secret", r1_dissent: "赵强：建议再考察半年" };
    const result = await submitForm(t, t.people.o1, form, "submit", typed);
    expect(toastOf(result)).toContain("记录已提交");
    const recap = t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("会议记录 · #1")).at(-1)!;
    const text = textOf(recap);
    expect(text).toContain("同意接收钱多同志为中共预备党员 —— 无记名投票，赞成 10，反对 1，弃权 0：未通过。赞成 10 票，未超过应到会有表决权的正式党员 20 人的半数，至少需要 11 票");
    expect(text).toContain("不同意见：赵强：建议再考察半年");
    const row = await t.runtime.db.resolution.findFirstOrThrow({ where: { minutes: { meeting: { seqNo: 1 } } } });
    expect(row).toMatchObject({ votesFor: 10, passed: false, voteMethod: "secret", matter: "general", writtenVotes: 0, dissent: "赵强：建议再考察半年" });
  });

  it("amends it: two absent members' written opinions count in a 接收预备党员 vote, and it passes with 12 of 20", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/纪要 #1 确认");
    await t.say(t.people.s1, t.chats.branch1, "/纪要 #1 更正");
    let amend = formCard(t, t.people.s1)!;
    expect(component(amend, "r1_method")?.initial_option).toBe("secret");
    // Written opinions on a motion not marked as 发展党员: refused, with what to do.
    const base = { reason: "补记会前提交的书面意见", r1_yes: "12", r1_no: "1", r1_abs: "0", r1_written: "2" };
    const refused = await submitForm(t, t.people.s1, amend, "submit", base);
    expect(toastOf(refused)).toContain("还不能提交");
    expect(textOf(reread(t, amend))).toContain("未到会党员的书面意见只在接收预备党员、预备党员转正的表决中计入票数");
    amend = reread(t, amend);
    const ok = await submitForm(t, t.people.s1, amend, "submit", { ...base, r1_matter: "admission" });
    expect(toastOf(ok)).toContain("更正");
    const row = await t.runtime.db.resolution.findFirstOrThrow({ where: { minutes: { meeting: { seqNo: 1 } } } });
    expect(row).toMatchObject({ votesFor: 12, passed: true, matter: "admission", writtenVotes: 2 });
    await t.say(t.people.m3, t.chats.branch1, "/纪要 #1");
    expect(textOf(t.lastBotMessage(t.people.m3.openId))).toContain("无记名投票，赞成 12，反对 1，弃权 0（含书面意见 2 份）：通过");
  });
});
