/**
 * Target 1: signed and encrypted message events (commands typed by members of bound branches)
 * posted to POST /lark/events.
 * - closed loop, 50 connections: events acknowledged with 200 per second; the same run measures
 *   a bare endpoint (verify + decrypt only) on this machine as the ceiling;
 * - processing: every event of the closed loop to its reply on the fake platform (rate limits
 *   off); from the end of the closed loop to the last reply the backlog keeps the processor
 *   busy, so the replies in that window / its length is its sustained rate;
 * - open loop: 300 events/s on a fixed schedule for 10 s, acknowledgement latency p99.
 */
import { forkTs, type RpcClient } from "../lib/ipc.ts";
import { messageEnvelope, sign, type SignedPost } from "../lib/lark.ts";
import { closedLoop, openLoop, percentile, uniformSchedule, type LoadResult, type Target } from "../lib/load.ts";
import { branchOrgNo, chatIdOf, openIdOf, type SeedPlan } from "../lib/seed.ts";

/** Commands a member would type; each gets its reply (cards and texts of varied size). */
export const COMMANDS = ["/成员", "/会议", "/计划", "/小结", "/预警", "/党小组", "/会议规则", "/帮助"];

export interface IngestOptions {
  closedSeconds: number;
  openRate: number;
  openSeconds: number;
  connections: number;
  /** Events per command for the one-command-at-a-time rates. */
  perCommandEvents: number;
  log: (line: string) => void;
}

export interface IngestResult {
  closed: { events: number; seconds: number; perSecond: number; non200: number; p50: number; p99: number };
  bare: { events: number; seconds: number; perSecond: number; non200: number };
  ratio: number;
  processing: { events: number; seconds: number; perSecond: number; missing: number; duplicates: number };
  /** Each command alone: events to their replies per second (first post to last reply). */
  perCommand: Array<{ command: string; events: number; perSecond: number }>;
  open: { offered: number; seconds: number; non200: number; p50: number; p99: number; max: number };
}

let sequence = 0;

/** Distinct messages from members of many branches (so no chat sees more than a few). */
async function prepareEvents(fake: RpcClient, plan: SeedPlan, count: number, only?: string): Promise<Array<{ id: string; envelope: Record<string, unknown> }>> {
  const specs = Array.from({ length: count }, () => {
    const i = sequence++;
    const orgNo = branchOrgNo(plan, (i * 7919) % plan.branches);
    return { chatId: chatIdOf(orgNo), senderOpenId: openIdOf(orgNo, (i * 31) % 29), text: only ?? COMMANDS[i % COMMANDS.length]!, mentionBot: true };
  });
  const made: Array<{ messageId: string; event: Record<string, unknown> }> = [];
  for (let i = 0; i < specs.length; i += 2000) made.push(...(await fake.call("userMessages", specs.slice(i, i + 2000))));
  return made.map((m) => ({ id: m.messageId, envelope: messageEnvelope(m.event) }));
}

const signAll = (events: Array<{ id: string; envelope: Record<string, unknown> }>): SignedPost[] => events.map((e) => sign("/lark/events", e.envelope, e.id));

function pool(posts: SignedPost[]): () => SignedPost | undefined {
  let next = 0;
  return () => posts[next++];
}

/** Polls the fake platform until every message has a reply (or the time is up). */
async function waitForReplies(fake: RpcClient, ids: string[], timeoutMs: number): Promise<Array<{ count: number; first: number }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replies: Array<{ count: number; first: number }> = await fake.call("replies", ids);
    if (replies.every((r) => r.count > 0) || Date.now() > deadline) return replies;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ok = (r: LoadResult) => r.outcomes.filter((o) => o.status === 200);

/** One command only, 10 connections: from the first post to the last reply. */
async function commandAlone(fake: RpcClient, botUrl: Target, plan: SeedPlan, command: string, count: number) {
  const events = await prepareEvents(fake, plan, count, command);
  const started = Date.now();
  await closedLoop({ url: botUrl, connections: 10, durationMs: 60_000, next: pool(signAll(events)) });
  const replies = await waitForReplies(fake, events.map((e) => e.id), 120_000);
  const last = Math.max(...replies.map((r) => r.first));
  return { command, events: count, perSecond: count / ((last - started) / 1000) };
}

