import { dayjs, zoned } from "../../core/time.ts";
import { echo } from "../../app/args.ts";
import { readNaturalDateTime } from "../../core/natural-time.ts";


export { zoned };

const WEEKDAY = ["日", "一", "二", "三", "四", "五", "六"];
const pad = (n: number) => String(n).padStart(2, "0");

/** "3月10日（周二）" */
export function formatDay(at: Date, tz: string): string {
  const d = zoned(at, tz);
  return `${d.month() + 1}月${d.date()}日（周${WEEKDAY[d.day()]}）`;
}

/** "14:00" */
export function formatClock(at: Date, tz: string): string {
  return zoned(at, tz).format("HH:mm");
}

/** "3月10日（周二）14:00–15:30", with the year when it is not the reference year. */
export function formatWhen(start: Date, end: Date, tz: string, now?: Date): string {
  const s = zoned(start, tz);
  const year = now && zoned(now, tz).year() !== s.year() ? `${s.year()}年` : "";
  const sameDay = s.format("YYYY-MM-DD") === zoned(end, tz).format("YYYY-MM-DD");
  const endText = sameDay ? formatClock(end, tz) : `${formatDay(end, tz)}${formatClock(end, tz)}`;
  return `${year}${formatDay(start, tz)}${formatClock(start, tz)}–${endText}`;
}

/** "2026-03-10 14:00", the form people type, for examples and picker defaults. */
export function formatInput(at: Date, tz: string): string {
  return zoned(at, tz).format("YYYY-MM-DD HH:mm");
}

/** A wall-clock time in a zone, or undefined when it does not exist (e.g. 2月30日). */
export function wallTime(y: number, m: number, d: number, h: number, min: number, tz: string): Date | undefined {
  if (m < 1 || m > 12 || d < 1 || d > 31 || h > 23 || min > 59) return undefined;
  const text = `${y}-${pad(m)}-${pad(d)} ${pad(h)}:${pad(min)}`;
  const t = dayjs.tz(text, tz);
  if (!t.isValid() || t.format("YYYY-MM-DD HH:mm") !== text) return undefined;
  return t.toDate();
}

export interface ParsedTime {
  start: Date;
  /** Present when a range was typed ("14:00-16:00"). */
  end?: Date;
  /** How many argument tokens were used. */
  consumed: number;
  /** Read from words (明天, 下周五 下午3点, 12月15日): worth echoing with its weekday before acting on it. */
  natural?: boolean;
}

/** Ways to write a meeting's time that work on any day they are read. */
export const TIME_EXAMPLES = "明天 14:30、下周五 下午3点、下周三 9:00-11:00";

const FULL_DATE = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/;
const SHORT_DATE = /^(\d{1,2})[-/.月](\d{1,2})日?$/;
const CLOCK = /^(\d{1,2})[:：](\d{2})(?:[-–~至到](\d{1,2})[:：](\d{2}))?$/;

/** Short dates ("3-10") mean this year, unless that was more than two months ago. */
function yearFor(month: number, day: number, now: Date, tz: string): number {
  const today = zoned(now, tz);
  const candidate = dayjs.tz(`${today.year()}-${pad(month)}-${pad(day)}`, tz);
  return candidate.isValid() && candidate.isBefore(today.subtract(60, "day")) ? today.year() + 1 : today.year();
}

/**
 * Reads "YYYY-MM-DD HH:mm" (also "2026/3/10 14:00", "3月10日 14:00", "2026-03-10T14:00",
 * "14:00-16:00") from args[i…]. Returns an error text in Chinese when it cannot.
 */
export function parseDateTime(args: string[], i: number, now: Date, tz: string): ParsedTime | { error: string } {
  let dateToken = args[i] ?? "";
  let clockToken = args[i + 1] ?? "";
  let consumed = 2;
  const joined = /^(.+?)[T_](\d{1,2}[:：]\d{2}.*)$/.exec(dateToken);
  if (joined) {
    dateToken = joined[1]!;
    clockToken = joined[2]!;
    consumed = 1;
  }
  let y: number, m: number, d: number;
  const full = FULL_DATE.exec(dateToken);
  const short = SHORT_DATE.exec(dateToken);
  if (full) [y, m, d] = [Number(full[1]), Number(full[2]), Number(full[3])];
  else if (short) {
    [m, d] = [Number(short[1]), Number(short[2])];
    y = yearFor(m, d, now, tz);
  } else return readWords(args, i, now, tz) ?? { error: dateToken ? `看不懂日期「${echo(dateToken)}」。` : "缺少会议日期和时间。" };
  const clock = CLOCK.exec(clockToken);
  if (!clock) return readWords(args, i, now, tz) ?? { error: clockToken ? `看不懂时间「${echo(clockToken)}」，请写成 14:30 或 下午3点。` : "缺少开始时间（如 14:30）。" };
  const start = wallTime(y, m, d, Number(clock[1]), Number(clock[2]), tz);
  if (!start) return { error: `日期或时间「${echo(`${dateToken} ${clockToken}`)}」不存在。` };
  let end: Date | undefined;
  if (clock[3]) {
    end = wallTime(y, m, d, Number(clock[3]), Number(clock[4]), tz);
    if (!end || end <= start) return { error: `结束时间应晚于开始时间：「${echo(clockToken)}」。` };
  }
  return { start, end, consumed, natural: !full };
}

