import type { Bot } from "../../app/bot.ts";
import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { renderCard } from "../../lark/cards.ts";

/** The secretary's one line for this week's digest (from the invitation card). */
async function noteAction(ctx: ActionContext): Promise<CardResponse> {
  const digestId = rowNumber(ctx.value.d);
  const digest = digestId ? await ctx.tx.digest.findUnique({ where: { id: digestId } }) : null;
  if (!digest || digest.orgId !== ctx.org?.id) throw new UsageError("找不到这期周报，可能已经发出。");
  if (digest.status !== "invited") throw new UsageError("本期周报已经发出，不能再添加寄语。");
  const note = typeof ctx.form.note === "string" ? ctx.form.note.trim() : "";
  if (!note) throw new UsageError("请写一句话再提交；不需要的话可以不用理会，周报会按时发出。");
  if (note.length > 200) throw new UsageError(`寄语请控制在 200 字以内（现在 ${note.length} 字）。`);
  await ctx.tx.digest.update({ where: { id: digest.id }, data: { secretaryNote: note, noteBy: ctx.action.operatorOpenId } });
  const org = ctx.org!;
  const time = new Date(digest.scheduledFor).toLocaleTimeString("zh-CN", { timeZone: org.timezone, hour: "2-digit", minute: "2-digit", hour12: false });
  const card = renderCard("digest-invite", {
    orgName: org.name, time, org: org.id, digestId: digest.id, secretary: "", note,
    saved: "已保存。周报发出前还可以修改后再次保存。",
  });
  return { toast: { type: "success", content: "已保存，周报将按时发出" }, card };
}

export function registerDigestActions(bot: Bot): void {
  bot.action({ name: "digest.note", permission: "secretary", access: "周报寄语卡片「保存寄语」：书记、副书记，周报发出前", run: noteAction });
}
