import type { Clock } from "../core/clock.ts";
import type { Logger } from "../core/log.ts";
import { zoned } from "../core/time.ts";
import type { Db, Tx } from "../db/client.ts";
import { ensureJob } from "./jobs.ts";

/**
 * The tenant's monthly Open Platform call budget (issue #22): a free Feishu tenant has 10,000
 * calls a month for all its custom apps. When this month's pace would pass the budget, rows
 * marked sheddable (live-count PATCHes, digest invites) are left out — notices, sign-in cards,
 * minutes forms and overdue notices keep going — and the committee's secretary is told once.
 */

/** The calendar month a call counts in: Feishu resets the budget on the 1st (tenant's time zone). */
export function usageMonth(at: Date, timezone: string): string {
  return zoned(at, timezone).format("YYYY-MM");
}

/** Where the month ends at the current pace: calls so far over the share of the month gone. */
function projectToMonthEnd(calls: number, monthStart: Date, monthEnd: Date, now: Date): number {
  const gone = (now.getTime() - monthStart.getTime()) / (monthEnd.getTime() - monthStart.getTime());
  // Within the first hour the pace says little: report what was spent, not a wild multiple.
  return gone <= 1 / (31 * 24) ? calls : Math.round(calls / Math.min(1, gone));
}

export interface MonthPace {
  month: string;
  used: number;
  projected: number;
}

/** The month `now` is in and where `used` calls so far would end it. */
export function paceOf(used: number, now: Date, timezone: string): MonthPace {
  const start = zoned(now, timezone).startOf("month");
  return { month: usageMonth(now, timezone), used, projected: projectToMonthEnd(used, start.toDate(), start.add(1, "month").toDate(), now) };
}

export async function monthPace(db: Db | Tx, now: Date, timezone: string): Promise<MonthPace> {
  const sum = await db.apiCallCount.aggregate({ where: { month: usageMonth(now, timezone) }, _sum: { calls: true } });
  return paceOf(sum._sum.calls ?? 0, now, timezone);
}

export const BUDGET_NOTICE_JOB = "usage.budget_notice";

/** How long one look at the month's pace is trusted (real time): one query a minute, not one per send. */
const PACE_TTL_MS = 60_000;

export class CallBudget {
  private cached?: { at: number; over: boolean };

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly timezone: string,
    readonly budget: number,
    private readonly log: Logger,
  ) {}

  /** True while this month's projected calls pass the budget; the first time in a month, the notice job is stored. */
  async over(): Promise<boolean> {
    if (this.cached && Date.now() - this.cached.at < PACE_TTL_MS) return this.cached.over;
    const now = this.clock.now();
    const pace = await monthPace(this.db, now, this.timezone);
    const over = pace.projected > this.budget;
    this.cached = { at: Date.now(), over };
    if (over) {
      // A unique key per month: told once, whichever instance saw it first.
      const created = await this.db.$transaction((tx) =>
        ensureJob(tx, { key: `usage:budget-notice:${pace.month}`, kind: BUDGET_NOTICE_JOB, runAt: now, payload: { ...pace, budget: this.budget } }, now),
      );
      if (created) this.log.warn({ ...pace, budget: this.budget }, "monthly API call budget projected to be passed: shedding live updates");
    }
    return over;
  }
}
