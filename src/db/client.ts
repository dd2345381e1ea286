import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Database as BetterSqliteDatabase } from "better-sqlite3";
import { PrismaClient, type Prisma } from "../generated/prisma/client.ts";
import { PrismaClient as PostgresClient } from "../generated/prisma-postgres/client.ts";
import { migrateDatabase, sqlitePath } from "./migrate.ts";
import { migratePostgres } from "./migrate-postgres.ts";
import { installPlanCache } from "./plan-cache.ts";
import { withStatementCache } from "./statement-cache.ts";

/**
 * Both generated clients (SQLite, PostgreSQL) have the same models and methods: the code is
 * written against one of them. The schema is one source (prisma/schema), so they cannot drift.
 */
export type Db = PrismaClient;
/** The client inside an interactive transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** How long an interactive transaction may wait for the connection, and run. */
export const TRANSACTION_MS = 30_000;

export type Dialect = "sqlite" | "postgres";

/** `postgres://` and `postgresql://` are PostgreSQL; everything else (`file:`) is SQLite. */
export function dialectOf(databaseUrl: string): Dialect {
  return /^postgres(ql)?:\/\//.test(databaseUrl) ? "postgres" : "sqlite";
}

/** The database a client (or a transaction's client) talks to. */
export function clientDialect(db: Db | Tx): Dialect {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql" ? "postgres" : "sqlite";
}

/** Migrates the database, then opens it through Prisma's driver adapter for its kind. */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  return dialectOf(databaseUrl) === "postgres" ? openPostgres(databaseUrl) : openSqlite(databaseUrl);
}

/**
 * PostgreSQL, for several instances on one database. Interactive transactions are serializable:
 * the handlers were written against SQLite, where transactions run one at a time, and
 * serializable isolation keeps that meaning with transactions in parallel. A transaction that
 * loses a conflict is run again (retryingConflicts).
 */
async function openPostgres(databaseUrl: string): Promise<Db> {
  await migratePostgres(databaseUrl);
  const adapter = withoutNulCharacters(releasingFailedCommits(new PrismaPg({ connectionString: databaseUrl, max: POSTGRES_POOL_SIZE })));
  const db = new PostgresClient({
    adapter,
    transactionOptions: { maxWait: TRANSACTION_MS, timeout: TRANSACTION_MS, isolationLevel: "Serializable" },
  });
  return retryingConflicts(db as unknown as Db);
}

type PgAdapter = Awaited<ReturnType<PrismaPg["connect"]>>;
type PgTransaction = Awaited<ReturnType<PgAdapter["startTransaction"]>>;

/**
 * Prisma 6.19 sends COMMIT, then asks the adapter to release the connection; when COMMIT itself
 * fails (a serializable transaction that lost a conflict fails there) it never releases it, and
 * each such failure kept one of the pool's connections for good: the pool ran dry and
 * `$disconnect` hung. PostgreSQL has ended the transaction by then, so the connection is
 * released here, and the error goes on to be retried.
 */
function releasingFailedCommits(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: Parameters<PgAdapter["startTransaction"]>): Promise<PgTransaction> => {
      const tx = await startTransaction(...args);
      const executeRaw = tx.executeRaw.bind(tx);
      tx.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (err) {
          if (query.sql === "COMMIT" || query.sql === "ROLLBACK") await tx.rollback(); // releases the connection
          throw err;
        }
      };
      return tx;
    };
    return adapter;
  };
  return factory;
}

/**
 * PostgreSQL's text cannot hold U+0000 (SQLite's can); a name or text from Lark with one in it
 * failed the whole event ("invalid byte sequence for encoding UTF8: 0x00"). The character shows
 * as nothing anyway, so it is left out of every string the bot stores.
 */
