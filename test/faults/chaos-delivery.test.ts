import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { OutboxSender } from "../../src/lark/sender.ts";
import { SendLimiter } from "../../src/lark/rate-limit.ts";
import { LarkCallError, LarkGateway, type LarkGatewayOptions, type SendResult } from "../../src/lark/gateway.ts";
import { createLogger } from "../../src/core/log.ts";
import { p2pChatId, type FakeMessage } from "../../src/sandbox/fake-platform/index.ts";
import type { OutboxMessage } from "../../src/generated/prisma/client.ts";
import { reportCounts } from "./support/counts.ts";

/**
 * Lark fails 30% of calls with 5xx and rate-limits 10% (429, code 99991400, x-ogw-ratelimit-*
 * headers) while the bot drains a fan-out: every message still arrives exactly once, in order
 * per chat, and no retry goes out before the reset Lark asked for. Time is the test's clock:
 * the sender, its limiter and the fake all read it, so nothing really waits.
 */

interface Attempt {
  key: string;
  at: number;
  ok: boolean;
  /** Set when Lark answered "rate limited": how long it asked us to wait. */
  resetMs?: number;
}

/** The real gateway, noting when each message was tried and how Lark answered. */
class RecordingGateway extends LarkGateway {
  readonly attempts: Attempt[] = [];

  constructor(opts: LarkGatewayOptions, private readonly nowMs: () => number) {
    super(opts);
  }

  private async tried<T>(key: string, call: () => Promise<T>): Promise<T> {
    const at = this.nowMs();
    try {
      const result = await call();
      this.attempts.push({ key, at, ok: true });
      return result;
    } catch (err) {
      const failure = err instanceof LarkCallError ? err.failure : undefined;
      this.attempts.push({ key, at, ok: false, resetMs: failure?.kind === "rate_limited" ? failure.resetSeconds * 1000 : undefined });
      throw err;
    }
  }

  override send(type: "chat_id" | "open_id", id: string, msgType: string, content: string, uuid: string): Promise<SendResult> {
    return this.tried(uuid, () => super.send(type, id, msgType, content, uuid));
  }

  override reply(messageId: string, msgType: string, content: string, uuid: string): Promise<SendResult> {
    return this.tried(uuid, () => super.reply(messageId, msgType, content, uuid));
  }

  override patch(messageId: string, content: string): Promise<void> {
    const key = `patch:${messageId}:${createHash("sha256").update(content).digest("hex").slice(0, 12)}`;
    return this.tried(key, () => super.patch(messageId, content));
  }
}

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const nowMs = () => t.clock.now().getTime();

function chaosSender(gateway: LarkGateway) {
  // Lark's real send limits (50/s, 1000/min, 5/s per chat), on the test clock.
  return new OutboxSender(t.runtime.db, gateway, new SendLimiter(undefined, nowMs), createLogger("silent"), { instanceId: "chaos", now: nowMs });
}

function recordingGateway(): RecordingGateway {
  const { appId, appSecret, domain } = t.runtime.lark;
  return new RecordingGateway({ appId, appSecret, domain, logger: createLogger("silent") }, nowMs);
}

const unfinished = () => t.runtime.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } });

/** Drains the outbox, moving the clock in small steps whenever the sender has to wait. */
async function drain(sender: OutboxSender, stepMs = 200, maxRounds = 20_000): Promise<number> {
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    const { attempted, waitMs } = await sender.drainOnce();
    if (attempted > 0) continue;
    if ((await unfinished()) === 0) break;
    // Small steps: a sender that ignored a reset would get its chance to retry too early.
    t.clock.advance(Math.max(1, Math.min(waitMs, stepMs)));
  }
  return rounds;
}

/** The chat a queued row ends up in, as the fake records it. */
function chatOf(row: OutboxMessage): string {
  return row.receiveIdType === "open_id" ? p2pChatId(row.target) : row.target;
}

