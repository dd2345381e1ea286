import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Tx } from "../../db/client.ts";
import { emptyCounts, isGrade, type Grade } from "./grades.ts";
import type { PeerSummary } from "./scoring.ts";

/**
 * Peer ratings without raters (issues #6 and #21, anonymity against a copy of the database).
 *
 * Each rater gets a random ballot key on their own peer card; a rating's row is keyed by
 * HMAC(ballot key, round:target), so the same rater changing a rating replaces it. The key is
 * never stored: the card (which Lark keeps in the rater's private chat) carries it in its
 * buttons, the outbox row that sent the card is erased once sent, and a click's record keeps
 * neither the key nor who clicked. The database keeps only SHA-256(key) on the participant, to
 * accept that card and no forged one (a made-up key would be a second ballot). Nothing in the
 * database, at any moment, opens a rating: linking one to its rater needs the rater's card.
 */

const KEY = /^[0-9a-f]{64}$/;

export function newBallotKey(): string {
  return randomBytes(32).toString("hex");
}

export const isBallotKey = (v: unknown): v is string => typeof v === "string" && KEY.test(v);

/** What the database keeps of a ballot key: enough to recognise the card, nothing to open a rating. */
export function ballotCheckOf(key: string): string {
  return createHash("sha256").update(`ballot-check:${key}`).digest("hex");
}

export function ballotToken(key: string, roundId: number, targetMemberId: number): string {
  return createHmac("sha256", key).update(`${roundId}:${targetMemberId}`).digest("hex");
}

export interface PeerAnswer {
  targetMemberId: number;
  /** A grade, or null for "不了解，不评价" (any earlier rating of that target is withdrawn). */
  grade: Grade | null;
  comment: string | null;
}

export async function recordPeerAnswers(tx: Tx, roundId: number, ballotKey: string, answers: PeerAnswer[]): Promise<void> {
  for (const a of answers) {
    const key = { roundId, ballotToken: ballotToken(ballotKey, roundId, a.targetMemberId) };
    if (!a.grade) {
      await tx.appraisalPeerRating.deleteMany({ where: key });
      continue;
    }
    const data = { grade: a.grade, comment: a.comment };
    await tx.appraisalPeerRating.upsert({
      where: { roundId_ballotToken: key },
      create: { ...key, targetMemberId: a.targetMemberId, ...data },
      update: data,
    });
  }
}

export interface ReceivedRatings extends PeerSummary {
  /** Comments, sorted by text so their order says nothing about who wrote them. */
  comments: string[];
}

/** What each member received, with counts and comments only at or above `minRaters`. */
export async function receivedRatings(tx: Tx, roundId: number, minRaters: number): Promise<Map<number, ReceivedRatings>> {
  const rows = await tx.appraisalPeerRating.findMany({ where: { roundId }, select: { targetMemberId: true, grade: true, comment: true } });
  const raw = new Map<number, { counts: ReturnType<typeof emptyCounts>; n: number; comments: string[] }>();
  for (const r of rows) {
    if (!isGrade(r.grade)) continue;
    const entry = raw.get(r.targetMemberId) ?? { counts: emptyCounts(), n: 0, comments: [] };
    entry.counts[r.grade] += 1;
    entry.n += 1;
    if (r.comment) entry.comments.push(r.comment);
    raw.set(r.targetMemberId, entry);
  }
  const out = new Map<number, ReceivedRatings>();
  for (const [memberId, e] of raw) {
    const shown = e.n >= minRaters;
    out.set(memberId, { raterCount: e.n, counts: shown ? e.counts : null, comments: shown ? [...e.comments].sort() : [] });
  }
  return out;
}

export function noRatings(): ReceivedRatings {
  return { raterCount: 0, counts: null, comments: [] };
}

/**
 * Closes the ballot box: drops the ratings of members below the anonymity threshold (their few
 * raters could be guessed). Returns how many ratings were kept. The rows need no reshuffling:
 * the table keeps them in key order (WITHOUT ROWID), and no key to them exists any more in the
 * database — only on the raters' cards, which stop being accepted now.
 */
export async function sealBallots(tx: Tx, roundId: number, minRaters: number): Promise<number> {
  const perTarget = await tx.appraisalPeerRating.groupBy({ by: ["targetMemberId"], where: { roundId }, _count: { _all: true } });
  const few = perTarget.filter((t) => t._count._all < minRaters).map((t) => t.targetMemberId);
  if (few.length) await tx.appraisalPeerRating.deleteMany({ where: { roundId, targetMemberId: { in: few } } });
  return perTarget.filter((t) => t._count._all >= minRaters).reduce((n, t) => n + t._count._all, 0);
}
