import { dayjs } from "./time.ts";
import { MEETING_TYPES, TYPE_LABEL, type MeetingType } from "./types.ts";

/**
 * The rules of 三会一课 as pure functions (domain.md §1.1, §1.3): how often each type is due,
 * the periods of a year, and a branch's year plan. The digest and minutes features call these.
 */

export type Frequency = "month" | "quarter" | "half_year" | "year";

export const FREQUENCY_LABEL: Record<Frequency, string> = {
  month: "每月一次",
  quarter: "每季度一次",
  half_year: "每半年一次",
  year: "每年一次",
};

export const FREQUENCY_WORDS: Record<string, Frequency> = {
  每月: "month",
  每月一次: "month",
  每季度: "quarter",
  每季: "quarter",
  每季度一次: "quarter",
  每半年: "half_year",
  每半年一次: "half_year",
  每年: "year",
  每年一次: "year",
};

/** Defaults from the 支部工作条例; 党课 uses the common local floor (quarterly). */
export const DEFAULT_FREQUENCY: Record<MeetingType, Frequency> = {
  branch_general_meeting: "quarter",
  branch_committee_meeting: "month",
  party_group_meeting: "month",
  party_lesson: "quarter",
  theme_party_day: "month",
  org_life_meeting: "year",
};

/**
 * What a branch may choose: never less often than the rule (only more often). 党课 has no
 * central number, so the local practices in domain.md §1.1 (quarterly down to twice a year) are allowed.
 */
export const ALLOWED_FREQUENCIES: Record<MeetingType, readonly Frequency[]> = {
  branch_general_meeting: ["month", "quarter"],
  branch_committee_meeting: ["month"],
  party_group_meeting: ["month"],
  party_lesson: ["month", "quarter", "half_year"],
  theme_party_day: ["month"],
  org_life_meeting: ["half_year", "year"],
};

/** A branch with fewer than 7 正式党员 has no 支部委员会 (domain.md §1.3). */
export const COMMITTEE_THRESHOLD = 7;

export function hasCommittee(fullMemberCount: number): boolean {
  return fullMemberCount >= COMMITTEE_THRESHOLD;
}

export interface BranchRules {
  frequencies: Record<MeetingType, Frequency>;
  /** Day of the month of the 主题党日, when fixed. */
  themeDay: number | null;
  /** Minutes before the start at which the group is reminded, largest first. */
  reminderOffsets: number[];
}

export const DEFAULT_REMINDER_OFFSETS = [1440, 60];

/** The stored overrides applied over the defaults, ignoring anything the rules do not allow. */
export function effectiveRules(stored?: { frequencies?: string | null; themeDay?: number | null; reminderOffsets?: string | null }): BranchRules {
  const frequencies = { ...DEFAULT_FREQUENCY };
  const overrides = safeJson<Record<string, unknown>>(stored?.frequencies, {});
  for (const type of MEETING_TYPES) {
    const f = overrides[type];
    if (typeof f === "string" && (ALLOWED_FREQUENCIES[type] as readonly string[]).includes(f)) frequencies[type] = f as Frequency;
  }
  const offsets = safeJson<unknown[]>(stored?.reminderOffsets, DEFAULT_REMINDER_OFFSETS)
    .filter((n): n is number => typeof n === "number" && Number.isInteger(n) && n > 0)
    .sort((a, b) => b - a);
  const themeDay = stored?.themeDay && stored.themeDay >= 1 && stored.themeDay <= 28 ? stored.themeDay : null;
  return { frequencies, themeDay, reminderOffsets: [...new Set(offsets)] };
}

function safeJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    const v = JSON.parse(text) as unknown;
    return (Array.isArray(fallback) ? Array.isArray(v) : v && typeof v === "object") ? (v as T) : fallback;
  } catch {
    return fallback;
  }
}

// ───────────────────────────── periods ─────────────────────────────

