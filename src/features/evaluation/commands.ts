import { UsageError, type CommandContext, type OrgInfo } from "../../app/context.ts";
import { splitMentions, echo } from "../../app/args.ts";
import type { Actor } from "../../app/roles.ts";
import { GRADE_LABEL, isGrade } from "./grades.ts";
import { sheetSummary } from "./scoring.ts";
import { closeRound, rescheduleRoundJobs, scheduleRoundJobs } from "./lifecycle.ts";
import { memberNames, sendDeterminationCards, sendParticipantCards } from "./notify.ts";
import { sendDispositionCards } from "./disposal.ts";
import {
  activeRound, catalogueOf, extendDeadline, finished, latestRound, openRound, participantsOf, roundDeadlineLabel, START_EXAMPLE, type Round,
} from "./rounds.ts";
import { scorableMembers, scoringScope, sheetOf } from "./scores.ts";
import { replyPrivately, requirePermission, resolveBranch } from "./scope.ts";
import { announceCardData, mineEntries, progressCardData, scoreCardData, sheetCardData } from "./views.ts";

export const EVALUATE_USAGE = "/评议 [开始|进度|延期|结束|填写|我的|评定|处置]";

const HELP_LINES = [
  `书记：${START_EXAMPLE}（不写截止日期默认两周）`,
  "书记：/评议 进度 · /评议 延期 下月底 · /评议 结束",
  "党员：/评议 填写（重新获取我的评议卡片）· /评议 我的（我的进度、评星和结果，私信）",
  "支委：/评议 评定（组织评定卡片，评定不合格须写明理由）· /评议 处置（不合格同志的组织处置程序）· /评星（评星记分）",
];

async function requireRound(ctx: CommandContext, org: OrgInfo, status?: Round["status"][]): Promise<Round> {
  const round = await activeRound(ctx.tx, org.id);
  if (!round || (status && !status.includes(round.status))) {
    throw new UsageError(round ? `「${round.name}」目前不在这个阶段。` : "本支部目前没有进行中的民主评议。书记可以发送下面的命令开始。", START_EXAMPLE);
  }
  return round;
}

async function statusCommand(ctx: CommandContext, org: OrgInfo) {
  const round = (await activeRound(ctx.tx, org.id)) ?? (await latestRound(ctx.tx, org.id));
  if (!round) {
    await ctx.reply(["本支部还没有开展过民主评议。", ...HELP_LINES].join("\n"));
    return;
  }
  const participants = await participantsOf(ctx.tx, round.id);
  const state = round.status === "open"
    ? `进行中，截止 ${roundDeadlineLabel(round, org)}；已完成 ${participants.filter(finished).length}/${participants.length} 人`
    : round.status === "closed" ? "已截止，支委会评定中" : "评定结果已发布";
  await ctx.reply([`「${round.name}」：${state}。`, ...HELP_LINES].join("\n"));
}

function parseStart(words: string[]): { name: string; deadline?: string } {
  const nameParts: string[] = [];
  let deadline: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w.startsWith("截止")) {
      deadline = w.slice(2).replace(/^[:：]/, "") || words[++i];
      if (!deadline) throw new UsageError("「截止」后面缺少日期。", START_EXAMPLE);
      continue;
    }
    nameParts.push(w);
  }
  return { name: nameParts.join(" "), deadline };
}

async function startCommand(ctx: CommandContext, org: OrgInfo, actor: Actor, words: string[]) {
  if (ctx.message.chatType !== "group") throw new UsageError("请在支部群里发送，开始的通知要发到群里。", START_EXAMPLE);
  const { name, deadline } = parseStart(words);
  if (!name) throw new UsageError("缺少评议名称。", START_EXAMPLE);
  const { round, participants } = await openRound(ctx.tx, { org, openedBy: actor.memberId, name, deadlineText: deadline, now: ctx.now });
  await ctx.replyCard("evaluation-announce", announceCardData(org, round, participants, catalogueOf(round)));
  for (const p of participants) if (p.active) await sendParticipantCards(ctx.tx, ctx.out, org, round, p, participants);
  await scheduleRoundJobs(ctx.tx, round, org, ctx.now);
}

async function progressCommand(ctx: CommandContext, org: OrgInfo, actor: Actor) {
  const round = await requireRound(ctx, org);
  const participants = await participantsOf(ctx.tx, round.id);
  const done = participants.filter(finished).length;
  await replyPrivately(ctx, org, actor.openId, "evaluation-progress", progressCardData(org, round, participants), `「${round.name}」已完成 ${done}/${participants.length} 人，未完成名单已私信发给您。`);
}

