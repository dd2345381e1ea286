import type { Bot } from "../../app/bot.ts";
import { rowNumber } from "../../app/args.ts";
import { PermissionError, UsageError, type ActionContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { loadFacts, type MeetingFacts } from "./content.ts";
import { confirmRecord, handleFormClick, type FormOp } from "./flows.ts";
import type { Layout } from "./form.ts";
import { mayWrite, recorderOf } from "./service.ts";

/** Card buttons: the minutes form (保存草稿 / 添加… / 提交) and 确认记录 on the group's recap. */

async function factsOf(ctx: ActionContext): Promise<MeetingFacts> {
  const id = rowNumber(ctx.value.m);
  const f = id ? await loadFacts(ctx.tx, id) : undefined;
  if (!f || f.org.id !== ctx.org?.id) throw new UsageError("找不到这次会议，卡片可能已失效。请发送 /纪要 查看。");
  if (f.meeting.status !== "held") throw new UsageError("会议还没有结束或已取消，暂不能填写记录。");
  return f;
}

const OPS: readonly FormOp[] = ["save", "more", "submit"];
const GROWABLE: ReadonlyArray<keyof Layout> = ["resolutions", "actions", "discussion", "keyPoints"];

async function formAction(ctx: ActionContext): Promise<CardResponse> {
  const f = await factsOf(ctx);
  const actor = ctx.actor;
  if (!actor || !mayWrite(actor, await recorderOf(ctx.tx, f.meeting))) {
    throw new PermissionError("只有本次会议的记录人或书记、副书记可以填写会议记录。");
  }
  const op = OPS.find((o) => o === ctx.value.op) ?? "save";
  const grow = GROWABLE.find((g) => g === ctx.value.w);
  const answer = await handleFormClick(
    ctx.tx, ctx.out, f, actor,
    { op, grow, layout: ctx.value.s, compact: ctx.value.c === 1, amendment: ctx.value.amend === 1, form: ctx.form },
    ctx.now,
  );
  return { toast: { type: answer.toastType, content: answer.toast }, ...(answer.card ? { card: answer.card } : {}) };
}

async function confirmAction(ctx: ActionContext): Promise<CardResponse> {
  const f = await factsOf(ctx);
  const result = await confirmRecord(ctx.tx, ctx.out, f, ctx.actor!, rowNumber(ctx.value.v), ctx.now);
  // The recap card itself is patched through the outbox, for everyone in the group.
  return { toast: { type: result.ok ? "success" : "error", content: result.message.split("\n")[0]! } };
}

export function registerMinutesActions(bot: Bot): void {
  bot.action({ name: "minutes.form", permission: "member", access: "会议记录表单「保存草稿」「添加…」「提交」：本次会议的记录人或书记、副书记", run: formAction });
  bot.action({ name: "minutes.confirm", permission: "secretary", access: "会议记录卡片「确认记录」：书记、副书记", run: confirmAction });
}
