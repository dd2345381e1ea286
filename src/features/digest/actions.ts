import type { Bot } from "../../app/bot.ts";
import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { renderCard } from "../../app/cards.ts";

/** The secretary's one line for this week's digest (from the invitation card). */
async function noteAction(ctx: ActionContext): Promise<CardResponse> {
  const digestId = rowNumber(ctx.value.d);
  const digest = digestId ? await ctx.tx.digest.findUnique({ where: { id: digestId } }) : null;
  if (!digest || digest.orgId !== ctx.org?.id) throw new UsageError("找不到这期周报，可能已经发出。");
  const org = ctx.org!;
  const clock = (at: Date) => at.toLocaleTimeString("zh-CN", { timeZone: org.timezone, hour: "2-digit", minute: "2-digit", hour12: false });
  if (digest.status !== "invited") {
    // The card's form is stale once the digest is out: the answer closes it, at no API cost.
    const sent = digest.sentAt ? `已于 ${clock(digest.sentAt)} 发出` : "已经发出";
    const card = renderCard("digest-invite", {
      orgName: org.name, time: clock(digest.scheduledFor), org: org.id, digestId: digest.id, secretary: "", note: "", saved: "",
      closed: `本期周报${sent}${digest.secretaryNote ? "，您的寄语已在最上方" : "，这次没有寄语"}。下期发出前我会再来请您写。`,
    });
    return { toast: { type: "info", content: `本期周报${sent}，不能再添加寄语` }, card };
  }
  const note = typeof ctx.form.note === "string" ? ctx.form.note.trim() : "";
  if (!note) throw new UsageError("请写一句话再提交；不需要的话可以不用理会，周报会按时发出。");
  if (note.length > 200) throw new UsageError(`寄语请控制在 200 字以内（现在 ${note.length} 字）。`);
  await ctx.tx.digest.update({ where: { id: digest.id }, data: { secretaryNote: note, noteBy: ctx.action.operatorOpenId } });
  const card = renderCard("digest-invite", {
    orgName: org.name, time: clock(digest.scheduledFor), org: org.id, digestId: digest.id, secretary: "", note, closed: "",
    saved: "已保存。周报发出前还可以修改后再次保存。",
  });
  return { toast: { type: "success", content: "已保存，周报将按时发出" }, card };
}

export function registerDigestActions(bot: Bot): void {
  bot.action({ name: "digest.note", permission: "secretary", access: "周报寄语卡片「保存寄语」：书记、副书记，周报发出前", run: noteAction });
}
