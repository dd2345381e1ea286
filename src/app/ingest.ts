import { createHash } from "node:crypto";
import type { Db } from "../db/client.ts";
import { forgetErased, isUniqueViolation } from "../db/client.ts";
import { describeError, type Logger } from "../core/log.ts";
import type { Bot } from "./bot.ts";
import type { CardAction, CardResponse, InboundEvent } from "./inbound.ts";

export function dedupeKeyOf(event: InboundEvent): string {
  // Lark's own advice for messages: the same message can come with different event ids.
  return event.kind === "message" ? `msg:${event.messageId}` : `evt:${event.eventId}`;
}

export function cardDedupeKey(a: CardAction, sensitive = false): string {
  // A sensitive click (an anonymous ballot) keeps no identity: its key is a hash of Lark's id
  // for this one click only (a redelivery repeats it) — not the card, not who clicked, not the
  // form, any of which could be matched against the message that carried the card or the
  // anonymous answers it stored.
  if (sensitive) return `card:s:${sha(a.updateToken ?? a.eventId ?? JSON.stringify(a.value))}`;
  const inputs = [a.value, a.formValue ?? null, a.option ?? null, a.options ?? null, a.inputValue ?? null, a.checked ?? null];
  return `card:${a.messageId}:${a.operatorOpenId}:${sha(JSON.stringify(inputs))}:${a.updateToken ?? a.eventId ?? ""}`;
}

const sha = (text: string) => createHash("sha256").update(text).digest("hex").slice(0, 24);

/**
 * The kind of an error without its message: a message can quote the values being written
 * (Prisma prints its arguments), which must not reach the logs for sensitive actions.
 */
function errorKind(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return `${err instanceof Error ? err.name : "error"}${typeof code === "string" ? ` ${code}` : ""}`;
}

interface EventRow {
  dedupeKey: string;
  eventId: string | null;
  eventType: string;
  payload: string;
  receivedAt: Date;
}

/** Events per insert: well within the database's limit on query parameters. */
const STORE_BATCH = 100;

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

  /**
   * Stores an event for processing; resolves once it is in the database (so it is acknowledged
   * only then). A redelivery (same message or event id) is a no-op.
   */
  async storeEvent(event: InboundEvent, eventType: string): Promise<"stored" | "duplicate"> {
    const row: EventRow = { dedupeKey: dedupeKeyOf(event), eventId: event.eventId || null, eventType, payload: JSON.stringify(event), receivedAt: new Date() };
    this.storing++;
    const outcome = await new Promise<"stored" | "duplicate">((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      this.scheduleFlush();
    }).finally(() => this.storing--);
    if (outcome === "duplicate") this.log.info({ dedupeKey: row.dedupeKey, eventType }, "duplicate event ignored");
    else this.onStored();
    return outcome;
  }

  private readonly waiting: Array<{ row: EventRow; resolve: (o: "stored" | "duplicate") => void; reject: (err: unknown) => void }> = [];
  private flushing = false;
  private flushScheduled = false;
  private storing = 0;

  /** Events being stored right now: requests from Lark waiting for their acknowledgement. */
  busy(): boolean {
    return this.storing > 0;
  }

  /**
   * Group commit: the write waits for the end of the current turn of the event loop, so every
   * push that arrived together is in it; events that arrive while it runs go in the next one.
   * One statement for a burst instead of one per event (bench/README.md, target 1).
   */
  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, STORE_BATCH);
        try {
          const outcomes = await this.insert(batch.map((b) => b.row));
          batch.forEach((b, i) => b.resolve(outcomes[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Inserts the batch with one statement. Duplicates are rare (Lark redelivers what it did not
   * see acknowledged): only when the batch holds one is it settled row by row.
   */
  private async insert(rows: EventRow[]): Promise<Array<"stored" | "duplicate">> {
    if (rows.length === 1) return [await this.insertOne(rows[0]!)];
    const keys = new Set<string>();
    const ids = new Set<string>();
    const outcomes = rows.map((r) => {
      if (keys.has(r.dedupeKey) || (r.eventId !== null && ids.has(r.eventId))) return "duplicate" as const; // twice in this batch
      keys.add(r.dedupeKey);
      if (r.eventId !== null) ids.add(r.eventId);
      return "stored" as const;
    });
    try {
      await this.db.inboundEvent.createMany({ data: rows.filter((_, i) => outcomes[i] === "stored") });
      return outcomes;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const settled: Array<"stored" | "duplicate"> = [];
      for (const r of rows) settled.push(await this.insertOne(r));
      return settled;
    }
  }

  private async insertOne(row: EventRow): Promise<"stored" | "duplicate"> {
    try {
      await this.db.inboundEvent.create({ data: row });
      return "stored";
    } catch (err) {
      if (isUniqueViolation(err)) return "duplicate";
      throw err;
    }
  }

  /**
   * Answers a card click within Lark's 3 s. The click is recorded with its answer in the same
   * transaction as its effects; a redelivered click gets the recorded answer and no new effect.
   */
  async handleCard(action: CardAction): Promise<CardResponse> {
    const actionName = typeof action.value.a === "string" ? action.value.a : "?";
    const sensitive = this.bot.allActions().some((d) => d.name === actionName && d.sensitive);
    const dedupeKey = cardDedupeKey(action, sensitive);
    const receivedAt = new Date();
    try {
      const answer = await this.db.$transaction(async (tx) => {
        // Transactions run one at a time, so a redelivery looks after the first click committed.
        const seen = await tx.inboundEvent.findFirst({
          where: { OR: [{ dedupeKey }, ...(action.eventId ? [{ eventId: action.eventId }] : [])] },
          select: { response: true },
        });
        if (seen) return seen.response ? (JSON.parse(seen.response) as CardResponse) : BUSY;
        const response = await this.bot.handleCardAction(tx, action);
        await tx.inboundEvent.create({
          data: {
            dedupeKey,
            // A sensitive click keeps neither Lark's event id nor its answer (the answer's card
            // carries the rater's ballot key): a redelivery is answered with the toast alone.
            eventId: sensitive ? null : action.eventId ?? null,
            eventType: "card.action.trigger",
            // Only the action's name: values may be ballots or ratings (anonymity, issue #6).
            payload: JSON.stringify({ action: actionName }),
            status: "done",
            attempts: 1,
            receivedAt,
            processedAt: new Date(),
            response: JSON.stringify(sensitive ? { toast: response.toast } : response),
          },
        });
        return response;
      });
      if (sensitive) await forgetErased(this.db);
      return answer;
    } catch (err) {
      if (isUniqueViolation(err)) return BUSY;
      this.log.error({ err: sensitive ? errorKind(err) : describeError(err), action: actionName }, "card action failed");
      return FAILED;
    } finally {
      this.onStored();
    }
  }
}
