import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { LARK_SEND_LIMITS } from "../../src/lark/rate-limit.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { arrivals, busiestSecond } from "./support/arrivals.ts";

/**
 * Lark's limits as Lark counts them (issue 21 item 2): at most 5 messages to one chat or
 * person and 50 from the app in any sliding second, measured when the requests ARRIVE at the
 * platform (the fake records wall-clock arrival times) — during a fan-out to 300 members and
 * a burst of 100 commands in one chat, with the real limits and the real sender.
 */

let t: TestBot;
const MEMBERS = Array.from({ length: 300 }, (_, i) => ({ openId: `ou_fanout_${String(i).padStart(3, "0")}`, name: `成员${i}` }));

beforeAll(async () => {
  t = await startTestBot({ sendLimits: LARK_SEND_LIMITS });
  for (const m of MEMBERS) t.fake.addUser(m);
});
afterAll(() => t.stop());

/** Runs the bot until every event is processed and every message sent, as its loops would. */
async function untilQuiet(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    await t.runtime.settle();
    const [queued, events] = await Promise.all([
      t.runtime.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } }),
      t.runtime.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } }),
    ]);
    if (queued === 0 && events === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the bot did not finish sending within 2 minutes");
}

describe("send limits at arrival", () => {
  it("hold during a fan-out to 300 members and a burst of 100 commands in one chat", async () => {
    const since = Date.now();
    await t.runtime.db.$transaction(async (tx) => {
      const out = new Outbox(tx);
      for (const m of MEMBERS) await out.text({ openId: m.openId }, "提醒：请在本周五前完成学习。");
    });
    await Promise.all(
      Array.from({ length: 100 }, () => t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: t.people.m1.openId, text: "/帮助" })),
    );
    await untilQuiet();
    const sent = arrivals(t, since);
    const perTarget = new Map<string, number[]>();
    for (const a of sent) perTarget.set(a.target, [...(perTarget.get(a.target) ?? []), a.at]);
    expect(perTarget.get(t.chats.branch1)?.length).toBeGreaterThanOrEqual(100); // every command answered
    expect(MEMBERS.every((m) => perTarget.has(m.openId))).toBe(true); // every member reached
    const worstChat = Math.max(...[...perTarget.values()].map(busiestSecond));
    const app = busiestSecond(sent.map((a) => a.at));
    console.log(`[send limits] ${sent.length} messages; busiest second: ${worstChat} to one chat, ${app} from the app`);
    expect(worstChat).toBeLessThanOrEqual(5);
    expect(app).toBeLessThanOrEqual(50);
  }, 150_000);
});
