import type { PlatformContext } from "./context.ts";
import type { DeliveryResult, Deliverer } from "./delivery.ts";
import { chatMemberEvent } from "./event-builders.ts";
import type { FakeChat, FakeUser } from "./types.ts";

/** Membership changes: mutate the world, then push the matching `im.chat.member.*` event. */
export class MembershipActions {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly deliverer: Deliverer,
  ) {}

  addBotToChat(chatId: string, operatorOpenId: string): Promise<DeliveryResult> {
    const chat = this.chat(chatId);
    chat.botIn = true;
    this.ctx.world.emit({ kind: "chat", id: chatId });
    return this.deliverer.deliverEvent("im.chat.member.bot.added_v1", chatMemberEvent(this.ctx, chat, this.user(operatorOpenId)));
  }

  /** The bot still receives this one, although it is no longer in the chat. */
  removeBotFromChat(chatId: string, operatorOpenId: string): Promise<DeliveryResult> {
    const chat = this.chat(chatId);
    chat.botIn = false;
    this.ctx.world.emit({ kind: "chat", id: chatId });
    return this.deliverer.deliverEvent("im.chat.member.bot.deleted_v1", chatMemberEvent(this.ctx, chat, this.user(operatorOpenId)));
  }

  /** Returns undefined when the bot is not in the chat (no event reaches it). */
  async addUsersToChat(chatId: string, openIds: string[], operatorOpenId: string): Promise<DeliveryResult | undefined> {
    const chat = this.chat(chatId);
    const users = openIds.map((id) => this.user(id));
    for (const u of users) if (!chat.members.includes(u.openId)) chat.members.push(u.openId);
    this.ctx.world.emit({ kind: "chat", id: chatId });
    if (!chat.botIn) return undefined;
    return this.deliverer.deliverEvent("im.chat.member.user.added_v1", chatMemberEvent(this.ctx, chat, this.user(operatorOpenId), users));
  }

  async removeUsersFromChat(chatId: string, openIds: string[], operatorOpenId: string): Promise<DeliveryResult | undefined> {
    const chat = this.chat(chatId);
    const users = openIds.map((id) => this.user(id));
    chat.members = chat.members.filter((id) => !openIds.includes(id));
    this.ctx.world.emit({ kind: "chat", id: chatId });
    if (!chat.botIn) return undefined;
    return this.deliverer.deliverEvent("im.chat.member.user.deleted_v1", chatMemberEvent(this.ctx, chat, this.user(operatorOpenId), users));
  }

  private chat(chatId: string): FakeChat {
    const chat = this.ctx.world.chats.get(chatId);
    if (!chat) throw new Error(`fake platform: unknown chat ${chatId}; addChat() first`);
    return chat;
  }

  private user(openId: string): FakeUser {
    const user = this.ctx.world.users.get(openId);
    if (!user) throw new Error(`fake platform: unknown user ${openId}; addUser() first`);
    return user;
  }
}
