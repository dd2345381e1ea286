import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { ensureJob, upsertJob, cancelJobs, JobRunner, JOB_LEASE_MS } from "../../src/app/jobs.ts";
import { createLogger } from "../../src/core/log.ts";

let t: TestBot;
const ran: Array<{ key: string; late: boolean }> = [];
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

function runner(id: string) {
  const r = new JobRunner(t.runtime.db, t.clock, createLogger("silent"), id);
  r.register("test.note", async (ctx) => {
    await ctx.commit(async (_tx, out) => {
      ran.push({ key: ctx.job.key, late: ctx.now.getTime() - ctx.scheduledFor.getTime() > 3600_000 });
      await out.text({ chatId: t.chats.branch1 }, `任务 ${ctx.job.key}`);
    });
  });
  return r;
}

describe("stored jobs", () => {
  it("schedules idempotently by key", async () => {
    const at = new Date(t.clock.now().getTime() + 60_000);
    const created = await t.runtime.db.$transaction(async (tx) => [
      await ensureJob(tx, { key: "j:idem", kind: "test.note", runAt: at }),
      await ensureJob(tx, { key: "j:idem", kind: "test.note", runAt: at }),
    ]);
    expect(created).toEqual([true, false]);
  });

  it("runs a due job once even when two instances race for it", async () => {
    await t.runtime.db.$transaction((tx) => ensureJob(tx, { key: "j:race", kind: "test.note", runAt: t.clock.now() }));
    const [a, b] = [runner("a"), runner("b")];
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(ran.filter((r) => r.key === "j:race")).toHaveLength(1);
  });

  it("moves a pending job when rescheduled and never runs a cancelled one", async () => {
    const soon = new Date(t.clock.now().getTime() + 3600_000);
    await t.runtime.db.$transaction(async (tx) => {
      await ensureJob(tx, { key: "j:move", kind: "test.note", runAt: soon });
      await upsertJob(tx, { key: "j:move", kind: "test.note", runAt: new Date(soon.getTime() + 86_400_000) });
      await ensureJob(tx, { key: "j:cancel:1", kind: "test.note", runAt: soon });
      await cancelJobs(tx, "j:cancel:");
    });
    t.clock.advance(2 * 3600_000);
    await runner("c").runDue();
    expect(ran.map((r) => r.key)).not.toContain("j:move");
    expect(ran.map((r) => r.key)).not.toContain("j:cancel:1");
    t.clock.advance(86_400_000);
    await runner("c").runDue();
    expect(ran.map((r) => r.key)).toContain("j:move");
  });

  it("catches up after downtime: a job that came due while stopped runs once, marked late", async () => {
    await t.runtime.db.$transaction((tx) => ensureJob(tx, { key: "j:downtime", kind: "test.note", runAt: new Date(t.clock.now().getTime() + 3600_000) }));
    t.clock.advance(5 * 3600_000); // no runner was alive past the due time
    await runner("d").runDue();
    await runner("e").runDue();
    const hits = ran.filter((r) => r.key === "j:downtime");
    expect(hits).toHaveLength(1);
    expect(hits[0]!.late).toBe(true);
  });

  it("retries a failing job with backoff and gives up after the maximum attempts", async () => {
    const r = new JobRunner(t.runtime.db, t.clock, createLogger("silent"), "f", 2);
    r.register("test.fail", async () => {
      throw new Error("boom");
    });
    await t.runtime.db.$transaction((tx) => ensureJob(tx, { key: "j:fail", kind: "test.fail", runAt: t.clock.now() }));
    await r.runDue();
    expect((await t.runtime.db.job.findUniqueOrThrow({ where: { key: "j:fail" } })).status).toBe("pending");
    t.clock.advance(3600_000);
    await r.runDue();
    const job = await t.runtime.db.job.findUniqueOrThrow({ where: { key: "j:fail" } });
    expect(job).toMatchObject({ status: "failed", attempts: 2 });
    expect(job.lastError).toContain("boom");
  });

  it("holds a claim only as a short lease: renewed while the job runs, free within seconds once its process is gone", async () => {
    const lease = { leaseMs: 1500, heartbeatMs: 150 };
    let release!: () => void;
    const slow = new JobRunner(t.runtime.db, t.clock, createLogger("silent"), "slow", 5, lease);
    const runs: string[] = [];
    slow.register("test.slow", async () => {
      runs.push("slow");
      await new Promise<void>((resolve) => (release = resolve));
    });
    const other = new JobRunner(t.runtime.db, t.clock, createLogger("silent"), "other", 5, lease);
    other.register("test.slow", async () => void runs.push("other"));
    await t.runtime.db.$transaction((tx) => ensureJob(tx, { key: "j:slow", kind: "test.slow", runAt: t.clock.now() }));
    const running = slow.runDue();
    while (runs.length === 0) await new Promise((r) => setTimeout(r, 20));
    // A claim a killed process leaves behind expires within JOB_LEASE_MS, not minutes.
    const claimed = await t.runtime.db.job.findUniqueOrThrow({ where: { key: "j:slow" } });
    expect(claimed.lockedUntil!.getTime() - Date.now()).toBeLessThanOrEqual(JOB_LEASE_MS);
    // Twice the lease later the live runner still holds it: the other instance never runs it.
    const until = Date.now() + 2 * lease.leaseMs;
    while (Date.now() < until) {
      await other.runDue();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs).toEqual(["slow"]);
    release();
    await running;
    expect((await t.runtime.db.job.findUniqueOrThrow({ where: { key: "j:slow" } })).status).toBe("done");
  });

  it("lets another instance take a job whose claim has lapsed (its process was killed)", async () => {
    await t.runtime.db.$transaction((tx) => ensureJob(tx, { key: "j:orphan", kind: "test.note", runAt: t.clock.now() }));
    // What a killed process leaves: running, claimed, its lease over.
    await t.runtime.db.job.update({ where: { key: "j:orphan" }, data: { status: "running", lockedBy: "killed", lockedUntil: new Date(Date.now() - 1), attempts: 1 } });
    await runner("survivor").runDue();
    expect(ran.filter((r) => r.key === "j:orphan")).toHaveLength(1);
  });
});

