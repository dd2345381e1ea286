import { clip, rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext, type ActionDef, type OrgInfo } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import type { Actor } from "../../app/roles.ts";
import { renderCard } from "../../app/cards.ts";
import { isBallotKey, recordPeerAnswers, type PeerAnswer } from "./ballots.ts";
import { recordDecisions, refreshProposals, resultsOf, type Decision } from "./determination.ts";
import { ABSTAIN, isGrade } from "./grades.ts";
import { materialsText, memberNames, patchIfFresh, refreshDeterminationCards } from "./notify.ts";
import { publishResults } from "./publish.ts";
import { recordDisposalStep } from "./disposal.ts";
import {
  assertAccepting, holdsBallotKey, markPeerPageDone, markSelfDone, pageCount, pageOf, participantOf, participantsOf, peerTargets, roundForCard, type Round,
} from "./rounds.ts";
import { addScoreItem, scorableMembers, scoringScope, sheetOf, withdrawScoreItem } from "./scores.ts";
import { DETERMINE_PAGE_SIZE, peerCardData, scoreCardData, selfCardData, sheetCardData, submittedCardData } from "./views.ts";

/**
 * Card actions. Peer-rating answers carry no rater → rating link: the answer is a toast and
 * a card without any grade (the core stores answers to replay them on redelivery), and
 * nothing here logs a submitted value.
 */

function text(v: unknown, max: number): string {
  return typeof v === "string" ? clip(v.trim(), max) : "";
}

function pageNumber(v: unknown, pages: number): number {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isInteger(n) || n < 1 || n > pages) throw new UsageError("这张卡片已失效，请发送 /评议 填写 重新获取。");
  return n;
}

/** The ballot key the card carries, if it is the one issued to this rater (else a forged or replaced card). */
function cardBallotKey(ctx: ActionContext, me: { ballotCheck: string | null }): string {
  const key = ctx.value.b;
  if (!isBallotKey(key) || !holdsBallotKey(me, key)) {
    throw new UsageError("这张互评卡片已失效：之后又给您发过新的互评卡片，请在最新的卡片上填写（没有新卡片可发送 /评议 填写 获取）。");
  }
  return key;
}

function who(ctx: ActionContext): { org: OrgInfo; actor: Actor } {
  if (!ctx.org || !ctx.actor) throw new UsageError("您不在这个支部的成员名单中，操作未执行。");
  return { org: ctx.org, actor: ctx.actor };
}

async function selfAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await roundForCard(ctx.tx, org.id, ctx.value.r);
  assertAccepting(round, org, ctx.now);
  await participantOf(ctx.tx, round, actor.memberId);
  const summary = text(ctx.form.summary, 1000);
  const grade = ctx.form.grade;
  if (!summary) throw new UsageError("请填写自评材料。");
  if (!isGrade(grade)) throw new UsageError("请选择自评等次。");
  const key = { roundId: round.id, memberId: actor.memberId };
  await ctx.tx.appraisalSelfAssessment.upsert({
    where: { roundId_memberId: key },
    create: { ...key, summary, grade, updatedAt: ctx.now },
    update: { summary, grade, updatedAt: ctx.now },
  });
  await markSelfDone(ctx.tx, round.id, actor.memberId);
  return {
    toast: { type: "success", content: "自评已提交" },
    card: renderCard("evaluation-submitted", submittedCardData(org, round, "self", 1, ["您的自评材料和自评等次已保存，评议会上交流、支委会评定时参考。"])),
  };
}

