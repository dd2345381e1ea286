import { clientDialect, forgetErased, type Db } from "../db/client.ts";
import { outboxCause, withCallCause } from "../app/call-cause.ts";
import { claimOutboxRows } from "../db/claims.ts";
import { RECENT_ROWS, withinSharedLimits } from "./shared-limits.ts";
import type { OutboxMessage } from "../generated/prisma/client.ts";
import { describeError, type Logger } from "../core/log.ts";
import { LarkCallError, type LarkGateway } from "./gateway.ts";
import type { SendLimiter } from "./rate-limit.ts";

export interface SenderOptions {
  instanceId: string;
  maxAttempts?: number;
  batchSize?: number;
  concurrency?: number;
  /** Called after a message failed for good (e.g. to tell the secretary). */
  onPermanentFailure?: (rows: OutboxMessage[]) => Promise<void>;
  now?: () => number;
  /** The tenant's monthly call budget: sheddable rows are left out while it is projected to be passed. */
  budget?: { over(): Promise<boolean> };
}

/**
 * A send claim lapses after this: a killed process's messages go out again within seconds (the
 * same uuid, so Lark keeps one); a graceful stop releases them at once.
 */
const LOCK_MS = 15_000;
/** Ids per query: well below the parameter limit of the database. */
const ID_SLICE = 500;

/** Capped exponential backoff with jitter: 1 s, 2 s, 4 s … 5 min. */
export function backoffMs(attempt: number, random = Math.random): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/**
 * Drains the outbox: per target (chat or person) strictly in order, within Lark's rate
 * limits, retrying what can be retried, and recording what failed for good with its reason.
 * Rows are claimed with a conditional update, so several instances can share one database.
 */
/** Lark's uuid de-duplication lasts about an hour; past this an unknown outcome may duplicate. */
export const UUID_WINDOW_MS = 55 * 60_000;

interface Head {
  id: number;
  target: string;
}

const ERASED = "{}";
/** How soon to look again when the other instances' sends have filled Lark's windows. */
const SHARED_LIMIT_POLL_MS = 50;

/** An erasable row's content once it is no longer needed: sent, or failed for good. */
const erased = (row: Pick<OutboxMessage, "erasable">) => (row.erasable ? { content: ERASED } : {});

