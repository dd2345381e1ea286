import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { createFromFeature, DAY, itemRow, memberIdOf, orgIdOf } from "./helpers.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot(); // Monday 2026-03-02 09:00
});
afterAll(() => t.stop());

function reminders(openId: string, problem: string) {
  return t.botMessages(openId)
    .filter((m) => m.msgType === "interactive" && textOf(m).includes(problem) && /距整改期限|本事项已逾期/.test(textOf(m)))
    .map((m) => `${new Date(m.createTime + 8 * 3600_000).toISOString().slice(5, 10)} ${textOf(m).match(/距整改期限（(.+?)）还有 (\d+) 天|已逾期 (\d+) 天（期限 (.+?)）/)!.slice(1).filter(Boolean).join(" ")}`);
}

describe("a changed deadline", () => {
  it("cancels the old reminders and reminds on the new deadline, never twice, even when set back again", async () => {
    const { m2, s1 } = t.people;
    const problem = "入党积极分子培养联系不够";
    const { id, seqNo } = await createFromFeature(t, {
      orgId: await orgIdOf(t, t.chats.branch1), source: "manual", scope: "individual", problem,
      ownerMemberId: await memberIdOf(t, t.chats.branch1, m2.openId), dueDate: new Date("2026-03-10T00:00:00+08:00"), createdBy: s1.openId,
    });
    await t.advance(DAY);
    await t.advance(DAY); // 3月4日: the T-7 reminder (3月3日) went out
    expect(reminders(m2.openId, problem)).toEqual(["03-03 3月10日 7"]);

    await t.say(m2, "p2p", `/整改 #${seqNo} 期限 2026-03-31`);
    expect(textOf(t.lastBotMessage(m2.openId))).toContain("只有支委或本事项的验收人可以调整整改期限");

    await t.say(s1, t.chats.branch1, `/整改 #${seqNo} 期限 2026-03-31`);
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("3月10日 → 3月31日");
    expect(textOf(t.lastBotMessage(m2.openId))).toContain("期限已调整：3月10日 → 3月31日");
    await t.advance(DAY); // 3月5日
    await t.say(s1, "p2p", `/整改 #${seqNo} 期限 2026-03-10`); // and back: the old day's reminders must come, once
    await t.advance(DAY); // 3月6日
    await t.say(s1, "p2p", `/整改 #${seqNo} 期限 2026-03-31`);
    expect(textOf(t.lastBotMessage(s1.openId))).toContain("3月10日 → 3月31日");

    await t.restart();
    for (let d = 0; d < 28; d++) await t.advance(DAY); // to 4月3日
    expect(reminders(m2.openId, problem)).toEqual([
      "03-03 3月10日 7",
      "03-24 3月31日 7",
      "03-28 3月31日 3",
      "03-30 3月31日 1",
      "04-01 1 3月31日",
      "04-02 2 3月31日",
      "04-03 3 3月31日",
    ]);
    const row = await itemRow(t, id);
    expect(row.events.filter((e) => e.action === "due_changed").map((e) => e.comment)).toEqual(["3月10日 → 3月31日", "3月31日 → 3月10日", "3月10日 → 3月31日"]);
    expect(row.dueRev).toBe(3);
    const pending = await t.runtime.db.job.findMany({ where: { key: { startsWith: `rect:${id}:` }, status: "pending" } });
    expect(pending.map((j) => j.key)).toEqual([`rect:${id}:r3:overdue:2026-04-10`]); // weekly once escalated (day 3)
  });

  it("accepts 长期 for a long-term item, which is then never overdue", async () => {
    const { m6, s2 } = t.people;
    const { id, seqNo } = await createFromFeature(t, {
      orgId: await orgIdOf(t, t.chats.branch2), source: "org_life_meeting", scope: "individual", problem: "坚持每周学习不少于两小时",
      ownerMemberId: await memberIdOf(t, t.chats.branch2, m6.openId), dueDate: new Date("2026-04-20T00:00:00+08:00"), createdBy: s2.openId,
    });
    await t.say(s2, t.chats.branch2, `/整改 #${seqNo} 期限 长期`);
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("→ 长期坚持");
    expect(await t.runtime.db.job.count({ where: { key: { startsWith: `rect:${id}:` }, status: "pending" } })).toBe(0);
    await t.say(s2, t.chats.branch2, `/整改 #${seqNo} 期限 2026-02-30`);
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("「2026-02-30」不是有效的日期");
  });

  it("uses the branch's own cadence and buzz day once the secretary changes them", async () => {
    const { s2, m7 } = t.people;
    await t.say(m7, t.chats.branch2, "/整改 设置 提醒 2");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("只有书记、副书记可以修改");
    await t.say(s2, t.chats.branch2, "/整改 设置 提醒 5,2 加急 1");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("期限前 5、2 天私信提醒");
    const problem = "支部手册填写不完整";
    await createFromFeature(t, {
      orgId: await orgIdOf(t, t.chats.branch2), source: "self_check", scope: "individual", problem,
      ownerMemberId: await memberIdOf(t, t.chats.branch2, m7.openId), dueDate: new Date("2026-04-13T00:00:00+08:00"), createdBy: s2.openId,
    });
    for (let d = 0; d < 11; d++) await t.advance(DAY); // 4月3日 → 4月14日
    expect(reminders(m7.openId, problem)).toEqual(["04-08 4月13日 5", "04-11 4月13日 2", "04-14 1 4月13日"]);
    const buzzed = t.botMessages(m7.openId).filter((m) => m.urgentFor.length);
    expect(buzzed).toHaveLength(1);
    expect(textOf(buzzed[0])).toContain("已逾期 1 天");
  });
});