async function peerAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await roundForCard(ctx.tx, org.id, ctx.value.r);
  assertAccepting(round, org, ctx.now);
  const me = await participantOf(ctx.tx, round, actor.memberId);
  if (!me.voter) throw new UsageError("预备党员没有表决权，不参加互评（您的自评照常提交）。");
  const participants = await participantsOf(ctx.tx, round.id);
  const targets = peerTargets(participants, actor.memberId);
  const pages = pageCount(targets.length);
  const page = pageNumber(ctx.value.p, pages);
  const answers: PeerAnswer[] = pageOf(targets, page).map((t) => {
    const choice = ctx.form[`g_${t.memberId}`];
    if (choice !== ABSTAIN && !isGrade(choice)) throw new UsageError(`还没有选择对 ${t.name} 的评价（不了解可以选「不了解，不评价」）。这一页没有保存。`);
    return { targetMemberId: t.memberId, grade: isGrade(choice) ? choice : null, comment: isGrade(choice) ? text(ctx.form[`c_${t.memberId}`], 100) || null : null };
  });
  const key = cardBallotKey(ctx, me);
  await recordPeerAnswers(ctx.tx, round.id, key, answers);
  await markPeerPageDone(ctx.tx, round.id, actor.memberId, page, pages);
  const rest = pages > 1 ? `（第 ${page}/${pages} 页；请把每一页都提交）` : "";
  const lines = [`本页 ${answers.length} 位同志的评价已匿名保存${rest}。保存时不记录评价人，任何人（包括支委和系统管理员）都看不到谁评了谁。`, "修改只能在这张卡片上进行：能找到您这份评价的钥匙只在卡片里，系统没有保存。"];
  return {
    toast: { type: "success", content: "已匿名提交，截止前可以修改" },
    card: renderCard("evaluation-submitted", submittedCardData(org, round, "peer", page, lines, key)),
  };
}

/** Shows the form again: blank for peer ratings (never the rater's earlier answers), filled in for the self-assessment. */
async function reopenAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await roundForCard(ctx.tx, org.id, ctx.value.r);
  assertAccepting(round, org, ctx.now);
  const row = await participantOf(ctx.tx, round, actor.memberId);
  const participants = await participantsOf(ctx.tx, round.id);
  const me = participants.find((p) => p.memberId === actor.memberId)!;
  if (ctx.value.k === "self") {
    const own = await ctx.tx.appraisalSelfAssessment.findUnique({ where: { roundId_memberId: { roundId: round.id, memberId: actor.memberId } } });
    return { card: renderCard("evaluation-self", selfCardData(org, round, me, own)) };
  }
  const key = cardBallotKey(ctx, row);
  const page = pageNumber(ctx.value.p, pageCount(peerTargets(participants, actor.memberId).length));
  return { card: renderCard("evaluation-peer", peerCardData(org, round, me, participants, page, key)) };
}

async function scoreAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const scope = await scoringScope(ctx.tx, org, ctx.now);
  const memberId = rowNumber(ctx.form.member);
  const added = await addScoreItem(ctx.tx, {
    org, scope, memberId, itemCode: text(ctx.form.item, 20), pointsText: text(ctx.form.points, 3), evidence: text(ctx.form.evidence, 200),
    recordedBy: actor.memberId, now: ctx.now,
  });
  if (scope.round && scope.round.status === "closed") {
    await refreshProposals(ctx.tx, scope.round);
    await refreshDeterminationCards(ctx.tx, ctx.out, org, scope.round);
  }
  const notice = `已记录：${added.memberName}「${added.title}」${added.label}。可以继续记录下一条。`;
  return {
    toast: { type: "success", content: "已记录" },
    card: renderCard("evaluation-score", scoreCardData(org, scope, await scorableMembers(ctx.tx, org.id, actor.memberId), notice)),
  };
}

async function unscoreAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const { memberId, year } = await withdrawScoreItem(ctx.tx, org, rowNumber(ctx.value.i), actor.memberId, ctx.now);
  const scope = await scoringScope(ctx.tx, org, ctx.now);
  const catalogue = scope.catalogue;
  if (scope.round && scope.round.status === "closed") {
    await refreshProposals(ctx.tx, scope.round);
    await refreshDeterminationCards(ctx.tx, ctx.out, org, scope.round);
  }
  const member = await ctx.tx.member.findUniqueOrThrow({ where: { id: memberId } });
  const { sheet, entries } = await sheetOf(ctx.tx, org.id, year, memberId, catalogue);
  return { toast: { type: "success", content: "已撤销" }, card: renderCard("evaluation-sheet", sheetCardData(org, year, member.name, sheet, entries, await memberNames(ctx.tx, org.id), true)) };
}

async function closedRound(ctx: ActionContext, org: OrgInfo): Promise<Round> {
  const round = await roundForCard(ctx.tx, org.id, ctx.value.r);
  if (round.status === "open") throw new UsageError(`「${round.name}」还在收集评价，截止后才能评定。`);
  return round;
}

