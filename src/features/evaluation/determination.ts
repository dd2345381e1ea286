import type { Tx } from "../../db/client.ts";
import { UsageError } from "../../app/context.ts";
import type { MemberClass } from "../../app/roles.ts";
import { receivedRatings, sealBallots } from "./ballots.ts";
import type { Catalogue } from "./catalogue.ts";
import { DISCUSS, emptyCounts, GRADES, isGrade, isProposedGrade, type Grade, type GradeCounts, type ProposedGrade } from "./grades.ts";
import { computeSheet, propose, type PeerSummary } from "./scoring.ts";
import { catalogueOf, participantsOf, roleTag, type Round } from "./rounds.ts";

/**
 * 组织评定: the bot proposes a grade per member from the score sheet and the peer ratings
 * under the catalogue's rules; committee members confirm or adjust each with a reason. No
 * grade is ever final until a person set it (domain.md §2.3: the bot never labels anyone).
 */

export interface ResultView {
  memberId: number;
  openId: string;
  name: string;
  role: string;
  memberClass: MemberClass;
  active: boolean;
  raterCount: number;
  peerCounts: GradeCounts | null;
  score: number;
  stars: number;
  vetoes: string[];
  proposedGrade: ProposedGrade;
  proposalReason: string;
  finalGrade: Grade | null;
  decisionReason: string | null;
  decidedBy: number | null;
  rectificationItemId: number | null;
}

function peerOf(row: { raterCount: number; peerCounts: string | null }): PeerSummary {
  return { raterCount: row.raterCount, counts: row.peerCounts ? (JSON.parse(row.peerCounts) as GradeCounts) : null };
}

/** Recomputes score and proposal of every participant (score items may change until publication). */
export async function refreshProposals(tx: Tx, round: Round, catalogue: Catalogue = catalogueOf(round)): Promise<void> {
  if (round.status === "published") return;
  const participants = await participantsOf(tx, round.id);
  const existing = new Map((await tx.appraisalResult.findMany({ where: { roundId: round.id } })).map((r) => [r.memberId, r]));
  for (const p of participants) {
    const entries = await tx.appraisalScoreItem.findMany({ where: { orgId: round.orgId, year: round.year, memberId: p.memberId, withdrawnAt: null } });
    const sheet = computeSheet(catalogue, entries);
    const row = existing.get(p.memberId);
    const peer = row ? peerOf(row) : { raterCount: 0, counts: null };
    const proposal = propose(catalogue, sheet, peer);
    const data = { score: sheet.score, stars: sheet.stars, vetoes: JSON.stringify(sheet.vetoes), proposedGrade: proposal.grade, proposalReason: proposal.reason };
    await tx.appraisalResult.upsert({
      where: { roundId_memberId: { roundId: round.id, memberId: p.memberId } },
      create: { roundId: round.id, memberId: p.memberId, raterCount: 0, ...data },
      update: data,
    });
  }
}

/**
 * Ends collection: tallies what each member received (counts only at or above the anonymity
 * threshold), seals the ballot box and makes the first proposals. Idempotent.
 */
export async function closeCollection(tx: Tx, round: Round, now: Date): Promise<Round | null> {
  const { count } = await tx.appraisalRound.updateMany({ where: { id: round.id, status: "open" }, data: { status: "closed", closedAt: now } });
  if (count !== 1) return null;
  const catalogue = catalogueOf(round);
  const received = await receivedRatings(tx, round.id, catalogue.minRaters);
  const participants = await participantsOf(tx, round.id);
  await tx.appraisalResult.createMany({
    data: participants.map((p) => {
      const r = received.get(p.memberId);
      return {
        roundId: round.id, memberId: p.memberId, raterCount: r?.raterCount ?? 0, peerCounts: r?.counts ? JSON.stringify(r.counts) : null,
        score: 0, stars: 0, vetoes: "[]", proposedGrade: "QUALIFIED", proposalReason: "",
      };
    }),
  });
  await sealBallots(tx, round.id, catalogue.minRaters);
  const closed = await tx.appraisalRound.findUniqueOrThrow({ where: { id: round.id } });
  await refreshProposals(tx, closed, catalogue);
  return closed;
}

