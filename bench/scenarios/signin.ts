/**
 * Target 2: a 签到 storm. 200 branches hold a 党员大会 at 14:30 and the bot has posted each
 * branch's sign-in card at 14:15 (its own job, at start); 25 members of each click 签到 within
 * the storm window, on an open-loop schedule (arrivals at random instants, as people do).
 * Some clicks are redelivered by "Lark" (same event, re-signed) and some people click twice
 * (a new click). Measured: callback response latency from the scheduled instant; checked in the
 * database: each member signed in exactly once, each click recorded once, redeliveries answered
 * with the recorded answer.
 */
import Database from "better-sqlite3";
import type { RpcClient } from "../lib/ipc.ts";
import { cardClickEnvelope, sign, type SignedPost } from "../lib/lark.ts";
import { mulberry32, openIdOf, STORM_BRANCHES } from "../lib/seed.ts";
import { openLoop, percentile, type Target } from "../lib/load.ts";
import pg from "pg";

export interface SigninOptions {
  members: number;
  windowSeconds: number;
  redeliveredShare: number;
  doubleClickShare: number;
  /** The bot's database: a SQLite file or a PostgreSQL address. */
  database: string;
  log: (line: string) => void;
}

export interface SigninResult {
  clicks: number;
  redeliveries: number;
  doubleClicks: number;
  windowSeconds: number;
  p50: number;
  p99: number;
  max: number;
  non200: number;
  non200Causes: string[];
  failedToasts: number;
  signedIn: number;
  expectedSignIns: number;
  clickRows: number;
  redeliveriesAnsweredAlike: number;
}

interface SigninCard {
  messageId: string;
  chatId: string;
  value: Record<string, unknown>;
}

async function signinCards(fake: RpcClient, expected: number, timeoutMs = 60_000): Promise<SigninCard[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { items } = await fake.call("botMessages", 0);
    const cards = (items as Array<{ messageId: string; chatId: string; signinValue?: Record<string, unknown> }>)
      .filter((m) => m.signinValue)
      .map((m) => ({ messageId: m.messageId, chatId: m.chatId, value: m.signinValue! }));
    if (cards.length >= expected || Date.now() > deadline) return cards;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function orgNoOfChat(chatId: string): number {
  return Number.parseInt(chatId.slice(3), 16);
}

export async function runSignin(fake: RpcClient, botUrl: Target, opts: SigninOptions): Promise<SigninResult> {
  const cards = await signinCards(fake, STORM_BRANCHES);
  if (cards.length < STORM_BRANCHES) throw new Error(`only ${cards.length} sign-in cards were posted`);
  const rand = mulberry32(42);
  const windowMs = opts.windowSeconds * 1000;
  type Click = { atMs: number; envelope: Record<string, unknown>; kind: "click" | "redelivery" | "double"; key: string };
  const clicks: Click[] = [];
  for (const card of cards) {
    const orgNo = orgNoOfChat(card.chatId);
    for (let j = 0; j < opts.members; j++) {
      const operatorOpenId = openIdOf(orgNo, j);
      const atMs = rand() * windowMs;
      const envelope = cardClickEnvelope({ messageId: card.messageId, chatId: card.chatId, operatorOpenId, value: card.value });
      const key = `${card.messageId}:${operatorOpenId}`;
      clicks.push({ atMs, envelope, kind: "click", key });
      if (rand() < opts.redeliveredShare) clicks.push({ atMs: atMs + 500 + rand() * 2500, envelope, kind: "redelivery", key });
      if (rand() < opts.doubleClickShare) {
        const again = cardClickEnvelope({ messageId: card.messageId, chatId: card.chatId, operatorOpenId, value: card.value });
        clicks.push({ atMs: atMs + 300 + rand() * 1500, envelope: again, kind: "double", key });
      }
    }
  }
  clicks.sort((a, b) => a.atMs - b.atMs);
  // Signed just before the storm (the signature's timestamp must be within 5 minutes).
  const posts: SignedPost[] = clicks.map((c, i) => sign("/lark/cards", c.envelope, String(i)));
  opts.log(`  ${clicks.length} callbacks over ${opts.windowSeconds} s (${cards.length} meetings × ${opts.members} members, redeliveries and double clicks included)`);
  const run = await openLoop({ url: botUrl, schedule: clicks.map((c, i) => ({ atMs: c.atMs, req: posts[i]! })), keepBody: true });
  const byIndex = new Map(run.outcomes.map((o) => [Number(o.id), o]));
  const toastOf = (i: number) => {
    try {
      return JSON.stringify((JSON.parse(byIndex.get(i)?.body ?? "{}") as { toast?: unknown }).toast ?? null);
    } catch {
      return "unparsable";
    }
  };
  const firstAnswer = new Map<string, string>();
  let alike = 0;
  let failed = 0;
  clicks.forEach((c, i) => {
    const toast = toastOf(i);
    if (/操作没有成功/.test(toast)) failed++;
    if (c.kind === "click") firstAnswer.set(c.key, toast);
  });
  clicks.forEach((c, i) => {
    if (c.kind === "redelivery" && toastOf(i) === firstAnswer.get(c.key)) alike++;
  });
  const meetingIds = cards.map((c) => Number(c.value.m));
  const signedIn = await countIn(opts.database, `SELECT COUNT(*) AS n FROM "MeetingAttendance" WHERE "meetingId" IN (${meetingIds.join(",")}) AND "signedInAt" IS NOT NULL`);
  const clickRows = await countIn(opts.database, `SELECT COUNT(*) AS n FROM "InboundEvent" WHERE "eventType" = 'card.action.trigger'`);
  const lat = run.outcomes.map((o) => o.latencyMs);
  return {
    clicks: clicks.length,
    redeliveries: clicks.filter((c) => c.kind === "redelivery").length,
    doubleClicks: clicks.filter((c) => c.kind === "double").length,
    windowSeconds: opts.windowSeconds,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: Math.max(...lat),
    non200: run.outcomes.filter((o) => o.status !== 200).length,
    /** Why the non-200s failed: HTTP statuses, or the socket error when no answer came. */
    non200Causes: [...new Set(run.outcomes.filter((o) => o.status !== 200).map((o) => o.error ?? `HTTP ${o.status}`))],
    failedToasts: failed,
    signedIn,
    expectedSignIns: cards.length * opts.members,
    clickRows,
    redeliveriesAnsweredAlike: alike,
  };
}

/** A count read from the bot's own database (SQLite read-only: WAL lets it keep writing). */
async function countIn(database: string, sql: string): Promise<number> {
  if (/^postgres(ql)?:\/\//.test(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(sql)).rows[0]!.n);
    } finally {
      await client.end();
    }
  }
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}