export class OutboxSender {
  constructor(
    private readonly db: Db,
    private readonly gateway: LarkGateway,
    private readonly limiter: SendLimiter,
    private readonly log: Logger,
    private readonly opts: SenderOptions,
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /**
   * After a restart, the sends of the last minute still count against Lark's windows (the
   * previous process's memory is gone; the outbox remembers), and so do sends a killed
   * process left in flight.
   */
  async rememberRecentSends(): Promise<void> {
    const since = new Date(this.now() - 61_000);
    // The last minute's sends are among the newest rows (at most 1,000 a minute per instance):
    // a range on the key, not a scan of the whole outbox.
    const newest = (await this.db.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;
    const rows = await this.db.outboxMessage.findMany({
      where: { id: { gt: newest - RECENT_ROWS }, OR: [{ sentAt: { gte: since } }, { status: "sending" }] },
      select: { target: true, sentAt: true },
    });
    this.limiter.remember(rows.map((r) => ({ target: r.target, at: r.sentAt?.getTime() ?? this.now() })));
  }

  /** Sends what is due now; returns how many rows were attempted and the shortest wait left. */
  async drainOnce(): Promise<{ attempted: number; waitMs: number }> {
    const appWait = this.limiter.appWaitMs();
    if (appWait > 0) return { attempted: 0, waitMs: appWait }; // nothing may go yet: no need to look
    const now = new Date(this.now());
    const heads = await this.db.outboxMessage.groupBy({
      by: ["target"],
      where: { status: { in: ["pending", "sending"] } },
      _min: { id: true },
    });
    const headIds = heads.map((h) => h._min.id).filter((id): id is number => id !== null).sort((a, b) => a - b);
    if (headIds.length === 0) return { attempted: 0, waitMs: Infinity };
    let waitMs = Infinity;
    const chosen: Head[] = [];
    for (const row of await this.dueHeads(headIds, now)) {
      const wait = this.limiter.tryAcquire(row.target);
      if (wait > 0) {
        waitMs = Math.min(waitMs, wait);
        continue;
      }
      chosen.push(row);
    }
    const mine = await this.claim(chosen, now);
    // Rows another instance claimed first are not ours to send.
    const ours = new Set(mine.map((r) => r.id));
    for (const c of chosen) if (!ours.has(c.id)) this.limiter.settled(c.target);
    // Left for another instance, or cut to what all instances leave of Lark's windows: look again soon.
    if (mine.length < chosen.length) waitMs = Math.min(waitMs, SHARED_LIMIT_POLL_MS);
    if (mine.length === 0) {
      // Only when idle does the wait matter (after sending, the caller drains again at once).
      const later = await this.db.outboxMessage.findFirst({
        where: { status: "pending", nextAttemptAt: { gt: now } },
        orderBy: { nextAttemptAt: "asc" },
        select: { nextAttemptAt: true },
      });
      if (later) waitMs = Math.min(waitMs, later.nextAttemptAt.getTime() - now.getTime());
    }
    await this.runConcurrently(mine);
    return { attempted: mine.length, waitMs };
  }

  /**
   * The heads that are due, oldest first, without their content. Read a slice of ids at a
   * time: with thousands of targets waiting (a digest to every branch) one list of ids would
   * exceed the database's limit on query parameters.
   */
  private async dueHeads(headIds: number[], now: Date): Promise<Head[]> {
    const batch = this.opts.batchSize ?? 200;
    const due: Head[] = [];
    for (let i = 0; i < headIds.length && due.length < batch; i += ID_SLICE) {
      due.push(
        ...(await this.db.outboxMessage.findMany({
          where: {
            id: { in: headIds.slice(i, i + ID_SLICE) },
            OR: [{ status: "pending", nextAttemptAt: { lte: now } }, { status: "sending", lockedUntil: { lt: now } }],
          },
          orderBy: { id: "asc" },
          take: batch - due.length,
          select: { id: true, target: true },
        })),
      );
    }
    return due;
  }

  /** Claims the rows in one statement (db/claims.ts); returns those this instance got, in order. */
  private async claim(heads: Head[], now: Date): Promise<OutboxMessage[]> {
    if (heads.length === 0) return [];
    const lease = { by: this.opts.instanceId, now, until: new Date(now.getTime() + LOCK_MS) };
    const ids =
      clientDialect(this.db) === "postgres"
        ? // Possibly one of several instances: the app's limits are shared (shared-limits.ts).
          await this.db.$transaction(async (tx) => claimOutboxRows(tx, (await withinSharedLimits(tx, heads, this.limiter.limits, now.getTime())).map((h) => h.id), lease))
        : await claimOutboxRows(this.db, heads.map((h) => h.id), lease);
    if (ids.length === 0) return [];
    return this.db.outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
  }

  private async runConcurrently(rows: OutboxMessage[]): Promise<void> {
    const limit = this.opts.concurrency ?? 16;
    let next = 0;
    const worker = async () => {
      while (next < rows.length) {
        const row = rows[next++]!;
        await withCallCause({ orgId: row.orgId ?? undefined, cause: outboxCause(row) }, () => this.deliver(row));
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, rows.length) }, worker));
  }

  private async messageIdFor(cardRef: string | null): Promise<string | undefined> {
    if (!cardRef) return undefined;
    const sent = await this.db.sentCard.findUnique({ where: { cardRef } });
    return sent?.messageId;
  }

  private async perform(row: OutboxMessage): Promise<string | undefined> {
    switch (row.kind) {
      case "send":
        return (await this.gateway.send(row.receiveIdType as "chat_id" | "open_id", row.target, row.msgType ?? "text", row.content, row.uuid)).messageId;
      case "reply":
        return (await this.gateway.reply(row.replyTo ?? "", row.msgType ?? "text", row.content, row.uuid)).messageId;
      case "patch":
      case "urgent": {
        const messageId = await this.messageIdFor(row.cardRef);
        if (!messageId) {
          throw new LarkCallError({ kind: "permanent", code: 0, message: "card never sent", reason: "原卡片未能发送，无法更新", targetGone: false }, row.kind);
        }
        if (row.kind === "patch") await this.gateway.patch(messageId, row.content);
        else await this.gateway.urgent(messageId, (JSON.parse(row.content) as { user_id_list: string[] }).user_id_list);
        return messageId;
      }
      default:
        throw new LarkCallError({ kind: "permanent", code: 0, message: `unknown kind ${row.kind}`, reason: "内部错误：未知的消息类型", targetGone: false }, row.kind);
    }
  }

  private async deliver(row: OutboxMessage): Promise<void> {
    if (row.sheddable && (await this.opts.budget?.over())) {
      this.limiter.settled(row.target);
      await this.db.outboxMessage.update({ where: { id: row.id }, data: { status: "shed", lockedBy: null, lockedUntil: null, failReason: "本月 API 调用按目前速度将超过额度，略去了这次实时更新" } });
      return;
    }
    this.warnIfPastUuidWindow(row);
    let messageId: string | undefined;
    try {
      messageId = await this.perform(row);
    } catch (err) {
      this.limiter.settled(row.target);
      await this.handleFailure(row, err);
      return;
    }
    this.limiter.settled(row.target);
    try {
      await this.markSent(row, messageId);
    } catch (err) {
      await this.handleFailure(row, err);
    }
  }

