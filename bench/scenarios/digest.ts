/**
 * Targets 3–5: the Monday 09:00 weekly digests of every organisation (one tick job, chunks of
 * a committee and its branches), computed by the real bot from a year of seeded data, then
 * delivered to a fake platform that enforces Lark's per-app and per-chat send limits.
 * - compute time: the tick job from claim to done (the probe times it inside the bot);
 * - statements: every SQL statement the job issued, by kind;
 * - peak RSS: the kernel's high-water mark of the bot process (VmHWM), start to last delivery;
 * - delivery: every digest card exactly once (uuid deliveries and per-chat counts), at what
 *   share of the rate Lark allows (the ideal schedule under the same limits, computed).
 */
import type { BotHandle } from "../lib/bot.ts";
import type { RpcClient } from "../lib/ipc.ts";
import type { SeedPlan } from "../lib/seed.ts";

export interface ComputeResult {
  organisations: number;
  seconds: number;
  statements: number;
  statementsByKind: Record<string, number>;
  sqliteSeconds: number;
  peakRssMb: number;
}

export interface DeliveryResult {
  expected: number;
  delivered: number;
  duplicates: number;
  missing: number;
  seconds: number;
  idealSeconds: number;
  shareOfAllowedRate: number;
  perMinute: number;
  rateLimitedCalls: number;
  peakRssMb: number;
}

interface ProbeJob {
  kind: string;
  startedAt: number;
  endedAt: number;
  wallStart: number;
  statements: number;
}

/** The highest peak RSS of the instances, MB. */
const peakOf = (bots: BotHandle[]) => Math.max(...bots.map((b) => b.peakRssMb()));

/**
 * Waits until a probe reports the digest tick job done (with several instances, whichever ran
 * it); returns its figures.
 */
export async function waitForDigestCompute(instances: BotHandle | BotHandle[], plan: SeedPlan, timeoutMs = 300_000): Promise<ComputeResult> {
  const bots = Array.isArray(instances) ? instances : [instances];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const bot of bots) {
      const stats = await bot.probe!.call("stats");
      const tick = (stats.jobs as ProbeJob[]).find((j) => j.kind === "digest.tick");
      if (tick) {
        const prefix = "job:digest.tick|";
        const byKind: Record<string, number> = {};
        for (const [k, v] of Object.entries(stats.counts as Record<string, number>)) if (k.startsWith(prefix)) byKind[k.slice(prefix.length)] = v;
        const sqliteMs = Object.entries(stats.sqliteMs as Record<string, number>).filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
        return {
          organisations: plan.branches + plan.committees,
          seconds: (tick.endedAt - tick.startedAt) / 1000,
          statements: tick.statements,
          statementsByKind: byKind,
          sqliteSeconds: sqliteMs / 1000,
          peakRssMb: peakOf(bots),
        };
      }
    }
    if (Date.now() > deadline) throw new Error("the digest tick did not finish in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The earliest each send may go under sliding per-app limits (what the bot's limiter allows). */
export function idealMakespanMs(n: number, perSecond: number, perMinute: number): number {
  const t: number[] = [];
  for (let i = 0; i < n; i++) {
    let at = i > 0 ? t[i - 1]! : 0;
    if (i >= perSecond) at = Math.max(at, t[i - perSecond]! + 1000);
    if (i >= perMinute) at = Math.max(at, t[i - perMinute]! + 60_000);
    t.push(at);
  }
  return n > 0 ? t[n - 1]! : 0;
}

/** Waits for every organisation's digest on the fake platform, then checks them. */
export async function waitForDelivery(fake: RpcClient, instances: BotHandle | BotHandle[], plan: SeedPlan, timeoutMs = 300_000): Promise<DeliveryResult> {
  const bots = Array.isArray(instances) ? instances : [instances];
  const expected = plan.branches + plan.committees;
  const deadline = Date.now() + timeoutMs;
  let items: Array<{ chatId: string; createTime: number; uuid?: string; title?: string }> = [];
  for (;;) {
    items = ((await fake.call("botMessages", 0)).items as typeof items).filter((m) => m.title?.endsWith("周报"));
    if (items.length >= expected || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 1000)); // a duplicate would show up right behind
  items = ((await fake.call("botMessages", 0)).items as typeof items).filter((m) => m.title?.endsWith("周报"));
  const perChat = new Map<string, number>();
  for (const m of items) perChat.set(m.chatId, (perChat.get(m.chatId) ?? 0) + 1);
  const times = items.map((m) => m.createTime).sort((a, b) => a - b);
  const seconds = times.length > 1 ? (times.at(-1)! - times[0]!) / 1000 : 0;
  const idealSeconds = idealMakespanMs(items.length, 50, 1000) / 1000;
  const calls = await fake.call("calls", 0);
  const rateLimited = Object.entries(calls.byOutcome as Record<string, number>).filter(([k]) => / 429 | code=230020/.test(k)).reduce((a, [, v]) => a + v, 0);
  const uuidDuplicates: number = await fake.call("duplicateUuids");
  return {
    expected,
    delivered: perChat.size,
    duplicates: [...perChat.values()].filter((n) => n > 1).length + uuidDuplicates,
    missing: expected - perChat.size,
    seconds,
    idealSeconds,
    shareOfAllowedRate: seconds > 0 ? idealSeconds / seconds : 1,
    perMinute: seconds > 0 ? ((items.length - 1) / seconds) * 60 : 0,
    rateLimitedCalls: rateLimited,
    peakRssMb: peakOf(bots),
  };
}
