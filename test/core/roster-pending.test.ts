import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { buttonValue, lastCard, toastOf } from "../evaluation/helpers.ts";

/**
 * Roster classes are never guessed (issue 14 item 2): someone who joins the branch chat is 待确认
 * and counts in nothing — not in 应到, not in the quorum, not in a vote — until the secretary
 * says who they are on one private card.
 */

let t: TestBot;
const NEWCOMER = { openId: "ou_newcomer_q", name: "钱多" };
const MINUTE = 60_000;

beforeAll(async () => {
  t = await startTestBot();
  t.fake.addUser(NEWCOMER);
  await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-10 14:30 三楼会议室 讨论接收预备党员");
  await t.fake.addUsersToChat(t.chats.branch1, [NEWCOMER.openId], t.people.s1.openId);
  await t.settle();
});
afterAll(() => t.stop());

async function member() {
  return t.runtime.db.member.findFirstOrThrow({ where: { openId: NEWCOMER.openId, org: { chatId: t.chats.branch1 } } });
}

describe("a newcomer to the branch chat", () => {
  it("is listed as 待确认, and the secretary alone is asked privately on one card", async () => {
    expect((await member()).memberClass).toBe("pending");
    const card = lastCard(t, t.people.s1, "新进群成员身份待确认");
    expect(textOf(card)).toContain("钱多");
    expect(textOf(card)).toContain("确认前他们不计入应到人数、法定人数、表决和任何统计");
    expect(t.botMessages(t.people.m1.openId).some((m) => textOf(m).includes("身份待确认"))).toBe(false);
    expect(t.botMessages(t.chats.branch1).some((m) => textOf(m).includes("钱多"))).toBe(false);
    await t.say(t.people.m1, t.chats.branch1, "/成员");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("待确认 1 人");
  });

  it("cannot sign in, and the quorum stays as it was — saying that someone is 待确认", async () => {
    const meeting = await t.runtime.db.meeting.findFirstOrThrow({ where: { org: { chatId: t.chats.branch1 } } });
    await t.advance(meeting.startAt.getTime() - 10 * MINUTE - t.clock.now().getTime());
    const signin = t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes(`会议签到 · #${meeting.seqNo}`)).at(-1)!;
    const refused = await t.click(NEWCOMER.openId, signin, { a: "meetings.signin", m: meeting.id });
    expect(toastOf(refused)).toBe("只有党员可以进行此操作（您的身份待书记确认）。");
    for (const p of [t.people.s1, t.people.o1, t.people.x1, t.people.d1, t.people.m1]) await t.click(p, signin, { a: "meetings.signin", m: meeting.id });
    await t.advance(meeting.endAt.getTime() + 5 * MINUTE - t.clock.now().getTime());
    const held = await t.runtime.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } });
    // 9 正式党员 entitled, 5 present: a quorum — exactly as if the newcomer had never come.
    expect(held).toMatchObject({ status: "held", entitledCount: 9, presentVoting: 5, quorumMet: true });
    const attendance = await t.runtime.db.meetingAttendance.findMany({ where: { meetingId: meeting.id, member: { openId: NEWCOMER.openId } } });
    expect(attendance.every((a) => !a.expected && !a.signedInAt)).toBe(true);
    const ended = t.botMessages(t.chats.branch1).map(textOf).find((x) => x.includes(`#${meeting.seqNo} 支部党员大会 已结束`))!;
    expect(ended).toContain("另有 1 人身份待确认，未计入应到人数和法定人数");
    expect(ended).not.toContain("钱多");
  });

  it("is classified by the secretary on the card: 预备党员 needs the admission date; others may not", async () => {
    const card = lastCard(t, t.people.s1, "新进群成员身份待确认")!;
    const value = buttonValue(card, "roster.classify")!;
    const id = (await member()).id;
    const byMember = await t.click(t.people.m1, card, value, { [`class_${id}`]: "full" });
    expect(toastOf(byMember)).toContain("书记");
    const noDate = await t.click(t.people.s1, card, value, { [`class_${id}`]: "probationary" });
    expect(toastOf(noDate)).toContain("钱多：预备党员请选择支部党员大会接收的日期");
    expect((await member()).memberClass).toBe("pending");
    const ok = await t.click(t.people.s1, card, value, { [`class_${id}`]: "probationary", [`admitted_${id}`]: "2026-01-15 +0800" });
    expect(toastOf(ok)).toBe("已确认 1 位同志的身份");
    expect(textOf(ok.card as Record<string, unknown>)).toContain("已确认 1 位：钱多：预备党员（2026-01-15 接收）");
    const row = await member();
    expect(row.memberClass).toBe("probationary");
    expect(row.probationStart?.toISOString()).toBe(new Date("2026-01-15T00:00:00+08:00").toISOString());
  });
});
