import { existsSync, readFileSync, writeFileSync } from "node:fs";

/**
 * The month section of bench/README.md (issue 22), between markers so that `npm run bench`
 * (which regenerates the file) keeps it and `npm run bench:month` replaces only it.
 */
export const MONTH_START = "<!-- month: written by npm run bench:month -->";
export const MONTH_END = "<!-- /month -->";

export interface MonthResult {
  command: string;
  date: string;
  branches: number;
  membersPerBranch: number;
  totalCalls: number;
  platformReceived: number;
  callsPerBranchMonth: number;
  callsPerMember: number;
  branchesWithin10000: number;
  byBranch: number[];
  committee: number;
  unattributed: number;
  perBranchByEndpoint: Record<string, number>;
  perBranchByCause: Record<string, number>;
}

/** Measured with the same scenario on the code before issue 22 (commit 219eaea), counted at the fake platform. */
const BEFORE = { commit: "219eaea", perBranch: 576, patches: 293, creates: 241, replies: 41 };

export function monthSection(r: MonthResult): string {
  const causes = Object.entries(r.perBranchByCause).map(([k, v]) => `\`${k}\` ${v}`).join(" · ");
  const endpoints = Object.entries(r.perBranchByEndpoint).map(([k, v]) => `\`${k}\` ${v}`).join(" · ");
  return `${MONTH_START}
## API calls per branch-month (issue 22)

A free Feishu tenant has 10,000 Open Platform calls a month for all its custom apps. \`${r.command}\` (${r.date.slice(0, 10)}, in-process, about 15 s): a committee and ${r.branches} branches of ${r.membersPerBranch} members live through 1–31 March 2026 through the real entry points — per branch 7 meetings (支委会, 党员大会, 3 党小组会, 党课, 主题党日) scheduled on the 2nd; per notice 70 % answer 参加 by button, 10 % 请假 with a reason, 20 % stay silent; 80 % of those who said 参加 sign in; three 整改 items (one closed on the 9th, two overdue); reminders, nudges, sign-in cards, Monday digests, warnings and overdue notices fire by the clock. Minutes are not filled in (so their reminders fire). Calls are the bot's own count (table \`ApiCallCount\`), equal to what the fake platform received (${r.totalCalls} = ${r.platformReceived}).

| | before (commit ${BEFORE.commit}) | now |
|---|---|---|
| calls per 30-member branch-month (target ≤ 200) | ${BEFORE.perBranch} | **${r.callsPerBranchMonth}** |
| branches within 10,000 calls | ${Math.floor(10_000 / BEFORE.perBranch)} | **${r.branchesWithin10000}** |
| calls per member | ${(BEFORE.perBranch / 30).toFixed(1)} | ${r.callsPerMember} |

Per branch now (committee and unattributed calls spread over the branches): ${r.byBranch.join(", ")} for the branches themselves, ${r.committee} for the committee chat, ${r.unattributed} unattributed. By endpoint per branch: ${endpoints}. By cause per branch: ${causes}. Before, the same month spent ${BEFORE.patches} card PATCHes per branch (a PATCH per answer and per sign-in, nudges PATCHed after the meeting, notices PATCHed after Lark's 14-day window and then reported as 送达失败).

What changed: a click's change goes back in the click's answer; identical PATCHes are skipped; one private nudge per silent member; nudge cards are not PATCHed when the meeting ends; no PATCH past Lark's 14-day window; overdue 整改 weekly after escalation; one 请假 card to each approver the day before (a 请假审批 card since issue 18, the same calls); one warning card per rule and recipient.
${MONTH_END}`;
}

/** The month section of an existing README, to carry over when the file is regenerated. */
export function existingMonthSection(file: string): string {
  if (!existsSync(file)) return "";
  const text = readFileSync(file, "utf8");
  const start = text.indexOf(MONTH_START);
  const end = text.indexOf(MONTH_END);
  return start >= 0 && end > start ? text.slice(start, end + MONTH_END.length) : "";
}

/** Replaces (or appends) the month section of bench/README.md. */
export function writeMonthSection(file: string, r: MonthResult): void {
  const text = existsSync(file) ? readFileSync(file, "utf8") : "";
  const old = existingMonthSection(file);
  const section = monthSection(r);
  writeFileSync(file, old ? text.replace(old, section) : `${text.trimEnd()}\n\n${section}\n`);
}
