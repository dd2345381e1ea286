import { withCallCause } from "./call-cause.ts";
import type { Db, Tx } from "../db/client.ts";
import type { Job } from "../generated/prisma/client.ts";
import { insertJobUnlessKeyExists } from "../db/client.ts";
import { claimNextDueJob } from "../db/claims.ts";
import { describeError, type Logger } from "../core/log.ts";
import type { Clock } from "../core/clock.ts";
import { Outbox } from "./outbox.ts";

export interface JobSpec {
  /** Unique: scheduling the same key twice is a no-op, so retries and restarts never double. */
  key: string;
  kind: string;
  runAt: Date;
  payload?: Record<string, unknown>;
}

/** Creates the job unless one with the key exists (in any state). Returns true if created. */
export async function ensureJob(tx: Tx, spec: JobSpec, createdAt = new Date()): Promise<boolean> {
  const existing = await tx.job.findUnique({ where: { key: spec.key }, select: { id: true } });
  if (existing) return false;
  return insertJobUnlessKeyExists(tx, {
    key: spec.key,
    kind: spec.kind,
    runAt: spec.runAt,
    payload: JSON.stringify(spec.payload ?? {}),
    createdAt,
  });
}

/** Creates the job, or moves a still-pending one to the new time and payload. */
export async function upsertJob(tx: Tx, spec: JobSpec, createdAt = new Date()): Promise<void> {
  const payload = JSON.stringify(spec.payload ?? {});
  await tx.job.upsert({
    where: { key: spec.key },
    create: { key: spec.key, kind: spec.kind, runAt: spec.runAt, payload, createdAt },
    update: {},
  });
  await tx.job.updateMany({ where: { key: spec.key, status: "pending" }, data: { runAt: spec.runAt, payload } });
}

/** Cancels pending jobs whose key starts with the prefix (e.g. all reminders of a meeting). */
export async function cancelJobs(tx: Tx, keyPrefix: string): Promise<number> {
  const { count } = await tx.job.updateMany({ where: { key: { startsWith: keyPrefix }, status: "pending" }, data: { status: "cancelled" } });
  return count;
}

export interface JobContext {
  job: Job;
  payload: Record<string, unknown>;
  /** When the job was due; compare with now() to know it runs late (after downtime). */
  scheduledFor: Date;
  now: Date;
  db: Db;
  log: Logger;
  /** Runs the job's effects in one transaction that also marks the job done: exactly once. */
  commit<T>(fn: (tx: Tx, out: Outbox) => Promise<T>): Promise<T>;
}

export type JobHandler = (ctx: JobContext) => Promise<void>;

/**
 * A claim is a short lease, renewed while the job runs: a job claimed by a process that was
 * killed is free again within JOB_LEASE_MS (seconds), while a long one (a digest of thousands
 * of branches) keeps its claim as long as its process lives.
 */
export const JOB_LEASE_MS = 15_000;
const HEARTBEAT_MS = 5_000;

export interface LeaseOptions {
  leaseMs: number;
  heartbeatMs: number;
}

export class JobRunner {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly instanceId: string,
    private readonly maxAttempts = 5,
    private readonly lease: LeaseOptions = { leaseMs: JOB_LEASE_MS, heartbeatMs: HEARTBEAT_MS },
  ) {}

  register(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`job kind "${kind}" registered twice`);
    this.handlers.set(kind, handler);
  }

  /** Runs every job due by the bot's clock; returns how many ran. */
  async runDue(limit = 100): Promise<number> {
    let ran = 0;
    while (ran < limit) {
      const realNow = new Date();
      const lease = { by: this.instanceId, now: realNow, until: new Date(realNow.getTime() + this.lease.leaseMs) };
      const id = await claimNextDueJob(this.db, lease, this.clock.now());
      if (id === undefined) break;
      const job = await this.db.job.findUniqueOrThrow({ where: { id } });
      let renewing: Promise<void> | undefined;
      const renew = setInterval(() => {
        renewing ??= this.renewLease(job.id).finally(() => (renewing = undefined));
      }, this.lease.heartbeatMs);
      try {
        await this.runOne(job);
      } finally {
        clearInterval(renew);
      }
      ran++;
    }
    return ran;
  }

  /** Extends this instance's claim on a running job; a failed renewal only shortens the claim. */
  private async renewLease(jobId: number): Promise<void> {
    try {
      await this.db.job.updateMany({
        where: { id: jobId, status: "running", lockedBy: this.instanceId },
        data: { lockedUntil: new Date(Date.now() + this.lease.leaseMs) },
      });
    } catch (err) {
      this.log.warn({ jobId, err: describeError(err) }, "job lease renewal failed");
    }
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    const log = this.log.child({ jobId: job.id, jobKind: job.kind, jobKey: job.key });
    if (!handler) {
      log.error("no handler for job kind");
      await this.db.job.update({ where: { id: job.id }, data: { status: "failed", lastError: "no handler" } });
      return;
    }
    let committed = false;
    const markDone = (tx: Tx) =>
      tx.job.updateMany({ where: { id: job.id, lockedBy: this.instanceId }, data: { status: "done", doneAt: this.clock.now(), lockedBy: null, lockedUntil: null } });
    const ctx: JobContext = {
      job,
      payload: JSON.parse(job.payload) as Record<string, unknown>,
      scheduledFor: job.runAt,
      now: this.clock.now(),
      db: this.db,
      log,
      commit: async (fn) =>
        this.db.$transaction(async (tx) => {
          const { count } = await markDone(tx);
          if (count !== 1) throw new Error(`job ${job.id} lost its lock before commit`);
          const result = await fn(tx, new Outbox(tx));
          committed = true;
          return result;
        }),
    };
    try {
      await withCallCause({ orgId: orgOfPayload(ctx.payload), cause: `job ${job.kind}` }, () => handler(ctx));
      if (!committed) await markDone(this.db);
    } catch (err) {
      const failed = job.attempts >= this.maxAttempts;
      log.warn({ err: describeError(err), attempt: job.attempts, failed }, "job failed");
      await this.db.job.update({
        where: { id: job.id },
        data: {
          status: failed ? "failed" : "pending",
          lastError: describeError(err),
          runAt: failed ? job.runAt : new Date(this.clock.now().getTime() + 30_000 * 2 ** (job.attempts - 1)),
          lockedBy: null,
          lockedUntil: null,
        },
      });
    }
  }
}

/** The organisation a job's payload names, for counting the calls the job makes. */
function orgOfPayload(payload: Record<string, unknown>): number | undefined {
  const org = payload.orgId ?? payload.org;
  return typeof org === "number" ? org : undefined;
}
