/**
 * bench/README.md from a results file: the machine, the command, every target with the median
 * of the runs and each run, the statement count of the digest, and how to read the figures.
 */
import { writeFileSync } from "node:fs";
import { existingMonthSection } from "../month/report.ts";
import type { IngestResult } from "../scenarios/ingest.ts";
import type { SigninResult } from "../scenarios/signin.ts";
import type { ComputeResult, DeliveryResult } from "../scenarios/digest.ts";
import { median } from "./load.ts";

export interface BenchResults {
  when: string;
  command: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAtEnd: string };
  quick: boolean;
  durationSeconds: number;
  runs: Array<{
    load: string;
    ingest: IngestResult;
    signin: SigninResult;
    growth500: ComputeResult;
    digest: { load: string; compute: ComputeResult; delivery: DeliveryResult };
  }>;
  /** Issue 15: targets 1–3 on PostgreSQL, once with one instance and once with two. */
  postgres?: { skipped: string } | { seedSeconds: number; server: string; columns: PostgresColumn[] };
}

export interface PostgresColumn {
  instances: number;
  load: string;
  ingest: IngestResult;
  signin: SigninResult;
  compute: ComputeResult;
  delivery: DeliveryResult;
}

/**
 * Target 1c as restated by issue 15: no instance may send faster than Lark's 50 messages a
 * second per app, so events processed to their reply need 4 × that per instance, not 500/s.
 */
const PROCESSING_GOAL = 200;

type Row = { target: string; goal: string; values: number[]; format: (v: number) => string; pass: (v: number) => boolean };

const f0 = (v: number) => v.toFixed(0);
const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

function rows(r: BenchResults): Row[] {
  const runs = r.runs;
  return [
    { target: "1 · acknowledged events/s, closed loop, 50 connections", goal: "≥ 1,000/s", values: runs.map((x) => x.ingest.closed.perSecond), format: f0, pass: (v) => v >= 1000 },
    { target: "1 · ceiling: bare endpoint (verify + decrypt), same load", goal: "(reference)", values: runs.map((x) => x.ingest.bare.perSecond), format: f0, pass: () => true },
    { target: "1 · bot / ceiling", goal: "(reference)", values: runs.map((x) => x.ingest.ratio), format: pct, pass: () => true },
    { target: "1 · open loop 300/s for 10 s: ack latency p99", goal: "≤ 50 ms", values: runs.map((x) => x.ingest.open.p99), format: (v) => `${f1(v)} ms`, pass: (v) => v <= 50 },
    { target: "1 · events processed to their reply, sustained, per instance", goal: `≥ ${PROCESSING_GOAL}/s`, values: runs.map((x) => x.ingest.processing.perSecond), format: (v) => `${f0(v)}/s`, pass: (v) => v >= PROCESSING_GOAL },
    { target: "2 · 签到 storm (5,000 members, 200 branches): callback p99", goal: "≤ 100 ms", values: runs.map((x) => x.signin.p99), format: (v) => `${f1(v)} ms`, pass: (v) => v <= 100 },
    { target: "2 · sign-ins counted (expected 5,000, each once)", goal: "= 5,000", values: runs.map((x) => x.signin.signedIn), format: f0, pass: (v) => v === 5000 },
    { target: "3 · 2,000 branches: all digests computed", goal: "≤ 10 s", values: runs.map((x) => x.digest.compute.seconds), format: (v) => `${f2(v)} s`, pass: (v) => v <= 10 },
    { target: "3 · SQL statements of the digest job", goal: "bounded", values: runs.map((x) => x.digest.compute.statements), format: f0, pass: () => true },
    { target: "3 · delivered at share of the allowed rate", goal: "≥ 90 %", values: runs.map((x) => x.digest.delivery.shareOfAllowedRate), format: pct, pass: (v) => v >= 0.9 },
    { target: "3 · duplicates / losses", goal: "0 / 0", values: runs.map((x) => x.digest.delivery.duplicates + x.digest.delivery.missing), format: f0, pass: (v) => v === 0 },
    { target: "4 · peak RSS of the bot during target 3", goal: "≤ 300 MB", values: runs.map((x) => x.digest.delivery.peakRssMb), format: (v) => `${f0(v)} MB`, pass: (v) => v <= 300 },
    { target: "5 · digest computation, 500 branches", goal: "(reference)", values: runs.map((x) => x.growth500.seconds), format: (v) => `${f2(v)} s`, pass: () => true },
    { target: "5 · time(2,000) / time(500)", goal: "≤ 4.5", values: runs.map((x) => x.digest.compute.seconds / x.growth500.seconds), format: f2, pass: (v) => v <= 4.5 },
  ];
}

