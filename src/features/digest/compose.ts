import { escapeMarkdown } from "../../app/cards.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { DigestSection } from "./sections.ts";
import { formatDateTime, type Period } from "./periods.ts";

export interface BranchDigestInput {
  org: OrgInfo;
  period: Period;
  title: string; // 周报 / 小结 / 年度报告
  sections: DigestSection[];
  note?: string | null;
  lateFrom?: Date; // set when sent late after downtime
  now: Date;
}

/** Plain data for cards/digest-branch.json. */
export function branchDigestCard(d: BranchDigestInput): Record<string, unknown> {
  const tz = d.org.timezone;
  return {
    orgName: d.org.name,
    title: d.title,
    periodLabel: d.period.label,
    late: d.lateFrom ? `本期周报原定 ${formatDateTime(d.lateFrom, tz)} 发送，因系统停机延迟至 ${formatDateTime(d.now, tz)}。` : "",
    note: d.note ?? "",
    // A section with nothing to say would leave a divider and a heading over nothing.
    sections: d.sections.filter((s) => s.lines.length || s.table?.rows.length || s.chart).map((s) => ({
      title: s.title,
      lines: s.lines.map((l) => ({ text: l.text, color: l.attention ? "orange" : "default" })),
      table: s.table ? { columns: s.table.columns.map((c, i) => ({ name: `c${i}`, display_name: c, data_type: "text", width: "auto" })), rows: s.table.rows.map((r) => Object.fromEntries(r.map((cell, i) => [`c${i}`, cell]))) } : undefined,
      chart: s.chart,
    })),
    generatedAt: formatDateTime(d.now, tz),
    // The weekly digest and an on-demand /小结 of any period say what they are.
    footer: d.title === "周报"
      ? "周报只反映是否达到组织生活的基本要求，不排名、不打分；个人情况请在与我的私聊中查看。发送 /小结 本月 查看其他时段。"
      : `本${d.title}只反映是否达到组织生活的基本要求，不排名、不打分；个人情况请在与我的私聊中查看。每周一的周报会自动发到群里。`,
  };
}

const MAX_ROWS = 50;

export interface CommitteeRow {
  org: OrgInfo;
  sections: DigestSection[];
}

/** Rows of the committee roll-up: branches that need attention first (not a league table). */
export interface CommitteeExtras {
  groups: Array<{ type: string; count: number; lines: string[] }>;
  structure: string[];
  /** Branches whose recorded 议题 are mostly 业务 (issue #18 item 5). */
  mostlyBusiness?: string[];
}

/** Roll-up values that need nobody's attention: a branch's line leaves them out. */
const QUIET = new Set(["✓", "无", "无未完成", "无待补", "不设", "已安排", "进行中", "年内", "评定中", "已发布", "—"]);
/** Lines per markdown element: a committee of 50 branches stays far below 200 components. */
const LINES_PER_ELEMENT = 10;

function chunks(lines: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_ELEMENT) out.push(lines.slice(i, i + LINES_PER_ELEMENT).join("\n"));
  return out;
}

/**
 * The committee roll-up, readable on a phone at 50 branches: one short line per branch that
 * needs attention, naming only what needs it ("支委会 ✗ · 整改 未完成 1，逾期 1"), then the
 * others by name. The full grid of every branch and every requirement is the 台账 export's.
 */
export function committeeDigestCard(committee: OrgInfo, period: Period, rows: CommitteeRow[], note: string | null | undefined, now: Date, lateFrom?: Date, extras?: CommitteeExtras) {
  const byName = (a: CommitteeRow, b: CommitteeRow) => a.org.name.localeCompare(b.org.name, "zh");
  const cellsOf = (r: CommitteeRow) => Object.entries(Object.assign({}, ...r.sections.map((s) => s.rollup ?? {})) as Record<string, string>);
  const attention = rows.filter((r) => r.sections.some((s) => s.needsAttention)).sort(byName);
  const fine = rows.filter((r) => !r.sections.some((s) => s.needsAttention)).sort(byName);
  const lineOf = (r: CommitteeRow) => {
    // Rendered as markdown unescaped (for the bold name): everything from data is escaped here.
    const loud = cellsOf(r).filter(([, v]) => !QUIET.has(v)).map(([k, v]) => escapeMarkdown(`${k} ${v}`));
    return `**${escapeMarkdown(r.org.name)}**　${loud.join(" · ") || "见支部周报"}`;
  };
  const shown = attention.slice(0, MAX_ROWS);
  const tz = committee.timezone;
  return {
    orgName: committee.name,
    periodLabel: period.label,
    late: lateFrom ? `本期周报原定 ${formatDateTime(lateFrom, tz)} 发送，因系统停机延迟至 ${formatDateTime(now, tz)}。` : "",
    note: note ?? "",
    branchCount: rows.length,
    attentionCount: attention.length,
    attentionBlocks: chunks(shown.map(lineOf)),
    attentionHidden: Math.max(0, attention.length - shown.length),
    fineSummary: fine.length === 0 ? "" : fine.length <= MAX_ROWS
      ? `其他 ${fine.length} 个支部本期各项要求均已落实或尚在期限内：${fine.map((r) => r.org.name).join("、")}。`
      : `其余 ${fine.length} 个支部本期各项要求均已落实或尚在期限内。`,
    indicatorGroups: (extras?.groups ?? []).map((g) => ({ ...g, blocks: chunks(g.lines.map((l) => `- ${l}`)) })),
    structure: extras?.structure ?? [],
    mostlyBusiness: extras?.mostlyBusiness ?? [],
    // One markdown element, escaped here (branch names come from chat titles).
    mostlyBusinessBlock: (extras?.mostlyBusiness ?? []).map((l) => `- ${escapeMarkdown(l)}`).join("\n"),
    generatedAt: formatDateTime(now, tz),
  };
}
