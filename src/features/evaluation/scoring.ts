import type { Catalogue, Condition } from "./catalogue.ts";
import { countsLine, DISCUSS, PROPOSAL_LABEL, starsText, type GradeCounts, type ProposedGrade } from "./grades.ts";

/**
 * 评星晋级 arithmetic and the proposal rules, as pure functions of plain data. The result is
 * a reference for the committee, never a verdict (domain.md §2.4, §4.5).
 */

export interface ScoreEntry {
  itemCode: string;
  kind: string; // bonus | deduction | veto
  title: string;
  points: number;
}

export interface SheetLine {
  itemCode: string;
  kind: string;
  title: string;
  count: number;
  /** Points counted after the item's cap (0 for vetoes). */
  points: number;
  capped: boolean;
}

export interface ScoreSheet {
  base: number;
  bonus: number;
  deductions: number;
  score: number;
  stars: number;
  vetoes: string[];
  lines: SheetLine[];
  /** True when the total bonus hit the catalogue's cap. */
  bonusCapped: boolean;
}

export function computeSheet(catalogue: Catalogue, entries: ScoreEntry[]): ScoreSheet {
  const byCode = new Map<string, SheetLine>();
  for (const e of entries) {
    const line = byCode.get(e.itemCode) ?? { itemCode: e.itemCode, kind: e.kind, title: e.title, count: 0, points: 0, capped: false };
    line.count += 1;
    line.points += e.kind === "veto" ? 0 : e.points;
    byCode.set(e.itemCode, line);
  }
  const caps = new Map(catalogue.items.map((i) => [i.code, i.cap]));
  const lines = [...byCode.values()];
  for (const line of lines) {
    const cap = caps.get(line.itemCode);
    if (line.kind === "bonus" && cap !== undefined && line.points > cap) {
      line.points = cap;
      line.capped = true;
    }
  }
  const bonusRaw = sum(lines.filter((l) => l.kind === "bonus").map((l) => l.points));
  const bonus = Math.min(bonusRaw, catalogue.bonusCap);
  const deductions = sum(lines.filter((l) => l.kind === "deduction").map((l) => l.points));
  const score = Math.max(0, catalogue.baseScore + bonus - deductions);
  const vetoes = lines.filter((l) => l.kind === "veto").map((l) => l.title);
  return { base: catalogue.baseScore, bonus, deductions, score, stars: starsFor(catalogue, score, vetoes.length > 0), vetoes, lines, bonusCapped: bonusRaw > bonus };
}

export function starsFor(catalogue: Catalogue, score: number, vetoed: boolean): number {
  if (vetoed) return catalogue.vetoStars;
  const band = [...catalogue.stars].sort((a, b) => b.minScore - a.minScore).find((b) => score >= b.minScore);
  return band?.stars ?? 1;
}

export function sheetSummary(s: ScoreSheet): string {
  const veto = s.vetoes.length ? `；否决项：${s.vetoes.join("、")}` : "";
  return `${starsText(s.stars)} ${s.score} 分（基础 ${s.base} ＋加分 ${s.bonus} －减分 ${s.deductions}）${veto}`;
}

/** Peer ratings a member received; `counts` is null below the anonymity threshold (缺项). */
export interface PeerSummary {
  raterCount: number;
  counts: GradeCounts | null;
}

export interface Proposal {
  /** 优秀, 合格 or DISCUSS — never a grade below 合格. */
  grade: ProposedGrade;
  reason: string;
}

function matches(when: Condition, sheet: ScoreSheet, peer: PeerSummary): boolean {
  if (when.veto !== undefined && when.veto !== sheet.vetoes.length > 0) return false;
  if (when.starsAtLeast !== undefined && sheet.stars < when.starsAtLeast) return false;
  if (when.starsAtMost !== undefined && sheet.stars > when.starsAtMost) return false;
  if (when.scoreAtLeast !== undefined && sheet.score < when.scoreAtLeast) return false;
  if (when.scoreBelow !== undefined && sheet.score >= when.scoreBelow) return false;
  if (when.peerShareAtLeast) {
    // Missing peer data never satisfies a peer condition: 缺项 is not zero and not a pass.
    if (!peer.counts || peer.raterCount === 0) return false;
    const hits = sum(when.peerShareAtLeast.grades.map((g) => peer.counts![g]));
    if (hits / peer.raterCount < when.peerShareAtLeast.share) return false;
  }
  return true;
}

export function peerLine(peer: PeerSummary, minRaters: number): string {
  if (!peer.counts) return `互评：参评不足 ${minRaters} 人，为保护匿名不显示（缺项）`;
  return `互评（${peer.raterCount} 人）：${countsLine(peer.counts, " 人")}`;
}

/** Applies the catalogue's rules in order; the first that matches gives the proposal. */
export function propose(catalogue: Catalogue, sheet: ScoreSheet, peer: PeerSummary): Proposal {
  const rule = catalogue.proposal.rules.find((r) => matches(r.when, sheet, peer));
  const chosen = rule ?? catalogue.proposal.default;
  const facts = [`评星 ${sheetSummary(sheet)}`, peerLine(peer, catalogue.minRaters)];
  return { grade: chosen.grade ?? DISCUSS, reason: `${chosen.explain}（${facts.join("；")}）` };
}

/** The rules in words, for the committee card: "1. … 2. … 其他：…" */
export function rulesInWords(catalogue: Catalogue): string[] {
  return [
    ...catalogue.proposal.rules.map((r, i) => `${i + 1}. ${r.grade ? `建议「${PROPOSAL_LABEL[r.grade]}」` : "待支委会讨论"}：${r.explain}`),
    `${catalogue.proposal.rules.length + 1}. 其他：${catalogue.proposal.default.explain}`,
  ];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
