import type { PlatformContext } from "./context.ts";
import { deriveUnionId } from "./ids.ts";
import type { FakeChat, FakeMessage, FakeUser } from "./types.ts";

/** The `{ union_id, user_id, open_id }` triple Lark puts in every event. */
export function idsOf(user: FakeUser): { union_id: string; user_id: string; open_id: string } {
  return { union_id: user.unionId, user_id: user.userId, open_id: user.openId };
}

export function botIds(ctx: PlatformContext): { union_id: string; user_id: string; open_id: string } {
  return { union_id: deriveUnionId(ctx.opts.botOpenId), user_id: "", open_id: ctx.opts.botOpenId };
}

/** `im.message.receive_v1` event body for a message a user sent. */
export function messageReceiveEvent(ctx: PlatformContext, m: FakeMessage, sender: FakeUser): Record<string, unknown> {
  return {
    sender: { sender_id: idsOf(sender), sender_type: "user", tenant_key: ctx.opts.tenantKey },
    message: {
      message_id: m.messageId,
      ...(m.rootId ? { root_id: m.rootId } : {}),
      ...(m.parentId ? { parent_id: m.parentId } : {}),
      create_time: String(m.createTime),
      update_time: String(m.updateTime),
      chat_id: m.chatId,
      ...(m.threadId ? { thread_id: m.threadId } : {}),
      chat_type: m.chatType,
      message_type: m.msgType,
      content: JSON.stringify(m.content), // a JSON *string*, as Lark sends it
      ...(m.mentions?.length ? { mentions: m.mentions } : {}),
      user_agent: "Mozilla/5.0 (fake-platform) Lark/7.30.0",
    },
  };
}

/** Body shared by the `im.chat.member.*` events; user events add `users`. */
export function chatMemberEvent(ctx: PlatformContext, chat: FakeChat, operator: FakeUser | undefined, users?: FakeUser[]): Record<string, unknown> {
  return {
    chat_id: chat.chatId,
    operator_id: operator ? idsOf(operator) : { union_id: "", user_id: "", open_id: "" },
    external: false,
    operator_tenant_key: ctx.opts.tenantKey,
    name: chat.name, // the chat's name per the docs (an SDK comment claims the bot's name)
    i18n_names: { zh_cn: chat.name, en_us: "", ja_jp: "" },
    ...(users ? { users: users.map((u) => ({ name: u.name, tenant_key: ctx.opts.tenantKey, user_id: idsOf(u) })) } : {}),
  };
}

export interface CardAction {
  value: unknown;
  tag?: string;
  name?: string;
  formValue?: Record<string, unknown>;
  option?: string;
  options?: string[];
  inputValue?: string;
  checked?: boolean;
  timezone?: string;
}

/** `card.action.trigger` (new callback format) event body. */
export function cardActionEvent(ctx: PlatformContext, m: FakeMessage, operator: FakeUser, token: string, a: CardAction): Record<string, unknown> {
  const action: Record<string, unknown> = { value: a.value, tag: a.tag ?? "button", timezone: a.timezone ?? "Asia/Shanghai" };
  if (a.name !== undefined) action.name = a.name;
  if (a.formValue !== undefined) action.form_value = a.formValue;
  if (a.option !== undefined) action.option = a.option;
  if (a.options !== undefined) action.options = a.options;
  if (a.inputValue !== undefined) action.input_value = a.inputValue;
  if (a.checked !== undefined) action.checked = a.checked;
  return {
    operator: { tenant_key: ctx.opts.tenantKey, ...idsOf(operator) },
    token,
    action,
    host: "im_message",
    context: { open_message_id: m.messageId, open_chat_id: m.chatId },
  };
}