async function extendCommand(ctx: CommandContext, org: OrgInfo, words: string[]) {
  const round = await requireRound(ctx, org, ["open"]);
  const updated = await extendDeadline(ctx.tx, round, org, words[0], ctx.now);
  await rescheduleRoundJobs(ctx.tx, updated, org, ctx.now);
  await ctx.out.forOrg(org.id).text({ chatId: org.chatId }, `「${round.name}」截止时间调整为 ${roundDeadlineLabel(updated, org)}。还没有完成的同志请抓紧填写（私聊我发送 /评议 填写 可重新获取卡片）。`);
  if (ctx.message.chatType === "p2p") await ctx.reply("已调整，并已在支部群里通知。");
}

async function closeCommand(ctx: CommandContext, org: OrgInfo, words: string[]) {
  const round = await requireRound(ctx, org, ["open"]);
  if (words[0] !== "确认") {
    const participants = await participantsOf(ctx.tx, round.id);
    await ctx.reply(`提前结束后不能再提交或修改评价（目前已完成 ${participants.filter(finished).length}/${participants.length} 人），互评记录将封存。确定要结束，请发送：/评议 结束 确认`);
    return;
  }
  await closeRound(ctx.tx, ctx.out.forOrg(org.id), org, round, ctx.now, true);
  if (ctx.message.chatType === "p2p") await ctx.reply(`「${round.name}」已结束收集，组织评定卡片已私信发给支委。`);
}

async function fillCommand(ctx: CommandContext, org: OrgInfo, actor: Actor) {
  const round = await requireRound(ctx, org, ["open"]);
  if (ctx.now.getTime() >= round.deadline.getTime()) throw new UsageError(`「${round.name}」已于 ${roundDeadlineLabel(round, org)} 截止，不能再填写。`);
  const participants = await participantsOf(ctx.tx, round.id);
  const me = participants.find((p) => p.memberId === actor.memberId);
  if (!me) throw new UsageError(`您不在「${round.name}」的参评名单中（参评名单在评议开始时按正式党员和预备党员确定）。如有疑问请联系支部书记。`);
  await sendParticipantCards(ctx.tx, ctx.out.forOrg(org.id), org, round, me, participants);
  if (ctx.message.chatType === "group") await ctx.reply("评议卡片已私信发给您。");
}

async function mineCommand(ctx: CommandContext, org: OrgInfo, actor: Actor) {
  const scope = await scoringScope(ctx.tx, org, ctx.now);
  const round = scope.round ?? (await latestRound(ctx.tx, org.id));
  const roundLines: string[] = [];
  let result = "";
  if (round) {
    const me = (await participantsOf(ctx.tx, round.id)).find((p) => p.memberId === actor.memberId);
    const state = round.status === "open" ? `进行中，截止 ${roundDeadlineLabel(round, org)}` : round.status === "closed" ? "已截止，支委会评定中" : "评定结果已发布";
    roundLines.push(`「${round.name}」：${state}`);
    if (!me) roundLines.push("您不在本轮参评名单中。");
    else {
      roundLines.push(`个人自评：${me.selfDone ? "已提交" : "未提交"}`);
      roundLines.push(me.voter ? `党员互评：${me.peerDone ? "已提交" : me.peerPagesDone.length ? `已提交 ${me.peerPagesDone.length} 页，还有未提交的页` : "未提交"}` : "党员互评：预备党员不参加互评");
      if (round.status === "published") {
        const r = await ctx.tx.appraisalResult.findUnique({ where: { roundId_memberId: { roundId: round.id, memberId: me.memberId } } });
        if (r && isGrade(r.finalGrade)) result = `评定结果：${GRADE_LABEL[r.finalGrade]}`;
      }
    }
  } else roundLines.push("本支部还没有开展过民主评议。");
  const year = round?.year ?? scope.year;
  const { sheet, entries } = await sheetOf(ctx.tx, org.id, year, actor.memberId, round ? catalogueOf(round) : scope.catalogue);
  const names = await memberNames(ctx.tx, org.id);
  await replyPrivately(ctx, org, actor.openId, "evaluation-mine", {
    name: actor.name, orgName: org.name, year, roundLines, result, score: sheetSummary(sheet), entries: mineEntries(entries, names, org.timezone),
  }, "已私信发给您。");
}