  /**
   * Lark de-duplicates a resend by its uuid for about an hour. A message whose earlier attempt
   * may have arrived, retried after that, could show twice. It is sent anyway — a reminder
   * twice is better than a notice lost (README, "Sending") — and logged for the operator.
   */
  private warnIfPastUuidWindow(row: OutboxMessage): void {
    if (!row.outcomeUnknown || !row.firstTriedAt) return;
    const ageMs = this.now() - row.firstTriedAt.getTime();
    if (ageMs <= UUID_WINDOW_MS) return;
    this.log.warn({ outboxId: row.id, kind: row.kind, ageMinutes: Math.round(ageMs / 60_000) }, "outbox resend after Lark's uuid window: the message may show twice");
  }

  private async markSent(row: OutboxMessage, messageId: string | undefined): Promise<void> {
    const sentAt = new Date(this.now());
    await this.db.$transaction([
      this.db.outboxMessage.update({
        where: { id: row.id },
        data: { status: "sent", sentAt, sentMessageId: messageId ?? null, lockedBy: null, lockedUntil: null, lastError: null, ...erased(row) },
      }),
      ...(row.cardRef && messageId && (row.kind === "send" || row.kind === "reply")
        ? [
            this.db.sentCard.upsert({
              where: { cardRef: row.cardRef },
              create: { cardRef: row.cardRef, messageId, chatId: row.receiveIdType === "chat_id" ? row.target : null, sentAt },
              update: { messageId, sentAt },
            }),
          ]
        : []),
    ]);
    if (row.erasable) await forgetErased(this.db);
  }

  private async handleFailure(row: OutboxMessage, err: unknown): Promise<void> {
    const failure = err instanceof LarkCallError ? err.failure : { kind: "retryable" as const, code: -1, message: describeError(err) };
    const now = this.now();
    if (failure.kind === "permanent") {
      this.log.warn({ outboxId: row.id, kind: row.kind, code: failure.code, reason: failure.reason }, "outbox message failed permanently");
      const data = { status: "failed", failReason: failure.reason, lastError: failure.message, lockedBy: null, lockedUntil: null };
      await this.db.outboxMessage.update({ where: { id: row.id }, data: { ...data, ...erased(row) } });
      const failed = [row];
      if (failure.targetGone) {
        // Everything else queued for a chat or person we can no longer reach fails the same way.
        const rest = await this.db.outboxMessage.findMany({ where: { target: row.target, status: "pending" } });
        await this.db.outboxMessage.updateMany({ where: { id: { in: rest.map((r) => r.id) } }, data });
        await this.db.outboxMessage.updateMany({ where: { id: { in: rest.map((r) => r.id) }, erasable: true }, data: { content: ERASED } });
        failed.push(...rest);
      }
      if (failed.some((r) => r.erasable)) await forgetErased(this.db);
      await this.opts.onPermanentFailure?.(failed.map((r) => ({ ...r, failReason: failure.reason })));
      return;
    }
    const rateLimited = failure.kind === "rate_limited";
    const maxAttempts = this.opts.maxAttempts ?? 12;
    if (rateLimited) this.limiter.pause(failure.resetSeconds * 1000);
    if (!rateLimited && row.attempts >= maxAttempts) {
      await this.db.outboxMessage.update({
        where: { id: row.id },
        data: { status: "failed", failReason: `多次重试仍失败：${failure.message}`, lastError: failure.message, lockedBy: null, lockedUntil: null, ...erased(row) },
      });
      if (row.erasable) await forgetErased(this.db);
      await this.opts.onPermanentFailure?.([{ ...row, failReason: "多次重试仍失败" }]);
      return;
    }
    const delay = rateLimited ? failure.resetSeconds * 1000 : backoffMs(row.attempts);
    this.log.info({ outboxId: row.id, code: failure.code, kind: failure.kind, retryInMs: delay }, "outbox send will be retried");
    await this.db.outboxMessage.update({
      where: { id: row.id },
      data: {
        status: "pending",
        nextAttemptAt: new Date(now + delay),
        lastError: failure.message,
        lockedBy: null,
        lockedUntil: null,
        // a rate limit is the platform's pacing, not a failure of this message
        ...(rateLimited ? { attempts: { decrement: 1 } } : {}),
        ...(failure.kind === "retryable" && failure.uncertain !== false ? { outcomeUnknown: true } : {}),
      },
    });
  }
}
