import { randomUUID } from "node:crypto";
import type { Tx } from "../db/client.ts";
import { renderCard, type Card } from "./cards.ts";

/** Where a message goes: a chat (group or the bot's private chat) or a person by open_id. */
export type Recipient = { chatId: string } | { openId: string };

export interface CardOptions {
  /** Stable name for the card so later patches and buzzes can address it, e.g. "meeting:12:announce". */
  cardRef?: string;
  /** The card carries what the database must not keep (a ballot key): its row is erased once sent or failed. */
  erase?: boolean;
  /** May be left out when the month's calls pass the tenant's budget (app/budget.ts): an invitation, not a notice. */
  sheddable?: boolean;
}

/**
 * Text messages carry no @-mention the bot did not make: Lark turns `<at …>` in a text message
 * into a real mention (in a group, even of everyone), and texts quote what people typed.
 */
export function inertText(text: string): string {
  return text.replace(/<(\/?)at(?=[\s>])/gi, "＜$1at");
}

/**
 * Lark refuses to update a card sent more than 14 days ago (230031): a PATCH then spends a call
 * for nothing. A margin of a day keeps a queued update from arriving just too late.
 */
export const CARD_UPDATE_WINDOW_MS = 13 * 86_400_000;

/** Whether a card sent at `sentAt` can still be updated at `now` (both on the same clock). */
export function cardUpdatable(sentAt: Date, now: Date): boolean {
  return now.getTime() - sentAt.getTime() < CARD_UPDATE_WINDOW_MS;
}

/** The card a click came from; `answer` is filled when the handler updated that very card. */
export interface ClickedCard {
  messageId: string;
  answer?: { card: Card; rowId: number };
}

/** What a message is, before the outbox stamps it (see `stamped`). */
interface MessageRow {
  kind: string;
  target: string;
  receiveIdType?: string;
  replyTo?: string;
  cardRef?: string;
  msgType?: string;
  content: string;
  erasable?: boolean;
  sheddable?: boolean;
}

function targetOf(to: Recipient): { target: string; receiveIdType: "chat_id" | "open_id" } {
  return "chatId" in to ? { target: to.chatId, receiveIdType: "chat_id" } : { target: to.openId, receiveIdType: "open_id" };
}

/** Lark refuses a text message over 150 KB; what it would refuse is cut instead, and says so. */
const TEXT_LIMIT_BYTES = 150 * 1024 - 256;
const CUT_NOTE = "…（内容过长，已截断）";

function textContent(text: string): string {
  let content = JSON.stringify({ text });
  let kept = text;
  while (Buffer.byteLength(content) > TEXT_LIMIT_BYTES) {
    kept = kept.slice(0, Math.floor(kept.length * 0.8)).replace(/[\ud800-\udbff]$/, "");
    content = JSON.stringify({ text: kept + CUT_NOTE });
  }
  return content;
}

/**
 * Writes outgoing messages into the durable outbox, inside the caller's transaction, so a
 * message exists exactly when the change that caused it was committed. Cards are rendered
 * here (from cards/*.json) so a bad card fails the change, not the sender hours later.
 */
export class Outbox {
  constructor(
    private readonly tx: Tx,
    private readonly orgId?: number,
    private readonly now: () => Date = () => new Date(),
    /** The card whose click is being handled: its own update goes back in the click's answer. */
    private readonly clicked?: ClickedCard,
  ) {}

  forOrg(orgId: number | undefined): Outbox {
    return new Outbox(this.tx, orgId, this.now, this.clicked);
  }

  private async insert(row: MessageRow): Promise<void> {
    await this.tx.outboxMessage.create({ data: this.stamped(row) });
  }

  /** A row as stored: its idempotency uuid (Lark dedupes by it), organisation and times. */
  private stamped(row: MessageRow, orgId = this.orgId) {
    const at = this.now();
    return { ...row, uuid: randomUUID(), orgId: orgId ?? null, nextAttemptAt: at, createdAt: at };
  }

  async text(to: Recipient, text: string): Promise<void> {
    await this.insert({ kind: "send", ...targetOf(to), msgType: "text", content: textContent(inertText(text)) });
  }

  /** A file uploaded beforehand (LarkGateway.uploadFile), sent as a file message. */
  async file(to: Recipient, fileKey: string): Promise<void> {
    await this.insert({ kind: "send", ...targetOf(to), msgType: "file", content: JSON.stringify({ file_key: fileKey }) });
  }

  async card(to: Recipient, template: string, data: Record<string, unknown>, opts: CardOptions = {}): Promise<void> {
    await this.rawCard(to, renderCard(template, data), opts);
  }

  /**
   * Many cards in one insert, in order (weekly digests to thousands of chats): the same rows as
   * `card` one by one, at a fraction of the cost. `orgId` per card, else this outbox's.
   */
  async cards(list: Array<{ to: Recipient; template: string; data: Record<string, unknown>; orgId?: number; cardRef?: string }>): Promise<void> {
    if (list.length === 0) return;
    await this.tx.outboxMessage.createMany({
      data: list.map((m) =>
        this.stamped({ kind: "send", ...targetOf(m.to), msgType: "interactive", cardRef: m.cardRef, content: JSON.stringify(renderCard(m.template, m.data)) }, m.orgId ?? this.orgId),
      ),
    });
  }

