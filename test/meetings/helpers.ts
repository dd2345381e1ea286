import { textOf, type TestBot } from "../support/harness.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";

/** What a person reads: all visible text, with the markdown escapes (&#35; …) decoded. */
export function cardText(m: Parameters<typeof textOf>[0]): string {
  return textOf(m).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

/** The bot's cards in a chat (or to a person) whose text contains `needle`, oldest first. */
export function cardsWith(t: TestBot, chatOrOpenId: string, needle: string): FakeMessage[] {
  return t.botMessages(chatOrOpenId).filter((m) => m.msgType === "interactive" && cardText(m).includes(needle));
}

/** The announcement card of meeting #seq in a chat (the original, not a /会议 copy). */
export function announcement(t: TestBot, chatId: string, seq: number): FakeMessage {
  const found = cardsWith(t, chatId, `会议通知 · #${seq} `)[0];
  if (!found) throw new Error(`no announcement for #${seq} in ${chatId}`);
  return t.fake.messagesIn(chatId).find((m) => m.messageId === found.messageId)!;
}

export function texts(t: TestBot, chatOrOpenId: string): string[] {
  return t.botMessages(chatOrOpenId).filter((m) => m.msgType === "text").map((m) => cardText(m));
}

export function lastText(t: TestBot, chatOrOpenId: string): string {
  return cardText(t.lastBotMessage(chatOrOpenId));
}

export async function meetingRow(t: TestBot, seqNo: number, chatId: string) {
  const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId } });
  return t.runtime.db.meeting.findUniqueOrThrow({ where: { orgId_seqNo: { orgId: org.id, seqNo } }, include: { attendance: { include: { member: true } } } });
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
