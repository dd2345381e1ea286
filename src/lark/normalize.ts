import { MAX_JSON_DEPTH } from "./depth.ts";
import type { CardAction, IncomingMessage, Mention, MembershipChange } from "../app/inbound.ts";

/** The SDK flattens `{schema, header, event}` into one object; this is the part we read. */
type Flat = Record<string, any>;

interface LarkMention {
  key: string;
  id?: { open_id?: string };
  name?: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Lark's strings as well-formed Unicode. A lone surrogate (e.g. an emoji cut in half by a
 * truncated name) cannot be stored: the database driver rejects the whole query.
 */
function wellFormed<T>(v: T, depth = 0): T {
  if (depth > MAX_JSON_DEPTH) throw new TooDeepError();
  if (typeof v === "string") return v.replace(LONE_SURROGATE, "\ufffd") as T;
  if (Array.isArray(v)) return v.map((x) => wellFormed(x, depth + 1)) as T;
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, wellFormed(x, depth + 1)])) as T;
  return v;
}

class TooDeepError extends Error {}

/** The payload well-formed, or undefined when it nests deeper than Lark's ever do (ignored). */
function readable(flat: Flat): Flat | undefined {
  try {
    return wellFormed(flat);
  } catch (err) {
    if (err instanceof TooDeepError) return undefined;
    throw err;
  }
}

function parseContent(raw: unknown): Record<string, any> {
  if (typeof raw !== "string") return {};
  try {
    const v = JSON.parse(raw);
    return v && typeof v === "object" ? v : {};
  } catch {
    return {};
  }
}

/** Text of a `post` message: its text, link and @ elements joined, paragraphs by newline. */
function postText(content: Record<string, any>): string {
  const body = content.zh_cn ?? content.en_us ?? content;
  const paragraphs: any[] = Array.isArray(body?.content) ? body.content : [];
  return paragraphs
    .map((p) => (Array.isArray(p) ? p.map((el) => el?.text ?? (el?.tag === "at" ? `@_${el.user_id ?? ""}` : "")).join("") : ""))
    .join("\n");
}

export function normalizeMessage(flat: Flat, botOpenId: string): IncomingMessage | null {
  const d = readable(flat);
  const m = d?.message;
  if (!d || !m?.message_id || !m.chat_id) return null;
  const content = parseContent(m.content);
  const larkMentions: LarkMention[] = Array.isArray(m.mentions) ? m.mentions : [];
  let text = m.message_type === "post" ? postText(content) : typeof content.text === "string" ? content.text : "";
  let mentionsBot = false;
  const mentions: Mention[] = [];
  const shown = new Map<string, string>();
  for (const lm of larkMentions) {
    const openId = lm.id?.open_id ?? "";
    if (lm.key === "@_all") shown.set(lm.key, "@全体成员");
    else if (openId && openId === botOpenId) {
      mentionsBot = true;
      shown.set(lm.key, "");
    } else {
      const name = (lm.name ?? "").replace(/\s+/g, "") || "某人";
      mentions.push({ openId, name });
      shown.set(lm.key, `@${name}`);
    }
  }
  // Placeholders are whole keys: "@_user_1" must not match the start of "@_user_10".
  text = text.replace(/@_user_\d+|@_all/g, (key) => shown.get(key) ?? key);
  return {
    kind: "message",
    eventId: String(d.event_id ?? ""),
    messageId: m.message_id,
    chatId: m.chat_id,
    chatType: m.chat_type === "p2p" ? "p2p" : "group",
    senderOpenId: d.sender?.sender_id?.open_id ?? "",
    messageType: m.message_type ?? "text",
    text: text.replace(/\u00a0/g, " ").trim(),
    mentionsBot,
    mentions,
    parentId: m.parent_id || undefined,
    rootId: m.root_id || undefined,
    fileKey: content.file_key,
    imageKey: content.image_key,
    fileName: content.file_name,
  };
}

function users(d: Flat): Mention[] {
  const list: any[] = Array.isArray(d.users) ? d.users : [];
  return list
    .map((u) => ({ openId: u?.user_id?.open_id ?? "", name: u?.name ?? "" }))
    .filter((u) => u.openId);
}

export function normalizeMembership(type: string, flat: Flat): MembershipChange | null {
  const d = readable(flat);
  if (!d) return null;
  const eventId = String(d.event_id ?? "");
  const chatId: string | undefined = d.chat_id;
  if (!chatId) return null;
  const operatorOpenId: string | undefined = d.operator_id?.open_id;
  switch (type) {
    case "im.chat.member.bot.added_v1":
      return { kind: "bot_added", eventId, chatId, chatName: d.name ?? d.i18n_names?.zh_cn ?? "", operatorOpenId };
    case "im.chat.member.bot.deleted_v1":
      return { kind: "bot_removed", eventId, chatId, operatorOpenId };
    case "im.chat.member.user.added_v1":
      return { kind: "users_added", eventId, chatId, users: users(d) };
    case "im.chat.member.user.deleted_v1":
    case "im.chat.member.user.withdrawn_v1":
      return { kind: "users_removed", eventId, chatId, users: users(d) };
    case "im.chat.disbanded_v1":
      return { kind: "chat_disbanded", eventId, chatId };
    default:
      return null;
  }
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** New (`card.action.trigger`, flattened by the SDK) and legacy card callback bodies alike. */
export function normalizeCardAction(flat: Flat): CardAction | null {
  const d = readable(flat);
  if (!d) return null;
  const action = asObject(d.action);
  const messageId: string | undefined = d.context?.open_message_id ?? d.open_message_id;
  const operatorOpenId: string | undefined = d.operator?.open_id ?? d.open_id;
  if (!action || !messageId || !operatorOpenId) return null;
  return {
    kind: "card_action",
    eventId: d.event_id ? String(d.event_id) : undefined,
    messageId,
    chatId: d.context?.open_chat_id ?? d.open_chat_id,
    operatorOpenId,
    value: asObject(action.value) ?? {},
    formValue: asObject(action.form_value),
    option: typeof action.option === "string" ? action.option : undefined,
    options: Array.isArray(action.options) ? action.options.map(String) : undefined,
    inputValue: typeof action.input_value === "string" ? action.input_value : undefined,
    checked: typeof action.checked === "boolean" ? action.checked : undefined,
    timezone: typeof action.timezone === "string" ? action.timezone : undefined,
    updateToken: typeof d.token === "string" && d.token.startsWith("c-") ? d.token : undefined,
  };
}