function table(r: BenchResults): string {
  const head = `| Target | Goal | Median | ${r.runs.map((_, i) => `Run ${i + 1}`).join(" | ")} | Met |`;
  const sep = `|---|---|---|${r.runs.map(() => "---").join("|")}|---|`;
  const lines = rows(r).map((row) => {
    const m = median(row.values);
    return `| ${row.target} | ${row.goal} | **${row.format(m)}** | ${row.values.map(row.format).join(" | ")} | ${row.goal.startsWith("(") || row.goal === "bounded" ? "" : row.pass(m) ? "yes" : "**no**"} |`;
  });
  return [head, sep, ...lines].join("\n");
}

function details(r: BenchResults): string {
  const out: string[] = [];
  r.runs.forEach((x, i) => {
    const { ingest: g, signin: s, digest: d, growth500: gr } = x;
    out.push(`**Run ${i + 1}** (load average at start: ${x.load} / ${d.load})`);
    out.push(`- Target 1: closed loop ${g.closed.events} events in ${f1(g.closed.seconds)} s (ack p50 ${f1(g.closed.p50)} ms, p99 ${f1(g.closed.p99)} ms, non-200: ${g.closed.non200}); bare endpoint ${g.bare.events} in ${f1(g.bare.seconds)} s; open loop ${g.open.offered} offered, ack p50 ${f1(g.open.p50)} ms, p99 ${f1(g.open.p99)} ms, max ${f0(g.open.max)} ms, non-200: ${g.open.non200}; processing ${g.processing.events} events to their replies in ${f1(g.processing.seconds)} s, missing replies ${g.processing.missing}, duplicated replies ${g.processing.duplicates}.`);
    out.push(`- Target 2: ${s.clicks} callbacks (${s.redeliveries} redelivered by Lark, ${s.doubleClicks} second clicks) in ${s.windowSeconds} s; p50 ${f1(s.p50)} ms, p99 ${f1(s.p99)} ms, max ${f0(s.max)} ms; non-200: ${s.non200}${s.non200 ? ` (${s.non200Causes.join(", ")})` : ""}; failure toasts: ${s.failedToasts}; signed in ${s.signedIn}/${s.expectedSignIns}; click rows ${s.clickRows}; redeliveries answered with the first answer: ${s.redeliveriesAnsweredAlike}/${s.redeliveries}.`);
    out.push(`- Target 3: ${d.compute.organisations} organisations in ${f2(d.compute.seconds)} s (${f2(d.compute.sqliteSeconds)} s of it inside SQLite), ${d.compute.statements} statements; delivered ${d.delivery.delivered}/${d.delivery.expected} in ${f1(d.delivery.seconds)} s (the limits allow ${f1(d.delivery.idealSeconds)} s), ${f0(d.delivery.perMinute)} messages/min, rate-limited calls ${d.delivery.rateLimitedCalls}, duplicates ${d.delivery.duplicates}, missing ${d.delivery.missing}; peak RSS ${f0(d.compute.peakRssMb)} MB after computing, ${f0(d.delivery.peakRssMb)} MB at the end.`);
    out.push(`- Target 5: 500 branches (505 organisations) in ${f2(gr.seconds)} s, ${gr.statements} statements.`);
    out.push("");
  });
  return out.join("\n");
}

/** Each command alone, median over the runs: what the mix of target 1 is made of. */
function perCommand(r: BenchResults): string {
  const commands = r.runs[0]!.ingest.perCommand.map((c) => c.command);
  const head = `| Command | Events/s to the reply (median) | ${r.runs.map((_, i) => `Run ${i + 1}`).join(" | ")} |`;
  const sep = `|---|---|${r.runs.map(() => "---").join("|")}|`;
  const lines = commands.map((command) => {
    const values = r.runs.map((x) => x.ingest.perCommand.find((c) => c.command === command)?.perSecond ?? NaN);
    return `| \`${command}\` | **${f0(median(values))}** | ${values.map(f0).join(" | ")} |`;
  });
  return [head, sep, ...lines].join("\n");
}

