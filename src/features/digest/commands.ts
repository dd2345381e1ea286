import type { Bot } from "../../app/bot.ts";
import { UsageError, type CommandContext } from "../../app/context.ts";
import { isSecretary } from "../../app/roles.ts";
import { periodContaining, periodUnitFromWord } from "./periods.ts";
import { branchDigestCard, committeeDigestCard } from "./compose.ts";
import type { DigestDeps } from "./jobs.ts";
import { committeeExtras, ensureDigestJobs } from "./jobs.ts";
import { openWarnings } from "./warnings.ts";
import { toOrgInfo } from "../../app/actors.ts";
import { echo } from "../../app/args.ts";

const GROUP = "周报与预警";
const SUMMARY_EXAMPLE = "/小结 本月";

async function summaryCommand(ctx: CommandContext, deps: DigestDeps) {
  const org = ctx.org!;
  const unit = periodUnitFromWord(ctx.args[0]);
  if (!unit) throw new UsageError(`不认识时段「${echo(ctx.args[0])}」。可选：本周、本月、本季度、本年。`, SUMMARY_EXAMPLE);
  const period = periodContaining(ctx.now, org.timezone, unit);
  const title = unit === "year" ? "年度工作报告" : "工作小结";
  if (org.kind === "branch") {
    const sections = (await deps.sections.collect(ctx.tx, [org], period, ctx.now)).get(org.id) ?? [];
    await ctx.replyCard("digest-branch", branchDigestCard({ org, period, title, sections, now: ctx.now }));
    return;
  }
  const children = (await ctx.tx.partyOrg.findMany({ where: { parentId: org.id } })).map(toOrgInfo);
  const sections = await deps.sections.collect(ctx.tx, children, period, ctx.now);
  const rows = children.map((c) => ({ org: c, sections: sections.get(c.id) ?? [] }));
  const extras = await (await committeeExtras(ctx.tx, children, ctx.now))(children);
  await ctx.replyCard("digest-committee", committeeDigestCard(org, period, rows, null, ctx.now, undefined, extras));
}

async function warningsCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const orgIds = org.kind === "committee" ? [org.id, ...(await ctx.tx.partyOrg.findMany({ where: { parentId: org.id }, select: { id: true } })).map((o) => o.id)] : [org.id];
  const names = new Map((await ctx.tx.partyOrg.findMany({ where: { id: { in: orgIds } } })).map((o) => [o.id, o.name]));
  const all = await openWarnings(ctx.tx, orgIds);
  // In a group only branch-level warnings are shown; personal ones stay with the secretary.
  const privateView = ctx.message.chatType === "p2p" && isSecretary(ctx.actor);
  const shown = all.filter((w) => privateView || w.audience === "group" || w.audience === "committee" || w.audience === "secretary" && !w.subjectKey.startsWith("member:") || w.audience === "parent");
  const hidden = all.length - shown.length;
  const lines = shown.map((w) => `- 【${w.ruleId}】${org.kind === "committee" ? `${names.get(w.orgId)}：` : ""}${w.message}`);
  await ctx.replyCard("notice", {
    title: `${org.name} · 当前预警（${all.length} 条）`,
    template: all.length ? "orange" : "green",
    lines: lines.length ? lines : ["目前没有预警。"],
    footer: hidden ? `另有 ${hidden} 条涉及个人的预警，已私信书记，不在群内显示。` : "预警在条件消除后自动解除。",
  });
}

const WEEKDAYS: Record<string, number> = { 周一: 1, 周二: 2, 周三: 3, 周四: 4, 周五: 5, 周六: 6, 周日: 7, 周天: 7 };
const DIGEST_EXAMPLE = "/周报 时间 周一 09:00";

async function digestSettingsCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const [verb, day, time] = ctx.args;
  const current = await ctx.tx.digestSettings.findUnique({ where: { orgId: org.id } });
  const save = async (data: { weekday?: number; hour?: number; minute?: number; muted?: boolean }) => {
    await ctx.tx.digestSettings.upsert({
      where: { orgId: org.id },
      create: { orgId: org.id, updatedAt: ctx.now, updatedBy: ctx.message.senderOpenId, ...data },
      update: { updatedAt: ctx.now, updatedBy: ctx.message.senderOpenId, ...data },
    });
    await ensureDigestJobs(ctx.tx, ctx.now);
  };
  switch (verb) {
    case undefined: {
      const s = current ?? { weekday: 1, hour: 9, minute: 0, muted: false };
      const dayName = Object.keys(WEEKDAYS).find((k) => WEEKDAYS[k] === s.weekday);
      await ctx.reply(s.muted ? "本群周报已暂停。发送 /周报 恢复 重新开启。" : `本群周报每${dayName} ${String(s.hour).padStart(2, "0")}:${String(s.minute).padStart(2, "0")} 发送。修改示例：${DIGEST_EXAMPLE}；暂停：/周报 暂停`);
      return;
    }
    case "暂停":
      await save({ muted: true });
      await ctx.reply("已暂停本群周报。预警和提醒照常。发送 /周报 恢复 重新开启。");
      return;
    case "恢复":
      await save({ muted: false });
      await ctx.reply("已恢复本群周报。");
      return;
    case "时间": {
      const weekday = day ? WEEKDAYS[day] : undefined;
      const m = time ? /^(\d{1,2})[:：](\d{2})$/.exec(time) : null;
      if (!weekday || !m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new UsageError("请写明星期和时间（24 小时制）。", DIGEST_EXAMPLE);
      await save({ weekday, hour: Number(m[1]), minute: Number(m[2]) });
      await ctx.reply(`好的，今后本群周报每${day} ${m[1]!.padStart(2, "0")}:${m[2]} 发送。`);
      return;
    }
    default:
      throw new UsageError(`不认识「${echo(verb)}」。可用：暂停、恢复、时间。`, DIGEST_EXAMPLE);
  }
}

export function registerDigestCommands(bot: Bot, deps: DigestDeps): void {
  bot
    .command({ name: "小结", aliases: ["summary"], group: GROUP, summary: "本周/本月/本季度/本年的工作小结（本年即年度报告）", usage: "/小结 [本周|本月|本季度|本年]", example: SUMMARY_EXAMPLE, permission: "member", scope: "org", run: (ctx) => summaryCommand(ctx, deps) })
    .command({ name: "预警", aliases: ["warnings"], group: GROUP, summary: "查看当前预警", usage: "/预警", example: "/预警", permission: "member", scope: "org", access: "群里只显示支部层面的预警；涉及个人的预警只在书记私聊时显示", run: warningsCommand })
    .command({ name: "周报", aliases: ["digest"], group: GROUP, summary: "查看或设置周报时间，暂停或恢复周报", usage: "/周报 [暂停|恢复|时间 <周几> <HH:mm>]", example: DIGEST_EXAMPLE, permission: "committee", scope: "org", run: digestSettingsCommand });
}
