import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventProcessor } from "../../src/app/processor.ts";
import { JobRunner, ensureJob } from "../../src/app/jobs.ts";
import { createLogger } from "../../src/core/log.ts";
import type { Db, Tx } from "../../src/db/client.ts";
import { onPostgres } from "../support/database.ts";
import { startTestBot, type TestBot } from "../support/harness.ts";

/**
 * Issue 15 item 3: with several instances on one PostgreSQL database, a claim takes the due
 * rows nobody else is claiming at that moment (`FOR UPDATE SKIP LOCKED`) in one statement. It
 * never waits behind another instance's claim, and never comes back empty-handed because the
 * rows it had read were taken meanwhile while others were free.
 */

const quiet = createLogger("error", new Writable({ write: (_c, _e, cb) => cb() }));

/** Holds row locks on the given rows, as another instance in the middle of its claim does. */
function holdRows(db: Db, table: "InboundEvent" | "Job", ids: number[], thenClaimAs: (tx: Tx) => Promise<unknown>) {
  let locked!: () => void;
  let release!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = db.$transaction(
    async (tx) => {
      await tx.$queryRawUnsafe(`SELECT id FROM "${table}" WHERE id IN (${ids.join(",")}) FOR UPDATE`);
      locked();
      await released;
      await thenClaimAs(tx);
    },
    { timeout: 60_000 },
  );
  return { isLocked, release, done };
}

/** Resolves true as soon as some connection waits on a row lock, false if `work` ends first. */
async function waitsOnALock(db: Db, work: Promise<unknown>): Promise<boolean> {
  let finished = false;
  void work.then(() => (finished = true), () => (finished = true));
  for (;;) {
    if (finished) return false;
    const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`);
    if (row!.n > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.runIf(onPostgres)("claims on PostgreSQL skip what another instance is claiming", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.stop());

  it("an event processor takes the next events at once while another instance holds the first ones", async () => {
    for (let i = 0; i < 10; i++) await t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: t.people.m1.openId, text: "/帮助" });
    const events = await t.runtime.db.inboundEvent.findMany({ where: { status: "pending" }, orderBy: { id: "asc" }, select: { id: true } });
    expect(events).toHaveLength(10);
    const first = events.slice(0, 5).map((e) => e.id);
    const later = events.slice(5).map((e) => e.id);
    const other = holdRows(t.runtime.db, "InboundEvent", first, (tx) =>
      tx.inboundEvent.updateMany({ where: { id: { in: first } }, data: { status: "processing", lockedBy: "other-instance", lockedUntil: new Date(Date.now() + 60_000) } }),
    );
    await other.isLocked;
    const processor = new EventProcessor(t.runtime.db, t.runtime.bot, quiet, t.runtime.instanceId);
    const run = processor.runDue(5);
    const waited = await waitsOnALock(t.runtime.db, run);
    other.release();
    await other.done;
    expect(waited).toBe(false);
    expect(await run).toBe(5);
    const after = await t.runtime.db.inboundEvent.findMany({ where: { id: { in: [...first, ...later] } }, orderBy: { id: "asc" }, select: { id: true, status: true, lockedBy: true } });
    expect(after.filter((e) => e.status === "done").map((e) => e.id)).toEqual(later);
    expect(after.filter((e) => e.lockedBy === "other-instance").map((e) => e.id)).toEqual(first);
  });

  it("a job runner runs the next due job at once while another instance holds the first", async () => {
    const now = t.clock.now();
    await t.runtime.db.$transaction(async (tx) => {
      await ensureJob(tx, { key: "skip-locked:first", kind: "test.noop", runAt: new Date(now.getTime() - 2000) });
      await ensureJob(tx, { key: "skip-locked:second", kind: "test.noop", runAt: new Date(now.getTime() - 1000) });
    });
    const jobs = await t.runtime.db.job.findMany({ where: { key: { startsWith: "skip-locked:" } }, orderBy: { runAt: "asc" } });
    const runner = new JobRunner(t.runtime.db, t.clock, quiet, t.runtime.instanceId);
    const ran: string[] = [];
    runner.register("test.noop", async (ctx) => {
      ran.push(ctx.job.key);
    });
    const other = holdRows(t.runtime.db, "Job", [jobs[0]!.id], (tx) =>
      tx.job.update({ where: { id: jobs[0]!.id }, data: { status: "running", lockedBy: "other-instance", lockedUntil: new Date(Date.now() + 60_000) } }),
    );
    await other.isLocked;
    const run = runner.runDue();
    const waited = await waitsOnALock(t.runtime.db, run);
    other.release();
    await other.done;
    expect(waited).toBe(false);
    await run;
    expect(ran).toEqual(["skip-locked:second"]);
    const first = await t.runtime.db.job.findUniqueOrThrow({ where: { key: "skip-locked:first" } });
    expect(first).toMatchObject({ status: "running", lockedBy: "other-instance", attempts: 0 });
  });
});
