import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LARK_SEND_LIMITS } from "../../src/lark/rate-limit.ts";
import { Outbox } from "../../src/app/outbox.ts";
import type { Runtime } from "../../src/runtime.ts";
import { onPostgres } from "../support/database.ts";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { arrivals, busiestSecond } from "./support/arrivals.ts";

/**
 * Issue 15 item 4: Lark's limits are the app's. Two instances of the bot on one PostgreSQL
 * database drain one fan-out together; at the platform, in any sliding second, the app still
 * sends at most 50 messages and a chat gets at most 5. (Several instances are PostgreSQL's
 * deployment; the embedded SQLite runs one.)
 */
const MEMBERS = Array.from({ length: 150 }, (_, i) => ({ openId: `ou_pair_${String(i).padStart(3, "0")}`, name: `成员${i}` }));

describe.skipIf(!onPostgres)("two instances on one database", () => {
  let t: TestBot;
  let second: Runtime;
  beforeAll(async () => {
    t = await startTestBot({ sendLimits: LARK_SEND_LIMITS });
    for (const m of MEMBERS) t.fake.addUser(m);
    second = await t.startInstance();
  });
  afterAll(async () => {
    await second?.stop();
    await t?.stop();
  });

  it("stay within Lark's per-app and per-chat limits together", async () => {
    const since = Date.now();
    await t.runtime.db.$transaction(async (tx) => {
      const out = new Outbox(tx);
      for (const m of MEMBERS) await out.text({ openId: m.openId }, "提醒：请在本周五前完成学习。");
      for (let i = 0; i < 20; i++) await out.text({ chatId: t.chats.branch1 }, `第 ${i + 1} 条通知`);
    });
    const deadline = Date.now() + 120_000;
    for (;;) {
      await Promise.all([t.runtime.settle(), second.settle()]);
      if ((await t.runtime.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } })) === 0) break;
      if (Date.now() > deadline) throw new Error("the two instances did not finish sending within 2 minutes");
      await new Promise((r) => setTimeout(r, 10));
    }
    const sent = arrivals(t, since);
    expect(sent).toHaveLength(MEMBERS.length + 20); // each exactly once
    expect(new Set(sent.map((s) => s.target)).size).toBe(MEMBERS.length + 1);
    expect(busiestSecond(sent.map((s) => s.at))).toBeLessThanOrEqual(LARK_SEND_LIMITS.perAppPerSecond);
    expect(busiestSecond(sent.filter((s) => s.target === t.chats.branch1).map((s) => s.at))).toBeLessThanOrEqual(LARK_SEND_LIMITS.perTargetPerSecond);
  }, 180_000);
});