  async rawCard(to: Recipient, card: Card, opts: CardOptions = {}): Promise<void> {
    await this.insert({ kind: "send", ...targetOf(to), msgType: "interactive", cardRef: opts.cardRef, content: JSON.stringify(card), erasable: opts.erase ?? false, sheddable: opts.sheddable ?? false });
  }

  /** A reply to a message; `chatId` keeps it in order with the chat's other messages. */
  async replyText(chatId: string, messageId: string, text: string): Promise<void> {
    await this.insert({ kind: "reply", target: chatId, replyTo: messageId, msgType: "text", content: textContent(inertText(text)) });
  }

  async replyCard(chatId: string, messageId: string, template: string, data: Record<string, unknown>, opts: CardOptions = {}): Promise<void> {
    const content = JSON.stringify(renderCard(template, data));
    await this.insert({ kind: "reply", target: chatId, replyTo: messageId, msgType: "interactive", cardRef: opts.cardRef, content });
  }

  /** Where a referenced card was sent (its chat or person, and Lark's message id once sent), or undefined if no such card was queued. */
  private async cardOrigin(cardRef: string): Promise<{ target: string; sentMessageId: string | null } | undefined> {
    const origin = await this.tx.outboxMessage.findFirst({
      where: { cardRef, kind: { in: ["send", "reply"] } },
      orderBy: { id: "desc" },
      select: { target: true, sentMessageId: true },
    });
    return origin ?? undefined;
  }

  private async cardTarget(cardRef: string): Promise<string | undefined> {
    return (await this.cardOrigin(cardRef))?.target;
  }

  /** What the card shows (or will once the queue drains): its newest content not failed or superseded. */
  private async shownContent(cardRef: string): Promise<string | undefined> {
    const newest = await this.tx.outboxMessage.findFirst({
      where: { cardRef, kind: { in: ["send", "reply", "patch"] }, status: { in: ["pending", "sending", "sent", "answered"] } },
      orderBy: { id: "desc" },
      select: { content: true },
    });
    return newest?.content;
  }

  /**
   * Replaces a sent card's content for everyone, spending an API call only when people would
   * see a difference (a free tenant has 10,000 calls a month, issue #22):
   * - content identical to what the card shows is not sent;
   * - the card being clicked gets it in the click's answer, at no cost (row kept as "answered");
   * - older unsent patches of the same card are superseded (keeps within 5 patches/s/message);
   * - `live`: a running count (answers, sign-ins), left out near the monthly budget — the next
   *   update or the click's answer shows the newest state; a cancellation or a move is never live.
   */
  async patchCard(cardRef: string, template: string, data: Record<string, unknown>, opts: { live?: boolean } = {}): Promise<boolean> {
    const origin = await this.cardOrigin(cardRef);
    if (!origin) return false;
    const card = renderCard(template, data);
    const content = JSON.stringify(card);
    if ((await this.shownContent(cardRef)) === content) return true;
    await this.tx.outboxMessage.updateMany({
      where: { cardRef, kind: "patch", status: "pending" },
      data: { status: "superseded" },
    });
    const inAnswer = this.clicked !== undefined && origin.sentMessageId !== null && origin.sentMessageId === this.clicked.messageId;
    const row = await this.tx.outboxMessage.create({
      data: { ...this.stamped({ kind: "patch", target: origin.target, cardRef, msgType: "interactive", content, sheddable: opts.live ?? false }), ...(inAnswer ? { status: "answered", sentAt: this.now() } : {}) },
      select: { id: true },
    });
    if (inAnswer) this.clicked!.answer = { card, rowId: row.id };
    return true;
  }

  /**
   * After a click's handler ran: the clicked card's new state, to return in the answer. When the
   * handler answered with a card of its own, that card is shown and the update is sent as a PATCH
   * after it (as before), so the card still ends in its newest state.
   */
  async settleClickAnswer(handlerCard: boolean): Promise<Card | undefined> {
    const answer = this.clicked?.answer;
    if (!answer) return undefined;
    if (!handlerCard) return answer.card;
    await this.tx.outboxMessage.update({ where: { id: answer.rowId }, data: { status: "pending", sentAt: null } });
    return undefined;
  }

  /**
   * Withdraws this organisation's messages still waiting for a person who has left it: they
   * end as failed with the reason instead of reaching someone no longer concerned.
   */
  async withdrawQueued(openId: string, reason: string): Promise<number> {
    if (this.orgId === undefined) return 0;
    const { count } = await this.tx.outboxMessage.updateMany({
      where: { orgId: this.orgId, target: openId, status: "pending" },
      data: { status: "failed", failReason: reason, lockedBy: null, lockedUntil: null },
    });
    return count;
  }

  /** Buzzes people about a card already sent (escalations). */
  async urgent(cardRef: string, openIds: string[]): Promise<boolean> {
    const target = await this.cardTarget(cardRef);
    if (!target || openIds.length === 0) return false;
    await this.insert({ kind: "urgent", target, cardRef, content: JSON.stringify({ user_id_list: openIds.slice(0, 200) }) });
    return true;
  }
}