async function determineAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await closedRound(ctx, org);
  if (round.status === "published") throw new UsageError(`「${round.name}」的评定结果已经发布，不能再修改。`);
  const results = await resultsOf(ctx.tx, round);
  const page = pageNumber(ctx.value.p, Math.max(1, Math.ceil(results.length / DETERMINE_PAGE_SIZE)));
  const decisions: Decision[] = pageOf(results, page, DETERMINE_PAGE_SIZE).map((r) => {
    const grade = ctx.form[`f_${r.memberId}`];
    if (!isGrade(grade)) throw new UsageError(`请为 ${r.name} 选择评定等次（这一页没有保存）。`);
    return { memberId: r.memberId, grade, reason: text(ctx.form[`r_${r.memberId}`], 200) };
  });
  await recordDecisions(ctx.tx, round, decisions, actor.memberId, ctx.now);
  const data = await refreshDeterminationCards(ctx.tx, ctx.out, org, round, { memberId: actor.memberId, card: page });
  await patchIfFresh(ctx.tx, ctx.out, `eval:${round.id}:det:${actor.memberId}:summary`, "evaluation-determine-summary", data.summary);
  return { toast: { type: "success", content: `已保存第 ${page} 页的评定` }, card: renderCard("evaluation-determine", data.page(page)) };
}

async function publishAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await closedRound(ctx, org);
  const { warning } = await publishResults(ctx.tx, ctx.out, org, round, actor, ctx.now, text(ctx.form.meeting, 10));
  const published = await ctx.tx.appraisalRound.findUniqueOrThrow({ where: { id: round.id } });
  const data = await refreshDeterminationCards(ctx.tx, ctx.out, org, published, { memberId: actor.memberId, card: "summary" });
  return {
    toast: warning ? { type: "warning", content: `已发布。注意：${warning}` } : { type: "success", content: "已发布：结果已私信告知每位同志，群里只公布各等次人数" },
    card: renderCard("evaluation-determine-summary", data.summary),
  };
}

async function materialsAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await closedRound(ctx, org);
  for (const text of await materialsText(ctx.tx, round)) await ctx.out.text({ openId: actor.openId }, text);
  return { toast: { type: "success", content: "已私信发给您" } };
}

async function disposeAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, actor } = who(ctx);
  const round = await roundForCard(ctx.tx, org.id, ctx.value.r);
  const memberId = rowNumber(ctx.value.m) ?? 0; // 0: no such member, the step is refused
  const { data, label } = await recordDisposalStep(ctx.tx, ctx.out, org, round, {
    memberId, step: text(ctx.form[`step_${memberId}`], 20), outcome: text(ctx.form[`outcome_${memberId}`], 30),
    meeting: text(ctx.form[`meeting_${memberId}`], 10), due: ctx.form[`due_${memberId}`], note: text(ctx.form[`note_${memberId}`], 200),
    by: actor, now: ctx.now,
  });
  return { toast: { type: "success", content: `已记录：${label}` }, card: renderCard("evaluation-disposition", data) };
}

export const EVALUATION_ACTIONS: ActionDef[] = [
  { name: "evaluation.self", permission: "member", access: "个人自评卡片「提交自评」：本轮参评的党员本人，截止前", run: selfAction },
  // sensitive: the core keeps no fingerprint of the submitted form (see ActionDef.sensitive).
  { name: "evaluation.peer", permission: "member", sensitive: true, access: "党员互评卡片「匿名提交本页评价」：本轮参评的正式党员（预备党员不参加互评），截止前", run: peerAction },
  { name: "evaluation.reopen", permission: "member", sensitive: true, access: "已提交卡片「修改自评」「修改本页评价」：本轮参评的党员本人，截止前", run: reopenAction },
  { name: "evaluation.score", permission: "committee", access: "评星记分卡片「记录」：支委，不能给自己记分", run: scoreAction },
  { name: "evaluation.unscore", permission: "committee", access: "记分明细「撤销这条记录」：支委", run: unscoreAction },
  { name: "evaluation.determine", permission: "committee", access: "组织评定卡片「保存本页评定」：支委，评议截止后、发布前", run: determineAction },
  { name: "evaluation.publish", permission: "secretary", access: "组织评定汇总卡片「发布评定结果」：书记、副书记，全部评定后，写明作出评定的支委会（或党员大会）编号", run: publishAction },
  { name: "evaluation.materials", permission: "committee", access: "组织评定卡片「私信给我全部自评材料和互评评语」：支委，评议截止后", run: materialsAction },
  { name: "evaluation.dispose", permission: "committee", access: "组织处置程序卡片「记录这一步」：支委，结果发布后，只对评定为不合格的同志，按程序顺序", run: disposeAction },
];
