import type { Bot } from "../../app/bot.ts";
import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { renderCard } from "../../app/cards.ts";
import { roleOf, type ItemRole } from "./access.ts";
import { localTime, parsePickedDay } from "./dates.ts";
import { SCOPE_LABEL, SOURCE_LABEL, type RectificationScope, type RectificationSource } from "./labels.ts";
import { loadItem, memberName, visibleInGroup, type ItemFull } from "./model.ts";
import { ITEM_CARD } from "./notify.ts";
import { createRectificationItem } from "./service.ts";
import { itemCardData } from "./views.ts";
import { acceptItem, addEvidence, noteAsEvidence, reportProgress, returnItem, setDisclosure, submitForVerification } from "./workflow.ts";

function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : "";
}

/** The item a private card names, checked against the organisation the card names. */
async function itemOfCard(ctx: ActionContext): Promise<{ item: ItemFull; role: ItemRole }> {
  const id = rowNumber(ctx.value.item);
  const row = id ? await ctx.tx.rectificationItem.findUnique({ where: { id }, select: { orgId: true } }) : null;
  if (!id || !row || row.orgId !== ctx.org?.id) throw new UsageError("找不到这个整改事项，请发送 /整改 列表 重新查看。");
  const item = await loadItem(ctx.tx, id);
  return { item, role: await roleOf(ctx.tx, item, ctx.action.operatorOpenId) };
}

function operatorName(ctx: ActionContext, orgId: number): Promise<string> {
  return memberName(ctx.tx, ctx.action.operatorOpenId, orgId);
}

/** Runs a step on the item and answers with a toast and the card as this person now sees it. */
function itemAction(step: (ctx: ActionContext, item: ItemFull, role: ItemRole) => Promise<string>) {
  return async (ctx: ActionContext): Promise<CardResponse> => {
    const { item, role } = await itemOfCard(ctx);
    const message = await step(ctx, item, role);
    const fresh = await loadItem(ctx.tx, item.id);
    const freshRole = await roleOf(ctx.tx, fresh, role.openId);
    return { toast: { type: "success", content: message }, card: renderCard(ITEM_CARD, itemCardData(fresh, freshRole, ctx.now)) };
  };
}

async function createAction(ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  const f = ctx.form;
  const problem = text(f.problem);
  if (!problem) throw new UsageError("请填写问题。");
  const scope = (text(f.scope) in SCOPE_LABEL ? text(f.scope) : "individual") as RectificationScope;
  const source = (text(f.source) in SOURCE_LABEL ? text(f.source) : "manual") as RectificationSource;
  const memberId = async (openId: string, what: string) => {
    if (!openId) return undefined;
    const m = await ctx.tx.member.findFirst({ where: { orgId: org.id, openId, active: true } });
    if (!m) throw new UsageError(`所选${what}不在本支部成员名单中。`);
    return m.id;
  };
  const longTerm = f.long_term === true || f.long_term === "true";
  const dueOn = parsePickedDay(f.due);
  if (f.due && !dueOn && !longTerm) throw new UsageError("整改期限不是有效的日期，请重新选择。");
  const ownerIds = (Array.isArray(f.owners) ? f.owners : typeof f.owners === "string" ? [f.owners] : []).map(text).filter(Boolean);
  const verifierMemberId = await memberId(text(f.verifier), "验收人");
  const made = [];
  // Several people with the same problem each get their own item: each is reminded and closed on its own.
  for (const ownerOpenId of ownerIds.length ? [...new Set(ownerIds)] : [""]) {
    const { id } = await createRectificationItem(ctx.tx, {
      orgId: org.id,
      source,
      scope,
      problem,
      measures: text(f.measures) || undefined,
      ownerMemberId: await memberId(ownerOpenId, "责任人"),
      verifierMemberId,
      dueDate: dueOn && !longTerm ? localTime(dueOn, "12:00", org.timezone) : null,
      longTerm,
      createdBy: ctx.action.operatorOpenId,
      now: ctx.now,
    });
    made.push(await loadItem(ctx.tx, id));
  }
  const numbers = made.map((i) => `#${i.seqNo}`).join("、");
  const first = made[0]!;
  const lines = made.every(visibleInGroup)
    ? [`**问题**：${first.problem}`, `责任人：${made.map((i) => i.owner?.name ?? "未指定").join("、")}　验收人：${first.verifier?.name ?? "书记"}`, `发送 /整改 ${made.length === 1 ? numbers : "列表"} 查看详情。`]
    : [`${made.length > 1 ? "每位责任人各登记一项，" : ""}个人整改事项已私信告知责任人和验收人，不在群里显示。`, `支委可私信我发送 /整改 ${numbers.split("、")[0]} 查看。`];
  const card = renderCard("notice", { title: `已登记整改事项 ${numbers}`, template: "green", lines, footer: `登记人：${await operatorName(ctx, org.id)}` });
  return { toast: { type: "success", content: `已登记整改事项 ${numbers}` }, card };
}

