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
installFastTz();

/** Domain time: the bot clock's instant seen in an organisation's zone. */
export function zoned(at: Date, tz: string): Dayjs {
  return dayjs(at).tz(tz);
}

/**
 * `dayjs(x).tz(zone)` with the timezone plugin's own algorithm (the zone's wall clock read as
 * local time, then given the zone's offset) and the same results, but reading the wall clock
 * from one cached Intl formatter per zone. The plugin calls `toLocaleString` with a time zone,
 * which builds a new formatter every time: about 70 µs instead of 6 µs, and the weekly digests
 * of thousands of branches convert hundreds of thousands of instants (bench/README.md).
 * Conversions that keep the local time (used by the plugin's startOf) stay on the original.
 */
function installFastTz(): void {
  type Internal = Dayjs & { $L: string; $x: Record<string, unknown>; tz(zone?: string, keepLocalTime?: boolean): Dayjs };
  const proto = dayjs.prototype as unknown as Internal;
  const pluginTz = proto.tz;
  const formats = new Map<string, Intl.DateTimeFormat>();
  const wallClockFormat = (tz: string) => {
    let f = formats.get(tz);
    if (!f) {
      f = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
      formats.set(tz, f);
    }
    return f;
  };
  proto.tz = function (this: Internal, zone?: string, keepLocalTime?: boolean): Dayjs {
    if (zone === undefined || keepLocalTime || !this.isValid()) return pluginTz.call(this, zone, keepLocalTime);
    const date = this.toDate();
    const ms = date.getTime();
    const wall: Record<string, number> = {};
    for (const p of wallClockFormat(zone).formatToParts(date)) if (p.type !== "literal") wall[p.type] = Number(p.value);
    const hour = wall.hour === 24 ? 0 : wall.hour!;
    const local = [wall.year!, wall.month! - 1, wall.day!, hour, wall.minute!, wall.second!] as const;
    const offset = (Date.UTC(...local) - (ms - (((ms % 1000) + 1000) % 1000))) / 60_000;
    const ins = (offset === 0
      ? this.utcOffset(0)
      : (dayjs as unknown as (d: Date, c: { locale: string }) => Dayjs)(new Date(...local), { locale: this.$L }).millisecond(this.millisecond()).utcOffset(offset, true)) as Internal;
    ins.$x.$timezone = zone;
    return ins;
  };
  (proto as unknown as { pluginTz: unknown }).pluginTz = pluginTz; // kept for the equivalence test
}

export { dayjs, type Dayjs };
