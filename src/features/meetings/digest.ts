import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { DigestLine, DigestSection, SectionProvider } from "../digest/sections.ts";
import { plansFor } from "./plan.ts";
import type { AppraisalStatusProvider } from "./hooks.ts";
import { CELL_LABEL, type CellStatus, type Plan, type PlanRow } from "./rules.ts";
import { formatDay, formatWhen, zoned } from "./time.ts";
import { TYPE_LABEL, type MeetingType } from "./types.ts";

/**
 * The meetings' part of the digest: each obligation of the current period met or not against
 * its floor (exceeding it earns nothing), the substance behind it (topics, lecturers), the next
 * meetings, and attendance of recent meetings with its denominators. Bulk: a fixed number of
 * queries for any number of branches.
 */

const SHORT: Record<string, string> = {
  branch_general_meeting: "党员大会",
  branch_committee_meeting: "支委会",
  party_group_meeting: "党小组会",
  party_lesson: "党课",
  theme_party_day: "主题党日",
  org_life_meeting: "组织生活会",
  member_appraisal: "民主评议",
};

function currentCell(row: PlanRow, now: Date) {
  return row.cells.find((c) => c.period.start <= now && now < c.period.end) ?? row.cells.at(-1)!;
}

function previousCell(row: PlanRow, now: Date) {
  const i = row.cells.findIndex((c) => c.period.start <= now && now < c.period.end);
  return i > 0 ? row.cells[i - 1] : undefined;
}

const STATUS_TEXT: Record<CellStatus, (deadline: string) => string> = {
  done: () => "✓ 已落实",
  unrecorded: () => "✗ 已召开，记录待补（考勤确定、提交会议记录后才算落实）",
  in_progress: () => "进行中",
  scheduled: () => "已安排，待召开",
  due: (deadline) => `✗ 尚未召开（本期至 ${deadline}）`,
  missing: () => "✗ 本期无记录",
  upcoming: () => "未到期",
  untracked: () => "缺项（绑定前无记录）",
};

/** A yearly obligation is not overdue before the year ends: "本年内完成（剩 N 天）", never ✗. */
function statusText(row: PlanRow, cell: PlanRow["cells"][number], deadline: string, now: Date): string {
  if (cell.status === "due" && row.frequency === "year") return `本年内完成（剩 ${Math.ceil((cell.period.end.getTime() - now.getTime()) / 86_400_000)} 天）`;
  return STATUS_TEXT[cell.status](deadline);
}

function rollupMark(row: PlanRow, status: CellStatus): string {
  if (status === "due" && row.frequency === "year") return "年内";
  const marks: Partial<Record<CellStatus, string>> = { done: "✓", unrecorded: "记录待补", in_progress: "进行中", scheduled: "已安排", due: "✗", missing: "✗", untracked: "缺项" };
  return marks[status] ?? "—";
}

function obligationsSection(org: OrgInfo, plan: Plan, now: Date): DigestSection {
  const tz = org.timezone;
  const rows: string[][] = [];
  const lines: DigestLine[] = [];
  const rollup: Record<string, string> = {};
  let attention = false;
  for (const row of plan.rows) {
    const cell = currentCell(row, now);
    const deadline = formatDay(new Date(cell.period.end.getTime() - 1), tz);
    const held = cell.meetings.filter((m) => m.startAt <= now).length;
    rows.push([row.label, `${cell.period.label}：要求 1 次`, `${statusText(row, cell, deadline, now)}${held ? `（${held} 次）` : ""}`]);
    const prev = previousCell(row, now);
    if (prev?.status === "missing") {
      lines.push({ text: `${row.label}：${prev.period.label}无召开记录。`, attention: true });
      attention = true;
    }
    if (cell.status === "due" && cell.period.end.getTime() - now.getTime() < 10 * 86_400_000) attention = true;
    if (cell.status === "unrecorded") attention = true;
    const key = SHORT[row.type] ?? row.label;
    const mark = rollupMark(row, cell.status);
    // Several party groups share one column: a ✗ in any of them shows.
    rollup[key] = rollup[key] && rollup[key] !== "✓" ? rollup[key] : mark;
  }
  if (!plan.hasCommittee) rollup["支委会"] = "不设";
  if (!plan.rows.some((r) => r.type === "party_group_meeting")) rollup["党小组会"] = "不设";
  // Yearly obligations are not counted as outstanding before the year ends (本年内完成).
  const open = plan.rows.filter((r) => r.frequency !== "year" && currentCell(r, now).status === "due").length;
  if (open) lines.push({ text: `本期还有 ${open} 项（共 ${plan.rows.length} 项）尚未落实，请在期限内安排。` });
  const unrecorded = plan.rows.filter((r) => currentCell(r, now).status === "unrecorded").map((r) => r.label);
  if (unrecorded.length) lines.push({ text: `${unrecorded.join("、")}：已召开，但考勤或会议记录待补，补齐后才算落实。`, attention: true });
  if (!plan.hasCommittee) lines.push({ text: "本支部正式党员不足 7 人，不设支委会，不要求召开支委会。" });
  return {
    title: "组织生活要求（本期）",
    table: { columns: ["项目", "要求", "完成情况"], rows },
    lines: lines.length ? lines : [{ text: "本期各项要求均已落实或已安排。" }],
    needsAttention: attention,
    rollup: inColumnOrder(rollup),
  };
}

/** The committee's roll-up columns in the rules' order of meeting types, whatever the plan's order. */
function inColumnOrder(rollup: Record<string, string>): Record<string, string> {
  const order = Object.values(SHORT);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(rollup).sort(([a], [b]) => rank(a) - rank(b)));
}

type MeetingRow = Awaited<ReturnType<typeof loadMeetings>>[number];

