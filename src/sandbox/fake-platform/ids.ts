import { createHash, randomBytes, randomUUID } from "node:crypto";

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

export const newMessageId = (): string => `om_${randomHex(16)}`;
export const newEventId = (): string => randomHex(16); // 32 hex chars, like Lark's header.event_id
export const newThreadId = (): string => `omt_${randomHex(8)}`;
export const newCardToken = (): string => `c-${randomHex(20)}`;
export const newTenantToken = (): string => `t-${randomHex(20)}`;
export const newCalendarEventId = (): string => `${randomUUID()}_0`;

/** Direct chats get a stable chat id per user, so replies by chat_id keep working. */
export const p2pChatId = (openId: string): string => `oc_p2p_${openId}`;

// Lark gives every user three ids; derive the other two deterministically from the open_id
// so fixtures only need to name the open_id.
function digest(label: string, value: string): string {
  return createHash("sha256").update(`${label}:${value}`).digest("hex");
}
export const deriveUnionId = (openId: string): string => `on_${digest("union", openId).slice(0, 32)}`;
export const deriveUserId = (openId: string): string => digest("user", openId).slice(0, 8);
