/**
 * Preloaded into the bot process for target 3 only (`node --import tsx --import
 * bench/lib/probe.ts src/main.ts`). It observes and changes nothing the bot does:
 * - every SQL statement the Prisma adapter runs on better-sqlite3 is counted by verb and
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

let slowest: Array<{ ms: number; sql: string; count?: number }> = [];
/** Statements slower than this are listed with their text (BENCH_SLOW_MS, default 20). */
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 20);
// Every statement execution is counted and timed where it runs (the bot reuses prepared
// statements, src/db/statement-cache.ts, so preparing says nothing about how often one runs).
const scratch = new Database(":memory:");
const Statement = Object.getPrototypeOf(scratch.prepare("SELECT 1"));
scratch.close();
for (const method of ["run", "all", "get"] as const) {
  const orig = Statement[method];
  Statement[method] = function (this: { source: string }, ...args: unknown[]) {
    const key = `${tagNow()}|${classify(this.source)}`;
    bump(counts, key, 1);
    const t = performance.now();
    try {
      return orig.apply(this, args);
    } finally {
      const ms = performance.now() - t;
      bump(sqliteMs, key, ms);
      if (ms > SLOW_MS) {
        const sql = this.source.replace(/\?(,\?)+/g, "?…").slice(0, 700);
        const same = slowest.find((x) => x.sql === sql);
        if (same) (same.ms += ms), (same.count = (same.count ?? 1) + 1);
        else slowest.push({ ms, sql, count: 1 });
        slowest = slowest.sort((a, b) => b.ms - a.ms).slice(0, 10);
      }
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
const { planCacheStats } = await import("../../src/db/plan-cache.ts");
const { EventProcessor } = await import("../../src/app/processor.ts");
const { OutboxSender } = await import("../../src/lark/sender.ts");
const { Ingest } = await import("../../src/app/ingest.ts");

// Digest sections: time and statements per provider (wrapped as the features register them).
const { DigestSections } = await import("../../src/features/digest/sections.ts");
let providers = new Map<string, { ms: number; calls: number; statements: number }>();
const sectionsProto = DigestSections.prototype as unknown as Record<string, any>;
const register = sectionsProto.register;
sectionsProto.register = function (this: unknown, provider: { id: string; collect: (...a: unknown[]) => Promise<unknown> }) {
  const collect = provider.collect.bind(provider);
  const tag = `digest:${provider.id}`;
  return register.call(this, {
    ...provider,
    collect: async (...args: unknown[]) => {
      const t = performance.now();
      const outer = tagNow();
      const before = statementsOf(outer);
      try {
        return await collect(...args);
      } finally {
        const e = providers.get(tag) ?? { ms: 0, calls: 0, statements: 0 };
        e.ms += performance.now() - t;
        e.calls++;
        e.statements += statementsOf(outer) - before;
        providers.set(tag, e);
      }
    },
  });
};

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
// Diagnostics only (never set by `npm run bench`): the acknowledgement path with nothing processed.
if (process.env.BENCH_NO_PROCESSING) (EventProcessor.prototype as any).runDue = async () => 0;
if (process.env.BENCH_NO_JOBS) (JobRunner.prototype as any).runDue = async () => 0;
tagMethod(OutboxSender.prototype as any, "drainOnce", () => "sender");
tagMethod(Ingest.prototype as any, "storeEvent", () => "ingest");
tagMethod(Ingest.prototype as any, "handleCard", () => "cards");

function statementsOf(tag: string): number {
  let n = 0;
  for (const [k, v] of counts) if (k.startsWith(`${tag}|`)) n += v;
  return n;
}

// Memory, sampled: the peak of each part (what the kernel's VmHWM does not break down).
let peaks: Record<string, number> = {};
setInterval(() => {
  const m = process.memoryUsage() as unknown as Record<string, number>;
  for (const [k, v] of Object.entries(m)) peaks[k] = Math.max(peaks[k] ?? 0, v);
}, 50).unref();

serveRpc({
  stats() {
    return { planCache: planCacheStats(), counts: Object.fromEntries(counts), sqliteMs: Object.fromEntries(sqliteMs), slowest, jobs, providers: Object.fromEntries(providers), memory: process.memoryUsage(), peaks };
  },
  async memoryBreakdown() {
    const v8 = await import("node:v8");
    const { readFileSync } = await import("node:fs");
    const rollup = Object.fromEntries(
      readFileSync("/proc/self/smaps_rollup", "utf8").split("\n").map((l) => /^(\w+):\s+(\d+) kB/.exec(l)).filter(Boolean).map((m) => [m![1], Math.round(Number(m![2]) / 1024)]),
    );
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, Math.round(s.space_used_size / 1048576)]));
    const status = readFileSync("/proc/self/status", "utf8");
    return { rollup, spaces, threads: /Threads:\s+(\d+)/.exec(status)?.[1], memory: process.memoryUsage() };
  },
  reset() {
    counts = new Map();
    sqliteMs = new Map();
    slowest = [];
    providers = new Map();
    peaks = {};
    jobs = [];
  },
});
