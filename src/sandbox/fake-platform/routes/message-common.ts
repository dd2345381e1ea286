import type { PlatformContext } from "../context.ts";
import { ApiError, botNotInChat, invalidParam, recalled } from "../errors.ts";
import { newMessageId } from "../ids.ts";
import type { Conversation } from "../state.ts";
import type { FakeMessage } from "../types.ts";

const UUID_WINDOW_MS = 60 * 60 * 1000;

/** The `data` of message APIs, shaped like Lark's response. */
export function messageView(m: FakeMessage, ctx: PlatformContext): Record<string, unknown> {
  const { appId } = ctx.opts;
  const tenant_key = ctx.opts.tenantKey;
  return {
    message_id: m.messageId,
    ...(m.rootId ? { root_id: m.rootId } : {}),
    ...(m.parentId ? { parent_id: m.parentId } : {}),
    ...(m.threadId ? { thread_id: m.threadId } : {}),
    msg_type: m.msgType,
    create_time: String(m.createTime),
    update_time: String(m.updateTime),
    deleted: m.deleted,
    updated: m.updated,
    chat_id: m.chatId ?? "",
    sender:
      m.sender === "bot"
        ? { id: appId, id_type: "app_id", sender_type: "app", tenant_key }
        : { id: m.sender, id_type: "open_id", sender_type: "user", tenant_key },
    body: { content: JSON.stringify(m.content) },
    ...(m.mentions?.length ? { mentions: m.mentions.map((x) => ({ key: x.key, id: x.id.open_id, id_type: "open_id", name: x.name, tenant_key })) } : {}),
  };
}

export function requireMessage(ctx: PlatformContext, messageId: string | undefined): FakeMessage {
  const message = messageId ? ctx.world.message(messageId) : undefined;
  if (!message) throw invalidParam(`invalid message_id ${messageId ?? ""}`);
  return message;
}

export function requireLive(message: FakeMessage): void {
  if (message.deleted) throw recalled();
}

export function requireSentByBot(message: FakeMessage): void {
  if (message.sender !== "bot") throw new ApiError(400, 230012, "The operator is not the sender of the message.");
}

/** The bot can only post where it is: groups it belongs to, or any p2p chat with a known user. */
export function requireBotCanPost(conversation: Conversation | undefined): asserts conversation is Conversation {
  if (!conversation) throw botNotInChat();
  if (conversation.chatType === "group" && !conversation.chat.botIn) throw botNotInChat();
}

export function conversationChatId(conversation: Conversation): string {
  return conversation.chatType === "group" ? conversation.chat.chatId : conversation.chatId;
}

/** A bot message created with this uuid within the last hour (Lark's dedupe window). */
export function findByUuid(ctx: PlatformContext, uuid: string | undefined): FakeMessage | undefined {
  if (uuid === undefined) return undefined;
  const now = ctx.nowMs();
  for (let i = ctx.world.messages.length - 1; i >= 0; i -= 1) {
    const m = ctx.world.messages[i];
    if (m && m.sender === "bot" && m.uuid === uuid && now - m.createTime < UUID_WINDOW_MS) return m;
  }
  return undefined;
}

export function readUuid(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || value.length > 50) throw invalidParam("uuid must be a string of at most 50 characters");
  return value;
}

export function createBotMessage(
  ctx: PlatformContext,
  conversation: Conversation,
  fields: { msgType: string; content: unknown; uuid?: string; parentId?: string; rootId?: string; threadId?: string },
): FakeMessage {
  const now = ctx.nowMs();
  return ctx.world.addMessage({
    messageId: newMessageId(),
    chatId: conversationChatId(conversation),
    receiveOpenId: conversation.chatType === "p2p" ? conversation.user.openId : null,
    chatType: conversation.chatType,
    sender: "bot",
    createTime: now,
    updateTime: now,
    deleted: false,
    updated: false,
    urgentFor: [],
    history: [],
    ...fields,
  });
}
