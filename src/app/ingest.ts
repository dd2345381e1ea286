import { createHash } from "node:crypto";
import type { Db } from "../db/client.ts";
import { isUniqueViolation } from "../db/client.ts";
import { describeError, type Logger } from "../core/log.ts";
import type { Bot } from "./bot.ts";
import type { CardAction, CardResponse, InboundEvent } from "./inbound.ts";

export function dedupeKeyOf(event: InboundEvent): string {
  // Lark's own advice for messages: the same message can come with different event ids.
  return event.kind === "message" ? `msg:${event.messageId}` : `evt:${event.eventId}`;
}

export function cardDedupeKey(a: CardAction, sensitive = false): string {
  // A sensitive click's fingerprint covers only the button's value: a hash over the form
  // values could be matched against stored anonymous answers (the click's token still
  // tells a redelivery from a new click).
  const inputs = sensitive ? [a.value] : [a.value, a.formValue ?? null, a.option ?? null, a.options ?? null, a.inputValue ?? null, a.checked ?? null];
  const what = createHash("sha256")
    .update(JSON.stringify(inputs))
    .digest("hex")
    .slice(0, 24);
  return `card:${a.messageId}:${a.operatorOpenId}:${what}:${a.updateToken ?? a.eventId ?? ""}`;
}

/**
 * The kind of an error without its message: a message can quote the values being written
 * (Prisma prints its arguments), which must not reach the logs for sensitive actions.
 */
function errorKind(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return `${err instanceof Error ? err.name : "error"}${typeof code === "string" ? ` ${code}` : ""}`;
}

const BUSY: CardResponse = { toast: { type: "info", content: "正在处理上一次点击，请稍候。" } };
const FAILED: CardResponse = { toast: { type: "error", content: "操作没有成功，请稍后再试；如果一直失败，请联系支部书记。" } };

/**
 * The first stop of everything Lark sends: events are stored (deduplicated by the database)
 * and acknowledged; card clicks are answered at once, their effects committed with the answer.
 */
export class Ingest {
  constructor(
    private readonly db: Db,
    private readonly bot: Bot,
    private readonly log: Logger,
    private readonly onStored: () => void = () => {},
  ) {}

  /** Stores an event for processing. A redelivery (same message or event id) is a no-op. */
  async storeEvent(event: InboundEvent, eventType: string): Promise<"stored" | "duplicate"> {
    const dedupeKey = dedupeKeyOf(event);
    try {
      await this.db.inboundEvent.create({
        data: {
          dedupeKey,
          eventId: event.eventId || null,
          eventType,
          payload: JSON.stringify(event),
          receivedAt: new Date(),
        },
      });
    } catch (err) {
      if (isUniqueViolation(err)) {
        this.log.info({ dedupeKey, eventType }, "duplicate event ignored");
        return "duplicate";
      }
      throw err;
    }
    this.onStored();
    return "stored";
  }

  /**
   * Answers a card click within Lark's 3 s. The click is recorded with its answer in the same
   * transaction as its effects; a redelivered click gets the recorded answer and no new effect.
   */
  async handleCard(action: CardAction): Promise<CardResponse> {
    const actionName = typeof action.value.a === "string" ? action.value.a : "?";
    const sensitive = this.bot.allActions().some((d) => d.name === actionName && d.sensitive);
    const dedupeKey = cardDedupeKey(action, sensitive);
    const seen = await this.db.inboundEvent.findFirst({
      where: { OR: [{ dedupeKey }, ...(action.eventId ? [{ eventId: action.eventId }] : [])] },
    });
    if (seen) return seen.response ? (JSON.parse(seen.response) as CardResponse) : BUSY;
    try {
      return await this.db.$transaction(async (tx) => {
        const row = await tx.inboundEvent.create({
          data: {
            dedupeKey,
            eventId: action.eventId ?? null,
            eventType: "card.action.trigger",
            // Only the action's name: values may be ballots or ratings (anonymity, issue #6).
            payload: JSON.stringify({ action: actionName }),
            status: "processing",
            attempts: 1,
            receivedAt: new Date(),
          },
        });
        const response = await this.bot.handleCardAction(tx, action);
        await tx.inboundEvent.update({
          where: { id: row.id },
          data: { status: "done", processedAt: new Date(), response: JSON.stringify(response) },
        });
        return response;
      });
    } catch (err) {
      if (isUniqueViolation(err)) return BUSY;
      this.log.error({ err: sensitive ? errorKind(err) : describeError(err), action: actionName }, "card action failed");
      return FAILED;
    } finally {
      this.onStored();
    }
  }
}