export interface Period {
  /** "2026-03", "2026-Q1", "2026-H1", "2026" */
  key: string;
  /** "3月", "第一季度", "上半年", "全年" */
  label: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

const QUARTER_LABEL = ["第一季度", "第二季度", "第三季度", "第四季度"];

/** Month starts are asked for again and again (every plan of every branch); parsing is slow. */
const monthStarts = new Map<string, number>();

function monthStart(year: number, month0: number, tz: string): Date {
  const key = `${tz}|${year}|${month0}`;
  let ms = monthStarts.get(key);
  if (ms === undefined) {
    ms = dayjs.tz(`${year}-${String(month0 + 1).padStart(2, "0")}-01 00:00`, tz).valueOf();
    monthStarts.set(key, ms);
  }
  return new Date(ms);
}

function span(year: number, fromMonth0: number, months: number, tz: string): { start: Date; end: Date } {
  const endMonth = fromMonth0 + months;
  return { start: monthStart(year, fromMonth0, tz), end: endMonth >= 12 ? monthStart(year + 1, endMonth - 12, tz) : monthStart(year, endMonth, tz) };
}

/** The periods of a year for a frequency, in the organisation's time zone. */
export function periodsOf(frequency: Frequency, year: number, tz: string): Period[] {
  switch (frequency) {
    case "month":
      return Array.from({ length: 12 }, (_, m) => ({ key: `${year}-${String(m + 1).padStart(2, "0")}`, label: `${m + 1}月`, ...span(year, m, 1, tz) }));
    case "quarter":
      return Array.from({ length: 4 }, (_, q) => ({ key: `${year}-Q${q + 1}`, label: QUARTER_LABEL[q]!, ...span(year, q * 3, 3, tz) }));
    case "half_year":
      return [
        { key: `${year}-H1`, label: "上半年", ...span(year, 0, 6, tz) },
        { key: `${year}-H2`, label: "下半年", ...span(year, 6, 6, tz) },
      ];
    case "year":
      return [{ key: `${year}`, label: "全年", ...span(year, 0, 12, tz) }];
  }
}

/** The period containing an instant. */
export function periodAt(frequency: Frequency, at: Date, tz: string): Period {
  const year = dayjs(at).tz(tz).year();
  return periodsOf(frequency, year, tz).find((p) => p.start <= at && at < p.end)!;
}

// ───────────────────────────── the year plan ─────────────────────────────

/** done: held with attendance final and minutes submitted — the only status that counts as met;
 *  unrecorded: held (or over) but attendance or minutes still missing, not met; in_progress: an
 *  activity under way (民主评议 open or being determined); scheduled: on the calendar; due: current
 *  period, nothing yet; missing: period over, nothing recorded; upcoming: not started;
 *  untracked: before the bot kept records. */
export type CellStatus = "done" | "unrecorded" | "in_progress" | "scheduled" | "due" | "missing" | "upcoming" | "untracked";

export const CELL_MARK: Record<CellStatus, string> = {
  done: "✅",
  unrecorded: "📝",
  in_progress: "🔄",
  scheduled: "🗓️",
  due: "⏳",
  missing: "❌",
  upcoming: "▫️",
  untracked: "➖",
};

/**
 * The status in a word beside its mark: without an emoji font (many intranet PCs, the sandbox on
 * a bare Linux) the mark alone is a blank box.
 */
export const CELL_WORD: Record<CellStatus, string> = {
  done: "已落实",
  unrecorded: "记录待补",
  in_progress: "进行中",
  scheduled: "已安排",
  due: "待安排",
  missing: "缺",
  upcoming: "未到期",
  untracked: "未记录",
};

/** "🗓️已安排" */
export function cellMark(status: CellStatus): string {
  return `${CELL_MARK[status]}${CELL_WORD[status]}`;
}

export const CELL_LABEL: Record<CellStatus, string> = {
  done: "已落实",
  unrecorded: "已召开，记录待补",
  in_progress: "进行中",
  scheduled: "已安排",
  due: "本期待安排",
  missing: "缺（期内无记录）",
  upcoming: "未到期",
  untracked: "未记录（绑定前）",
};

/** 民主评议 of a year: done once its round is published; in progress while open or being determined. */
export type AppraisalYearStatus = "done" | "in_progress";

export interface PlanMeeting {
  seqNo: number;
  type: MeetingType;
  status: string;
  startAt: Date;
  endAt: Date;
  partyGroupId: number | null;
  /** Minutes submitted (or confirmed): with attendance final, the meeting counts as met. */
  recorded: boolean;
}

export interface PlanCell {
  period: Period;
  status: CellStatus;
  meetings: Array<{ seqNo: number; startAt: Date }>;
}

export interface PlanRow {
  /** A meeting type, or "member_appraisal" (民主评议, an annual activity owned elsewhere). */
  type: MeetingType | "member_appraisal";
  label: string;
  frequency: Frequency;
  groupId?: number;
  cells: PlanCell[];
}

export interface PlanInput {
  year: number;
  timezone: string;
  now: Date;
  /** Before this instant the bot kept no records: empty past periods are "untracked", not "missing". */
  trackedSince: Date;
  rules: BranchRules;
  fullMemberCount: number;
  groups: Array<{ id: number; name: string }>;
  meetings: PlanMeeting[];
  /** 民主评议 status for the year, when the appraisal feature knows it. */
  appraisal?: AppraisalYearStatus | null;
}

export interface Plan {
  year: number;
  hasCommittee: boolean;
  rows: PlanRow[];
  /** Rows whose current period still needs a meeting (status due). */
  dueNow: Array<{ label: string; period: Period }>;
}

function cellStatus(period: Period, meetings: PlanMeeting[], input: PlanInput): CellStatus {
  const inPeriod = meetings.filter((m) => m.status !== "cancelled" && period.start <= m.startAt && m.startAt < period.end);
  const over = inPeriod.filter((m) => m.status === "held" || m.endAt <= input.now);
  if (over.some((m) => m.status === "held" && m.recorded)) return "done";
  if (over.length > 0) return "unrecorded";
  if (inPeriod.length > 0) return "scheduled";
  if (period.end <= input.now) return period.end <= input.trackedSince ? "untracked" : "missing";
  if (period.start <= input.now) return "due";
  return "upcoming";
}

function row(type: MeetingType, label: string, input: PlanInput, meetings: PlanMeeting[], groupId?: number): PlanRow {
  const frequency = input.rules.frequencies[type];
  const cells = periodsOf(frequency, input.year, input.timezone).map((period) => {
    const status = cellStatus(period, meetings, input);
    const own = meetings.filter((m) => m.status !== "cancelled" && period.start <= m.startAt && m.startAt < period.end);
    return { period, status, meetings: own.map((m) => ({ seqNo: m.seqNo, startAt: m.startAt })) };
  });
  return { type, label, frequency, groupId, cells };
}

/** The branch's year: each required type (and each party group), each period, with its status. */
export function buildPlan(input: PlanInput): Plan {
  const committee = hasCommittee(input.fullMemberCount);
  const ofType = (t: MeetingType) => input.meetings.filter((m) => m.type === t);
  const rows: PlanRow[] = [row("branch_general_meeting", TYPE_LABEL.branch_general_meeting, input, ofType("branch_general_meeting"))];
  if (committee) rows.push(row("branch_committee_meeting", TYPE_LABEL.branch_committee_meeting, input, ofType("branch_committee_meeting")));
  for (const g of input.groups) {
    const own = ofType("party_group_meeting").filter((m) => m.partyGroupId === g.id);
    rows.push(row("party_group_meeting", `党小组会 · ${g.name}`, input, own, g.id));
  }
  rows.push(row("party_lesson", TYPE_LABEL.party_lesson, input, ofType("party_lesson")));
  const themeLabel = input.rules.themeDay ? `主题党日（每月${input.rules.themeDay}日）` : TYPE_LABEL.theme_party_day;
  rows.push(row("theme_party_day", themeLabel, input, ofType("theme_party_day")));
  rows.push(row("org_life_meeting", TYPE_LABEL.org_life_meeting, input, ofType("org_life_meeting")));
  rows.push(appraisalRow(input));
  const dueNow = rows.flatMap((r) => r.cells.filter((c) => c.status === "due").map((c) => ({ label: r.label, period: c.period })));
  return { year: input.year, hasCommittee: committee, rows, dueNow };
}

/** 民主评议党员: annual; its workflow lives in the appraisal feature, which reports its status. */
function appraisalRow(input: PlanInput): PlanRow {
  const [period] = periodsOf("year", input.year, input.timezone);
  let status: CellStatus;
  if (input.appraisal === "done") status = "done";
  else if (input.appraisal === "in_progress") status = "in_progress";
  else if (period!.end <= input.now) status = period!.end <= input.trackedSince ? "untracked" : "missing";
  else status = period!.start <= input.now ? "due" : "upcoming";
  return { type: "member_appraisal", label: "民主评议党员（年度）", frequency: "year", cells: [{ period: period!, status, meetings: [] }] };
}
