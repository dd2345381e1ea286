import { usageMonth } from "../../app/budget.ts";
import { callCause } from "../../app/call-cause.ts";
import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../core/log.ts";
import type { Db } from "../../db/client.ts";
import { countApiCall } from "../../db/usage.ts";

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
