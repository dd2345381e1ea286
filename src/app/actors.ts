import type { Tx } from "../db/client.ts";
import type { OrgInfo } from "./context.ts";
import type { Actor, CommitteeDuty, MemberClass, Post } from "./roles.ts";

export function toOrgInfo(o: { id: number; kind: string; name: string; category: string | null; chatId: string; parentId: number | null; timezone: string }): OrgInfo {
  return { id: o.id, kind: o.kind as OrgInfo["kind"], name: o.name, category: o.category, chatId: o.chatId, parentId: o.parentId, timezone: o.timezone };
}

export function toActor(m: { id: number; openId: string; name: string; memberClass: string; post: string | null; _count?: { ledGroups: number } }, leadsGroup?: boolean): Actor {
  return {
    memberId: m.id,
    openId: m.openId,
    name: m.name,
    memberClass: m.memberClass as MemberClass,
    post: (m.post as Post | null) ?? null,
    leadsGroup: leadsGroup ?? (m._count?.ledGroups ?? 0) > 0,
  };
}

/**
 * Which of these members lead a party group, looked up within their organisations' groups.
 * Not with a relation count (`_count: { ledGroups }`): Prisma counts that by grouping the whole
 * PartyGroup table on every call, 5–30 ms at committee scale, twice for every message.
 */
async function groupLeaders(tx: Tx, members: Array<{ id: number; orgId: number }>): Promise<Set<number>> {
  if (members.length === 0) return new Set();
  const groups = await tx.partyGroup.findMany({
    where: { orgId: { in: [...new Set(members.map((m) => m.orgId))] }, leaderId: { in: members.map((m) => m.id) } },
    select: { leaderId: true },
  });
  return new Set(groups.map((g) => g.leaderId!));
}

export async function orgByChat(tx: Tx, chatId: string): Promise<OrgInfo | undefined> {
  const org = await tx.partyOrg.findUnique({ where: { chatId } });
  return org ? toOrgInfo(org) : undefined;
}

export async function orgById(tx: Tx, id: number): Promise<OrgInfo | undefined> {
  const org = await tx.partyOrg.findUnique({ where: { id } });
  return org ? toOrgInfo(org) : undefined;
}

/**
 * The organisation's active secretary. There is one by rule (appointing a new one steps the old
 * one down); the order only makes the answer the same on every database should data ever hold two.
 */
export async function secretaryOf(tx: Tx, orgId: number) {
  return tx.member.findFirst({ where: { orgId, active: true, post: "secretary" }, orderBy: { id: "asc" } });
}

export async function actorIn(tx: Tx, orgId: number, openId: string): Promise<Actor | undefined> {
  const m = await tx.member.findFirst({ where: { orgId, openId, active: true } });
  return m ? toActor(m, (await groupLeaders(tx, [m])).has(m.id)) : undefined;
}

export async function membershipsOf(tx: Tx, openId: string): Promise<Array<{ org: OrgInfo; actor: Actor }>> {
  const rows = await tx.member.findMany({
    where: { openId, active: true },
    include: { org: true },
    orderBy: { id: "asc" },
  });
  const leaders = await groupLeaders(tx, rows);
  return rows.map((m) => ({ org: toOrgInfo(m.org), actor: toActor(m, leaders.has(m.id)) }));
}

export type { CommitteeDuty };
