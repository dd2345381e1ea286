import type { Bot } from "../../app/bot.ts";
import type { CommandContext } from "../../app/context.ts";
import { zoned } from "../../core/time.ts";
import { childOrgs } from "../branches/service.ts";
import { causeLabel } from "./labels.ts";
import { BUDGET_NOTICE_JOB, paceOf, usageMonth } from "../../app/budget.ts";
import { secretaryOf } from "../../app/actors.ts";
import type { JobContext } from "../../app/jobs.ts";
import { monthUsage } from "./service.ts";

export interface UsageDeps {
  /** LARK_MONTHLY_CALL_BUDGET; undefined: no budget set. */
  budget?: number;
}

const BASIC_EDITION_BUDGET = 10_000;
const TOP_CAUSES = 6;

const n = (x: number) => x.toLocaleString("en-US");

/**
 * `/用量` in the committee chat: this month's Open Platform calls, where the month ends at this
 * pace, what they went on and how many each branch caused (issue #22 item 1). Counts of the
 * bot's work, not of any person; branches in name order, not ranked.
 */
async function usageCommand(deps: UsageDeps, ctx: CommandContext) {
  const org = ctx.org!;
  const usage = await monthUsage(ctx.tx, usageMonth(ctx.now, org.timezone));
  const { projected } = paceOf(usage.total, ctx.now, org.timezone);
  const start = zoned(ctx.now, org.timezone).startOf("month");
  const lines = [
    `【本月 API 调用】${start.format("M月D日")}—${zoned(ctx.now, org.timezone).format("M月D日")}（飞书按自然月统计，每月 1 日重置）`,
    `支部助手已调用 ${n(usage.total)} 次；按目前的速度，月底约 ${n(projected)} 次。`,
    deps.budget
      ? `本租户每月额度 ${n(deps.budget)} 次（LARK_MONTHLY_CALL_BUDGET），预计用到 ${Math.round((projected / deps.budget) * 100)}%${projected > deps.budget ? "，会超出额度：卡片上回复和签到人数的实时更新、周报留言邀请暂停到下月，通知、签到卡片、会议记录表单和逾期提醒照常发送" : ""}。同一租户的其他自建应用也占用这一额度。`
      : `未设置月度额度（LARK_MONTHLY_CALL_BUDGET）。飞书免费版一个租户的全部自建应用合计每月 ${n(BASIC_EDITION_BUDGET)} 次。`,
  ];
  if (usage.byCause.length) {
    lines.push("", "**主要用途**");
    for (const c of usage.byCause.slice(0, TOP_CAUSES)) lines.push(`${causeLabel(c.cause)}：${n(c.calls)} 次`);
    const rest = usage.byCause.slice(TOP_CAUSES).reduce((s, c) => s + c.calls, 0);
    if (rest) lines.push(`其他：${n(rest)} 次`);
  }
  const branches = (await childOrgs(ctx.tx, org.id)).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
  lines.push("", `**各支部**（按名称排列，不是排名；平均每支部 ${n(Math.round(usage.total / Math.max(1, branches.length)))} 次）`);
  for (const b of branches) lines.push(`${b.name}：${n(usage.byOrg.get(b.id) ?? 0)} 次`);
  lines.push(`本党委群：${n(usage.byOrg.get(org.id) ?? 0)} 次`);
  const unattributed = usage.byOrg.get(0) ?? 0;
  if (unattributed) lines.push(`未归属（绑定、查询群成员等）：${n(unattributed)} 次`);
  await ctx.reply(lines.join("\n"));
}

/**
 * Once a month, when the pace first passes the budget: the committees' secretaries hear it
 * privately (every branch secretary where no committee is bound), with what is left out.
 */
async function budgetNoticeJob(ctx: JobContext): Promise<void> {
  const p = ctx.payload as { month: string; used: number; projected: number; budget: number };
  await ctx.commit(async (tx, out) => {
    const committees = await tx.partyOrg.findMany({ where: { kind: "committee" }, select: { id: true } });
    const orgIds = committees.length ? committees.map((c) => c.id) : (await tx.partyOrg.findMany({ select: { id: true } })).map((o) => o.id);
    for (const orgId of orgIds) {
      const secretary = await secretaryOf(tx, orgId);
      if (!secretary) continue;
      await out.forOrg(orgId).text(
        { openId: secretary.openId },
        `【API 用量提醒】本月（${p.month}）支部助手已调用飞书开放平台 ${n(p.used)} 次，按目前的速度月底约 ${n(p.projected)} 次，将超过每月额度 ${n(p.budget)} 次（同一租户的其他自建应用也占用这一额度）。\n` +
          `为保证会议通知、签到、会议记录表单和整改逾期提醒照常送达，本月余下时间助手不再实时更新卡片上的回复和签到人数（点击按钮的人仍会看到最新情况），也不再发周报留言邀请；下月 1 日恢复。发送 /用量 查看详情。`,
      );
    }
  });
}

export function registerUsage(bot: Bot, deps: UsageDeps): void {
  bot.job(BUDGET_NOTICE_JOB, budgetNoticeJob);
  bot.command({
    name: "用量", aliases: ["usage"], group: "支部与成员",
    summary: "查看本月飞书 API 调用次数、月底预计、主要用途和各支部用量（党委群）",
    usage: "/用量", example: "/用量", permission: "secretary", scope: "committee", run: (ctx) => usageCommand(deps, ctx),
  });
}
