import type { Tx } from "../../../db/client.ts";
import type { Outbox } from "../../../app/outbox.ts";
import { clip } from "../../../app/args.ts";
import { UsageError, type ActionContext, type OrgInfo } from "../../../app/context.ts";
import type { CardResponse } from "../../../app/inbound.ts";
import { renderCard } from "../../../app/cards.ts";
import { sessionForCard, type Session } from "./service.ts";

/**
 * 对照检查材料 before the 组织生活会 and 整改承诺 after it (issue #18 item 3): each party member
 * writes their own privately; the branch learns who has submitted, never what.
 */

export type StatementKind = "material" | "commitment";

const KIND: Record<StatementKind, { label: string; intro: string; opened: "materialsOpenedAt" | "commitmentsOpenedAt" }> = {
  material: {
    label: "对照检查材料",
    intro: "组织生活会前，请对照党章党规，从理论学习、政治素质、能力本领、作用发挥、纪律作风等方面查找自身存在的问题，剖析原因，明确整改方向。会上由本人发言。",
    opened: "materialsOpenedAt",
  },
  commitment: {
    label: "整改承诺",
    intro: "组织生活会后，请针对会上查摆和同志们指出的问题，写明整改措施和完成时限，作出整改承诺。",
    opened: "commitmentsOpenedAt",
  },
};

export const isStatementKind = (v: unknown): v is StatementKind => v === "material" || v === "commitment";
export const statementLabel = (kind: StatementKind) => KIND[kind].label;

/** 正式 and 预备党员 of the branch: who writes them. */
async function writers(tx: Tx, orgId: number) {
  return tx.member.findMany({ where: { orgId, active: true, memberClass: { in: ["full", "probationary"] } }, orderBy: { id: "asc" }, select: { id: true, openId: true, name: true } });
}

async function cardData(tx: Tx, org: OrgInfo, session: Session, memberId: number, kind: StatementKind) {
  const mine = await tx.orgLifeStatement.findUnique({ where: { sessionId_memberId_kind: { sessionId: session.id, memberId, kind } } });
  return {
    title: `${KIND[kind].label} · ${session.year} 年组织生活会`,
    orgName: org.name,
    intro: KIND[kind].intro,
    text: mine?.text,
    submitted: mine ? `已提交（${mine.text.length} 字）。可以修改后再次提交。` : "",
    value: { a: "orglife.statement", org: org.id, s: session.id, k: kind },
  };
}

/** Sends every party member their card (once per session and kind); returns how many got one. */
export async function openStatements(tx: Tx, out: Outbox, org: OrgInfo, session: Session, kind: StatementKind, now: Date): Promise<number | undefined> {
  if (session[KIND[kind].opened]) return undefined;
  const people = await writers(tx, org.id);
  for (const p of people) await out.card({ openId: p.openId }, "org-life-statement", await cardData(tx, org, session, p.id, kind));
  await tx.orgLifeSession.update({ where: { id: session.id }, data: { [KIND[kind].opened]: now } });
  return people.length;
}

/** Who has and who has not submitted (names: for the secretary, privately). */
export async function statementProgress(tx: Tx, org: OrgInfo, session: Session, kind: StatementKind) {
  const people = await writers(tx, org.id);
  const done = new Set((await tx.orgLifeStatement.findMany({ where: { sessionId: session.id, kind }, select: { memberId: true } })).map((s) => s.memberId));
  return { opened: !!session[KIND[kind].opened], total: people.length, done: people.filter((p) => done.has(p.id)), missing: people.filter((p) => !done.has(p.id)) };
}

/** 提交 on the card: stored (or replaced) for the member; the answer keeps the card with the text. */
export async function statementAction(ctx: ActionContext): Promise<CardResponse> {
  if (!ctx.org || !ctx.actor || ctx.org.kind !== "branch") throw new UsageError("您不在这个支部的成员名单中，操作未执行。");
  if (ctx.actor.memberClass !== "full" && ctx.actor.memberClass !== "probationary") throw new UsageError("只有党员可以进行此操作。");
  const session = await sessionForCard(ctx.tx, ctx.org, ctx.value.s);
  const kind = ctx.value.k;
  if (!isStatementKind(kind)) throw new UsageError("这张卡片已失效，请联系支委重新发送。");
  const text = typeof ctx.form.text === "string" ? clip(ctx.form.text.trim(), 1000) : "";
  if (!text) throw new UsageError(`请填写${KIND[kind].label}。`);
  const key = { sessionId_memberId_kind: { sessionId: session.id, memberId: ctx.actor.memberId, kind } };
  await ctx.tx.orgLifeStatement.upsert({ where: key, create: { sessionId: session.id, memberId: ctx.actor.memberId, kind, text, submittedAt: ctx.now }, update: { text, submittedAt: ctx.now } });
  return { toast: { type: "success", content: `已提交${KIND[kind].label}` }, card: renderCard("org-life-statement", await cardData(ctx.tx, ctx.org, session, ctx.actor.memberId, kind)) };
}
