import { PermissionError, UsageError, type CommandContext, type OrgInfo } from "../../../app/context.ts";
import type { Actor } from "../../../app/roles.ts";
import { packText } from "../notify.ts";
import { requirePermission, resolveBranch } from "../scope.ts";
import { ensureSession, linkMeeting, opinionsOf, planTalks, talksOf, type Session } from "./service.ts";
import { mayRecordProblems, problemCardData, statusLines, talkCardData, talkOverviewData } from "./views.ts";
import { echo } from "../../../app/args.ts";
import { openStatements, statementLabel, statementProgress, type StatementKind } from "./statements.ts";
import { reportToCommittee } from "./report.ts";

export const ORG_LIFE_USAGE = "/组织生活会 [征求意见|提意见|意见|谈心|对照检查|未交|问题清单|整改承诺|报告|会议 <编号>]";
export const ORG_LIFE_EXAMPLE = "/组织生活会 征求意见";

const HELP = [
  "支委：/组织生活会 征求意见（私信全体同志匿名意见卡片）· /组织生活会 意见（查看收集的意见，私信）",
  "支委：/组织生活会 谈心（安排谈心谈话并跟踪）· /组织生活会 问题清单（会后记录问题，生成整改事项）",
  "支委：/组织生活会 对照检查（会前私信党员对照检查材料卡片）· /组织生活会 整改承诺（会后私信整改承诺卡片）",
  "书记：/组织生活会 未交（私信未提交的名单）· /组织生活会 报告（会后向党委报告，三个月后整改回头看）",
  "支委：/组织生活会 会议 12（关联第 12 号会议）· 所有人：/组织生活会 提意见（再要一张意见卡片）",
];

async function sendOpinionCard(ctx: CommandContext, org: OrgInfo, session: Session, openId: string) {
  await ctx.out.forOrg(org.id).card({ openId }, "org-life-opinion", { orgName: org.name, year: session.year, orgId: org.id, sessionId: session.id });
}

async function solicit(ctx: CommandContext, org: OrgInfo, session: Session) {
  if (session.opinionsOpenedAt) {
    const n = await ctx.tx.orgLifeOpinion.count({ where: { sessionId: session.id } });
    await ctx.reply(`今年的征求意见已经发出，已收到 ${n} 条。还想提意见的同志可以私聊我发送 /组织生活会 提意见。`);
    return;
  }
  const people = await ctx.tx.member.findMany({ where: { orgId: org.id, active: true }, orderBy: { id: "asc" } });
  for (const p of people) await sendOpinionCard(ctx, org, session, p.openId);
  await ctx.tx.orgLifeSession.update({ where: { id: session.id }, data: { opinionsOpenedAt: ctx.now } });
  await ctx.out.forOrg(org.id).text({ chatId: org.chatId }, `支部即将召开 ${session.year} 年组织生活会，征求意见卡片已私信发给每位同志（${people.length} 人，党员和群众都可以提）。意见匿名收集，不记录提交人。`);
  if (ctx.message.chatType === "p2p") await ctx.reply("已私信发给全体同志，并在支部群里说明。");
}

async function viewOpinions(ctx: CommandContext, org: OrgInfo, actor: Actor, session: Session) {
  const groups = await opinionsOf(ctx.tx, session.id);
  const total = groups.reduce((n, g) => n + g.texts.length, 0);
  // One block per opinion, so a long list is split between opinions, never inside one.
  const blocks = groups.flatMap((g) => g.texts.map((x) => `【${g.label}】${x}`));
  const header = `${session.year} 年组织生活会征求意见（${total} 条，匿名，仅支委可见）`;
  for (const text of blocks.length ? packText(header, blocks) : [`${header}\n\n还没有收到意见。`]) await ctx.out.forOrg(org.id).text({ openId: actor.openId }, text);
  if (ctx.message.chatType === "group") await ctx.reply(`已收到 ${total} 条意见，内容已私信发给您。`);
}

async function talks(ctx: CommandContext, org: OrgInfo, actor: Actor, session: Session) {
  await planTalks(ctx.tx, org, session, ctx.now);
  const list = await talksOf(ctx.tx, session.id);
  const people = new Map(list.flatMap((t) => [t.a, t.b]).map((p) => [p.id, p]));
  const members = await ctx.tx.member.findMany({ where: { id: { in: [...people.keys()] } } });
  const out = ctx.out.forOrg(org.id);
  for (const m of members) {
    await out.card({ openId: m.openId }, "org-life-talks", talkCardData(org, session, m, list), { cardRef: `orglife:${session.id}:talks:${m.id}` });
  }
  await out.card({ openId: actor.openId }, "notice", talkOverviewData(org, session, list));
  if (ctx.message.chatType === "group") await ctx.reply(`谈心谈话安排（共 ${list.length} 对）已私信发给相关同志，进度已私信发给您。`);
}

