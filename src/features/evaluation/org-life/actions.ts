import { PermissionError, UsageError, type ActionContext, type ActionDef } from "../../../app/context.ts";
import type { CardResponse } from "../../../app/inbound.ts";
import { clip, rowNumber } from "../../../app/args.ts";
import { renderCard } from "../../../app/cards.ts";
import { patchIfFresh } from "../notify.ts";
import { parsePickedDay } from "../../rectification/dates.ts";
import { addOpinion, addProblem, isAbout, markTalkDone, sessionForCard, talksOf } from "./service.ts";
import { statementAction } from "./statements.ts";
import { mayRecordProblems, problemCardData, talkCardData, talkOverviewData } from "./views.ts";

function who(ctx: ActionContext) {
  if (!ctx.org || !ctx.actor) throw new UsageError("您不在这个支部的成员名单中，操作未执行。");
  return { org: ctx.org, actor: ctx.actor };
}

/** An anonymous opinion: nothing about the sender is stored, and the answer does not echo the text. */
async function opinionAction(ctx: ActionContext): Promise<CardResponse> {
  const { org } = who(ctx);
  const session = await sessionForCard(ctx.tx, org, ctx.value.s);
  const text = typeof ctx.form.text === "string" ? clip(ctx.form.text.trim(), 500) : "";
  if (!isAbout(ctx.form.about)) throw new UsageError("请选择意见针对的对象。");
  if (!text) throw new UsageError("请填写意见内容。");
  await addOpinion(ctx.tx, session.id, ctx.form.about, text);
  return { toast: { type: "success", content: "已匿名提交，谢谢" }, card: renderCard("org-life-opinion-done", { orgId: org.id, sessionId: session.id }) };
}

async function opinionFormAction(ctx: ActionContext): Promise<CardResponse> {
  const { org } = who(ctx);
  const session = await sessionForCard(ctx.tx, org, ctx.value.s);
  return { card: renderCard("org-life-opinion", { orgName: org.name, year: session.year, orgId: org.id, sessionId: session.id }) };
}

async function talkAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const talkId = rowNumber(ctx.value.t);
  const { session, already } = await markTalkDone(ctx.tx, org, talkId, actor, ctx.now);
  const talks = await talksOf(ctx.tx, session.id);
  const me = { id: actor.memberId, name: actor.name };
  // The other party's card shows the same pair: bring it up to date too.
  const talk = talks.find((t) => t.id === talkId)!;
  for (const person of [talk.a, talk.b]) {
    if (person.id !== actor.memberId) await patchIfFresh(ctx.tx, ctx.out, `orglife:${session.id}:talks:${person.id}`, "org-life-talks", talkCardData(org, session, person, talks));
  }
  const toast = { type: "success" as const, content: already ? "这次谈话已经标记过了" : "已标记为已谈" };
  const mine = talks.some((t) => t.a.id === me.id || t.b.id === me.id);
  return { toast, card: mine ? renderCard("org-life-talks", talkCardData(org, session, me, talks)) : renderCard("notice", talkOverviewData(org, session, talks)) };
}

async function problemAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const session = await sessionForCard(ctx.tx, org, ctx.value.s);
  if (!(await mayRecordProblems(ctx.tx, org, session, actor))) throw new PermissionError("只有支委或本次组织生活会的记录人可以记录问题清单。");
  const f = ctx.form;
  const scope = f.scope === "branch" ? "branch" : f.scope === "individual" ? "individual" : undefined;
  if (!scope) throw new UsageError("请选择问题层面：支部班子或党员个人。");
  const ownerId = rowNumber(f.owner);
  const owner = ownerId ? await ctx.tx.member.findUnique({ where: { id: ownerId } }) : null;
  if (!owner || owner.orgId !== org.id || !owner.active) throw new UsageError("请选择本支部的责任人。");
  const rawDue = f.due;
  const dueOn = rawDue ? parsePickedDay(rawDue) : undefined;
  if (rawDue && !dueOn) throw new UsageError("整改期限不是有效的日期，请重新选择。");
  const { seqNo } = await addProblem(ctx.tx, {
    org, session, scope, problem: typeof f.problem === "string" ? clip(f.problem, 500) : "", measure: typeof f.measure === "string" ? clip(f.measure, 300) : "",
    ownerMemberId: owner.id, dueOn, longTerm: f.long_term === true, by: actor, now: ctx.now,
  });
  const notice = `已记录，并生成整改事项 #${seqNo}（已私信告知责任人 ${owner.name}）。可以继续记录下一条。`;
  return { toast: { type: "success", content: `已生成整改事项 #${seqNo}` }, card: renderCard("org-life-problems", await problemCardData(ctx.tx, org, session, notice)) };
}

export const ORG_LIFE_ACTIONS: ActionDef[] = [
  // Non-members may give opinions too (domain.md §2.1); the handler still requires a roster entry.
  { name: "orglife.opinion", permission: "anyone", sensitive: true, access: "征求意见卡片「匿名提交」：本支部名单上的人（含非党员）", run: opinionAction },
  { name: "orglife.opinion_form", permission: "anyone", access: "「再提一条」：本支部名单上的人（含非党员）", run: opinionFormAction },
  { name: "orglife.talk", permission: "member", access: "谈心谈话卡片「已谈」：谈话双方或支委", run: talkAction },
  { name: "orglife.statement", permission: "member", access: "对照检查材料、整改承诺卡片「提交」：党员本人", run: statementAction },
  { name: "orglife.problem", permission: "member", access: "问题清单卡片「记录问题并生成整改事项」：支委或本次组织生活会的记录人", run: problemAction },
];
