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

/** Domain time: the bot clock's instant seen in an organisation's zone. */
export function zoned(at: Date, tz: string): Dayjs {
  return dayjs(at).tz(tz);
}

export { dayjs, type Dayjs };
