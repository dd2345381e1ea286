import { callCause } from "../../app/call-cause.ts";
import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../core/log.ts";
import { zoned } from "../../core/time.ts";
import type { Db } from "../../db/client.ts";
import { countApiCall } from "../../db/usage.ts";

/** The calendar month a call counts in: Feishu resets the budget on the 1st (tenant's time zone). */
export function usageMonth(at: Date, timezone: string): string {
  return zoned(at, timezone).format("YYYY-MM");
}

/**
 * The gateway's `onCall`: counts each Open Platform call by month, organisation, endpoint and
 * cause (issue #22 item 1). A counting failure is logged, never turned into a failed send.
 */
export function apiCallRecorder(db: Db, clock: Clock, timezone: string, log: Logger): (api: string) => Promise<void> {
  return async (api) => {
    const cause = callCause();
    try {
      await countApiCall(db, { month: usageMonth(clock.now(), timezone), orgId: cause?.orgId ?? 0, endpoint: api, cause: cause?.cause ?? "other" });
    } catch (err) {
      log.warn({ api, err: err instanceof Error ? err.message : String(err) }, "api call not counted");
    }
  };
}