async function problems(ctx: CommandContext, org: OrgInfo, actor: Actor | undefined, session: Session) {
  if (!(await mayRecordProblems(ctx.tx, org, session, actor))) {
    throw new PermissionError("抱歉，问题清单只有支委或本次组织生活会的记录人可以记录。");
  }
  await ctx.out.forOrg(org.id).card({ openId: actor!.openId }, "org-life-problems", await problemCardData(ctx.tx, org, session));
  if (ctx.message.chatType === "group") await ctx.reply("问题清单卡片已私信发给您（个人问题不在群里显示）。");
}

async function openStatementCards(ctx: CommandContext, org: OrgInfo, _actor: Actor, session: Session, kind: StatementKind) {
  const sent = await openStatements(ctx.tx, ctx.out.forOrg(org.id), org, session, kind, ctx.now);
  const label = statementLabel(kind);
  if (sent === undefined) {
    const p = await statementProgress(ctx.tx, org, session, kind);
    await ctx.reply(`${label}卡片已经发过了，已提交 ${p.done.length}/${p.total} 人。书记可发送 /组织生活会 未交 私下查看未提交的名单。`);
    return;
  }
  await ctx.out.forOrg(org.id).text({ chatId: org.chatId }, `【组织生活会】${label}卡片已私信发给每位党员（${sent} 人）。内容只有本人能看到，支部只统计是否提交。`);
  if (ctx.message.chatType === "p2p") await ctx.reply("已私信发给全体党员，并在支部群里说明。");
}

/** Who has not submitted: names only to the secretary, privately; the texts never leave their authors. */
async function missingStatements(ctx: CommandContext, org: OrgInfo, actor: Actor, session: Session) {
  const lines = [`${session.year} 年组织生活会材料提交情况（仅您可见）：`];
  for (const kind of ["material", "commitment"] as const) {
    const p = await statementProgress(ctx.tx, org, session, kind);
    lines.push(!p.opened ? `${statementLabel(kind)}：卡片尚未发出` : `${statementLabel(kind)}：已提交 ${p.done.length}/${p.total} 人${p.missing.length ? `；未提交：${p.missing.map((m) => m.name).join("、")}` : ""}`);
  }
  await ctx.out.forOrg(org.id).text({ openId: actor.openId }, lines.join("\n"));
  if (ctx.message.chatType === "group") await ctx.reply("提交情况已私信发给您。");
}

export async function orgLifeCommand(ctx: CommandContext): Promise<void> {
  const [verb, ...words] = ctx.args;
  const what = `/组织生活会${verb ? ` ${verb}` : ""}`;
  const { org, actor } = await resolveBranch(ctx, what);
  const session = await ensureSession(ctx.tx, org, ctx.now);
  switch (verb) {
    case undefined:
      await ctx.reply([...(await statusLines(ctx.tx, org, session)), "", ...HELP].join("\n"));
      return;
    case "征求意见":
      requirePermission(actor, "committee", what);
      return solicit(ctx, org, session);
    case "提意见":
      if (!actor) throw new UsageError("您不在本支部成员名单中。");
      await sendOpinionCard(ctx, org, session, actor.openId);
      if (ctx.message.chatType === "group") await ctx.reply("意见卡片已私信发给您，匿名提交。");
      return;
    case "意见":
      return viewOpinions(ctx, org, requirePermission(actor, "committee", what), session);
    case "谈心":
      return talks(ctx, org, requirePermission(actor, "committee", what), session);
    case "问题清单":
      return problems(ctx, org, actor, session);
    case "对照检查":
    case "整改承诺":
      return openStatementCards(ctx, org, requirePermission(actor, "committee", what), session, verb === "对照检查" ? "material" : "commitment");
    case "未交":
      return missingStatements(ctx, org, requirePermission(actor, "secretary", what), session);
    case "报告": {
      requirePermission(actor, "secretary", what);
      const { committee, lookbackAt } = await reportToCommittee(ctx.tx, ctx.out, org, session, ctx.now);
      await ctx.reply(`已向${committee.name}报告 ${session.year} 年组织生活会情况（问题清单和整改事项）。${lookbackAt.getMonth() + 1}月${lookbackAt.getDate()}日前后助手会提示整改回头看。`);
      return;
    }
    case "会议": {
      requirePermission(actor, "committee", what);
      const meeting = await linkMeeting(ctx.tx, org, session, words[0]);
      await ctx.reply(`已把 ${session.year} 年组织生活会关联到第 ${meeting.seqNo} 号会议。会后记录的问题清单将注明来自这次会议。`);
      return;
    }
    default:
      throw new UsageError(`不认识「${echo(verb)}」。可用：征求意见、提意见、意见、谈心、对照检查、未交、问题清单、整改承诺、报告、会议。`, ORG_LIFE_EXAMPLE);
  }
}
