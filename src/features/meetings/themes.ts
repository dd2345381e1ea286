import type { Tx } from "../../db/client.ts";
import { clip, echo, rowNumber } from "../../app/args.ts";
import { PermissionError, UsageError, type CommandContext } from "../../app/context.ts";
import { isCommittee } from "../../app/roles.ts";

/**
 * The branch's 主题党日 themes (issue #18 item 2): a 主题党日 is scheduled with its theme chosen
 * before the day — typed, or taken from the list the branch keeps here (/主题库).
 */

const MAX_THEME = 100;
const SHOWN = 10;

async function openThemes(tx: Tx, orgId: number) {
  return tx.themeSuggestion.findMany({ where: { orgId, usedMeetingId: null }, orderBy: { id: "asc" } });
}

/** The sentence that asks for a theme when a 主题党日 is scheduled without one. */
export async function themeMissingMessage(tx: Tx, orgId: number): Promise<string> {
  const themes = (await openThemes(tx, orgId)).slice(0, SHOWN);
  const list = themes.length ? `本支部主题库里还有：${themes.map((t, i) => `${i + 1}. ${t.theme}`).join("；")}。` : "本支部主题库还是空的，支委可用 /主题库 新增 <主题> 预先定几个。";
  return `主题党日要先定主题，写在地点后面。${list}`;
}

/** A scheduled 主题党日 takes its theme off the list (the first open one with the same words). */
export async function markThemeUsed(tx: Tx, orgId: number, theme: string | null | undefined, meetingId: number): Promise<void> {
  if (!theme?.trim()) return;
  const match = (await openThemes(tx, orgId)).find((t) => t.theme === theme.trim());
  if (match) await tx.themeSuggestion.update({ where: { id: match.id }, data: { usedMeetingId: meetingId } });
}

const EXAMPLE = "/主题库 新增 重温入党誓词，参观党史馆";

/** /主题库 [新增 <主题> | 删除 <编号>]: everyone sees it; 支委 keep it. */
export async function themesCommand(ctx: CommandContext): Promise<void> {
  const org = ctx.org!;
  const [sub] = ctx.args;
  if (sub === "新增" || sub === "删除") {
    if (!isCommittee(ctx.actor)) throw new PermissionError("只有支委（书记、副书记、委员）可以维护主题库。发送 /主题库 可查看。");
  }
  if (sub === "新增") {
    const theme = clip(ctx.rest.replace(/^\s*新增\s*/, "").trim(), MAX_THEME);
    if (!theme) throw new UsageError("请写上主题。", EXAMPLE);
    await ctx.tx.themeSuggestion.create({ data: { orgId: org.id, theme, addedBy: ctx.message.senderOpenId, addedAt: ctx.now } });
    await ctx.reply(`已加入主题库：${theme}。安排时写上它，例如：/安排 主题党日 下月5日 09:00 党员活动室 ${theme}`);
    return;
  }
  if (sub === "删除") {
    const n = rowNumber(ctx.args[1]);
    const themes = await openThemes(ctx.tx, org.id);
    const target = n ? themes[n - 1] : undefined;
    if (!target) throw new UsageError(`主题库里没有第 ${echo(ctx.args[1] ?? "")} 个主题。发送 /主题库 查看编号。`, "/主题库 删除 1");
    await ctx.tx.themeSuggestion.delete({ where: { id: target.id } });
    await ctx.reply(`已从主题库删除：${target.theme}`);
    return;
  }
  if (sub) throw new UsageError(`看不懂「${echo(sub)}」。`, EXAMPLE);
  const open = await openThemes(ctx.tx, org.id);
  const used = await ctx.tx.themeSuggestion.findMany({ where: { orgId: org.id, usedMeetingId: { not: null } }, orderBy: { id: "desc" }, take: 5 });
  const meetings = await ctx.tx.meeting.findMany({ where: { id: { in: used.map((u) => u.usedMeetingId!) } }, select: { id: true, seqNo: true } });
  const seqOf = new Map(meetings.map((m) => [m.id, m.seqNo]));
  await ctx.reply(
    [
      `【主题党日主题库】${org.name}`,
      ...(open.length ? open.map((t, i) => `${i + 1}. ${t.theme}`) : ["（还没有待用的主题）"]),
      ...(used.length ? ["", "最近已用：", ...used.map((u) => `${u.theme}（#${seqOf.get(u.usedMeetingId!) ?? "?"}）`)] : []),
      "",
      "支委可以 /主题库 新增 <主题>、/主题库 删除 <编号>；安排主题党日时在地点后写上主题。",
    ].join("\n"),
  );
}
