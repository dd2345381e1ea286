import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { Database as BetterSqliteDatabase } from "better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrateDatabase, sqlitePath } from "./migrate.ts";
import { installPlanCache } from "./plan-cache.ts";
import { withStatementCache } from "./statement-cache.ts";

export type Db = PrismaClient;
/** The client inside an interactive transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** How long an interactive transaction may wait for the connection, and run. */
export const TRANSACTION_MS = 30_000;

/** Migrates the file, then opens it through Prisma's better-sqlite3 driver adapter. */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  migrateDatabase(databaseUrl);
  installPlanCache();
  const adapter = oneStatementAtATime(withPlainIntegers(new PrismaBetterSQLite3(
    { url: sqlitePath(databaseUrl), timeout: 15_000 },
    { timestampFormat: "unixepoch-ms" },
  )));
  // Prisma's 5 s default is short on a starved machine (four busy processes on two cores made
  // ordinary events time out); a transaction waits and runs for up to TRANSACTION_MS instead.
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: TRANSACTION_MS, timeout: TRANSACTION_MS } });
  // WAL is persistent (set by the migrator); these are per connection. Raw SQL stays here.
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  // Deleted and overwritten content is zeroed, not left in free pages (anonymity, issue 21).
  await db.$queryRawUnsafe("PRAGMA secure_delete = ON");
  await optimizeDatabase(db);
  return db;
}

/**
 * Moves everything from the write-ahead log into the database file and empties the log, so
 * content just erased (a ballot key, who clicked) no longer sits in old WAL frames. Called
 * after anonymous writes; a reader holding an old snapshot only delays it to the next call.
 */
export async function forgetErased(db: Db): Promise<void> {
  await db.$queryRawUnsafe("PRAGMA wal_checkpoint(TRUNCATE)");
}

type Adapter = Awaited<ReturnType<PrismaBetterSQLite3["connect"]>>;
type Transaction = Awaited<ReturnType<Adapter["startTransaction"]>>;

/**
 * One SQLite connection serves the process. The adapter queues interactive transactions, but it
 * runs a statement made outside any transaction at once — on that same connection, that is
 * inside whatever transaction is open at that moment, and undone if that one rolls back: an
 * event stored and acknowledged to Lark while another event's handler failed was lost (found by
 * the benchmarks, bench/README.md). So a statement outside a transaction waits for the open
 * transaction to end, and a transaction for the statement in progress.
 */
function oneStatementAtATime(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    // Whoever holds the connection, then waiting single statements before waiting transactions:
    // a statement is short (storing acknowledged events, the sender's updates), a transaction is
    // a whole event's or click's work. A few statements in a row at most, so transactions go on.
    const waiting = { statement: [] as Array<() => void>, transaction: [] as Array<() => void> };
    let busy = false;
    let statementsInARow = 0;
    const next = () => {
      const statementTurn = waiting.statement.length > 0 && (statementsInARow < 8 || waiting.transaction.length === 0);
      const grant = statementTurn ? waiting.statement.shift() : waiting.transaction.shift();
      statementsInARow = statementTurn ? statementsInARow + 1 : 0;
      if (grant) grant();
      else busy = false;
    };
    const acquire = (kind: keyof typeof waiting): Promise<() => void> =>
      new Promise((resolve) => {
        const grant = () => {
          let released = false;
          resolve(() => {
            if (!released) (released = true), next();
          });
        };
        if (busy) waiting[kind].push(grant);
        else {
          busy = true;
          grant();
        }
      });
    const exclusive = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      const release = await acquire("statement");
      try {
        return await fn(...args);
      } finally {
        release();
      }
    };
    adapter.queryRaw = exclusive(adapter.queryRaw.bind(adapter));
    adapter.executeRaw = exclusive(adapter.executeRaw.bind(adapter));
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: Parameters<Adapter["startTransaction"]>): Promise<Transaction> => {
      const release = await acquire("transaction");
      try {
        const tx = await startTransaction(...args);
        const once = release;
        const commit = tx.commit.bind(tx);
        const rollback = tx.rollback.bind(tx);
        tx.commit = async () => {
          try {
            return await commit();
          } finally {
            once();
          }
        };
        tx.rollback = async () => {
          try {
            return await rollback();
          } finally {
            once();
          }
        };
        return tx;
      } catch (err) {
        release();
        throw err;
      }
    };
    return adapter;
  };
  return factory;
}

/**
 * The adapter reads every INTEGER column as a BigInt (then turns it into a string, which Prisma
 * parses back): ids, counts and, with unixepoch-ms, every timestamp. Our integers are ids,
 * counts and millisecond times, all far below 2^53 (the schema has no BigInt field), so plain
 * numbers are exact, and reading a year of meetings of a hundred branches allocates a third less
 * (bench/README.md, target 3).
 */
function withPlainIntegers(factory: PrismaBetterSQLite3): PrismaBetterSQLite3 {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const client = (adapter as unknown as { client: BetterSqliteDatabase }).client;
    client.defaultSafeIntegers(false);
    withStatementCache(client);
    return adapter;
  };
  return factory;
}

/**
 * Lets SQLite refresh its table statistics where they are missing or stale (SQLite's advice for
 * long-lived connections: at open, then now and then). Without them the planner guesses, and
 * at committee scale it guessed wrong: a year of meetings of 100 branches read through the
 * (status, startAt) index, 150 ms a query instead of 3 ms (bench/README.md, target 3).
 */
export async function optimizeDatabase(db: Db): Promise<void> {
  await db.$queryRawUnsafe("PRAGMA optimize=0x10002");
}

/** True when the error is a unique-constraint violation (Prisma P2002). */
export function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "P2002";
}

/**
 * Online backup of the live database file (better-sqlite3's backup API: consistent under WAL).
 * The copy is then released from the claims that were in flight when it was taken — a message
 * being sent, an event or a job being worked on: no instance will ever finish them in the copy,
 * and a restored bot would otherwise wait out their locks (a chat's queue held for a minute).
 */
export async function backupDatabase(databaseUrl: string, destination: string): Promise<void> {
  const { default: Database } = await import("better-sqlite3");
  const source = new Database(sqlitePath(databaseUrl), { readonly: true, timeout: 15_000 });
  try {
    await source.backup(destination);
  } finally {
    source.close();
  }
  const copy = new Database(destination);
  try {
    copy.transaction(() => {
      copy.prepare(`UPDATE "OutboxMessage" SET "lockedUntil" = 0 WHERE "status" = 'sending'`).run();
      copy.prepare(`UPDATE "InboundEvent" SET "lockedUntil" = 0 WHERE "status" = 'processing'`).run();
      copy.prepare(`UPDATE "Job" SET "lockedUntil" = 0 WHERE "status" = 'running'`).run();
    })();
  } finally {
    copy.close();
  }
}