async function loadMeetings(tx: Tx, orgIds: number[], from: Date, to: Date) {
  return tx.meeting.findMany({
    where: { orgId: { in: orgIds }, status: { not: "cancelled" }, startAt: { gte: from, lt: to } },
    orderBy: { startAt: "asc" },
    select: { id: true, orgId: true, seqNo: true, type: true, status: true, startAt: true, endAt: true, topic: true, place: true, heldAt: true, lecturer: { select: { name: true } } },
  });
}

function substanceLines(org: OrgInfo, held: MeetingRow[]): DigestLine[] {
  return held.map((m) => {
    const what = m.topic ? `「${m.topic}」` : "（未填写主题）";
    const lecturer = m.type === "party_lesson" && m.lecturer ? `，主讲 ${m.lecturer.name}` : "";
    return { text: `#${m.seqNo} ${TYPE_LABEL[m.type as MeetingType]} ${formatDay(m.startAt, org.timezone)}${what}${lecturer}` };
  });
}

function upcomingSection(org: OrgInfo, upcoming: MeetingRow[], now: Date): DigestSection {
  return {
    title: "近期会议",
    lines: upcoming.length
      ? upcoming.slice(0, 4).map((m) => ({ text: `#${m.seqNo} ${TYPE_LABEL[m.type as MeetingType]} · ${formatWhen(m.startAt, m.endAt, org.timezone, now)}${m.place ? ` · ${m.place}` : ""}` }))
      : [{ text: "暂无已安排的会议。支委可发送 /安排 安排会议。" }],
  };
}

/**
 * Attendance counts of the held meetings of the given organisations started in [from, until]. By
 * organisation, not by a list of meeting ids: thousands of ids exceed the database's limit on
 * query parameters (200 branches have about 5,000 meetings in the window).
 */
async function attendanceByMeeting(tx: Tx, orgIds: number[], from: Date, until: Date) {
  const rows = await tx.meetingAttendance.groupBy({
    by: ["meetingId", "final"],
    where: {
      meeting: { orgId: { in: orgIds }, heldAt: { not: null }, status: { not: "cancelled" }, startAt: { gte: from, lte: until } },
      expected: true,
      OR: [{ memberClass: null }, { memberClass: { not: "non_member" } }],
    },
    _count: { _all: true },
  });
  const map = new Map<number, { expected: number; present: number; leave: number }>();
  for (const r of rows) {
    const e = map.get(r.meetingId) ?? { expected: 0, present: 0, leave: 0 };
    e.expected += r._count._all;
    if (r.final === "present") e.present += r._count._all;
    if (r.final === "leave") e.leave += r._count._all;
    map.set(r.meetingId, e);
  }
  return map;
}

function attendanceSection(recent: MeetingRow[], counts: Map<number, { expected: number; present: number; leave: number }>, org: OrgInfo): DigestSection {
  const finals = recent.filter((m) => m.heldAt && counts.get(m.id)?.expected);
  if (finals.length === 0) return { title: "出勤情况", lines: [{ text: "缺项：近期还没有考勤已确定的会议。" }] };
  const lines = finals.slice(-3).map((m) => {
    const c = counts.get(m.id)!;
    const absent = c.expected - c.present - c.leave;
    return { text: `#${m.seqNo} ${TYPE_LABEL[m.type as MeetingType]}（${formatDay(m.startAt, org.timezone)}）：应到 ${c.expected} 人，实到 ${c.present} 人，请假 ${c.leave} 人，缺席 ${absent} 人` };
  });
  const chart = {
    type: "line",
    data: [{ id: "attendance", values: finals.map((m) => ({ meeting: `#${m.seqNo}`, rate: Math.round((100 * counts.get(m.id)!.present) / counts.get(m.id)!.expected) })) }],
    xField: "meeting",
    yField: "rate",
    point: { visible: true },
    label: { visible: true },
    axes: [{ orient: "left", min: 0, max: 100, title: { visible: true, text: "出席率 %" } }, { orient: "bottom" }],
  };
  return { title: `出勤情况（近 ${finals.length} 次已确定考勤的会议）`, lines, chart: finals.length >= 2 ? chart : undefined };
}

/** The meetings' digest sections; `appraisal` reads the 民主评议 status registered on the bot. */
export const meetingSections = (appraisal: () => AppraisalStatusProvider | undefined): SectionProvider => ({
  id: "meetings",
  order: 10,
  async collect(tx, orgs, period, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const result = new Map<number, DigestSection[]>();
    if (branches.length === 0) return result;
    const year = zoned(now, branches[0]!.timezone).year();
    const ids = branches.map((o) => o.id);
    const from = new Date(now.getTime() - 120 * 86_400_000);
    const [plans, around, counts] = await Promise.all([
      plansFor(tx, branches, year, now, appraisal()),
      loadMeetings(tx, ids, from, new Date(now.getTime() + 60 * 86_400_000)),
      attendanceByMeeting(tx, ids, from, now),
    ]);
    for (const org of branches) {
      const mine = around.filter((m) => m.orgId === org.id);
      const obligations = obligationsSection(org, plans.get(org.id)!, now);
      const held = mine.filter((m) => m.startAt >= period.start && m.startAt < period.end && m.startAt <= now);
      // The meetings held get their own heading: under the obligations they read as stray lines.
      const heldSection = { title: "本期召开的会议", lines: held.length ? substanceLines(org, held) : [{ text: `${period.label}没有召开会议。` }] };
      result.set(org.id, [
        obligations,
        heldSection,
        upcomingSection(org, mine.filter((m) => m.startAt > now && m.status === "scheduled"), now),
        attendanceSection(mine.filter((m) => m.startAt <= now), counts, org),
      ]);
    }
    return result;
  },
});

export { CELL_LABEL };
