import { dayjs } from "../../core/time.ts";
import { addDays, dayOf, localTime, parseDay, parseDueDay } from "../rectification/dates.ts";


export { addDays, dayOf, localTime, parseDay, parseDueDay };

const WEEKDAY = ["周日", "周一", "周二", "周三", "周四", "周五", "周六"];

/** A deadline day means "until the end of that day" in the organisation's zone. */
export function endOfDay(day: string, tz: string): Date {
  return dayjs.tz(day, "YYYY-MM-DD", tz).add(1, "day").toDate();
}

/** The last day on which submissions are still accepted. */
export function deadlineDay(deadline: Date, tz: string): string {
  return dayOf(new Date(deadline.getTime() - 1), tz);
}

/** "2026年3月16日（周一）23:59": the last minute of the day, not a 24:00 that reads as the next day. */
export function deadlineLabel(deadline: Date, tz: string): string {
  const d = dayjs(deadline.getTime() - 1).tz(tz);
  return `${d.year()}年${d.month() + 1}月${d.date()}日（${WEEKDAY[d.day()]}）23:59`;
}

/** "3月2日 09:30" */
export function shortTime(at: Date, tz: string): string {
  return dayjs(at).tz(tz).format("M月D日 HH:mm");
}

export function yearOf(at: Date, tz: string): number {
  return dayjs(at).tz(tz).year();
}
