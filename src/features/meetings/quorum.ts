/**
 * Quorum and voting maths (domain.md §1.2), pure. Both checks are "strictly more than half",
 * which satisfies both readings of the rules (半数以上 / 超过半数).
 *
 * - 支部党员大会: a vote may be held only when more than half of the 正式党员 entitled to attend
 *   (应到会有表决权党员, after recognised exclusions) are present; a motion passes only when its
 *   yes votes exceed half of those ENTITLED, not of those present. 预备党员 never count.
 * - 支委会: may proceed only when more than half of the committee members are present; its
 *   decisions are held to the same "more than half of the entitled" threshold.
 */

/** The smallest whole number strictly greater than half of `entitled`. */
export function majorityOf(entitled: number): number {
  return Math.floor(entitled / 2) + 1;
}

export function quorumMet(present: number, entitled: number): boolean {
  return entitled > 0 && present >= majorityOf(entitled);
}

export interface MotionCheck {
  quorumMet: boolean;
  passed: boolean;
  /** Present voting members needed for a vote. */
  presentNeeded: number;
  /** Yes votes needed to pass (of the entitled, not of those present). */
  yesNeeded: number;
  /** Why it did not pass, in Chinese; empty when it passed. */
  reason: string;
}

/**
 * Whether a motion can be recorded as passed. `yes` may include written opinions of absent
 * voting members where the rules allow them (发展党员 votes, domain.md §1.2).
 */
export function checkMotion(input: { entitled: number; present: number; yes: number }): MotionCheck {
  const { entitled, present, yes } = input;
  const needed = majorityOf(entitled);
  const met = quorumMet(present, entitled);
  let reason = "";
  if (entitled <= 0) reason = "应到会有表决权人数为 0，无法表决。";
  else if (!met) reason = `到会有表决权的正式党员 ${present} 人，未超过应到 ${entitled} 人的半数，至少要到 ${needed} 人；会议不能进行表决，决议不能记为通过。`;
  else if (yes < needed) reason = `赞成 ${yes} 票，未超过应到会有表决权的正式党员 ${entitled} 人的半数，至少需要 ${needed} 票。`;
  return { quorumMet: met, passed: reason === "", presentNeeded: needed, yesNeeded: needed, reason };
}

/** One sentence for the record: whether quorum was met and what a motion needs. */
export function quorumSentence(kind: "general" | "committee", entitled: number, present: number): string {
  const needed = majorityOf(entitled);
  if (kind === "committee") {
    return quorumMet(present, entitled)
      ? `到会支委 ${present} 人，超过支委总数 ${entitled} 人的半数，会议有效。`
      : `到会支委 ${present} 人，未超过支委总数 ${entitled} 人的半数，至少要到 ${needed} 人；会议不能作出决定。`;
  }
  return quorumMet(present, entitled)
    ? `到会有表决权的正式党员 ${present} 人，超过应到 ${entitled} 人的半数，可以进行表决；决议须获得至少 ${needed} 票赞成（应到人数的半数以上）。`
    : `到会有表决权的正式党员 ${present} 人，未超过应到 ${entitled} 人的半数，至少要到 ${needed} 人；不能进行表决，决议不能记为通过。`;
}
