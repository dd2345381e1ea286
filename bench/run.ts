/**
 * `npm run bench`: every target of issue 10, three times, against the real bot process
 * (`node --import tsx src/main.ts`, webhook mode) and the fake Lark platform over loopback,
 * then bench/README.md with the machine, the command, the medians and every run.
 *
 * Processes: the driver (this file: seeding, load generation, checks), the bot, and the fake
 * platform in a child of its own, so the platform's bookkeeping does not run on the bot's event
 * loop; on two cores the three share the machine as a bot, Lark and a client would.
 *
 * Then the PostgreSQL columns (issue 15): targets 1–3 once with one instance and once with two
 * instances on one database, where Debian's postgresql is installed.
 *
 * Options: --runs N (default 3), --fresh (re-seed even if a seeded database is cached),
 * --quick (shorter loads and one run: a smoke test of the harness, not a measurement),
 * --no-postgres (the SQLite runs only).
 */
import { execSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { cpus, loadavg, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { buildBot, startBot, ROOT, type BotHandle } from "./lib/bot.ts";
import { forkTs, type RpcClient } from "./lib/ipc.ts";
import { CREDENTIALS } from "./lib/lark.ts";
import { AFTERNOON, DIGEST_TIME, planFor, seedDatabase, type SeedPlan } from "./lib/seed.ts";
import { fakeWorld } from "./lib/world.ts";
import { runIngest, type IngestResult } from "./scenarios/ingest.ts";
import { runSignin, type SigninResult } from "./scenarios/signin.ts";
import { waitForDelivery, waitForDigestCompute, type ComputeResult, type DeliveryResult } from "./scenarios/digest.ts";
import { writeReport, type BenchResults, type PostgresColumn } from "./lib/report.ts";
import { findPostgresBin, startBenchPostgres, type BenchPostgres } from "./lib/postgres.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs = Number(args[args.indexOf("--runs") + 1]) || (quick ? 1 : 3);
const fresh = args.includes("--fresh");
const LIMITS_OFF = "100000/s,10000000/min,100000/s";
const WORK = join(tmpdir(), "zhibu-bench");
const started = Date.now();

const children: Array<{ kill(): void }> = [];
process.on("exit", () => children.forEach((c) => c.kill()));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(130));

function log(line: string): void {
  const s = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.log(`[${s}s] ${line}`);
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(" ");

/** A seeded database per size, reused while the schema and the seed are unchanged. */
function seeded(plan: SeedPlan): string {
  const migrations = execSync("cat prisma/migrations/*/migration.sql", { cwd: ROOT });
  const key = createHash("sha256").update(migrations).update(readFileSync(join(ROOT, "bench/lib/seed.ts"))).update(JSON.stringify(plan)).digest("hex").slice(0, 12);
  const file = join(WORK, `seed-${plan.branches}-${key}.db`);
  if (existsSync(file) && !fresh) {
    log(`seeded database for ${plan.branches} branches: cached (${file})`);
    return file;
  }
  const t = Date.now();
  for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
  const counts = seedDatabase(file, plan);
  log(`seeded ${plan.branches} branches in ${((Date.now() - t) / 1000).toFixed(1)} s: ${counts.member} members, ${counts.meeting} meetings, ${counts.attendance} attendance rows, ${counts.minutes} minutes, ${counts.item} rectification items`);
  return file;
}

function copyOf(base: string, name: string): string {
  const file = join(WORK, `${name}.db`);
  for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
  copyFileSync(base, file);
  return file;
}

async function startFake(plan: SeedPlan, limits: boolean): Promise<{ fake: RpcClient; url: string }> {
  const fake = forkTs(join(ROOT, "bench/lib/fake-server.ts"));
  children.push(fake.child);
  await fake.ready;
  const url: string = await fake.call("start", CREDENTIALS);
  await fake.call("addWorld", fakeWorld(plan));
  await fake.call("setRateLimits", { enabled: limits });
  return { fake, url };
}

async function launch(opts: Parameters<typeof startBot>[0]): Promise<BotHandle> {
  const bot = await startBot(opts);
  children.push(bot.child);
  return bot;
}

interface RunA {
  load: string;
  ingest: IngestResult;
  signin: SigninResult;
  growth500: ComputeResult;
}

/**
 * Target 1 on a bot with the send limits off (as the issue asks), target 2 on a fresh bot with
 * Lark's limits (as in production; its sign-in cards are posted at its start), then the
 * 500-branch digest for target 5. The same afternoon each time, each on a fresh copy.
 */
async function runTargets12(i: number, base2000: string, base500: string): Promise<RunA> {
  const loadNow = load();
  log(`run ${i}: target 1 (load average ${loadNow})`);
  const plan = planFor(2000);
  const f1 = await startFake(plan, false);
  const bot1 = await launch({ database: copyOf(base2000, `events-${i}`), fakeUrl: f1.url, clock: AFTERNOON, sendLimits: LIMITS_OFF });
  const ingest = await runIngest(f1.fake, bot1.url, plan, {
    closedSeconds: 2, openRate: 300, openSeconds: quick ? 3 : 10, connections: 50, perCommandEvents: quick ? 50 : 150, log,
  });
  log(`  acks ${ingest.closed.perSecond.toFixed(0)}/s (bare ${ingest.bare.perSecond.toFixed(0)}/s), open p99 ${ingest.open.p99.toFixed(1)} ms, processing ${ingest.processing.perSecond.toFixed(0)}/s`);
  await bot1.stop();
  f1.fake.child.kill();

  log(`run ${i}: target 2 (load average ${load()})`);
  const f2 = await startFake(plan, true);
  const storm = copyOf(base2000, `storm-${i}`);
  const bot2 = await launch({ database: storm, fakeUrl: f2.url, clock: AFTERNOON });
  const signin = await runSignin(f2.fake, bot2.url, {
    members: 25, windowSeconds: quick ? 10 : 60, redeliveredShare: 0.1, doubleClickShare: 0.05, database: storm, log,
  });
  log(`  sign-in storm: p99 ${signin.p99.toFixed(1)} ms, ${signin.signedIn}/${signin.expectedSignIns} signed in`);
  await bot2.stop();
  f2.fake.child.kill();

  const small = planFor(500);
  const f3 = await startFake(small, false);
  const bot500 = await launch({ database: copyOf(base500, `digest500-${i}`), fakeUrl: f3.url, clock: new Date(DIGEST_TIME.getTime() - 3000), sendLimits: LIMITS_OFF, probe: true });
  const growth500 = await waitForDigestCompute(bot500, small);
  log(`  digests of 500 branches computed in ${growth500.seconds.toFixed(2)} s`);
  await bot500.stop();
  f3.fake.child.kill();
  return { load: loadNow, ingest, signin, growth500 };
}

interface RunB {
  load: string;
  compute: ComputeResult;
  delivery: DeliveryResult;
}

/**
 * Target 3 (and 4): one bot per run, each from its own copy, each against its own fake platform
 * (own app, own limits). A run starts when the previous one's digests are computed, so the
 * computations never overlap; the deliveries (two minutes each at 1,000 messages a minute, the
 * bot mostly waiting for the limits) do.
 */
async function runTargets34(base2000: string): Promise<RunB[]> {
  const plan = planFor(2000);
  const pending: Array<Promise<RunB>> = [];
  for (let i = 1; i <= runs; i++) {
    const loadNow = load();
    log(`run ${i}: target 3, weekly digests of ${plan.branches} branches (load average ${loadNow})`);
    const { fake, url } = await startFake(plan, true);
    const bot = await launch({ database: copyOf(base2000, `digest-${i}`), fakeUrl: url, clock: new Date(DIGEST_TIME.getTime() - 3000), probe: true });
    const compute = await waitForDigestCompute(bot, plan);
    log(`  run ${i}: computed in ${compute.seconds.toFixed(2)} s, ${compute.statements} statements; delivering…`);
    pending.push(
      waitForDelivery(fake, bot, plan).then(async (delivery) => {
        log(`  run ${i}: ${delivery.delivered}/${delivery.expected} delivered in ${delivery.seconds.toFixed(1)} s (${(delivery.shareOfAllowedRate * 100).toFixed(1)} % of the allowed rate), peak RSS ${delivery.peakRssMb.toFixed(0)} MB`);
        await bot.stop();
        fake.child.kill();
        return { load: loadNow, compute, delivery };
      }),
    );
  }
  return Promise.all(pending);
}

/** Starts `count` instances of the bot on one database, each on its own port. */
async function launchInstances(count: number, opts: Parameters<typeof startBot>[0]): Promise<BotHandle[]> {
  const bots: BotHandle[] = [];
  for (let i = 0; i < count; i++) bots.push(await launch(opts));
  return bots;
}

/**
 * Targets 1–3 on PostgreSQL with `instances` bots sharing one database (a fresh clone of the
 * seeded one per target). Events and clicks are spread over the instances in turn, as a load
 * balancer in front of them would.
 */
async function runPostgresColumn(pgb: BenchPostgres, instances: number): Promise<PostgresColumn> {
  const plan = planFor(2000);
  const loadNow = load();
  log(`PostgreSQL, ${instances} instance(s): target 1 (load average ${loadNow})`);
  const f1 = await startFake(plan, false);
  const bots1 = await launchInstances(instances, { database: await pgb.clone(`events_${instances}`), fakeUrl: f1.url, clock: AFTERNOON, sendLimits: LIMITS_OFF });
  const ingest = await runIngest(f1.fake, bots1.map((b) => b.url), plan, {
    closedSeconds: 2, openRate: 300, openSeconds: quick ? 3 : 10, connections: 50, perCommandEvents: 0, log,
  });
  log(`  acks ${ingest.closed.perSecond.toFixed(0)}/s, open p99 ${ingest.open.p99.toFixed(1)} ms, processing ${ingest.processing.perSecond.toFixed(0)}/s`);
  await Promise.all(bots1.map((b) => b.stop()));
  f1.fake.child.kill();

  log(`PostgreSQL, ${instances} instance(s): target 2`);
  const f2 = await startFake(plan, true);
  const storm = await pgb.clone(`storm_${instances}`);
  const bots2 = await launchInstances(instances, { database: storm, fakeUrl: f2.url, clock: AFTERNOON });
  const signin = await runSignin(f2.fake, bots2.map((b) => b.url), {
    members: 25, windowSeconds: quick ? 10 : 60, redeliveredShare: 0.1, doubleClickShare: 0.05, database: storm, log,
  });
  log(`  sign-in storm: p99 ${signin.p99.toFixed(1)} ms, ${signin.signedIn}/${signin.expectedSignIns} signed in`);
  await Promise.all(bots2.map((b) => b.stop()));
  f2.fake.child.kill();

  log(`PostgreSQL, ${instances} instance(s): target 3`);
  const f3 = await startFake(plan, true);
  const bots3 = await launchInstances(instances, { database: await pgb.clone(`digest_${instances}`), fakeUrl: f3.url, clock: new Date(DIGEST_TIME.getTime() - 3000), probe: true });
  const compute = await waitForDigestCompute(bots3, plan);
  const delivery = await waitForDelivery(f3.fake, bots3, plan);
  log(`  computed in ${compute.seconds.toFixed(2)} s; ${delivery.delivered}/${delivery.expected} delivered in ${delivery.seconds.toFixed(1)} s (${(delivery.shareOfAllowedRate * 100).toFixed(1)} % of the allowed rate)`);
  await Promise.all(bots3.map((b) => b.stop()));
  f3.fake.child.kill();
  return { instances, load: loadNow, ingest, signin, compute, delivery };
}

async function runPostgres(base2000: string): Promise<BenchResults["postgres"]> {
  if (args.includes("--no-postgres")) return { skipped: "--no-postgres" };
  const bin = findPostgresBin();
  if (!bin) {
    log("PostgreSQL columns skipped: PostgreSQL's programs are not installed here (Debian: apt-get install postgresql)");
    return { skipped: "PostgreSQL is not installed on this machine" };
  }
  const t = Date.now();
  const pgb = await startBenchPostgres(bin, base2000, log);
  const seedSeconds = (Date.now() - t) / 1000;
  try {
    const columns = [await runPostgresColumn(pgb, 1), await runPostgresColumn(pgb, 2)];
    return { seedSeconds, server: pgb.version, columns };
  } finally {
    pgb.server.stop();
  }
}

async function main(): Promise<void> {
  mkdirSync(WORK, { recursive: true });
  log(`zhibu-bot benchmarks: ${runs} run(s)${quick ? " (quick)" : ""}, load average ${load()}`);
  buildBot();
  log("bot compiled into dist/ (npm run build)");
  const base2000 = seeded(planFor(2000));
  const base500 = seeded(planFor(500));
  const a: RunA[] = [];
  for (let i = 1; i <= runs; i++) a.push(await runTargets12(i, base2000, base500));
  const b = await runTargets34(base2000);
  const postgres = await runPostgres(base2000);
  const results: BenchResults = {
    when: new Date().toISOString(),
    command: `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "?",
      memoryGb: totalmem() / 2 ** 30,
      node: process.version,
      loadAtEnd: load(),
    },
    quick,
    durationSeconds: (Date.now() - started) / 1000,
    runs: a.map((x, i) => ({ ...x, digest: b[i]! })),
    postgres,
  };
  mkdirSync(join(ROOT, "bench/results"), { recursive: true });
  // A quick run is a smoke test: it leaves the figures of the last full run alone.
  writeFileSync(quick ? join(WORK, "quick.json") : join(ROOT, "bench/results/latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  if (!quick) writeReport(results, join(ROOT, "bench/README.md"));
  log(`done in ${results.durationSeconds.toFixed(0)} s${quick ? " (quick run: bench/README.md left as it was)" : "; bench/README.md updated"}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
