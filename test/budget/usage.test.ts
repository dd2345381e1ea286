import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { lastText } from "../meetings/helpers.ts";

/**
 * Issue 22 item 1: every Open Platform call is counted by month, organisation, endpoint and
 * cause, and `/用量` tells the committee's secretary this month's calls, the projection to the
 * month's end, the main causes and each branch's calls. Test clock: Monday 2026-03-02 10:00.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ env: { LARK_MONTHLY_CALL_BUDGET: "10000" } });
});
afterAll(() => t.stop());

/** The calls the fake Open Platform received, less the token fetches (not business APIs). */
const platformCalls = () => t.fake.calls.filter((c) => c.path.startsWith("/open-apis/") && !c.path.startsWith("/open-apis/auth/")).length;

describe("/用量", () => {
  it("reports exactly the calls the platform received, by cause and by branch", async () => {
    const { s1, o1, m1, committeeSecretary } = t.people;
    await t.say(s1, t.chats.branch1, "/安排 党员大会 2026-03-12 14:30 三楼会议室 学习党章");
    await t.say(o1, t.chats.branch1, "/参加 #1");
    await t.say(t.people.s2, t.chats.branch2, "/帮助");
    await t.settle();
    const received = platformCalls();
    const counted = await t.runtime.db.apiCallCount.aggregate({ _sum: { calls: true } });
    expect(counted._sum.calls).toBe(received);

    await t.say(committeeSecretary, t.chats.committee, "/用量");
    const text = lastText(t, t.chats.committee);
    expect(text).toContain(`支部助手已调用 ${received.toLocaleString("en-US")} 次`);
    expect(text).toContain("月底约");
    expect(text).toContain("本租户每月额度 10,000 次");
    expect(text).toContain("主要用途");
    expect(text).toMatch(/会议通知卡片：\d+ 次/);
    const rows = await t.runtime.db.apiCallCount.findMany();
    const org1 = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
    const branch1Calls = rows.filter((r) => r.orgId === org1.id).reduce((n, r) => n + r.calls, 0);
    expect(branch1Calls).toBeGreaterThan(0);
    expect(text).toContain(`机关第一党支部：${branch1Calls} 次`);
    expect(text).toContain("不是排名");
  });

  it("is for the committee's secretary, in the committee chat", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/用量");
    expect(lastText(t, t.chats.branch1)).toContain("党委（总支）群");
    await t.say(t.people.committeeOfficer, t.chats.committee, "/用量");
    expect(lastText(t, t.chats.committee)).toContain("只有书记、副书记");
  });
});