/** The date and time in words (明天 14:30, 下周五 下午3点); an error when the time of day is missing. */
function readWords(args: string[], i: number, now: Date, tz: string): ParsedTime | { error: string } | undefined {
  const r = readNaturalDateTime(args, i, now, tz);
  if (!r) return undefined;
  const words = args.slice(i, i + r.consumed).join(" ");
  if (!r.clock) return { error: `「${echo(words)}」只写了日期，还缺开始时间（如 ${words} 14:30）。` };
  const [y, m, d] = r.day.split("-").map(Number) as [number, number, number];
  const at = (clock: string) => wallTime(y, m, d, Number(clock.slice(0, 2)), Number(clock.slice(3)), tz);
  const start = at(r.clock);
  if (!start) return { error: `日期或时间「${echo(words)}」不存在。` };
  const end = r.endClock ? at(r.endClock) : undefined;
  if (r.endClock && (!end || end <= start)) return { error: `结束时间应晚于开始时间：「${echo(words)}」。` };
  return { start, end, consumed: r.consumed, natural: true };
}

/**
 * A card picker value: "2026-03-10 14:00 +0800" (picker_datetime), or a date "2026-03-10 +0800"
 * and a time "14:00 +0800". The offset is the clicking user's; without one, the branch's zone.
 */
export function parsePickerDateTime(dateValue: string, timeValue: string | undefined, tz: string): Date | undefined {
  const combined = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?:\s*([+-]\d{2}):?(\d{2}))?$/.exec(dateValue.trim());
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})(?:\s*([+-]\d{2}):?(\d{2}))?$/.exec(dateValue.trim());
  const clock = timeValue ? /^(\d{2}):(\d{2})(?:\s*([+-]\d{2}):?(\d{2}))?$/.exec(timeValue.trim()) : null;
  let parts: { y: string; mo: string; d: string; h: string; mi: string; oh?: string; om?: string } | undefined;
  if (combined) parts = { y: combined[1]!, mo: combined[2]!, d: combined[3]!, h: combined[4]!, mi: combined[5]!, oh: combined[6], om: combined[7] };
  else if (dateOnly && clock) parts = { y: dateOnly[1]!, mo: dateOnly[2]!, d: dateOnly[3]!, h: clock[1]!, mi: clock[2]!, oh: clock[3] ?? dateOnly[4], om: clock[4] ?? dateOnly[5] };
  if (!parts) return undefined;
  if (parts.oh) {
    const t = dayjs(`${parts.y}-${parts.mo}-${parts.d}T${parts.h}:${parts.mi}:00${parts.oh}:${parts.om}`);
    return t.isValid() ? t.toDate() : undefined;
  }
  return wallTime(Number(parts.y), Number(parts.mo), Number(parts.d), Number(parts.h), Number(parts.mi), tz);
}

/** "1 天后" / "约 2 小时后" / "15 分钟后": a reminder a minute late still reads naturally. */
export function humanIn(ms: number): string {
  const min = Math.round(ms / 60_000);
  const about = (n: number, unit: number, word: string) => `${min === n * unit ? "" : "约 "}${n} ${word}后`;
  if (min >= 1380) return about(Math.round(min / 1440), 1440, "天");
  if (min >= 50) return about(Math.round(min / 60), 60, "小时");
  return `${Math.max(1, min)} 分钟后`;
}

/** A reminder offset in words: 1440 → "1天", 90 → "90分钟". */
export function offsetLabel(min: number): string {
  if (min % 1440 === 0) return `${min / 1440}天`;
  if (min % 60 === 0) return `${min / 60}小时`;
  return `${min}分钟`;
}

/** "1天" / "2小时" / "30分钟" / "1.5小时" → minutes. */
export function parseOffset(word: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(天|日|小时|h|H|个小时|分钟|分|min)$/.exec(word);
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2]!;
  const minutes = unit === "天" || unit === "日" ? n * 1440 : unit.includes("小时") || unit === "h" || unit === "H" ? n * 60 : n;
  return Number.isInteger(minutes) && minutes > 0 ? minutes : undefined;
}

export { dayjs };
