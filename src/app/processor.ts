import type { Db } from "../db/client.ts";
import { claimDueEvents } from "../db/claims.ts";
import type { InboundEvent as InboundRow } from "../generated/prisma/client.ts";
import { describeError, type Logger } from "../core/log.ts";
import { Outbox } from "./outbox.ts";
import type { Bot } from "./bot.ts";
import type { InboundEvent } from "./inbound.ts";

/** An event claim lapses after this (a killed process's events are taken again within seconds; a graceful stop releases them at once). */
const LOCK_MS = 15_000;
const MAX_ATTEMPTS = 3;
const ACK_FIRST_MS = 50;
const BATCH_BUDGET_MS = 8;

/**
 * Works through stored events after they were acknowledged. Each event's effects and its
 * "done" mark commit together, so a crash anywhere means it is simply processed again.
 */
export class EventProcessor {
  constructor(
    private readonly db: Db,
    private readonly bot: Bot,
    private readonly log: Logger,
    private readonly instanceId: string,
    /** True while Lark's requests wait for their acknowledgement: they go first. */
    private readonly acknowledging: () => boolean = () => false,
    private readonly batchBudgetMs = BATCH_BUDGET_MS,
  ) {}

  /** Processes up to `limit` due events; returns how many were processed. */
  async runDue(limit = 50): Promise<number> {
    const now = new Date();
    const ids = await claimDueEvents(this.db, { by: this.instanceId, now, until: new Date(now.getTime() + LOCK_MS) }, limit);
    if (ids.length === 0) return 0;
    const mine = await this.db.inboundEvent.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
    for (let next = 0; next < mine.length; ) {
      await this.giveWay();
      next += await this.processBatch(mine.slice(next));
    }
    return mine.length;
  }

  /**
   * Processes events from the front of `rows` in one transaction, for up to batchBudgetMs, and
   * returns how many it took: one transaction and one "done" update for several events instead
   * of one each (bench/README.md, target 1). The budget, and stopping as soon as a push from
   * Lark waits to be stored, keep its acknowledgement from waiting behind a long batch. If the
   * batch fails, none of it is kept and its events are redone one per transaction, so only the
   * failing one fails (and is retried, or answered with an apology after MAX_ATTEMPTS).
   */
  private async processBatch(rows: InboundRow[]): Promise<number> {
    const started = performance.now();
    let taken = 0;
    try {
      await this.db.$transaction(async (tx) => {
        // From the first again: PostgreSQL may run the transaction a second time after a conflict.
        taken = 0;
        while (taken < rows.length && (taken === 0 || performance.now() - started < this.batchBudgetMs)) {
          await this.bot.process(tx, JSON.parse(rows[taken]!.payload) as InboundEvent);
          taken++;
          // Let the server read what Lark pushed meanwhile; if it is waiting to store it, commit now.
          await new Promise((resolve) => setImmediate(resolve));
          if (this.acknowledging()) break;
        }
        const ids = rows.slice(0, taken).map((r) => r.id);
        const { count } = await tx.inboundEvent.updateMany({
          where: { id: { in: ids }, lockedBy: this.instanceId, status: "processing" },
          data: { status: "done", processedAt: new Date(), lockedBy: null, lockedUntil: null },
        });
        if (count !== taken) throw new Error(`events ${ids.join(",")}: ${taken - count} lost their lock`);
      });
      return taken;
    } catch (err) {
      if (rows.length === 1) {
        await this.fail(rows[0]!, err);
        return 1;
      }
      const failedAt = Math.min(rows.length, taken + 1);
      for (const row of rows.slice(0, failedAt)) await this.processBatch([row]);
      return failedAt;
    }
  }

  /**
   * Between events, the server acknowledges what Lark pushed meanwhile: an event is stored
   * before its 200, and storing waits for the event being processed. Under a burst of pushes
   * processing pauses, for at most ACK_FIRST_MS at a time, so it still goes on.
   */
  private async giveWay(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    const until = Date.now() + ACK_FIRST_MS;
    while (this.acknowledging() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  private async fail(row: InboundRow, err: unknown): Promise<void> {
    const event = JSON.parse(row.payload) as InboundEvent;
    const final = row.attempts >= MAX_ATTEMPTS;
    const fields = { err: describeError(err), eventRow: row.id, eventType: row.eventType, attempt: row.attempts, final };
    // A busy machine makes transactions time out now and then; only the last attempt is an error.
    if (final) this.log.error(fields, "event processing failed");
    else this.log.warn(fields, "event processing will be retried");
    await this.db.$transaction(async (tx) => {
      await tx.inboundEvent.update({
        where: { id: row.id },
        data: {
          status: final ? "failed" : "pending",
          lastError: describeError(err),
          lockedBy: null,
          lockedUntil: final ? null : new Date(Date.now() + 2000 * 2 ** row.attempts),
        },
      });
      if (final && event.kind === "message") {
        // Never leave a person without an answer: say it failed, so nothing is silently lost.
        await new Outbox(tx).replyText(event.chatId, event.messageId, "抱歉，这条消息处理失败了（已记录）。请稍后重发；如果一直失败，请联系支部书记。");
      }
    });
  }
}
