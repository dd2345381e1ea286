/**
 * What the bot receives, as plain data. src/lark/normalize.ts turns Lark's payloads into
 * these; nothing outside src/lark/ sees a Lark payload.
 */

export interface Mention {
  openId: string;
  name: string;
}

export interface IncomingMessage {
  kind: "message";
  eventId: string;
  messageId: string;
  chatId: string;
  chatType: "group" | "p2p";
  senderOpenId: string;
  messageType: string; // text | post | image | file | …
  /** Text with mention placeholders replaced by names, the bot's own mention removed. */
  text: string;
  mentionsBot: boolean;
  /** Mentions of people other than the bot, in order. */
  mentions: Mention[];
  parentId?: string;
  rootId?: string;
  fileKey?: string;
  imageKey?: string;
  fileName?: string;
}

export type MembershipChange =
  | { kind: "bot_added"; eventId: string; chatId: string; chatName: string; operatorOpenId?: string }
  | { kind: "bot_removed"; eventId: string; chatId: string; operatorOpenId?: string }
  | { kind: "users_added"; eventId: string; chatId: string; users: Mention[] }
  | { kind: "users_removed"; eventId: string; chatId: string; users: Mention[] }
  | { kind: "chat_disbanded"; eventId: string; chatId: string };

export interface CardAction {
  kind: "card_action";
  eventId?: string;
  messageId: string;
  chatId?: string;
  operatorOpenId: string;
  value: Record<string, unknown>;
  formValue?: Record<string, unknown>;
  option?: string;
  options?: string[];
  inputValue?: string;
  checked?: boolean;
  timezone?: string;
  /** Delayed-update credential, valid 30 min. */
  updateToken?: string;
}

export type InboundEvent = IncomingMessage | MembershipChange;

/** The answer to a card click: a toast and/or a replacement card (already rendered). */
export interface CardResponse {
  toast?: { type: "success" | "info" | "warning" | "error"; content: string };
  card?: Record<string, unknown>;
}