async function determineCommand(ctx: CommandContext, org: OrgInfo, actor: Actor) {
  const round = (await activeRound(ctx.tx, org.id)) ?? (await latestRound(ctx.tx, org.id));
  if (!round) throw new UsageError("本支部还没有开展过民主评议。", START_EXAMPLE);
  if (round.status === "open") throw new UsageError(`「${round.name}」还在收集评价（截止 ${roundDeadlineLabel(round, org)}），截止后会自动把组织评定卡片私信发给支委。`);
  await sendDeterminationCards(ctx.tx, ctx.out.forOrg(org.id), org, round, actor.memberId);
  if (ctx.message.chatType === "group") await ctx.reply("组织评定卡片已私信发给您。");
}

async function disposeCommand(ctx: CommandContext, org: OrgInfo, actor: Actor) {
  const round = await latestRound(ctx.tx, org.id);
  if (!round || round.status !== "published") throw new UsageError("评定结果发布后才能记录组织处置。");
  const sent = await sendDispositionCards(ctx.tx, ctx.out.forOrg(org.id), org, round, actor.memberId);
  if (!sent) await ctx.reply(`「${round.name}」没有评定为不合格的同志，不需要组织处置（基本合格的同志由支部指出不足、帮助改进）。`);
  else if (ctx.message.chatType === "group") await ctx.reply("组织处置程序卡片已私信发给您。");
}

/** Prefers, in a private chat, the branch with a round in progress where the person takes part. */
async function hasRoundFor(ctx: CommandContext) {
  return async (org: OrgInfo, actor: Actor) => {
    const round = await activeRound(ctx.tx, org.id);
    if (!round) return false;
    return !!(await ctx.tx.appraisalParticipant.findUnique({ where: { roundId_memberId: { roundId: round.id, memberId: actor.memberId } } })) || !!actor.post;
  };
}

export async function evaluateCommand(ctx: CommandContext): Promise<void> {
  const [verb, ...words] = ctx.args;
  const what = `/评议${verb ? ` ${verb}` : ""}`;
  const { org, actor } = await resolveBranch(ctx, what, await hasRoundFor(ctx));
  switch (verb) {
    case undefined:
      return statusCommand(ctx, org);
    case "开始":
      return startCommand(ctx, org, requirePermission(actor, "secretary", what), words);
    case "进度":
      return progressCommand(ctx, org, requirePermission(actor, "secretary", what));
    case "延期":
      requirePermission(actor, "secretary", what);
      return extendCommand(ctx, org, words);
    case "结束":
      requirePermission(actor, "secretary", what);
      return closeCommand(ctx, org, words);
    case "填写":
      return fillCommand(ctx, org, requirePermission(actor, "member", what));
    case "我的":
      return mineCommand(ctx, org, requirePermission(actor, "member", what));
    case "评定":
      return determineCommand(ctx, org, requirePermission(actor, "committee", what));
    case "处置":
      return disposeCommand(ctx, org, requirePermission(actor, "committee", what));
    default:
      throw new UsageError(`不认识「${echo(verb)}」。可用：开始、进度、延期、结束、填写、我的、评定、处置。`, START_EXAMPLE);
  }
}

export const STAR_EXAMPLE = "/评星 @刘洋";

/** /评星: the scoring card, or one member's sheet; always privately. */
export async function starCommand(ctx: CommandContext): Promise<void> {
  const { org, actor: maybe } = await resolveBranch(ctx, "/评星");
  const actor = requirePermission(maybe, "committee", "/评星");
  const { people } = splitMentions(ctx.args, ctx.mentions);
  const scope = await scoringScope(ctx.tx, org, ctx.now);
  if (people.length === 0) {
    const members = await scorableMembers(ctx.tx, org.id, actor.memberId);
    await replyPrivately(ctx, org, actor.openId, "evaluation-score", scoreCardData(org, scope, members), "评星记分卡片已私信发给您（记分只有本人和支委能看到）。");
    return;
  }
  const person = people[0]!;
  const member = await ctx.tx.member.findUnique({ where: { orgId_openId: { orgId: org.id, openId: person.openId } } });
  if (!member || !member.active) throw new UsageError(`${person.name} 不在本支部成员名单中。`, STAR_EXAMPLE);
  const { sheet, entries } = await sheetOf(ctx.tx, org.id, scope.year, member.id, scope.catalogue);
  const names = await memberNames(ctx.tx, org.id);
  await replyPrivately(ctx, org, actor.openId, "evaluation-sheet", sheetCardData(org, scope.year, member.name, sheet, entries, names, true), `${member.name} 的评星记分已私信发给您。`);
}

