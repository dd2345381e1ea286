import { createHmac, randomBytes } from "node:crypto";
import type { Tx } from "../../db/client.ts";
import { emptyCounts, isGrade, type Grade } from "./grades.ts";
import type { PeerSummary } from "./scoring.ts";

/**
 * Peer ratings without raters (issue #6, anonymity). A ballot's key is an HMAC of
 * (rater, target) under the round's secret: the same rater changing a rating replaces it,
 * yet the stored row cannot be traced back to the rater. When the round closes, `seal`
 * erases the secret, drops ratings of members below the anonymity threshold and rewrites the
 * rows in key order, so not even the storage order hints at who submitted when.
 */

export function newRoundSecret(): string {
  return randomBytes(32).toString("hex");
}

export function ballotToken(secret: string, raterMemberId: number, targetMemberId: number): string {
  return createHmac("sha256", secret).update(`${raterMemberId}:${targetMemberId}`).digest("hex");
}

export interface PeerAnswer {
  targetMemberId: number;
  /** A grade, or null for "不了解，不评价" (any earlier rating of that target is withdrawn). */
  grade: Grade | null;
  comment: string | null;
}

export async function recordPeerAnswers(tx: Tx, roundId: number, secret: string, raterMemberId: number, answers: PeerAnswer[]): Promise<void> {
  for (const a of answers) {
    const key = { roundId, ballotToken: ballotToken(secret, raterMemberId, a.targetMemberId) };
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

/** Closes the ballot box: see the file comment. Returns how many ratings were kept. */
export async function sealBallots(tx: Tx, roundId: number, minRaters: number): Promise<number> {
  await tx.appraisalRound.update({ where: { id: roundId }, data: { secret: null } });
  const rows = await tx.appraisalPeerRating.findMany({ where: { roundId } });
  const perTarget = new Map<number, number>();
  for (const r of rows) perTarget.set(r.targetMemberId, (perTarget.get(r.targetMemberId) ?? 0) + 1);
  const kept = rows
    .filter((r) => (perTarget.get(r.targetMemberId) ?? 0) >= minRaters)
    .sort((a, b) => (a.ballotToken < b.ballotToken ? -1 : a.ballotToken > b.ballotToken ? 1 : 0));
  await tx.appraisalPeerRating.deleteMany({ where: { roundId } });
  if (kept.length) await tx.appraisalPeerRating.createMany({ data: kept });
  return kept.length;
}
