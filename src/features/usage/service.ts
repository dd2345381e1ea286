import type { Tx } from "../../db/client.ts";

export interface MonthUsage {
  total: number;
  byCause: Array<{ cause: string; calls: number }>;
  byOrg: Map<number, number>;
}

/** This month's counted calls: the total, by cause (most first) and by organisation (0: none). */
export async function monthUsage(tx: Tx, month: string): Promise<MonthUsage> {
  const [causes, orgs] = await Promise.all([
    tx.apiCallCount.groupBy({ by: ["cause"], where: { month }, _sum: { calls: true } }),
    tx.apiCallCount.groupBy({ by: ["orgId"], where: { month }, _sum: { calls: true } }),
  ]);
  const byCause = causes.map((c) => ({ cause: c.cause, calls: c._sum.calls ?? 0 })).sort((a, b) => b.calls - a.calls || a.cause.localeCompare(b.cause));
  return { total: byCause.reduce((n, c) => n + c.calls, 0), byCause, byOrg: new Map(orgs.map((o) => [o.orgId, o._sum.calls ?? 0])) };
}
