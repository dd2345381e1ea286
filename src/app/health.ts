import type { Db } from "../db/client.ts";

/** What /healthz shows: connection state, queues, and recent permanent send failures. */
export async function healthReport(db: Db, extra: { mode: string; ws?: { state: string; lastConnectTime?: number; reconnectAttempts: number }; clock: Date }) {
  const [outbox, inbound, jobs, failures] = await Promise.all([
    db.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } }),
    db.inboundEvent.groupBy({ by: ["status"], _count: { _all: true } }),
    db.job.groupBy({ by: ["status"], _count: { _all: true } }),
    db.outboxMessage.findMany({
      where: { status: "failed" },
      orderBy: { id: "desc" },
      take: 10,
      select: { id: true, target: true, kind: true, failReason: true, createdAt: true },
    }),
  ]);
  const counts = (rows: Array<{ status: string; _count: { _all: number } }>) => Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
  const wsOk = !extra.ws || extra.ws.state === "connected";
  return {
    ok: wsOk,
    mode: extra.mode,
    longConnection: extra.ws ?? null,
    botClock: extra.clock.toISOString(),
    outbox: counts(outbox),
    inbound: counts(inbound),
    jobs: counts(jobs),
    recentSendFailures: failures.map((f) => ({ id: f.id, target: f.target, kind: f.kind, reason: f.failReason, queuedAt: f.createdAt.toISOString() })),
  };
}
