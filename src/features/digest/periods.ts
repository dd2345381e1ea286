import { dayjs, type Dayjs } from "../../core/time.ts";


export type PeriodUnit = "week" | "month" | "quarter" | "year";

/** A reporting period in an organisation's zone: [start, end). */
export interface Period {
  unit: PeriodUnit;
  key: string; // 2026-W10, 2026-03, 2026-Q1, 2026
  label: string; // 第10周（3月2日—3月8日）
  start: Date;
  end: Date;
}

const UNIT_WORDS: Record<string, PeriodUnit> = { 本周: "week", 本月: "month", 本季度: "quarter", 本季: "quarter", 本年: "year", 今年: "year", 全年: "year" };

export function periodUnitFromWord(word: string | undefined): PeriodUnit | undefined {
  return word === undefined ? "week" : UNIT_WORDS[word];
}

function startOf(d: Dayjs, unit: PeriodUnit): Dayjs {
  return unit === "week" ? d.startOf("isoWeek") : d.startOf(unit);
}

/**
 * ISO week and its year from the local calendar date. dayjs's isoWeek() reads the process's
 * zone rather than the instance's in some plugin orders, so it is computed here from Y-M-D.
 */
export function isoWeekOf(d: Dayjs): { year: number; week: number } {
  const date = new Date(Date.UTC(d.year(), d.month(), d.date()));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
  return { year: date.getUTCFullYear(), week: Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7) };
}

const md = (d: Dayjs) => `${d.month() + 1}月${d.date()}日`;

/** The period of the given unit that contains `at`, in zone `tz`. */
export function periodContaining(at: Date, tz: string, unit: PeriodUnit): Period {
  const s = startOf(dayjs(at).tz(tz), unit);
  const e = unit === "week" ? s.add(1, "week") : s.add(1, unit);
  const last = e.subtract(1, "day");
  switch (unit) {
    case "week": {
      const w = isoWeekOf(s);
      return { unit, key: `${w.year}-W${String(w.week).padStart(2, "0")}`, label: `第${w.week}周（${md(s)}—${md(last)}）`, start: s.toDate(), end: e.toDate() };
    }
    case "month":
      return { unit, key: s.format("YYYY-MM"), label: `${s.year()}年${s.month() + 1}月`, start: s.toDate(), end: e.toDate() };
    case "quarter":
      return { unit, key: `${s.year()}-Q${s.quarter()}`, label: `${s.year()}年第${s.quarter()}季度`, start: s.toDate(), end: e.toDate() };
    case "year":
      return { unit, key: String(s.year()), label: `${s.year()}年`, start: s.toDate(), end: e.toDate() };
  }
}

/** The week before the one containing `at` (a Monday digest reports on the week just ended). */
export function previousWeek(at: Date, tz: string): Period {
  return periodContaining(dayjs(at).tz(tz).startOf("isoWeek").subtract(1, "day").toDate(), tz, "week");
}

/** The next time at weekday/hour/minute (1 = Monday) strictly after `after`, in zone `tz`. */
export function nextWeekly(after: Date, tz: string, weekday: number, hour: number, minute: number): Date {
  const base = dayjs(after).tz(tz);
  let candidate = base.startOf("isoWeek").add(weekday - 1, "day").hour(hour).minute(minute).second(0).millisecond(0);
  while (!candidate.isAfter(base)) candidate = candidate.add(1, "week");
  return candidate.toDate();
}

export function formatDateTime(at: Date, tz: string): string {
  const d = dayjs(at).tz(tz);
  return `${d.month() + 1}月${d.date()}日 ${d.format("HH:mm")}`;
}

export { dayjs };
