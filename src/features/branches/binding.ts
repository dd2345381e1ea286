import type { Bot } from "../../app/bot.ts";
import { UsageError, type ActionContext, type MembershipContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { ensureJob, type JobContext } from "../../app/jobs.ts";
import { mention, mentions, renderCard } from "../../app/cards.ts";
import type { Outbox } from "../../app/outbox.ts";
import { toOrgInfo } from "../../app/actors.ts";
import { askToClassify, classifyAction } from "./pending.ts";
import { bindOrg, CATEGORY_LABEL, KIND_LABEL, markLeft, syncMembers, upsertMember, type BranchCategory, type Person } from "./service.ts";

export const SYNC_MEMBERS_JOB = "branches.sync_members";

/** Where chat rosters come from (Lark's paged chat-members API, behind the gateway). */
export interface Directory {
  chatMembers(chatId: string): Promise<Person[]>;
}

export function bindingCardRef(chatId: string): string {
  return `bind:${chatId}`;
}

export async function postBindingCard(out: Outbox, chatId: string, chatName: string, operatorOpenId?: string | null): Promise<void> {
  await out.card(
    { chatId },
    "binding",
    { chatName, defaultName: chatName, chatId, operatorMention: operatorOpenId ? mention(operatorOpenId) : "" },
    { cardRef: bindingCardRef(chatId) },
  );
}

async function onMembership(ctx: MembershipContext): Promise<void> {
  const { tx, change, now, out } = ctx;
  switch (change.kind) {
    case "bot_added": {
      const known = await tx.chat.findUnique({ where: { chatId: change.chatId } });
      await tx.chat.upsert({
        where: { chatId: change.chatId },
        create: { chatId: change.chatId, name: change.chatName || "未命名群", addedBy: change.operatorOpenId ?? null, addedAt: now },
        update: { botPresent: true, removedAt: null, ...(change.chatName ? { name: change.chatName } : {}), addedBy: change.operatorOpenId ?? known?.addedBy ?? null },
      });
      if (ctx.org) {
        await out.text({ chatId: change.chatId }, `支部助手回来了。本群仍绑定为「${ctx.org.name}」，发送 /帮助 查看命令。`);
        await scheduleSync(tx, change.chatId, now, change.eventId);
      } else {
        await postBindingCard(out, change.chatId, change.chatName || "本群", change.operatorOpenId);
      }
      return;
    }
    case "bot_removed":
    case "chat_disbanded":
      await tx.chat.updateMany({ where: { chatId: change.chatId }, data: { botPresent: false, removedAt: now } });
      return;
    case "users_added": {
      if (!ctx.org) return;
      let fresh = false;
      for (const u of change.users) fresh = (await upsertMember(tx, ctx.org.id, u, now)).memberClass === "pending" || fresh;
      if (fresh) await askToClassify(tx, out.forOrg(ctx.org.id), ctx.org);
      return;
    }
    case "users_removed":
      if (!ctx.org) return;
      await markLeft(tx, ctx.org.id, change.users.map((u) => u.openId), now);
      for (const u of change.users) await out.withdrawQueued(u.openId, "成员已退出本群，消息不再发送");
      return;
  }
}

/** Each binding or re-join gets its own sync run; `cause` (binding, or the event id) keys it. */
async function scheduleSync(tx: MembershipContext["tx"], chatId: string, now: Date, cause: string) {
  await ensureJob(tx, { key: `sync:${chatId}:${cause}`, kind: SYNC_MEMBERS_JOB, runAt: now, payload: { chatId } }, now);
}

function person(openId: unknown, names: Map<string, string>): Person | undefined {
  return typeof openId === "string" && openId ? { openId, name: names.get(openId) ?? "" } : undefined;
}

async function bindAction(ctx: ActionContext): Promise<CardResponse> {
  const chatId = String(ctx.value.chat ?? ctx.action.chatId ?? "");
  if (!chatId || (ctx.action.chatId && ctx.action.chatId !== chatId)) throw new UsageError("绑定卡片与本群不匹配，请发送 /绑定 重新获取。");
  const chat = await ctx.tx.chat.findUnique({ where: { chatId } });
  if (!chat) throw new UsageError("我还不在这个群里，请先把我拉进群。");
  if (chat.addedBy && chat.addedBy !== ctx.action.operatorOpenId) {
    throw new UsageError("只有把我拉进群的同志可以完成绑定，请提醒他（她）填写。");
  }
  const f = ctx.form;
  const kind = f.kind === "committee" ? "committee" : "branch";
  const name = typeof f.name === "string" ? f.name.trim() : "";
  if (!name) throw new UsageError("请填写组织名称，例如：机关第一党支部。");
  // The card's input takes 50; a longer (forged) name would not fit the cards that show it.
  if (name.length > 50) throw new UsageError("组织名称最多 50 个字，例如：机关第一党支部。");
  const category = typeof f.category === "string" && f.category in CATEGORY_LABEL ? (f.category as BranchCategory) : null;
  if (kind === "branch" && !category) throw new UsageError("请选择支部所属领域（机关事业单位 / 村（社区） / 两新组织）。");
  const names = new Map<string, string>();
  const secretary = person(f.secretary, names);
  if (!secretary) throw new UsageError("请选择书记。");
  const committee = (Array.isArray(f.committee) ? f.committee : []).map((id) => person(id, names)).filter((p): p is Person => !!p);
  const parentCode = typeof f.parent_code === "string" && f.parent_code.trim() ? f.parent_code.trim() : undefined;
  const { org, parent, linkCode } = await bindOrg(ctx.tx, {
    chatId, kind, name, category, secretary, committee, parentLinkCode: parentCode,
    boundBy: ctx.action.operatorOpenId, timezone: ctx.timezone, now: ctx.now,
  });
  await scheduleSync(ctx.tx, chatId, ctx.now, `bind:${org.id}`);
  await ctx.orgBound(org);
  if (parent) await ctx.out.forOrg(parent.id).text({ chatId: parent.chatId }, `「${org.name}」已绑定并关联到本党委。`);
  const card = renderCard("binding-done", {
    name: org.name,
    kindLabel: KIND_LABEL[org.kind],
    categoryLabel: category ? CATEGORY_LABEL[category] : "—",
    secretaryMention: mention(secretary.openId),
    committeeMentions: mentions(committee.filter((c) => c.openId !== secretary.openId).map((c) => c.openId)),
    parentName: parent?.name ?? "",
    isCommittee: kind === "committee",
    linkCode: linkCode ?? "",
  });
  return { toast: { type: "success", content: `已绑定为${KIND_LABEL[org.kind]}「${org.name}」` }, card };
}

async function syncJob(ctx: JobContext & { directory: Directory }): Promise<void> {
  const chatId = String(ctx.payload.chatId ?? "");
  const people = await ctx.directory.chatMembers(chatId); // network first, outside the transaction
  await ctx.commit(async (tx, out) => {
    const org = await tx.partyOrg.findUnique({ where: { chatId } });
    if (!org) return;
    const result = await syncMembers(tx, org.id, people, ctx.now);
    if (result.added) await askToClassify(tx, out.forOrg(org.id), toOrgInfo(org));
    ctx.log.info({ chatId, ...result }, "members synced");
  });
}

export function registerBinding(bot: Bot, directory: Directory): void {
  bot.onMembership(onMembership);
  bot.action({ name: "roster.classify", permission: "secretary", access: "新进群成员身份确认卡片「保存身份」：书记、副书记（私信）", run: classifyAction });
  bot.action({ name: "branch.bind", permission: "anyone", access: "绑定卡片「确认绑定」：把我拉进群的同志，只能绑定卡片所在的群", run: bindAction });
  bot.job(SYNC_MEMBERS_JOB, (ctx) => syncJob({ ...ctx, directory }));
}
