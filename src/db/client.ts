import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrateDatabase, sqlitePath } from "./migrate.ts";

export type Db = PrismaClient;
/** The client inside an interactive transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** Migrates the file, then opens it through Prisma's better-sqlite3 driver adapter. */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  migrateDatabase(databaseUrl);
  const adapter = oneStatementAtATime(withPlainIntegers(new PrismaBetterSQLite3(
    { url: sqlitePath(databaseUrl), timeout: 15_000 },
    { timestampFormat: "unixepoch-ms" },
  )));
  const db = new PrismaClient({ adapter });
  // WAL is persistent (set by the migrator); these are per connection. Raw SQL stays here.
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  await optimizeDatabase(db);
  return db;
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
    let tail: Promise<void> = Promise.resolve();
    const acquire = (): Promise<() => void> => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const turn = tail.then(() => release);
      tail = tail.then(() => held);
      return turn;
    };
    const exclusive = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
      const release = await acquire();
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
      const release = await acquire();
      try {
        const tx = await startTransaction(...args);
        let released = false;
        const once = () => {
          if (!released) (released = true), release();
        };
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
    (adapter as unknown as { client: { defaultSafeIntegers(on: boolean): void } }).client.defaultSafeIntegers(false);
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

/** Online backup of the live database file (better-sqlite3's backup API: consistent under WAL). */
export async function backupDatabase(databaseUrl: string, destination: string): Promise<void> {
  const { default: Database } = await import("better-sqlite3");
  const source = new Database(sqlitePath(databaseUrl), { readonly: true, timeout: 15_000 });
  try {
    await source.backup(destination);
  } finally {
    source.close();
  }
}
