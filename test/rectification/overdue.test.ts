import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { createFromFeature, DAY, itemRow, memberIdOf, orgIdOf } from "./helpers.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot(); // Monday 2026-03-02 09:00 (Asia/Shanghai)
});
afterAll(() => t.stop());

/** The owner's private cards, one line per card: its date and what it said. */
function ownerCards(openId: string) {
  return t.botMessages(openId).filter((m) => m.msgType === "interactive").map((m) => ({ m, text: textOf(m), day: new Date(m.createTime).toISOString().slice(0, 10) }));
}

describe("reminders before the deadline and escalation after it", () => {
  let id: number;

  it("reminds 7, 3 and 1 days before, daily once overdue until escalated, then weekly (issue 22), across a restart, each exactly once", async () => {
    const { m5 } = t.people;
    ({ id } = await createFromFeature(t, {
      orgId: await orgIdOf(t, t.chats.branch1), source: "org_life_meeting", scope: "individual", problem: "党费交纳不及时",
      ownerMemberId: await memberIdOf(t, t.chats.branch1, m5.openId), dueDate: new Date("2026-03-12T00:00:00+08:00"), createdBy: "bot",
    }));
    // Day by day to 3月14日 (two days overdue), then a restart, then on to 3月20日.
    for (let d = 0; d < 12; d++) await t.advance(DAY);
    await t.restart();
    for (let d = 0; d < 6; d++) await t.advance(DAY);

    const cards = ownerCards(m5.openId);
    const before = cards.filter((c) => c.text.includes("距整改期限"));
    expect(before.map((c) => c.text.match(/还有 (\d+) 天/)?.[1])).toEqual(["7", "3", "1"]);
    const overdue = cards.filter((c) => c.text.includes("本事项已逾期"));
    // Daily until the secretary was told and the owner buzzed (day 3), then once a week.
    expect(overdue.map((c) => Number(c.text.match(/已逾期 (\d+) 天（期限/)?.[1]))).toEqual([1, 2, 3]);
    expect(new Set(overdue.map((c) => c.day)).size).toBe(3);
    const next = await t.runtime.db.job.findMany({ where: { key: { startsWith: `rect:${id}:` }, status: "pending" } });
    expect(next.map((j) => j.key)).toEqual([`rect:${id}:r0:overdue:2026-03-22`]); // a week after the third
  });

  it("buzzes the owner once, on the configured day, on that day's reminder card", async () => {
    const buzzed = ownerCards(t.people.m5.openId).filter((c) => c.m.urgentFor.length > 0);
    expect(buzzed).toHaveLength(1);
    expect(buzzed[0]!.m.urgentFor).toEqual([t.people.m5.openId]);
    expect(buzzed[0]!.text).toContain("已逾期 3 天");
  });

  it("tells the secretary privately once, and keeps the escalations in the history", async () => {
    const notices = t.botMessages(t.people.s1.openId).filter((m) => textOf(m).includes("督办提醒"));
    expect(notices).toHaveLength(1);
    expect(textOf(notices[0])).toContain("责任人：周敏");
    const row = await itemRow(t, id);
    expect(row.events.map((e) => `${e.action}:${e.comment ?? ""}`)).toEqual([
      "created:",
      "overdue:超过整改期限（3月12日）仍未完成",
      "escalated:已告知书记王建国",
      "escalated:逾期 3 天，已加急提醒责任人",
    ]);
  });

  it("keeps the item out of the group but counts it there", async () => {
    const group = t.botMessages(t.chats.branch1).map((m) => textOf(m)).join("\n");
    expect(group).not.toContain("党费交纳不及时");
    await t.say(t.people.m1, t.chats.branch1, "/整改 列表 逾期");
    const list = textOf(t.lastBotMessage(t.chats.branch1));
    expect(list).toContain("其中逾期 1");
    expect(list).not.toContain("周敏");
  });

  it("lists the overdue item in the branch and committee digests by number only", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/小结");
    const branch = textOf(t.lastBotMessage(t.chats.branch1)).replace(/&#35;/g, "#");
    expect(branch).toContain("#1 个人整改事项，已逾期 8 天");
    expect(branch).not.toContain("党费交纳不及时");
    expect(branch).not.toContain("周敏");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/小结");
    expect(JSON.stringify(t.lastBotMessage(t.chats.committee)!.content)).toContain("未完成 1，逾期 1");
  });

  it("stops reminding once the item is closed", async () => {
    const { m5, s1 } = t.people;
    await t.say(m5, "p2p", `/整改 #1 提交 已补交 1—3 月党费，附收据`);
    await t.say(s1, "p2p", `/整改 #1 通过 收据核对无误`);
    expect((await itemRow(t, id)).status).toBe("done");
    const count = ownerCards(m5.openId).length;
    for (let d = 0; d < 3; d++) await t.advance(DAY);
    expect(ownerCards(m5.openId).length).toBe(count);
  });
});