describe("delivery through a failing, rate-limiting Lark", () => {
  it("delivers a fan-out exactly once and in order, retrying only after each reset", async () => {
    const db = t.runtime.db;
    const { branch1, branch2, committee } = t.chats;
    // Messages from people to reply to (plain chatter: the bot does not answer it).
    const asks: FakeMessage[] = [];
    for (const p of [t.people.m1, t.people.m2, t.people.m3, t.people.m4]) asks.push(await t.say(p, branch1, `大家好，我是${p.name}`));
    const people = [t.people.s1, t.people.o1, t.people.x1, t.people.d1, t.people.m1, t.people.m2, t.people.m3, t.people.m4, t.people.m5, t.people.pr1, t.people.s2, t.people.m6];
    const firstId = (await db.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;
    await db.$transaction(async (tx) => {
      const out = new Outbox(tx, undefined, () => t.clock.now());
      for (let round = 0; round < 15; round++) {
        for (const chatId of [branch1, branch2, committee]) await out.text({ chatId }, `群消息 ${round + 1}`);
        for (const p of people) await out.text({ openId: p.openId }, `${p.name}，第 ${round + 1} 条提醒`);
        if (round < 5) for (const ask of asks) await out.replyText(branch1, ask.messageId, `回复 ${round + 1}`);
        if (round < 5) await out.card({ chatId: branch2 }, "notice", { title: `通知 ${round + 1}`, template: "blue", lines: ["v1"] }, { cardRef: `chaos:${round}` });
      }
    });
    await db.$transaction(async (tx) => {
      const out = new Outbox(tx, undefined, () => t.clock.now());
      for (let round = 0; round < 5; round++) {
        await out.patchCard(`chaos:${round}`, "notice", { title: `通知 ${round + 1}`, template: "blue", lines: ["v2"] });
        await out.patchCard(`chaos:${round}`, "notice", { title: `通知 ${round + 1}`, template: "green", lines: ["v3 最终版"] });
      }
    });

    const gateway = recordingGateway();
    const sender = chaosSender(gateway);
    const callsBefore = t.fake.calls.length;
    t.fake.setRandomFaults({ serverErrorRate: 0.3, rateLimitRate: 0.1, seed: 20261127 });
    try {
      await drain(sender);
    } finally {
      t.fake.setRandomFaults(null);
    }

    const rows = await db.outboxMessage.findMany({ where: { id: { gt: firstId } }, orderBy: { id: "asc" } });
    const messages = rows.filter((r) => r.kind === "send" || r.kind === "reply");
    expect(messages.length).toBe(15 * 3 + 15 * people.length + 5 * asks.length + 5);
    // Nothing lost, nothing doubled.
    expect(rows.filter((r) => !["sent", "superseded"].includes(r.status))).toEqual([]);
    for (const r of messages) expect(t.fake.deliveries.get(r.uuid), `delivery count of outbox row ${r.id}`).toBe(1);
    // In order per chat.
    const byChat = new Map<string, string[]>();
    for (const r of messages) byChat.set(chatOf(r), [...(byChat.get(chatOf(r)) ?? []), r.uuid]);
    const ours = new Set(messages.map((r) => r.uuid));
    for (const [chatId, uuids] of byChat) {
      const arrived = t.fake.messagesIn(chatId).filter((m) => m.uuid && ours.has(m.uuid)).map((m) => m.uuid);
      expect(arrived, `order in ${chatId}`).toEqual(uuids);
    }
    // Each card shows its last patch.
    for (let round = 0; round < 5; round++) {
      const sent = await db.sentCard.findUniqueOrThrow({ where: { cardRef: `chaos:${round}` } });
      expect(textOf(t.fake.message(sent.messageId))).toContain("v3 最终版");
    }

    // The faults really happened, as Lark sends them …
    const calls = t.fake.calls.slice(callsBefore);
    const serverErrors = calls.filter((c) => c.status === 500).length;
    const rateLimited = calls.filter((c) => c.status === 429 && c.code === 99991400).length;
    expect(serverErrors).toBeGreaterThan(50);
    expect(rateLimited).toBeGreaterThan(15);
    const limited = gateway.attempts.filter((a) => a.resetMs !== undefined);
    expect(limited.length).toBe(rateLimited);
    // … and after each "rate limited", nothing at all was tried before the reset had passed.
    for (const hit of limited) {
      const early = gateway.attempts.filter((a) => a.at > hit.at && a.at < hit.at + hit.resetMs!);
      expect(early, `calls inside the ${hit.resetMs} ms reset after a 429 at ${hit.at}`).toEqual([]);
      const next = gateway.attempts.find((a) => a.key === hit.key && a.at > hit.at);
      expect(next, `retry of ${hit.key}`).toBeDefined();
      expect(next!.at - hit.at).toBeGreaterThanOrEqual(hit.resetMs!);
    }
    reportCounts("chaos-delivery", {
      messages: messages.length,
      patches: rows.length - messages.length,
      apiCalls: calls.length,
      faultsInjected: serverErrors + rateLimited,
      serverErrors,
      rateLimited,
      lost: 0,
      duplicated: 0,
    });
  });

  it("recovers when Lark revokes the tenant token mid-fan-out", async () => {
    const db = t.runtime.db;
    const firstId = (await db.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const gateway = recordingGateway();
    const sender = chaosSender(gateway);
    await db.$transaction(async (tx) => {
      const out = new Outbox(tx, undefined, () => t.clock.now());
      for (let i = 0; i < 10; i++) await out.text({ chatId: t.chats.branch1 }, `令牌前 ${i}`);
    });
    await drain(sender);
    t.fake.revokeTokens(); // e.g. the app secret was reset and the old tokens died with it
    await db.$transaction(async (tx) => {
      const out = new Outbox(tx, undefined, () => t.clock.now());
      for (let i = 0; i < 10; i++) await out.text({ chatId: t.chats.branch1 }, `令牌后 ${i}`);
    });
    await drain(sender, 10_000);
    const rows = await db.outboxMessage.findMany({ where: { id: { gt: firstId } } });
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => "sent"));
    for (const r of rows) expect(t.fake.deliveries.get(r.uuid)).toBe(1);
  });

  it("still recognises @mentions when Lark failed the bot-info call at start", async () => {
    t.fake.injectFault({ method: "GET", pathPattern: /\/bot\/v3\/info$/, status: 500, code: 1, times: 1 });
    await t.restart();
    const asked = await t.say(t.people.m5, t.chats.branch1, "成员", { mentionBot: true });
    const reply = t.botMessages(t.chats.branch1).find((m) => m.parentId === asked.messageId);
    expect(textOf(reply)).toContain("成员名单");
  });
});
