import type { PlatformContext } from "./context.ts";
import type { DeliveryResult, Deliverer } from "./delivery.ts";
import { botIds, idsOf, messageReceiveEvent } from "./event-builders.ts";
import { deriveUnionId, deriveUserId, newMessageId, p2pChatId, randomHex } from "./ids.ts";
import type { EventMention, FakeMessage, FakeUser } from "./types.ts";

export interface UserTarget {
  /** A group chat id … */
  chatId?: string;
  /** … or the user of a direct (p2p) conversation with the bot. */
  p2pOpenId?: string;
  senderOpenId: string;
  parentId?: string;
}

export interface UserMessageInput extends UserTarget {
  text: string;
  mentionBot?: boolean;
  mentions?: { openId: string; name?: string }[];
  mentionAll?: boolean;
}

export interface UserMessageResult {
  message: FakeMessage;
  /** Undefined when the bot is not in the group, so Lark would not push anything. */
  delivery: DeliveryResult | undefined;
}

/** Users talking: records their messages in the world and pushes `im.message.receive_v1`. */
export class UserMessageActions {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly deliverer: Deliverer,
  ) {}

  sendUserMessage(input: UserMessageInput): Promise<UserMessageResult> {
    const mentions = this.mentions(input);
    let text = input.text;
    const prefixes: string[] = [];
    for (const m of mentions) {
      // "@Name" written in the text becomes the placeholder in place; otherwise it leads the text.
      const inline = `@${m.name}`;
      if (m.key !== "@_all" && text.includes(inline)) text = text.replace(inline, m.key);
      else prefixes.push(m.key);
    }
    const fullText = [...prefixes, text].join(" ");
    return this.send(input, "text", { text: fullText }, mentions);
  }

  sendUserFile(input: UserTarget & { fileName: string; size?: number }): Promise<UserMessageResult> {
    const key = this.storeUpload("file", input.fileName, input.size, input.senderOpenId);
    return this.send(input, "file", { file_key: key, file_name: input.fileName }, []);
  }

  sendUserImage(input: UserTarget & { fileName?: string; size?: number }): Promise<UserMessageResult> {
    const key = this.storeUpload("image", input.fileName ?? "image.png", input.size, input.senderOpenId);
    return this.send(input, "image", { image_key: key }, []);
  }

  private async send(input: UserTarget, msgType: string, content: Record<string, unknown>, mentions: EventMention[]): Promise<UserMessageResult> {
    const sender = this.ctx.world.users.get(input.senderOpenId);
    if (!sender) throw new Error(`fake platform: unknown sender ${input.senderOpenId}; addUser() first`);
    const { chatId, chatType, botIn } = this.target(input, sender);
    const parent = input.parentId ? this.ctx.world.message(input.parentId) : undefined;
    if (input.parentId && !parent) throw new Error(`fake platform: unknown parent message ${input.parentId}`);
    const now = this.ctx.nowMs();
    const message = this.ctx.world.addMessage({
      messageId: newMessageId(),
      chatId,
      receiveOpenId: chatType === "p2p" ? sender.openId : null,
      chatType,
      sender: sender.openId,
      msgType,
      content,
      createTime: now,
      updateTime: now,
      parentId: parent?.messageId,
      rootId: parent ? parent.rootId ?? parent.messageId : undefined,
      threadId: parent?.threadId,
      deleted: false,
      updated: false,
      urgentFor: [],
      history: [],
      mentions,
    });
    if (!botIn) return { message, delivery: undefined };
    const delivery = await this.deliverer.deliverEvent("im.message.receive_v1", messageReceiveEvent(this.ctx, message, sender));
    return { message, delivery };
  }

  private target(input: UserTarget, sender: FakeUser): { chatId: string; chatType: "group" | "p2p"; botIn: boolean } {
    if (input.chatId) {
      const chat = this.ctx.world.chats.get(input.chatId);
      if (!chat) throw new Error(`fake platform: unknown chat ${input.chatId}; addChat() first`);
      if (!chat.members.includes(sender.openId)) throw new Error(`fake platform: ${sender.openId} is not a member of ${chat.chatId}`);
      return { chatId: chat.chatId, chatType: "group", botIn: chat.botIn };
    }
    if (input.p2pOpenId) {
      if (input.p2pOpenId !== sender.openId) throw new Error("fake platform: in a p2p chat the sender is the p2p user");
      return { chatId: p2pChatId(sender.openId), chatType: "p2p", botIn: true };
    }
    throw new Error("fake platform: give chatId or p2pOpenId");
  }

  private mentions(input: UserMessageInput): EventMention[] {
    const tenant_key = this.ctx.opts.tenantKey;
    const list: EventMention[] = [];
    if (input.mentionAll) list.push({ key: "@_all", id: { open_id: "", union_id: "", user_id: "" }, name: "所有人", tenant_key });
    const next = (): string => `@_user_${list.filter((m) => m.key !== "@_all").length + 1}`;
    if (input.mentionBot) list.push({ key: next(), id: botIds(this.ctx), name: this.ctx.opts.botName, tenant_key });
    for (const m of input.mentions ?? []) {
      const user = this.ctx.world.users.get(m.openId);
      const id = user ? idsOf(user) : { open_id: m.openId, union_id: deriveUnionId(m.openId), user_id: deriveUserId(m.openId) };
      list.push({ key: next(), id, name: m.name ?? user?.name ?? m.openId, tenant_key });
    }
    return list;
  }

  private storeUpload(kind: "file" | "image", name: string, size: number | undefined, uploadedBy: string): string {
    const key = kind === "file" ? `file_v3_${randomHex(16)}` : `img_v3_${randomHex(16)}`;
    this.ctx.world.files.set(key, { key, kind, name, size: size ?? 1024, uploadedBy, createTime: this.ctx.nowMs() });
    this.ctx.world.emit({ kind: "file", id: key });
    return key;
  }
}
