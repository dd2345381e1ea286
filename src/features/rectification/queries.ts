import type { Tx } from "../../db/client.ts";
import type { Prisma } from "../../generated/prisma/client.ts";
import { dayOf } from "./dates.ts";
import { ITEM_INCLUDE, isFollowUp, isOverdue, visibleInGroup, type ItemFull } from "./model.ts";

export type ListFilter = "open" | "mine" | "overdue" | "submitted" | "all";

export const FILTER_WORDS: Record<string, ListFilter> = {
  我的: "mine",
  逾期: "overdue",
  全部: "all",
  待验收: "submitted",
  未完成: "open",
  mine: "mine",
  overdue: "overdue",
  all: "all",
};

export interface Counts {
  open: number;
  overdue: number;
  submitted: number;
  done: number;
}

/** Closed items shown in "全部" lists; older ones are in the ledger, not the chat. */
const DONE_SHOWN = 20;

export async function orgItems(tx: Tx, orgId: number, where: Prisma.RectificationItemWhereInput = {}): Promise<ItemFull[]> {
  return tx.rectificationItem.findMany({ where: { orgId, ...where }, include: ITEM_INCLUDE, orderBy: { seqNo: "asc" } });
}

/** Items a person owns (any organisation), open first. */
export async function ownedItems(tx: Tx, openId: string, openOnly: boolean): Promise<ItemFull[]> {
  const rows = await tx.rectificationItem.findMany({
    where: { owner: { openId }, ...(openOnly ? { status: { not: "done" } } : {}) },
    include: ITEM_INCLUDE,
    orderBy: [{ orgId: "asc" }, { seqNo: "asc" }],
  });
  return rows;
}

/** Items waiting for this person to verify: named verifier, or secretary where none is named. */
export async function awaitingVerification(tx: Tx, openId: string): Promise<ItemFull[]> {
  const secretaryOf = await tx.member.findMany({ where: { openId, active: true, post: { in: ["secretary", "deputy_secretary"] } }, select: { orgId: true } });
  return tx.rectificationItem.findMany({
    where: {
      status: "submitted",
      owner: { openId: { not: openId } },
      OR: [{ verifier: { openId } }, { verifierId: null, orgId: { in: secretaryOf.map((s) => s.orgId) } }],
    },
    include: ITEM_INCLUDE,
    orderBy: [{ orgId: "asc" }, { seqNo: "asc" }],
  });
}

export function countItems(items: Array<{ status: string; dueOn: string | null; longTerm: boolean }>, today: string): Counts {
  return {
    open: items.filter((i) => i.status !== "done").length,
    overdue: items.filter((i) => isOverdue(i, today)).length,
    submitted: items.filter((i) => i.status === "submitted").length,
    done: items.filter((i) => i.status === "done").length,
  };
}

export function countsLine(c: Counts): string {
  return `整改事项：未完成 ${c.open}（其中逾期 ${c.overdue}、待验收 ${c.submitted}），已完成 ${c.done}`;
}

export function applyFilter(items: ItemFull[], filter: ListFilter, now: Date, openId?: string): ItemFull[] {
  const today = (i: ItemFull) => dayOf(now, i.org.timezone);
  switch (filter) {
    case "open":
      return items.filter((i) => i.status !== "done");
    case "overdue":
      return items.filter((i) => isOverdue(i, today(i)));
    case "submitted":
      return items.filter((i) => i.status === "submitted");
    case "mine":
      return items.filter((i) => i.owner?.openId === openId);
    case "all": {
      const done = items.filter((i) => i.status === "done").slice(-DONE_SHOWN);
      return [...items.filter((i) => i.status !== "done"), ...done];
    }
  }
}

/** What a group chat may show of an organisation's items: aggregates and the public ones. */
/** What a group may see: 整改 counted and listed apart from the 跟进事项 of meetings. */
export async function groupView(tx: Tx, orgId: number, now: Date, timezone: string) {
  const everything = await orgItems(tx, orgId);
  const all = everything.filter((i) => !isFollowUp(i));
  const counts = countItems(all, dayOf(now, timezone));
  return { counts, visible: all.filter(visibleInGroup), followUps: everything.filter((i) => isFollowUp(i) && visibleInGroup(i)) };
}