/** Said only while the processing target is missed: why, and what it would take. */
function processingGap(r: BenchResults): string {
  const rate = median(r.runs.map((x) => x.ingest.processing.perSecond));
  if (rate >= 500) return "";
  return `
### Processing: the restated target, and why it stays below 500 events/s

Issue 10 asked for 500 events/s processed to their reply. Issue 15 restated the target: no instance may send faster than Lark's 50 messages a second per app, so processing faster than about four times that per instance (≥ ${PROCESSING_GOAL}/s for the mix) only builds a queue in the outbox; with several instances on PostgreSQL the capacity adds up while the sending ceiling stays the app's. The figure below 500/s comes from the CPU cost per event.

The bot's process is busy all the time while it works through the backlog (one core; the fake platform and this driver share the other), so the rate is its CPU cost per event: about ${f1(1000 / rate)} ms for the mix. Of a cheap command's cost, about half is the database layer — each statement costs 100–150 µs through Prisma's client even with its plan cached (the same lookup by primary key takes under 10 µs in better-sqlite3 itself) — and the rest is HTTP in and out (the SDK's axios call per reply), card rendering and garbage collection. The mix holds reports that read a lot: \`/小结\` computes the branch's digest sections (about 40 statements), \`/会议\` lists meetings with their attendance. Reaching 500/s for this mix would take roughly halving the cost per statement or the statements per event again — e.g. reading an organisation's roster once per batch instead of once per event, or a leaner data path than Prisma 6.19 for the hottest statements; both are open.
`;
}

/** The PostgreSQL columns beside the SQLite medians (issue 15). */
function postgresSection(r: BenchResults): string {
  const p = r.postgres;
  if (!p) return "";
  if ("skipped" in p) return `\n## PostgreSQL (issue 15)\n\nNot measured in this run: ${p.skipped}.\n`;
  const runs = r.runs;
  const lines: Array<[string, string, (x: { ingest: IngestResult; signin: SigninResult; compute: ComputeResult; delivery: DeliveryResult }) => string]> = [
    ["1 · acknowledged events/s, closed loop, 50 connections", "≥ 1,000/s", (x) => f0(x.ingest.closed.perSecond)],
    ["1 · open loop 300/s for 10 s: ack latency p99", "≤ 50 ms", (x) => `${f1(x.ingest.open.p99)} ms`],
    ["1 · events processed to their reply, sustained (all instances)", `≥ ${PROCESSING_GOAL}/s per instance`, (x) => `${f0(x.ingest.processing.perSecond)}/s`],
    ["1 · missing / duplicated replies", "0 / 0", (x) => `${x.ingest.processing.missing} / ${x.ingest.processing.duplicates}`],
    ["2 · 签到 storm: callback p99", "≤ 100 ms", (x) => `${f1(x.signin.p99)} ms`],
    ["2 · sign-ins counted", "= 5,000", (x) => f0(x.signin.signedIn)],
    ["3 · 2,000 branches: all digests computed", "≤ 10 s", (x) => `${f2(x.compute.seconds)} s`],
    ["3 · delivered at share of the allowed rate", "≥ 90 %", (x) => pct(x.delivery.shareOfAllowedRate)],
    ["3 · duplicates / losses", "0 / 0", (x) => `${x.delivery.duplicates} / ${x.delivery.missing}`],
    ["4 · peak RSS (the largest instance)", "≤ 300 MB", (x) => `${f0(x.delivery.peakRssMb)} MB`],
  ];
  const sqliteRuns = (fmt: (x: { ingest: IngestResult; signin: SigninResult; compute: ComputeResult; delivery: DeliveryResult }) => string) =>
    runs.map((x) => fmt({ ingest: x.ingest, signin: x.signin, compute: x.digest.compute, delivery: x.digest.delivery })).join(" · ");
  const head = `| Target | Goal | SQLite, 1 instance (each run) | ${p.columns.map((c) => `PostgreSQL ${p.server}, ${c.instances} instance${c.instances > 1 ? "s" : ""}`).join(" | ")} |`;
  const sep = `|---|---|---|${p.columns.map(() => "---").join("|")}|`;
  const body = lines.map(([target, goal, fmt]) => `| ${target} | ${goal} | ${sqliteRuns(fmt)} | ${p.columns.map((c) => `**${fmt(c)}**`).join(" | ")} |`);
  const detail = p.columns.map((c) => `- ${c.instances} instance${c.instances > 1 ? "s" : ""} (load average at start ${c.load}): closed loop ${c.ingest.closed.events} events in ${f1(c.ingest.closed.seconds)} s (ack p50 ${f1(c.ingest.closed.p50)} ms, p99 ${f1(c.ingest.closed.p99)} ms, non-200: ${c.ingest.closed.non200}); open loop non-200: ${c.ingest.open.non200}; processing ${c.ingest.processing.events} events in ${f1(c.ingest.processing.seconds)} s; sign-in storm ${c.signin.clicks} callbacks, non-200: ${c.signin.non200}, failure toasts: ${c.signin.failedToasts}; digests delivered ${c.delivery.delivered}/${c.delivery.expected} in ${f1(c.delivery.seconds)} s (the limits allow ${f1(c.delivery.idealSeconds)} s), rate-limited calls ${c.delivery.rateLimitedCalls}.`);
  return `
## PostgreSQL (issue 15): one run each, one and two instances on one database

The same bot, load and checks on PostgreSQL ${p.server} (Debian's server, a private cluster started by the benchmark with durability off, as the tests run it: fsync, synchronous commit and full-page writes off — a production server with them on is slower on commits). The seeded database is copied in once (${f0(p.seedSeconds)} s) and each target starts from a fresh clone of it (\`CREATE DATABASE … TEMPLATE\`). With two instances, events and clicks alternate between them as behind a load balancer, and both share Lark's limits through the database (src/lark/shared-limits.ts); the digest tick is one job, so one instance computes it and both deliver. The bot, the server, the fake platform and the load generator share ${r.machine.cpus} cores, so a second instance adds processes, not cores: the figures report, they do not promise scaling. One run per column (the SQLite column lists each of its runs).

${[head, sep, ...body].join("\n")}

${detail.join("\n")}
`;
}

