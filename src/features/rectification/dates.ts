import { dayjs } from "../../core/time.ts";
import { readNaturalDay } from "../../core/natural-time.ts";


/** Reminders go out at this local time, so nobody is woken by one. */
export const REMINDER_TIME = "09:00";

/** The calendar day (YYYY-MM-DD) an instant falls on in the zone. */
export function dayOf(at: Date, tz: string): string {
  return dayjs(at).tz(tz).format("YYYY-MM-DD");
}

export function addDays(day: string, n: number): string {
  return dayjs.utc(day).add(n, "day").format("YYYY-MM-DD");
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return dayjs.utc(to).diff(dayjs.utc(from), "day");
}

/** The instant of a local wall-clock time on a day in the zone. */
export function localTime(day: string, time: string, tz: string): Date {
  return dayjs.tz(`${day} ${time}`, "YYYY-MM-DD HH:mm", tz).toDate();
}

/**
 * Reads a date the way people type it: 2026-04-30, 2026/4/30, 2026.4.30 or 2026年4月30日.
 * Returns YYYY-MM-DD, or undefined if it is not a real calendar day.
 */
export function parseDay(text: string): string | undefined {
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim());
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  return dayjs.utc(day).format("YYYY-MM-DD") === day ? day : undefined;
}

/** A deadline as typed: a date (2026-04-30, 2026年4月30日) or words (下周五, 12月31日, 月底, 下月底). */
export function parseDueDay(text: string, now: Date, tz: string): string | undefined {
  return parseDay(text) ?? readNaturalDay(text, now, tz);
}

/** Card date pickers answer "2026-04-30 +0800"; the day is what counts. */
export function parsePickedDay(value: unknown): string | undefined {
  return typeof value === "string" ? parseDay(value.split(" ")[0] ?? "") : undefined;
}

/** "3月31日" for cards and messages; adds the year when it differs from the reference day. */
export function dayLabel(day: string, referenceDay?: string): string {
  const d = dayjs.utc(day);
  const sameYear = referenceDay ? referenceDay.slice(0, 4) === day.slice(0, 4) : true;
  return sameYear ? `${d.month() + 1}月${d.date()}日` : `${d.year()}年${d.month() + 1}月${d.date()}日`;
}

/** "3月2日 09:30" in the zone, for history lines. */
export function timeLabel(at: Date, tz: string): string {
  return dayjs(at).tz(tz).format("M月D日 HH:mm");
}
