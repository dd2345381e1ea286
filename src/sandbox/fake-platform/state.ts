import { deriveUnionId, deriveUserId, p2pChatId } from "./ids.ts";
import type {
  CallRecord,
  CardTokenRecord,
  ChangeEvent,
  ChangeListener,
  FakeCalendarEvent,
  FakeChat,
  FakeFile,
  FakeMessage,
  FakeUser,
  PushRecord,
} from "./types.ts";

/** Where a message goes: a group chat, or the p2p conversation with one user. */
export type Conversation =
  | { chatType: "group"; chat: FakeChat }
  | { chatType: "p2p"; user: FakeUser; chatId: string };

/** The in-memory world. Everything is public so tests and the UI can look inside. */
export class World {
  readonly users = new Map<string, FakeUser>();
  readonly chats = new Map<string, FakeChat>();
  readonly messages: FakeMessage[] = [];
  readonly calls: CallRecord[] = [];
  readonly pushes: PushRecord[] = [];
  /** uuid → number of messages actually created with it (duplicates within 1 h do not count). */
  readonly deliveries = new Map<string, number>();
  readonly files = new Map<string, FakeFile>();
  readonly calendarEvents: FakeCalendarEvent[] = [];
  readonly cardTokens = new Map<string, CardTokenRecord>();
  private readonly byId = new Map<string, FakeMessage>();
  private readonly listeners = new Set<ChangeListener>();

  addUser(input: { openId: string; name: string; unionId?: string; userId?: string; enName?: string; email?: string }): FakeUser {
    const user: FakeUser = {
      ...input,
      unionId: input.unionId ?? deriveUnionId(input.openId),
      userId: input.userId ?? deriveUserId(input.openId),
    };
    this.users.set(user.openId, user);
    this.emit({ kind: "user", id: user.openId });
    return user;
  }

  /** Find a user by any of the three ids. */
  findUser(id: string, idType = "open_id"): FakeUser | undefined {
    if (idType === "open_id") return this.users.get(id);
    for (const u of this.users.values()) {
      if ((idType === "union_id" && u.unionId === id) || (idType === "user_id" && u.userId === id)) return u;
      if (idType === "email" && u.email === id) return u;
    }
    return undefined;
  }

  addChat(input: { chatId: string; name: string; members: string[]; botIn?: boolean; ownerOpenId?: string; description?: string }): FakeChat {
    const chat: FakeChat = { ...input, members: [...input.members], botIn: input.botIn ?? true };
    this.chats.set(chat.chatId, chat);
    this.emit({ kind: "chat", id: chat.chatId });
    return chat;
  }

  /** Resolve a chat id (group or `oc_p2p_<openId>`) to a conversation. */
  conversation(chatId: string): Conversation | undefined {
    const chat = this.chats.get(chatId);
    if (chat) return { chatType: "group", chat };
    const prefix = p2pChatId("");
    if (chatId.startsWith(prefix)) {
      const user = this.users.get(chatId.slice(prefix.length));
      if (user) return { chatType: "p2p", user, chatId };
    }
    return undefined;
  }

  addMessage(message: FakeMessage): FakeMessage {
    this.messages.push(message);
    this.byId.set(message.messageId, message);
    if (message.uuid !== undefined) {
      this.deliveries.set(message.uuid, (this.deliveries.get(message.uuid) ?? 0) + 1);
    }
    this.emit({ kind: "message", id: message.messageId });
    return message;
  }

  message(messageId: string): FakeMessage | undefined {
    return this.byId.get(messageId);
  }

  /** Messages of a group chat id, a p2p chat id, or (for direct messages) a user's open_id. */
  messagesIn(chatIdOrOpenId: string): FakeMessage[] {
    const chatId = this.users.has(chatIdOrOpenId) && !this.chats.has(chatIdOrOpenId) ? p2pChatId(chatIdOrOpenId) : chatIdOrOpenId;
    return this.messages.filter((m) => m.chatId === chatId);
  }

  /** Replace a message's content, keeping the old one in `history`. */
  replaceContent(message: FakeMessage, content: unknown, at: number): void {
    message.history.push(message.content);
    message.content = content;
    message.updateTime = at;
    message.updated = true;
    this.emit({ kind: "message", id: message.messageId });
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(change: ChangeEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A broken UI listener must not break the platform.
      }
    }
  }
}
