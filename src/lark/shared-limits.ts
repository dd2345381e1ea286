import type { Tx } from "../db/client.ts";
import { ARRIVAL_MARGIN_MS, MINUTE_GUARD_MS, type SendLimits } from "./rate-limit.ts";

/** How far back the outbox is read (rows): far more than a minute's sends of all instances. */
export const RECENT_ROWS = 20_000;

/**
 * Lark's limits are the app's, not an instance's: with several instances on one PostgreSQL
 * database, the heads about to be claimed are cut to what the sends of every instance leave —
 * those in flight (status "sending") and those answered within the window, read from the
 * outbox, the record all instances share. Runs inside the claim's serializable transaction, so
 * two instances claiming at once cannot both spend the same room: one of them runs again.
 */
export async function withinSharedLimits<H extends { target: string }>(tx: Tx, heads: H[], limits: SendLimits, now: number): Promise<H[]> {
  if (heads.length === 0) return heads;
  const newest = (await tx.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;
  const minuteAgo = now - 60_000 - MINUTE_GUARD_MS - ARRIVAL_MARGIN_MS;
  const recent = await tx.outboxMessage.findMany({
    // In flight: claimed under a live lease (a killed instance's claim lapses with its lease).
    where: { id: { gt: newest - RECENT_ROWS }, OR: [{ status: "sending", lockedUntil: { gt: new Date(now) } }, { sentAt: { gt: new Date(minuteAgo) } }] },
    select: { target: true, status: true, sentAt: true },
  });
  const secondAgo = now - 1000 - ARRIVAL_MARGIN_MS;
  const inLastSecond = recent.filter((r) => r.status === "sending" || (r.sentAt?.getTime() ?? 0) > secondAgo);
  let second = limits.perAppPerSecond - inLastSecond.length;
  let minute = limits.perAppPerMinute - recent.length;
  const perTarget = new Map<string, number>();
  for (const r of inLastSecond) perTarget.set(r.target, (perTarget.get(r.target) ?? 0) + 1);
  const allowed: H[] = [];
  for (const head of heads) {
    if (second <= 0 || minute <= 0) break;
    const used = perTarget.get(head.target) ?? 0;
    if (used >= limits.perTargetPerSecond) continue;
    perTarget.set(head.target, used + 1);
    second--;
    minute--;
    allowed.push(head);
  }
  return allowed;
}
