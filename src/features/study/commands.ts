import { UsageError, type CommandContext } from "../../app/context.ts";
import { requirePermission } from "../evaluation/scope.ts";
import { rowNumber } from "../../app/args.ts";
import { dayOf } from "../rectification/dates.ts";
import { memberYear, remindsMe, setReminder, studyCoverage, withdrawStudy } from "./service.ts";
import { coverageText, logCardData, myYearText } from "./views.ts";

const PRIVATE_ONLY = "学习记录是个人的，只在私聊里办理：请点我的头像进入私聊，发送 /学习（记一笔）或 /学习 我的（看自己的学时）。";

function me(ctx: CommandContext) {
  const org = ctx.org!;
  const actor = ctx.actor!;
  const today = dayOf(ctx.now, org.timezone);
  return { org, actor, member: { id: actor.memberId, orgId: org.id, post: actor.post }, today, year: Number(today.slice(0, 4)) };
}

async function logCard(ctx: CommandContext) {
  const { org, member, today, year } = me(ctx);
  await ctx.replyCard("study-log", logCardData(org.id, today, await memberYear(ctx.tx, member, year, org.timezone)));
}

async function mine(ctx: CommandContext) {
  const { org, member, today, year } = me(ctx);
  await ctx.reply(myYearText(await memberYear(ctx.tx, member, year, org.timezone), today, await remindsMe(ctx.tx, member.id)));
}

async function withdraw(ctx: CommandContext) {
  const seqNo = rowNumber(ctx.args[1]);
  if (!seqNo) throw new UsageError("请写上要撤销的记录编号（见 /学习 我的）。", "/学习 撤销 1");
  const result = await withdrawStudy(ctx.tx, ctx.actor!.memberId, seqNo, ctx.now);
  if (!result) throw new UsageError(`您没有第 ${seqNo} 条学习记录。发送 /学习 我的 查看编号。`, "/学习 撤销 1");
  await ctx.reply(result.already ? `第 ${seqNo} 条已经撤销过了。` : `已撤销第 ${seqNo} 条（${result.entry.title}），不再计入学时。`);
}

async function reminder(ctx: CommandContext) {
  const word = ctx.args[1];
  const on = word === "开" || word === "开启" ? true : word === "关" || word === "关闭" ? false : undefined;
  if (on === undefined) throw new UsageError("请写“开”或“关”。", "/学习 提醒 开");
  await setReminder(ctx.tx, { id: ctx.actor!.memberId, orgId: ctx.org!.id }, on, ctx.now);
  await ctx.reply(on ? "已开启：每季度第一天上午我会私信告诉您今年的学时进度，只发给您本人。发送 /学习 提醒 关 可随时关闭。" : "已关闭学时提醒。");
}

async function coverage(ctx: CommandContext) {
  const { org, today, year } = me(ctx);
  requirePermission(ctx.actor, "secretary", "/学习 统计");
  if (org.kind !== "branch") throw new UsageError("「/学习 统计」请在党支部群或私聊中使用。", "/学习 统计");
  const c = (await studyCoverage(ctx.tx, [org], year)).get(org.id)!;
  await ctx.reply(coverageText(org.name, year, today, c));
}

/**
 * /学习: a member's private study log (issue #18 item 1). Everything personal happens in the
 * private chat; in a group only the secretary's counts (/学习 统计) are answered.
 */
export async function studyCommand(ctx: CommandContext): Promise<void> {
  const sub = ctx.args[0] ?? "";
  if (sub === "统计") return coverage(ctx);
  if (ctx.message.chatType !== "p2p") {
    await ctx.reply(PRIVATE_ONLY);
    return;
  }
  if (ctx.org?.kind !== "branch") throw new UsageError("学时按党支部记录，您还不在任何党支部的成员名单中。");
  switch (sub) {
    case "":
    case "记录":
      return logCard(ctx);
    case "我的":
      return mine(ctx);
    case "撤销":
      return withdraw(ctx);
    case "提醒":
      return reminder(ctx);
    default:
      throw new UsageError(`没有「/学习 ${sub.slice(0, 10)}」这一项。可以用：/学习、/学习 我的、/学习 撤销 1、/学习 提醒 开、/学习 统计（书记）。`, "/学习 我的");
  }
}
