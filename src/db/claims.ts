import { Prisma } from "../generated/prisma/client.ts";
import { clientDialect, type Db, type Tx } from "./client.ts";

/**
 * Claims of work rows (inbound events, jobs, outbox messages), each in one statement: an
 * UPDATE of the rows chosen by its own subquery, RETURNING their ids. On PostgreSQL the
 * subquery locks what it picks `FOR UPDATE SKIP LOCKED`, so instances claiming at once each
 * take different rows and none waits behind another's claim (issue 15 item 3). SQLite has one
 * writer at a time, so the same UPDATE is already atomic there.
 */

/** Who claims, when (real time), and until when the claim holds unless renewed. */
export interface Lease {
  by: string;
  now: Date;
  until: Date;
}

type Client = Db | Tx;

/** How a point in time is compared in SQL: SQLite keeps epoch milliseconds (client.ts). */
function at(db: Client, date: Date): Prisma.Sql {
  return clientDialect(db) === "postgres" ? Prisma.sql`${date}` : Prisma.sql`${date.getTime()}`;
}

function skipLocked(db: Client): Prisma.Sql {
  return clientDialect(db) === "postgres" ? Prisma.sql`FOR UPDATE SKIP LOCKED` : Prisma.empty;
}

async function claimedIds(db: Client, query: Prisma.Sql): Promise<number[]> {
  const rows = await db.$queryRaw<{ id: number | bigint }[]>(query);
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Claims up to `limit` events due for processing, oldest first; returns their ids. */
export function claimDueEvents(db: Client, lease: Lease, limit: number): Promise<number[]> {
  const now = at(db, lease.now);
  return claimedIds(db, Prisma.sql`
    UPDATE "InboundEvent"
       SET "status" = 'processing', "lockedBy" = ${lease.by}, "lockedUntil" = ${at(db, lease.until)}, "attempts" = "attempts" + 1
     WHERE "id" IN (
       SELECT "id" FROM "InboundEvent"
        WHERE ("status" = 'pending' AND ("lockedUntil" IS NULL OR "lockedUntil" <= ${now}))
           OR ("status" = 'processing' AND "lockedUntil" < ${now})
        ORDER BY "id"
        LIMIT ${limit}
        ${skipLocked(db)})
    RETURNING "id"`);
}

/**
 * Claims the next due job: pending and due by the bot's clock (`dueBy`), or running under a
 * claim that lapsed (real time). Returns its id, or undefined when none is free.
 */
export async function claimNextDueJob(db: Client, lease: Lease, dueBy: Date): Promise<number | undefined> {
  const [id] = await claimedIds(db, Prisma.sql`
    UPDATE "Job"
       SET "status" = 'running', "lockedBy" = ${lease.by}, "lockedUntil" = ${at(db, lease.until)}, "attempts" = "attempts" + 1
     WHERE "id" IN (
       SELECT "id" FROM "Job"
        WHERE ("status" = 'pending' AND "runAt" <= ${at(db, dueBy)})
           OR ("status" = 'running' AND "lockedUntil" < ${at(db, lease.now)})
        ORDER BY "runAt", "id"
        LIMIT 1
        ${skipLocked(db)})
    RETURNING "id"`);
  return id;
}

/**
 * Claims those of the given outbox rows that are still free to send: pending, or sending
 * under a lapsed claim — then its process stopped mid-send and the message may have arrived,
 * which `outcomeUnknown` records. The first attempt's time is kept (Lark de-duplicates by
 * uuid for about an hour from it). Returns the ids claimed.
 */
export function claimOutboxRows(db: Client, ids: number[], lease: Lease): Promise<number[]> {
  if (ids.length === 0) return Promise.resolve([]);
  const now = at(db, lease.now);
  return claimedIds(db, Prisma.sql`
    UPDATE "OutboxMessage"
       SET "outcomeUnknown" = CASE WHEN "status" = 'sending' THEN TRUE ELSE "outcomeUnknown" END,
           "status" = 'sending', "lockedBy" = ${lease.by}, "lockedUntil" = ${at(db, lease.until)},
           "attempts" = "attempts" + 1, "firstTriedAt" = COALESCE("firstTriedAt", ${now})
     WHERE "id" IN (
       SELECT "id" FROM "OutboxMessage"
        WHERE "id" IN (${Prisma.join(ids)})
          AND ("status" = 'pending' OR ("status" = 'sending' AND "lockedUntil" < ${now}))
        ${skipLocked(db)})
    RETURNING "id"`);
}
