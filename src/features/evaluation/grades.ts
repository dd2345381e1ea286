/** The four grades of 民主评议 (glossary #27), in display order. */
export const GRADES = ["EXCELLENT", "QUALIFIED", "BASICALLY_QUALIFIED", "UNQUALIFIED"] as const;
export type Grade = (typeof GRADES)[number];

export const GRADE_LABEL: Record<Grade, string> = {
  EXCELLENT: "优秀",
  QUALIFIED: "合格",
  BASICALLY_QUALIFIED: "基本合格",
  UNQUALIFIED: "不合格",
};

/** The peer card's fifth answer: the rater does not know the person well enough; no rating is stored. */
export const ABSTAIN = "ABSTAIN";
export const ABSTAIN_LABEL = "不了解，不评价";

export function isGrade(v: unknown): v is Grade {
  return typeof v === "string" && (GRADES as readonly string[]).includes(v);
}

/** Grades that get help to improve: 基本合格 (指出不足、帮助改进) and 不合格 (教育帮助，再依规处置). */
export function needsFollowUp(grade: Grade): boolean {
  return grade === "BASICALLY_QUALIFIED" || grade === "UNQUALIFIED";
}

/**
 * What the bot may propose (domain.md §2.3, §4.5): never a grade below 合格. A case that a
 * rule flags (a veto, low stars, a peer majority below 合格) gets no grade at all but
 * DISCUSS — the committee discusses it and decides with a written reason.
 */
export const PROPOSABLE_GRADES = ["EXCELLENT", "QUALIFIED"] as const;
export const DISCUSS = "DISCUSS";
export type ProposedGrade = (typeof PROPOSABLE_GRADES)[number] | typeof DISCUSS;

export const PROPOSAL_LABEL: Record<ProposedGrade, string> = { EXCELLENT: "优秀", QUALIFIED: "合格", DISCUSS: "不提建议，待支委会讨论" };

export function isProposedGrade(v: unknown): v is ProposedGrade {
  return v === DISCUSS || v === "EXCELLENT" || v === "QUALIFIED";
}

export type GradeCounts = Record<Grade, number>;

export function emptyCounts(): GradeCounts {
  return { EXCELLENT: 0, QUALIFIED: 0, BASICALLY_QUALIFIED: 0, UNQUALIFIED: 0 };
}

/** "优秀 4 · 合格 3 · 基本合格 0 · 不合格 0" */
export function countsLine(counts: GradeCounts, unit = ""): string {
  return GRADES.map((g) => `${GRADE_LABEL[g]} ${counts[g]}${unit}`).join(" · ");
}

/** Below this, a grade's count in a group chat would point at the people in it. */
export const GROUP_COUNT_MIN = 3;

/**
 * Grade counts as a group may read them: withheld as 缺项 whenever a grade holds 1 or 2 people
 * (in a branch everyone can guess who the one 不合格 is), so no count identifies anyone.
 */
export function groupCountsLine(counts: GradeCounts): string {
  const small = GRADES.filter((g) => counts[g] > 0 && counts[g] < GROUP_COUNT_MIN);
  if (!small.length) return countsLine(counts, " 人");
  return `各等次人数：缺项（有的等次不足 ${GROUP_COUNT_MIN} 人，在群里公布人数可能让人推断出是谁；各人的结果已私信本人，支委可在组织评定卡片上查看）`;
}

export function starsText(stars: number): string {
  return "★".repeat(stars) + "☆".repeat(Math.max(0, 5 - stars));
}