function statements(r: BenchResults): string {
  const byKind = r.runs[0]!.digest.compute.statementsByKind;
  const sorted = Object.entries(byKind).sort((a, b) => b[1] - a[1]);
  return sorted.map(([k, v]) => `\`${k}\` ${v}`).join(" · ");
}

export function writeReport(r: BenchResults, file: string): void {
  const m = r.machine;
  const text = `# Benchmarks at committee scale (issue 10)

Generated by \`${r.command}\` on ${r.when} in ${Math.round(r.durationSeconds)} s. Do not edit by hand: run the command again.

**Machine:** ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGb.toFixed(1)} GB memory, Node ${m.node}, SQLite through Prisma 6.19 (better-sqlite3 driver adapter). Load average at the end: ${m.loadAtEnd}. The machine is shared: compare runs only at a similar load.

**Command:** \`npm run bench\` (the SQLite runs take under 10 minutes, the PostgreSQL columns about as long again; \`npm run bench -- --no-postgres\` leaves them out, \`npm run bench -- --quick\` is a one-run smoke test that leaves this file alone). Raw figures: \`bench/results/latest.json\`.

## Targets against measurements (median of ${r.runs.length} runs)

${table(r)}

## What runs

- **The real bot process**, compiled as production runs it (\`npm run build\`, then \`node dist/src/main.js\`; the benchmark compiles it first) in webhook mode, its database a copy of a seeded file, \`LARK_DOMAIN\` pointing at the fake platform, \`BOT_CLOCK\` at Monday 2026-11-30 08:59:57 (target 3) or 14:20 (targets 1 and 2), \`LOG_LEVEL=warn\`. For target 3 (and the 500-branch run) \`bench/lib/probe.ts\` (compiled beside the bot) is preloaded: it counts the SQL statements the Prisma adapter runs, attributes them to the job that issued them, times the jobs and samples memory; it changes nothing the bot does.
- **The fake Lark platform** (\`src/sandbox/fake-platform\`) in a child process of its own, over loopback: it records every message the bot sends (and dedupes by uuid as Lark does); for target 3 it enforces Lark's documented limits (50/s and 1,000/min per app, 5/s per chat), for targets 1 and 2 the limits are off (\`LARK_SEND_LIMITS=100000/s,10000000/min,100000/s\` on the bot).
- **The load generator** (this driver, \`bench/run.ts\`): Lark's envelopes, AES-256-CBC encrypted and signed (\`X-Lark-Signature\`), posted over keep-alive HTTP/1.1. Closed loop: 50 connections, each posts the next event when the previous is acknowledged. Open loop: requests start on a fixed schedule whatever the answers do, and latency counts from the scheduled instant (so a stalled server cannot hide its queue).
- **Seeded data** (\`bench/lib/seed.ts\`, better-sqlite3 prepared statements in one transaction, about 10 s; cached in the temp directory while the schema and the seed are unchanged): 20 committees and 2,000 branches of 30 members (书记, 副书记, 3 委员, 22 正式党员, 2 预备党员, 1 非党员, 3 党小组) with a year of meetings (支委会 and 主题党日 monthly, 党小组会 monthly per group, 党员大会 and 党课 quarterly, 组织生活会; 8 % skipped), final attendance and sign-ins (about 2 million rows), confirmed minutes with resolutions and follow-up actions, 6 rectification items per branch in every state, open warnings; 500 branches the same way for target 5. Each run works on a fresh copy.

## Reading the figures

- **Target 1.** *Acknowledged/s* counts 200 answers in the closed loop; the bot stores every event before answering (group commit: the events that arrive during one insert are written by the next). The *ceiling* is the same Koa route — raw body, signature, timestamp, token, AES decryption, the SDK's dispatch — with a handler that stores nothing, in its own process under the same load, in the same run. *Processed* is the closed loop's events to their replies on the fake platform: the replies that came after the closed loop ended ÷ (last reply − end of the closed loop), a window in which the bot only works through its backlog. Commands: ${"`/成员` `/会议` `/计划` `/小结` `/预警` `/党小组` `/会议规则` `/帮助`"}, each from a member of one of the 2,000 branches (so no chat gets more than a few).
- **Target 2.** 200 branches have a 党员大会 at 14:30; the bot posts the sign-in cards itself at start (its 14:15 job). 25 members of each click 签到 at random instants within the window (an open loop); 10 % of the clicks are redelivered by "Lark" 0.5–3 s later (same event, re-signed) and 5 % of the members click twice. *Counted* reads the bot's database afterwards: members with a sign-in time.
- **Target 3.** One digest per organisation (2,000 branch digests and 20 committee roll-ups), the tick job from claim to done as the probe timed it inside the bot. Statements are every SQL statement the job issued (reads and writes, BEGIN/COMMIT included); they grow with the number of chunks (one committee and its branches per transaction), not with members, meetings or attendance. *Share of the allowed rate* = the fastest schedule Lark's limits allow for the same number of messages ÷ the measured first-to-last delivery time. Duplicates are chats with two digests or uuids delivered twice; losses are organisations without their digest.
- **Target 4.** The kernel's high-water mark (VmHWM) of the bot process: from its start, through the computation, to the last delivery.
- **Target 5.** The same computation at 500 and 2,000 branches (same data per branch): linear growth gives 4.0.
- The three target-3 runs each use their own bot and fake platform (their own app, their own limits). Run *k*+1 starts once run *k* has computed its digests, so computations never overlap; deliveries do (each is two minutes of waiting for Lark's limits), which keeps the whole benchmark under ten minutes.

## Each command alone (target 1's mix, 150 events each, 10 connections)

${perCommand(r)}
${processingGap(r)}${postgresSection(r)}
## What made the difference

Before these changes, the first full run of this benchmark (2026-11-27 03:51 UTC, median of 3) measured 648 events/s acknowledged, open-loop p99 45.7 ms, 83 events/s processed, a sign-in storm p99 of 43 s with 4,998 of 5,000 sign-ins counted, 9.19 s for the 2,000 digests and a peak RSS of 307 MB.
- **Query plans cached** (\`src/db/plan-cache.ts\`): Prisma 6.19 compiled every query afresh in its WebAssembly compiler (0.45 ms of a 0.56 ms lookup). Values are replaced by sentinels, a shape is compiled once, later queries get a copy of its plan with their values; a shape whose values the compiler transforms or branches on is not cached. Every test runs with \`ZHIBU_PLAN_CACHE_VERIFY=1\`, which compiles each cached query again and fails on any difference.
- **Prepared statements reused** (\`src/db/statement-cache.ts\`): the adapter prepared every statement again.
- **Several stored events per transaction** (\`src/app/processor.ts\`): up to 8 ms of events commit together, and a batch commits early when a push from Lark waits to be stored; a failing event rolls its batch back and the batch is redone one event per transaction.
- **Events stored in groups** (\`src/app/ingest.ts\`): the pushes that arrive together are written by one statement before their 200s.
- **The compiled bot** (\`npm run build\`): without tsx's loader thread the process needs about 50 MB less.
- **Idle connections kept open 65 s** (\`src/runtime.ts\`): the server closed idle keep-alive connections after Node's default 5 s, racing with a request already on its way; one card callback in 5,752 was lost that way before.

## Statements of the digest job (run 1)

${statements(r)}

## Each run

${details(r)}
`;
  const month = existingMonthSection(file);
  writeFileSync(file, month ? `${text}\n${month}\n` : text);
}