/** An upload the owner has to place: attach it to the chosen item. */
async function attachAction(ctx: ActionContext): Promise<CardResponse> {
  const { item, role } = await itemOfCard(ctx);
  const evidenceId = rowNumber(ctx.value.ev);
  const upload = evidenceId ? await ctx.tx.rectificationEvidence.findUnique({ where: { id: evidenceId } }) : null;
  if (!upload || upload.uploadedBy !== ctx.action.operatorOpenId) throw new UsageError("找不到这份材料，请重新发送。");
  if (upload.itemId !== null) {
    const placed = await ctx.tx.rectificationItem.findUnique({ where: { id: upload.itemId } });
    return { toast: { type: "info", content: `这份材料已附到整改事项 #${placed?.seqNo ?? "?"}。` } };
  }
  const kind = upload.kind === "image" ? "image" : "file";
  const message = await addEvidence(ctx.tx, item, role, { kind, fileName: upload.fileName ?? undefined, uploadId: upload.id }, ctx.now, upload.uploaderName);
  const card = renderCard("notice", { title: "佐证材料已附上", template: "green", lines: [message], footer: `发送 /整改 #${item.seqNo} 查看该事项。` });
  return { toast: { type: "success", content: message }, card };
}

export function registerRectificationActions(bot: Bot): void {
  bot
    .action({ name: "rect.create", permission: "committee", access: "整改登记表单「登记」：支委", run: createAction })
    // Item steps check the person's role on the item itself (owner, verifier — who may sit in the parent committee — or 支委).
    .action({ name: "rect.progress", permission: "anyone", access: "整改事项卡片「记录进展」：责任人（支部层面事项也可以是支委）", run: itemAction((ctx, item, role) => reportProgress(ctx.tx, item, role, text(ctx.form.note), ctx.now)) })
    .action({
      name: "rect.evidence",
      permission: "anyone",
      access: "整改事项卡片「作为佐证材料」：责任人（支部层面事项也可以是支委）",
      run: itemAction(async (ctx, item, role) => {
        const note = text(ctx.form.note);
        if (!note) throw new UsageError("请在输入框里写明佐证内容（文字说明或链接）；图片和文件可以直接私聊发给我。");
        return addEvidence(ctx.tx, item, role, noteAsEvidence(note), ctx.now, await operatorName(ctx, item.orgId));
      }),
    })
    .action({
      name: "rect.submit",
      permission: "anyone",
      access: "整改事项卡片「整改完成，提交验收」：责任人",
      run: itemAction(async (ctx, item, role) => submitForVerification(ctx.tx, ctx.out, item, role, text(ctx.form.note), ctx.now, await operatorName(ctx, item.orgId))),
    })
    .action({ name: "rect.accept", permission: "anyone", access: "整改事项卡片「验收通过，销号」：验收人或书记、副书记（责任人本人不能）", run: itemAction((ctx, item, role) => acceptItem(ctx.tx, ctx.out, item, role, text(ctx.form.comment), ctx.now)) })
    .action({ name: "rect.return", permission: "anyone", access: "整改事项卡片「退回整改」：验收人或书记、副书记（责任人本人不能）", run: itemAction((ctx, item, role) => returnItem(ctx.tx, ctx.out, item, role, text(ctx.form.comment), ctx.now)) })
    .action({ name: "rect.publish", permission: "anyone", access: "整改事项卡片「在支部公开」「取消公开」：支委", run: itemAction((ctx, item, role) => setDisclosure(ctx.tx, ctx.out, item, role, ctx.value.pub === true, ctx.now)) })
    .action({ name: "rect.attach", permission: "anyone", access: "选择佐证归属的卡片：上传材料的本人，且是所选事项的责任人", run: attachAction });
}
