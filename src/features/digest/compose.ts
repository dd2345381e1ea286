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
}

export function committeeDigestCard(committee: OrgInfo, period: Period, rows: CommitteeRow[], note: string | null | undefined, now: Date, lateFrom?: Date, extras?: CommitteeExtras) {
  const byName = (a: CommitteeRow, b: CommitteeRow) => a.org.name.localeCompare(b.org.name, "zh");
  // Columns as the branches list them, taken in name order: the same card whatever order the rows came in.
  const columns = [...new Set([...rows].sort(byName).flatMap((r) => r.sections.flatMap((s) => Object.keys(s.rollup ?? {}))))];
  const toRow = (r: CommitteeRow) => {
    const cells = Object.assign({}, ...r.sections.map((s) => s.rollup ?? {})) as Record<string, string>;
    return { 支部: r.org.name, ...Object.fromEntries(columns.map((c) => [c, cells[c] ?? "缺项"])) };
  };
  const attention = rows.filter((r) => r.sections.some((s) => s.needsAttention));
  const fine = rows.filter((r) => !r.sections.some((s) => s.needsAttention));
  const tableColumns = ["支部", ...columns].map((c, i) => ({ name: `c${i}`, display_name: c, data_type: "text", width: "auto" }));
  const asTable = (list: CommitteeRow[]) =>
    list.sort(byName).map((r) => {
      const row = toRow(r) as Record<string, string>;
      return Object.fromEntries(["支部", ...columns].map((c, i) => [`c${i}`, row[c] ?? ""]));
    });
  const tz = committee.timezone;
  // A card stays under 30 KB: large committees see the branches needing attention (capped)
  // and a count of the rest, never a truncated table.
  const attentionRows = asTable(attention);
  const fineRows = rows.length > MAX_ROWS ? [] : asTable(fine);
  return {
    orgName: committee.name,
    periodLabel: period.label,
    late: lateFrom ? `本期周报原定 ${formatDateTime(lateFrom, tz)} 发送，因系统停机延迟至 ${formatDateTime(now, tz)}。` : "",
    note: note ?? "",
    branchCount: rows.length,
    attentionCount: attention.length,
    columns: tableColumns,
    attentionRows: attentionRows.slice(0, MAX_ROWS),
    attentionHidden: Math.max(0, attentionRows.length - MAX_ROWS),
    fineRows,
    fineSummary: fineRows.length === 0 && fine.length > 0 ? `其余 ${fine.length} 个支部本期各项要求均已落实或尚在期限内。` : "",
    indicatorGroups: extras?.groups ?? [],
    structure: extras?.structure ?? [],
    generatedAt: formatDateTime(now, tz),
  };
}
