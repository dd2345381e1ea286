import * as chrono from "chrono-node";
import { zoned } from "./time.ts";

/**
 * Dates and times the way people type them in a chat — 明天 14:30, 下周五 下午3点,
 * 12月15日 15:00, 3月20日, 周三 9:00-11:00 — read with chrono-node's Chinese parser against the
 * bot's clock in the organisation's zone. Only a reading that uses every character of the
 * words it was given counts: "下下周三" is not silently read as 下周三.
 */
export interface NaturalReading {
  /** The calendar day, YYYY-MM-DD, in the zone. */
  day: string;
  /** "HH:mm" when a time of day was given. */
  clock?: string;
  /** "HH:mm" when a range was given ("14:30-16:00", "下午3点到5点"). */
  endClock?: string;
  /** How many of the argument words the reading used. */
  consumed: number;
}

/** At most this many words are tried as one date and time ("下周五 下午3点 到 5点"). */
const MAX_WORDS = 4;

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * Reads the longest run of args[i…] that is wholly a date (and time). `future`: a bare weekday
 * or month-day means the next one to come (a meeting, a deadline), not the last one.
 */
export function readNaturalDateTime(args: string[], i: number, now: Date, tz: string, future = true): NaturalReading | undefined {
  const reference = { instant: now, timezone: zoned(now, tz).utcOffset() };
  for (let k = Math.min(MAX_WORDS, args.length - i); k >= 1; k--) {
    const text = args.slice(i, i + k).join(" ").trim();
    if (!text) continue;
    const results = chrono.zh.hans.parse(text, reference, { forwardDate: future });
    const only = results.length === 1 ? results[0]! : undefined;
    if (!only || only.index !== 0 || only.text.length !== text.length) continue;
    const s = only.start;
    if (!s.isCertain("day") && !s.isCertain("weekday") && !isRelativeDay(text)) continue; // "下午3点" alone names no day
    const day = `${s.get("year")}-${pad(s.get("month")!)}-${pad(s.get("day")!)}`;
    const clock = s.isCertain("hour") ? `${pad(s.get("hour")!)}:${pad(s.get("minute") ?? 0)}` : undefined;
    const e = only.end;
    let endHour = e?.isCertain("hour") ? e.get("hour")! : undefined;
    // "下午3点到5点": the end shares the start's afternoon.
    if (endHour !== undefined && endHour < 12 && s.get("hour")! >= 12 && endHour + 12 > s.get("hour")!) endHour += 12;
    const endClock = endHour !== undefined ? `${pad(endHour)}:${pad(e!.get("minute") ?? 0)}` : undefined;
    return { day, clock, endClock, consumed: k };
  }
  return undefined;
}

/** 今天/明天/后天 and "N天后" name a day without a date or weekday component. */
function isRelativeDay(text: string): boolean {
  return /今天|明天|后天|大后天|今日|明日|\d+\s*天[后後]/.test(text);
}

/**
 * A calendar day in words, for deadlines: 下周五, 12月31日, 30天后, and 月底 / 下月底 / 年底
 * (which chrono does not read). Returns YYYY-MM-DD in the zone, or undefined.
 */
export function readNaturalDay(text: string, now: Date, tz: string): string | undefined {
  const words = text.trim();
  const today = zoned(now, tz);
  const ends: Record<string, () => string> = {
    月底: () => today.endOf("month").format("YYYY-MM-DD"),
    本月底: () => today.endOf("month").format("YYYY-MM-DD"),
    下月底: () => today.add(1, "month").endOf("month").format("YYYY-MM-DD"),
    下个月底: () => today.add(1, "month").endOf("month").format("YYYY-MM-DD"),
    年底: () => today.endOf("year").format("YYYY-MM-DD"),
  };
  const end = ends[words];
  if (end) return end();
  const r = readNaturalDateTime(words.split(/\s+/), 0, now, tz);
  return r && r.consumed === words.split(/\s+/).length && !r.clock ? r.day : undefined;
}
