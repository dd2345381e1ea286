import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import type { RectificationStatus } from "./labels.ts";

/** `createdBy` of items the bot records on a feature's behalf. */
export const BOT_ACTOR = "bot";

/** Everything a card or a rule needs to know about an item. */
export const ITEM_INCLUDE = {
  org: true,
  owner: true,
  verifier: true,
  evidence: { orderBy: { id: "asc" } },
  events: { orderBy: { id: "asc" } },
} as const satisfies Prisma.RectificationItemInclude;

export type ItemFull = Prisma.RectificationItemGetPayload<{ include: typeof ITEM_INCLUDE }>;

export async function loadItem(tx: Tx, id: number): Promise<ItemFull> {
  return tx.rectificationItem.findUniqueOrThrow({ where: { id }, include: ITEM_INCLUDE });
}

export async function findItemBySeq(tx: Tx, orgId: number, seqNo: number): Promise<ItemFull | null> {
  return tx.rectificationItem.findUnique({ where: { orgId_seqNo: { orgId, seqNo } }, include: ITEM_INCLUDE });
}

/** Open past its deadline day (long-term items never are). */
export function isOverdue(item: { status: string; dueOn: string | null; longTerm: boolean }, today: string): boolean {
  return item.status !== "done" && !item.longTerm && !!item.dueOn && item.dueOn < today;
}

/** Items a group chat may show: branch-level ones and those the committee published. */
export function visibleInGroup(item: { disclosure: string }): boolean {
  return item.disclosure === "branch" || item.disclosure === "published";
}

export { secretaryOf } from "../../app/actors.ts";

/** Appends to an item's history; the actor's name is looked up now so history reads well later. */
export async function recordEvent(
  tx: Tx,
  itemId: number,
  e: { actorOpenId?: string | null; orgId: number; action: string; fromStatus?: string | null; toStatus?: string | null; comment?: string | null; at: Date },
): Promise<void> {
  const actorOpenId = e.actorOpenId && e.actorOpenId !== BOT_ACTOR ? e.actorOpenId : null;
  await tx.rectificationEvent.create({
    data: {
      itemId,
      at: e.at,
      actorOpenId,
      actorName: actorOpenId ? await memberName(tx, actorOpenId, e.orgId) : "支部助手",
      action: e.action,
      fromStatus: e.fromStatus ?? null,
      toStatus: e.toStatus ?? null,
      comment: e.comment ?? null,
    },
  });
}

/** Changes the status with a history line in one step. */
export async function setStatus(
  tx: Tx,
  item: ItemFull,
  to: RectificationStatus,
  e: { actorOpenId: string | null; action: string; comment?: string | null; at: Date; data?: Prisma.RectificationItemUpdateInput },
): Promise<void> {
  await tx.rectificationItem.update({ where: { id: item.id }, data: { status: to, updatedAt: e.at, ...e.data } });
  await recordEvent(tx, item.id, { actorOpenId: e.actorOpenId, orgId: item.orgId, action: e.action, fromStatus: item.status, toStatus: to, comment: e.comment, at: e.at });
}

/** A person's name for history and cards: their row in the organisation, else any row. */
export async function memberName(tx: Tx, openId: string | null | undefined, orgId?: number): Promise<string> {
  if (!openId) return "—";
  const here = orgId !== undefined ? await tx.member.findFirst({ where: { orgId, openId } }) : null;
  const any = here ?? (await tx.member.findFirst({ where: { openId }, orderBy: { id: "asc" } }));
  return any?.name ?? "（未知成员）";
}

/**
 * 跟进事项: what a meeting decided to do (minutes' follow-up actions) is tracked with the same
 * engine — owner, deadline, reminders, evidence — but it is not 整改: it is never counted in
 * 整改 lists, digests, the committee roll-up, the secretary's indicators or spot-checks.
 */
export const FOLLOW_UP_SOURCE = "minutes";
export const RECTIFICATION_ONLY = { source: { not: FOLLOW_UP_SOURCE } } as const;

export function isFollowUp(item: { source: string }): boolean {
  return item.source === FOLLOW_UP_SOURCE;
}