describe("downtime", () => {
  it("after days down, sends one up-to-date reminder instead of a backlog, and no stale ones", async () => {
    const { m3 } = t.people;
    const today = new Date(t.clock.now()).toISOString().slice(0, 10);
    expect(today).toBe("2026-03-23");
    const { id } = await createFromFeature(t, {
      orgId: await orgIdOf(t, t.chats.branch1), source: "minutes", scope: "individual", problem: "未按决定完成党员信息采集",
      ownerMemberId: await memberIdOf(t, t.chats.branch1, m3.openId), dueDate: new Date("2026-03-26T00:00:00+08:00"), createdBy: "bot",
    });
    const jobs = await t.runtime.db.job.findMany({ where: { key: { startsWith: `rect:${id}:` } }, orderBy: { runAt: "asc" } });
    expect(jobs.map((j) => j.key)).toEqual([`rect:${id}:r0:due:2026-03-26:T-1`, `rect:${id}:r0:overdue:2026-03-27`]);
    t.clock.advance(5 * DAY); // the bot is down from 3月23日 to 3月28日
    await t.restart();
    let cards = ownerCards(m3.openId).filter((c) => c.text.includes("未按决定完成党员信息采集"));
    expect(cards.map((c) => (c.text.includes("您有一项新的整改事项") ? "assigned" : c.text.match(/(距整改期限.*还有 \d+ 天|已逾期 \d+ 天（期限)/)?.[1]))).toEqual(["assigned", "已逾期 2 天（期限"]);
    await t.advance(DAY);
    await t.restart();
    await t.advance(DAY);
    cards = ownerCards(m3.openId).filter((c) => c.text.includes("本事项已逾期"));
    expect(cards.map((c) => c.text.match(/已逾期 (\d+) 天（期限/)?.[1])).toEqual(["2", "3"]); // day 3 escalates; then weekly
    expect(cards.filter((c) => c.m.urgentFor.length)).toHaveLength(1);
    const notices = t.botMessages(t.people.s1.openId).filter((m) => textOf(m).includes("督办提醒") && textOf(m).includes("未按决定完成党员信息采集"));
    expect(notices).toHaveLength(1);
  });
});

describe("evidence waiting for the verifier", () => {
  it("reminds the verifier once after three days, and not the owner about the deadline", async () => {
    const { m4, s1 } = t.people;
    const problem = "谈心谈话记录不全";
    const { id, seqNo } = await createFromFeature(t, {
      orgId: await orgIdOf(t, t.chats.branch1), source: "org_life_meeting", scope: "individual", problem,
      ownerMemberId: await memberIdOf(t, t.chats.branch1, m4.openId), dueDate: new Date("2026-04-02T00:00:00+08:00"), createdBy: "bot",
    });
    await t.say(m4, "p2p", `/整改 #${seqNo} 提交 已补记 3 次谈心谈话`);
    for (let d = 0; d < 6; d++) await t.advance(DAY);
    const nudges = t.botMessages(s1.openId).filter((m) => textOf(m).includes(problem) && textOf(m).includes("已提交验收 3 天"));
    expect(nudges).toHaveLength(1);
    const ownerReminders = t.botMessages(m4.openId).filter((m) => textOf(m).includes(problem) && /距整改期限|本事项已逾期/.test(textOf(m)));
    expect(ownerReminders).toHaveLength(0);
    expect((await itemRow(t, id)).status).toBe("submitted");
  });
});
