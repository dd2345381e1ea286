import type { IncomingMessage } from "./inbound.ts";

export interface ParsedCommand {
  /** Empty when the bot was only @-mentioned. */
  name: string;
  args: string[];
  rest: string;
  /** False for a private message typed without "/" (it may just be a chat line, not a command). */
  explicit: boolean;
}

/**
 * A message is a command when it starts with "/" (or the full-width "／"), or when it
 * @-mentions the bot: "@支部助手 帮助" and "/帮助" are the same command.
 */
export function parseCommand(message: IncomingMessage): ParsedCommand | null {
  if (message.messageType !== "text" && message.messageType !== "post") return null;
  const text = message.text.trim();
  const slashed = /^[/／]/.test(text);
  if (!slashed && !(message.mentionsBot && message.chatType === "group") && message.chatType !== "p2p") return null;
  if (!slashed && message.chatType === "p2p" && !message.mentionsBot && !text) return null;
  const body = slashed ? text.slice(1).trim() : text;
  const match = /^(\S*)\s*([\s\S]*)$/.exec(body);
  const name = match?.[1] ?? "";
  const rest = (match?.[2] ?? "").trim();
  return { name, args: rest ? rest.split(/\s+/) : [], rest, explicit: slashed || message.mentionsBot };
}