export async function runIngest(fake: RpcClient, botUrl: Target, plan: SeedPlan, opts: IngestOptions): Promise<IngestResult> {
  const { log } = opts;
  // Warm-up: JIT and caches, as a bot that has been running for a while.
  const warm = await prepareEvents(fake, plan, 300);
  await closedLoop({ url: botUrl, connections: opts.connections, durationMs: 60_000, next: pool(signAll(warm)) });
  await waitForReplies(fake, warm.map((w) => w.id), 120_000);

  // Closed loop.
  const closedEvents = await prepareEvents(fake, plan, Math.ceil(opts.closedSeconds * 3000));
  const closedPosts = signAll(closedEvents);
  log(`  closed loop: ${opts.connections} connections, ${opts.closedSeconds} s`);
  const closed = await closedLoop({ url: botUrl, connections: opts.connections, durationMs: opts.closedSeconds * 1000, next: pool(closedPosts) });
  const acked = ok(closed);
  const sentIds = closed.outcomes.map((o) => o.id);
  const closedSeconds = (closed.endedAt - closed.startedAt) / 1000;

  // Processing of the whole backlog, to the replies on the fake platform.
  log(`  processing ${sentIds.length} events to their replies`);
  const replies = await waitForReplies(fake, sentIds, 240_000);
  // From the end of the closed loop (the bot acknowledges first while pushes keep coming) to the
  // last reply, the backlog never runs dry: replies in that window / its length.
  const closedEndWall = closed.startedWall + (closed.endedAt - closed.startedAt);
  const lastReply = Math.max(...replies.map((r) => r.first));
  const inWindow = replies.filter((r) => r.first >= closedEndWall).length;
  const processingSeconds = (lastReply - closedEndWall) / 1000;

  // The ceiling: the same route without storage, in its own process, same load.
  const bare = forkTs("bench/lib/bare-server.ts");
  await bare.ready;
  const bareUrl: string = await bare.call("start");
  const bareEvents = await prepareEvents(fake, plan, Math.ceil(opts.closedSeconds * 6000));
  const bareRun = await closedLoop({ url: bareUrl, connections: opts.connections, durationMs: opts.closedSeconds * 1000, next: pool(signAll(bareEvents)) });
  await bare.call("stop");
  bare.child.kill();
  const bareSeconds = (bareRun.endedAt - bareRun.startedAt) / 1000;

  // Open loop at a fixed rate, after the backlog is gone.
  const openEvents = await prepareEvents(fake, plan, Math.floor(opts.openRate * opts.openSeconds));
  const openPosts = signAll(openEvents);
  const schedule = uniformSchedule(opts.openRate, opts.openSeconds * 1000).map((atMs, i) => ({ atMs, req: openPosts[i]! }));
  log(`  open loop: ${opts.openRate}/s for ${opts.openSeconds} s`);
  const open = await openLoop({ url: botUrl, schedule });
  // Their processing is the closed loop's story again: not waited for (the bot is stopped next).
  const lat = open.outcomes.map((o) => o.latencyMs);

  // The open loop offers more than the bot processes: let it finish before timing commands alone.
  await waitForReplies(fake, openEvents.map((e) => e.id), 240_000);
  const perCommand = [];
  // 0: not measured (the PostgreSQL columns report the mix only).
  if (opts.perCommandEvents > 0) for (const command of COMMANDS) perCommand.push(await commandAlone(fake, botUrl, plan, command, opts.perCommandEvents));
  if (perCommand.length) log(`  each command alone: ${perCommand.map((c) => `${c.command} ${c.perSecond.toFixed(0)}/s`).join(", ")}`);

  const perSecond = acked.length / closedSeconds;
  const barePerSecond = ok(bareRun).length / bareSeconds;
  return {
    closed: {
      events: acked.length, seconds: closedSeconds, perSecond, non200: closed.outcomes.length - acked.length,
      p50: percentile(closed.outcomes.map((o) => o.latencyMs), 50), p99: percentile(closed.outcomes.map((o) => o.latencyMs), 99),
    },
    bare: { events: ok(bareRun).length, seconds: bareSeconds, perSecond: barePerSecond, non200: bareRun.outcomes.length - ok(bareRun).length },
    ratio: perSecond / barePerSecond,
    processing: {
      events: sentIds.length, seconds: processingSeconds, perSecond: inWindow / processingSeconds,
      missing: replies.filter((r) => r.count === 0).length, duplicates: replies.filter((r) => r.count > 1).length,
    },
    perCommand,
    open: {
      offered: schedule.length, seconds: opts.openSeconds, non200: open.outcomes.filter((o) => o.status !== 200).length,
      p50: percentile(lat, 50), p99: percentile(lat, 99), max: Math.max(...lat),
    },
  };
}
