import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventProcessor } from "../../src/app/processor.ts";
import { createLogger } from "../../src/core/log.ts";
import { isConflict, type Db } from "../../src/db/client.ts";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

/**
 * On PostgreSQL a serializable transaction that loses a conflict is run again from the start
 * (src/db/client.ts). Whatever runs inside must not carry anything over from the failed try.
 */
function conflictOnFirstCommit(db: Db): Db {
  let first = true;
  const transaction = db.$transaction.bind(db) as (fn: (tx: unknown) => Promise<unknown>, opts?: unknown) => Promise<unknown>;
  const wrapped = (fn: (tx: unknown) => Promise<unknown>, opts?: unknown) =>
    transaction(async (tx) => {
      const result = await fn(tx);
      if (first) {
        first = false;
        throw Object.assign(new Error("could not serialize access due to read/write dependencies among transactions"), { code: "P2034" });
      }
      return result;
    }, opts);
  return new Proxy(db, { get: (target, key, receiver) => (key === "$transaction" ? wrapped : Reflect.get(target, key, receiver)) });
}

describe("a transaction run again after a conflict", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.stop());

  it("processes every event of a batch once, the retried try included", async () => {
    const people = [t.people.m1, t.people.m2, t.people.m3];
    for (const p of people) await t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: p.openId, text: "/帮助" });
    const before = t.botMessages(t.chats.branch1).length;
    const quiet = createLogger("error", new Writable({ write: (_c, _e, cb) => cb() }));
    // A long batch budget: all three events in one transaction, which fails once at commit.
    const processor = new EventProcessor(conflictOnFirstCommit(t.runtime.db), t.runtime.bot, quiet, t.runtime.instanceId, () => false, 60_000);
    expect(await processor.runDue()).toBe(3);
    await t.settle();
    const replies = t.botMessages(t.chats.branch1).slice(before);
    expect(replies).toHaveLength(3);
    expect(replies.every((m) => textOf(m).length > 0)).toBe(true);
    const events = await t.runtime.db.inboundEvent.findMany({ where: { eventType: "im.message.receive_v1" }, select: { status: true } });
    expect(events.every((e) => e.status === "done")).toBe(true);
  });
});

describe("what counts as a conflict to run again", () => {
  it("knows PostgreSQL's serialization failures in both shapes Prisma gives them, and nothing else", () => {
    // Seen from a batch $transaction([...]) (the sender's markSent): the adapter's own error.
    const adapterError = Object.assign(new Error("TransactionWriteConflict"), { name: "DriverAdapterError", cause: { kind: "TransactionWriteConflict" } });
    expect(isConflict(adapterError)).toBe(true);
    expect(isConflict(Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), { code: "P2034" }))).toBe(true);
    expect(isConflict(Object.assign(new Error("x"), { cause: { originalCode: "40P01" } }))).toBe(true);
    expect(isConflict(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isConflict(new Error("connection refused"))).toBe(false);
  });
});
