import dayjs, { type Dayjs } from "dayjs";
import utc from "dayjs/plugin/utc.js";
import timezone from "dayjs/plugin/timezone.js";
import isoWeek from "dayjs/plugin/isoWeek.js";
import quarterOfYear from "dayjs/plugin/quarterOfYear.js";

// The one place dayjs is configured: every capability imports it from here, so the plugins
// are installed once and in one order.
dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(isoWeek);
dayjs.extend(quarterOfYear);

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(tz: string): Intl.DateTimeFormat {
  let f = wallClockFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    wallClockFormats.set(tz, f);
  }
  return f;
}

/**
 * Domain time: the bot clock's instant seen in an organisation's zone. The same result as
 * `dayjs(at).tz(tz)` (the timezone plugin's own algorithm: the zone's wall clock read as local
 * time, then given the zone's offset), but with one cached Intl formatter instead of the
 * plugin's `toLocaleString`, which builds a new formatter on every call (about 70 µs; digests
 * for thousands of branches call this hundreds of thousands of times).
 */
export function zoned(at: Date, tz: string): Dayjs {
  const ms = at.getTime();
  if (Number.isNaN(ms)) return dayjs(at).tz(tz);
  const wall: Record<string, number> = {};
  for (const p of wallClockFormat(tz).formatToParts(at)) if (p.type !== "literal") wall[p.type] = Number(p.value);
  const hour = wall.hour === 24 ? 0 : wall.hour!;
  const offset = (Date.UTC(wall.year!, wall.month! - 1, wall.day!, hour, wall.minute!, wall.second!) - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000;
  const d = offset === 0
    ? dayjs(at).utcOffset(0)
    : dayjs(new Date(wall.year!, wall.month! - 1, wall.day!, hour, wall.minute!, wall.second!)).millisecond(dayjs(at).millisecond()).utcOffset(offset, true);
  (d as unknown as { $x: Record<string, unknown> }).$x.$timezone = tz;
  return d;
}

export { dayjs, type Dayjs };
