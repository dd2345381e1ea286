/**
 * Preloaded into the bot process for target 3 only (`node --import tsx --import
 * bench/lib/probe.ts src/main.ts`). It observes and changes nothing the bot does:
 * - every SQL statement the Prisma adapter prepares on better-sqlite3 is counted by verb and
 *   table, and attributed (AsyncLocalStorage) to what issued it: a job by kind, the event
 *   processor, the sender, ingestion;
 * - time spent inside SQLite (statement execution) is summed per attribution;
 * - every job run is timed (claim to done) with the statements it issued.
 * The driver reads all of it over the IPC channel.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { serveRpc } from "./ipc.ts";

const require = createRequire(import.meta.url);
const Database = require("better-sqlite3");

const als = new AsyncLocalStorage<string>();
let counts = new Map<string, number>();
let sqliteMs = new Map<string, number>();
let jobs: Array<{ kind: string; key: string; startedAt: number; endedAt: number; wallStart: number; statements: number }> = [];

function classify(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? "?";
  const table = /(?:FROM|INTO|UPDATE)\s+(?:`?main`?\.)?[`"]?(\w+)/i.exec(sql)?.[1] ?? "";
  return `${verb} ${table}`.trim();
}

const tagNow = () => als.getStore() ?? "other";
const bump = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

const origPrepare = Database.prototype.prepare;
Database.prototype.prepare = function (this: unknown, sql: string) {
  bump(counts, `${tagNow()}|${classify(sql)}`, 1);
  return origPrepare.call(this, sql);
};
// Statement execution time (the adapter runs every statement through run() or raw().all()).
const scratch = new Database(":memory:");
const Statement = Object.getPrototypeOf(scratch.prepare("SELECT 1"));
scratch.close();
for (const method of ["run", "all", "get"] as const) {
  const orig = Statement[method];
  Statement[method] = function (this: unknown, ...args: unknown[]) {
    const t = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      bump(sqliteMs, tagNow(), performance.now() - t);
    }
  };
}

function tagMethod(proto: Record<string, any>, method: string, tag: (self: any, args: any[]) => string): void {
  const orig = proto[method];
  if (typeof orig !== "function") throw new Error(`probe: ${method} not found`);
  proto[method] = function (this: unknown, ...args: unknown[]) {
    return als.run(tag(this, args), () => orig.apply(this, args));
  };
}

const { JobRunner } = await import("../../src/app/jobs.ts");
const { EventProcessor } = await import("../../src/app/processor.ts");
const { OutboxSender } = await import("../../src/lark/sender.ts");
const { Ingest } = await import("../../src/app/ingest.ts");

const jobProto = JobRunner.prototype as unknown as Record<string, any>;
const runOne = jobProto.runOne;
jobProto.runOne = function (this: unknown, job: { kind: string; key: string }) {
  const tag = `job:${job.kind}`;
  return als.run(tag, async () => {
    const before = statementsOf(tag);
    const wallStart = Date.now();
    const startedAt = performance.now();
    try {
      return await runOne.call(this, job);
    } finally {
      jobs.push({ kind: job.kind, key: job.key, startedAt, endedAt: performance.now(), wallStart, statements: statementsOf(tag) - before });
    }
  });
};
tagMethod(EventProcessor.prototype as any, "runDue", () => "events");
tagMethod(OutboxSender.prototype as any, "drainOnce", () => "sender");
tagMethod(Ingest.prototype as any, "storeEvent", () => "ingest");
tagMethod(Ingest.prototype as any, "handleCard", () => "cards");

function statementsOf(tag: string): number {
  let n = 0;
  for (const [k, v] of counts) if (k.startsWith(`${tag}|`)) n += v;
  return n;
}

serveRpc({
  stats() {
    return { counts: Object.fromEntries(counts), sqliteMs: Object.fromEntries(sqliteMs), jobs, memory: process.memoryUsage() };
  },
  reset() {
    counts = new Map();
    sqliteMs = new Map();
    jobs = [];
  },
});