function withoutNulCharacters(factory: PrismaPg): PrismaPg {
  const clean = <Q extends { args: unknown[] }>(query: Q): Q =>
    query.args.some((a) => typeof a === "string" && a.includes("\0"))
      ? { ...query, args: query.args.map((a) => (typeof a === "string" ? a.replaceAll("\0", "") : a)) }
      : query;
  const patch = <T extends Pick<PgAdapter, "queryRaw" | "executeRaw">>(target: T): T => {
    const queryRaw = target.queryRaw.bind(target);
    const executeRaw = target.executeRaw.bind(target);
    target.queryRaw = (query) => queryRaw(clean(query));
    target.executeRaw = (query) => executeRaw(clean(query));
    return target;
  };
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = patch(await connect());
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: Parameters<PgAdapter["startTransaction"]>) => patch(await startTransaction(...args));
    return adapter;
  };
  return factory;
}

/** Connections per instance: a few for parallel events and clicks, the sender and the jobs. */
const POSTGRES_POOL_SIZE = 8;
/**
 * A burst of clicks on one card (a 签到 storm: every sign-in re-reads and re-renders the same
 * meeting) makes serializable transactions conflict in chains; eight quick retries failed some
 * clicks in the benchmark. Exponential backoff with jitter spreads the retries out.
 */
const CONFLICT_RETRIES = 12;
const retryDelayMs = (attempt: number) => Math.random() * Math.min(640, 5 * 2 ** attempt);

/**
 * Runs an interactive or batch transaction again when PostgreSQL aborted it for a
 * serialization conflict or a deadlock: nothing of it was committed, and its work is a
 * function of what it reads, so running it again is what a serial order would do. So a
 * callback must start from nothing on each try — state kept outside it (a counter, a list)
 * is reset inside (processor.ts; test/core/transaction-retry.test.ts).
 */
function retryingConflicts(db: Db): Db {
  const transaction = db.$transaction.bind(db) as (...args: unknown[]) => Promise<unknown>;
  const retried = async (...args: unknown[]): Promise<unknown> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await transaction(...args);
      } catch (err) {
        if (!isConflict(err) || attempt >= CONFLICT_RETRIES) throw err;
        await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
      }
    }
  };
  return new Proxy(db, { get: (target, key, receiver) => (key === "$transaction" ? retried : Reflect.get(target, key, receiver)) });
}

export function isConflict(err: unknown): boolean {
  // Prisma's P2034 from an interactive transaction; the driver adapter's own error (kind
  // TransactionWriteConflict, PostgreSQL's 40001 or 40P01) from a batch `$transaction([...])`.
  const e = err as { code?: string; message?: string; cause?: { code?: string; kind?: string; originalCode?: string } } | null;
  const code = e?.cause?.originalCode ?? e?.cause?.code;
  return e?.code === "P2034" || e?.cause?.kind === "TransactionWriteConflict" || code === "40001" || code === "40P01" ||
    /TransactionWriteConflict|could not serialize|deadlock detected/.test(e?.message ?? "");
}

/** Migrates the file, then opens it through Prisma's better-sqlite3 driver adapter. */
async function openSqlite(databaseUrl: string): Promise<Db> {
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
  // PostgreSQL has no such command: its old row versions go at the next vacuum (README, Anonymity).
  if (clientDialect(db) === "postgres") return;
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
  if (clientDialect(db) === "postgres") return; // autovacuum keeps PostgreSQL's statistics
  await db.$queryRawUnsafe("PRAGMA optimize=0x10002");
}

/**
 * Inserts a job unless one with its key exists; true if inserted. A unique violation inside a
 * PostgreSQL transaction aborts the whole transaction, so there the insert is an `INSERT … ON
 * CONFLICT DO NOTHING` (createMany's skipDuplicates); SQLite refuses skipDuplicates, and there
 * a failed statement leaves its transaction usable.
 */
export async function insertJobUnlessKeyExists(tx: Tx, data: Prisma.JobCreateManyInput): Promise<boolean> {
  if (clientDialect(tx) === "postgres") {
    // The SQLite client's types refuse skipDuplicates; both clients share the SQLite one's types.
    const createMany = tx.job.createMany as unknown as (args: { data: Prisma.JobCreateManyInput[]; skipDuplicates: boolean }) => Promise<{ count: number }>;
    const { count } = await createMany({ data: [data], skipDuplicates: true });
    return count === 1;
  }
  try {
    await tx.job.create({ data });
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
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
