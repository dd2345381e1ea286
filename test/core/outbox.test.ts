import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { OutboxSender } from "../../src/lark/sender.ts";
import { SendLimiter } from "../../src/lark/rate-limit.ts";
import { createLogger } from "../../src/core/log.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

async function enqueueTexts(chatId: string, texts: string[], orgId?: number) {
  await t.runtime.db.$transaction(async (tx) => {
    const out = new Outbox(tx, orgId);
    for (const text of texts) await out.text({ chatId }, text);
  });
}

const textsIn = (chatId: string) => t.botMessages(chatId).map((m) => (m.content as { text?: string }).text ?? "");

/** A sender with its own clock, to look at retry timing without waiting for it. */
function senderAt(nowMs: { v: number }) {
  return new OutboxSender(t.runtime.db, t.runtime.gateway, new SendLimiter(undefined, () => nowMs.v), createLogger("silent"), {
    instanceId: "test-sender",
    now: () => nowMs.v,
  });
}

/** Lark's limits have their own tests (test/faults/send-limits*.test.ts); here they would only hold sends back. */
const UNLIMITED = { perAppPerSecond: 1e6, perAppPerMinute: 1e6, perTargetPerSecond: 1e6 };

describe("durable outbox and sender", () => {
  it("delivers each chat's messages in order, exactly once, through 5xx failures", async () => {
    const undo = t.fake.injectFault({ method: "POST", pathPattern: /\/im\/v1\/messages$/, status: 500, code: 1, times: 2 });
    await enqueueTexts(t.chats.branch2, ["一", "二", "三", "四"]);
    for (let i = 0; i < 10 && (await t.runtime.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } })) > 0; i++) {
      await t.runtime.db.outboxMessage.updateMany({ where: { status: "pending" }, data: { nextAttemptAt: new Date(0) } });
      await t.settle();
    }
    undo();
    expect(textsIn(t.chats.branch2).slice(-4)).toEqual(["一", "二", "三", "四"]);
    const rows = await t.runtime.db.outboxMessage.findMany({ where: { target: t.chats.branch2 }, orderBy: { id: "desc" }, take: 4 });
    for (const r of rows) {
      expect(r.status).toBe("sent");
      expect(t.fake.deliveries.get(r.uuid)).toBe(1);
    }
  });

  it("waits for Lark's x-ogw-ratelimit-reset after a 429 and does not count it as a failure", async () => {
    t.fake.injectFault({ method: "POST", pathPattern: /\/im\/v1\/messages$/, status: 429, code: 99991400, headers: { "x-ogw-ratelimit-reset": "7" }, times: 1 });
    await enqueueTexts(t.chats.branch2, ["限流后再发"]);
    const now = { v: Date.now() };
    const sender = senderAt(now);
    await sender.drainOnce();
    const row = await t.runtime.db.outboxMessage.findFirstOrThrow({ where: { content: { contains: "限流后再发" } } });
    expect(row.status).toBe("pending");
    expect(row.attempts).toBe(0);
    expect(row.nextAttemptAt.getTime() - now.v).toBe(7000);
    now.v += 3000;
    expect((await sender.drainOnce()).attempted).toBe(0); // still inside the reset window
    now.v += 4500;
    expect((await sender.drainOnce()).attempted).toBe(1);
    expect(textsIn(t.chats.branch2).at(-1)).toBe("限流后再发");
  });

  it("fails messages for a chat the bot has left, with the reason, tells the secretary, and keeps sending elsewhere", async () => {
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch2 } });
    t.fake.chats.get(t.chats.branch2)!.botIn = false; // removed, event not yet processed
    await enqueueTexts(t.chats.branch2, ["甲", "乙", "丙"], org.id);
    await enqueueTexts(t.chats.branch1, ["别的群照常"]);
    await t.settle();
    const failed = await t.runtime.db.outboxMessage.findMany({ where: { target: t.chats.branch2, status: "failed" } });
    expect(failed).toHaveLength(3);
    expect(failed.every((f) => f.failReason === "机器人已不在该群中")).toBe(true);
    expect(textsIn(t.chats.branch1).at(-1)).toBe("别的群照常");
    const notice = t.lastBotMessage(t.people.s2.openId)!;
    expect(textOf(notice)).toContain("3 条消息未能送达");
    expect(textOf(notice)).toContain("机器人已不在该群中");
    const health = await (await fetch(`${t.runtime.url}/healthz`)).json();
    expect(health.recentSendFailures[0].reason).toBe("机器人已不在该群中");
    t.fake.chats.get(t.chats.branch2)!.botIn = true;
  });

  it("does not post twice when the process died after Lark accepted a message", async () => {
    await enqueueTexts(t.chats.branch1, ["只发一次"]);
    const row = await t.runtime.db.outboxMessage.findFirstOrThrow({ where: { content: { contains: "只发一次" } } });
    // The previous process sent it, then died before recording success: the row is left locked.
    await t.runtime.gateway.send("chat_id", row.target, "text", row.content, row.uuid);
    await t.runtime.db.outboxMessage.update({ where: { id: row.id }, data: { status: "sending", lockedBy: "dead", lockedUntil: new Date(Date.now() - 1000) } });
    await t.settle();
    expect((await t.runtime.db.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("sent");
    expect(textsIn(t.chats.branch1).filter((x) => x === "只发一次")).toHaveLength(1);
    expect(t.fake.deliveries.get(row.uuid)).toBe(1);
  });

  it("patches a sent card in place and coalesces patches not yet sent", async () => {
    await t.runtime.db.$transaction(async (tx) => {
      await new Outbox(tx).card({ chatId: t.chats.branch1 }, "notice", { title: "原标题", template: "blue", lines: ["v1"] }, { cardRef: "test:card" });
    });
    await t.settle();
    await t.runtime.db.$transaction(async (tx) => {
      const out = new Outbox(tx);
      await out.patchCard("test:card", "notice", { title: "原标题", template: "blue", lines: ["v2"] });
      await out.patchCard("test:card", "notice", { title: "原标题", template: "green", lines: ["v3"] });
    });
    await t.settle();
    const patches = await t.runtime.db.outboxMessage.findMany({ where: { cardRef: "test:card", kind: "patch" } });
    expect(patches.map((p) => p.status).sort()).toEqual(["sent", "superseded"]);
    const sent = await t.runtime.db.sentCard.findUniqueOrThrow({ where: { cardRef: "test:card" } });
    const msg = t.fake.message(sent.messageId)!;
    expect(textOf(msg)).toContain("v3");
    expect(msg.history).toHaveLength(1);
  });

  it("keeps every card in the outbox within Lark's 30 KB limit", async () => {
    const cards = await t.runtime.db.outboxMessage.findMany({ where: { msgType: "interactive" } });
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) expect(Buffer.byteLength(c.content)).toBeLessThanOrEqual(30 * 1024);
  });

  it("resends a message whose outcome is unknown past Lark's one-hour uuid window, and says a duplicate is possible", async () => {
    const logs: string[] = [];
    const log = createLogger("info", { write: (line: string) => void logs.push(line) } as never);
    const now = { v: Date.now() };
    const sender = new OutboxSender(t.runtime.db, t.runtime.gateway, new SendLimiter(UNLIMITED, () => now.v), log, { instanceId: "after-kill", now: () => now.v });
    await enqueueTexts(t.chats.branch2, ["被打断的提醒（两小时前）", "被打断的提醒（十分钟前）"]);
    // What a process killed mid-send leaves: "sending", its claim expired, first tried then.
    for (const [text, agoMin] of [["两小时前", 120], ["十分钟前", 10]] as const) {
      await t.runtime.db.outboxMessage.updateMany({
        where: { content: { contains: text } },
        data: { status: "sending", attempts: 1, firstTriedAt: new Date(now.v - agoMin * 60_000), lockedBy: "killed", lockedUntil: new Date(now.v - 1) },
      });
    }
    while ((await sender.drainOnce()).attempted > 0);
    const rows = await t.runtime.db.outboxMessage.findMany({ where: { content: { contains: "被打断的提醒" } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.status, r.outcomeUnknown])).toEqual([["sent", true], ["sent", true]]);
    for (const r of rows) expect(t.fake.deliveries.get(r.uuid)).toBe(1); // sent, not held back
    const warned = logs.filter((l) => l.includes("uuid window"));
    expect(warned).toHaveLength(1); // only the one Lark can no longer de-duplicate
    expect(warned[0]).toContain(`"outboxId":${rows[0]!.id}`);
  });
});

