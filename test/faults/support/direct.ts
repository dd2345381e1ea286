import type { TestBot } from "../../support/harness.ts";
import type { Tx } from "../../../src/db/client.ts";
import type { CardAction, CardResponse, IncomingMessage } from "../../../src/app/inbound.ts";
import type { OutboxMessage } from "../../../src/generated/prisma/client.ts";
import { normalizeCardAction } from "../../../src/lark/normalize.ts";

/**
 * Driving the bot directly, each input in its own transaction that is always rolled back: the
 * same code the receivers run (Bot.process, Bot.handleCardAction), without the HTTP round trip,
 * and every input sees the same world — a refusal, an acceptance or a crash leaves nothing behind.
 */

class Rollback extends Error {}

let serial = 0;

export interface Queued<T> {
  result: T;
  /** The outbox rows the input queued (what the bot would have sent). */
  queued: OutboxMessage[];
}

/** Runs `fn` in a transaction that is always rolled back, returning what it queued. */
export async function inRolledBackTx<T>(t: TestBot, fn: (tx: Tx) => Promise<T>): Promise<Queued<T>> {
  const floor = (await t.runtime.db.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;
  let captured: Queued<T> | undefined;
  try {
    await t.runtime.db.$transaction(async (tx) => {
      const result = await fn(tx);
      captured = { result, queued: await tx.outboxMessage.findMany({ where: { id: { gt: floor } }, orderBy: { id: "asc" } }) };
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return captured!;
}

/** A group message as the receiver hands it to the bot: "@Name" in the text is one of `mentions`. */
export function groupMessage(chatId: string, sender: { openId: string }, text: string, mentions: Array<{ openId: string; name: string }> = []): IncomingMessage {
  serial++;
  return {
    kind: "message",
    eventId: `ev_direct_${serial}`,
    messageId: `om_direct_${serial}`,
    chatId,
    chatType: "group",
    senderOpenId: sender.openId,
    messageType: "text",
    text,
    mentionsBot: false,
    mentions: mentions.map((m) => ({ openId: m.openId, name: m.name })),
  };
}

/** Where a card is clicked: in a group chat, or privately (Lark then gives the private chat's id). */
export type CardPlace = { chat: string } | { privately: true };

/** Lark's callback payload for a click, normalised as the receiver does (well-formed strings and all). */
export function cardClick(place: CardPlace, operator: { openId: string }, value: Record<string, unknown>, formValue?: Record<string, unknown>): CardAction {
  serial++;
  const click = normalizeCardAction({
    event_id: `ev_click_${serial}`,
    operator: { open_id: operator.openId },
    context: { open_message_id: `om_card_${serial}`, open_chat_id: "chat" in place ? place.chat : `oc_p2p_${operator.openId}` },
    action: { value, ...(formValue ? { form_value: formValue } : {}) },
  });
  if (!click) throw new Error("normalizeCardAction refused a well-formed click");
  return click;
}

export const sendMessage = (t: TestBot, tx: Tx, message: IncomingMessage) => t.runtime.bot.process(tx, message);
export const pressCard = (t: TestBot, tx: Tx, click: CardAction): Promise<CardResponse> => t.runtime.bot.handleCardAction(tx, click);

/** The visible text of an outbox row (a text message, or a card's strings). */
export function rowText(row: Pick<OutboxMessage, "msgType" | "content">): string {
  const content = JSON.parse(row.content) as unknown;
  if (row.msgType === "text") return (content as { text: string }).text;
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.content === "string") parts.push(o.content);
    Object.values(o).forEach(walk);
  };
  walk(content);
  return parts.join("\n");
}

/**
 * A message through the real webhook. A push that got no answer at all (after seconds of
 * direct work the server may close the kept-alive socket just as the fake reuses it) is
 * pushed again, as Lark does.
 */
export async function sayOverWebhook(t: TestBot, who: { openId: string }, chat: string, text: string, mentions: Array<{ openId: string; name: string }> = []) {
  const { message, delivery } = await t.fake.sendUserMessage({ chatId: chat, senderOpenId: who.openId, text, mentions });
  let answer = delivery!;
  for (let i = 0; i < 3 && answer.status === 0; i++) answer = await t.fake.redeliver(answer);
  if (answer.status !== 200) throw new Error(`webhook answered ${answer.status}: ${answer.error ?? ""}`);
  await t.settle();
  return message;
}