export async function resultsOf(tx: Tx, round: Round): Promise<ResultView[]> {
  const participants = await participantsOf(tx, round.id);
  const rows = new Map((await tx.appraisalResult.findMany({ where: { roundId: round.id } })).map((r) => [r.memberId, r]));
  return participants.flatMap((p) => {
    const r = rows.get(p.memberId);
    if (!r) return [];
    return [{
      memberId: p.memberId, openId: p.openId, name: p.name, role: roleTag(p), memberClass: p.memberClass, active: p.active,
      raterCount: r.raterCount, peerCounts: peerOf(r).counts,
      score: r.score, stars: r.stars, vetoes: JSON.parse(r.vetoes) as string[],
      // A row proposed below 合格 by an older version reads as a case for discussion.
      proposedGrade: isProposedGrade(r.proposedGrade) ? r.proposedGrade : DISCUSS, proposalReason: r.proposalReason,
      finalGrade: isGrade(r.finalGrade) ? r.finalGrade : null, decisionReason: r.decisionReason, decidedBy: r.decidedBy,
      rectificationItemId: r.rectificationItemId,
    }];
  });
}

export interface Decision {
  memberId: number;
  grade: Grade;
  reason: string;
}

/** Records the committee's grades; a grade other than the proposal needs a reason. */
export async function recordDecisions(tx: Tx, round: Round, decisions: Decision[], by: number, now: Date): Promise<void> {
  if (round.status === "open") throw new UsageError(`「${round.name}」还在收集评价，截止后才能评定。`);
  if (round.status === "published") throw new UsageError(`「${round.name}」的评定结果已经发布，不能再修改。`);
  const rows = new Map((await tx.appraisalResult.findMany({ where: { roundId: round.id } })).map((r) => [r.memberId, r]));
  const names = new Map((await tx.member.findMany({ where: { id: { in: decisions.map((d) => d.memberId) } } })).map((m) => [m.id, m.name]));
  for (const d of decisions) {
    const row = rows.get(d.memberId);
    if (!row) throw new UsageError("卡片上的人员不在本轮评议名单中，请发送 /评议 评定 获取新卡片。");
    if (d.grade === "UNQUALIFIED" && !d.reason) {
      throw new UsageError(`${names.get(d.memberId) ?? ""}：评定为不合格须写明理由（支委会认定的事实和依据），请填写「评定理由」（这一页没有保存）。`);
    }
    if (row.proposedGrade === DISCUSS && !d.reason) {
      throw new UsageError(`${names.get(d.memberId) ?? ""}：这位同志的情况待支委会讨论，请在「评定理由」里写明讨论结论（这一页没有保存）。`);
    }
    if (d.grade !== row.proposedGrade && !d.reason) {
      throw new UsageError(`${names.get(d.memberId) ?? ""}：评定等次与建议不同，请在「评定理由」里写明理由（这一页没有保存）。`);
    }
  }
  for (const d of decisions) {
    await tx.appraisalResult.update({
      where: { roundId_memberId: { roundId: round.id, memberId: d.memberId } },
      data: { finalGrade: d.grade, decisionReason: d.reason || null, decidedBy: by, decidedAt: now },
    });
  }
}

export function gradeCounts(grades: Grade[]): GradeCounts {
  const c = emptyCounts();
  for (const g of grades) c[g] += 1;
  return c;
}

/** The ≤ 1/3 rule for 优秀 (条例 Art 18, domain.md §2.2): a warning, people decide. */
export function excellentWarning(what: "建议" | "评定", excellent: number, total: number): string | undefined {
  if (excellent * 3 <= total) return undefined;
  return `${what}为优秀的有 ${excellent} 人，超过参评党员（${total} 人）的三分之一（最多 ${Math.floor(total / 3)} 人）。按规定优秀一般不超过三分之一，请支委会研究。`;
}

export function allDecided(results: ResultView[]): boolean {
  return results.every((r) => r.finalGrade !== null);
}

export { GRADES };
