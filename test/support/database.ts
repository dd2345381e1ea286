import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDatabase } from "./postgres-server.ts";

/**
 * The database pass the tests run in: SQLite files (the default), or PostgreSQL when the
 * global setup started a private server (`npm run test:postgres`, test/support/postgres-setup.ts).
 */
export const TEST_POSTGRES_ADMIN_URL = process.env.ZHIBU_TEST_POSTGRES_ADMIN_URL;
export const onPostgres = Boolean(TEST_POSTGRES_ADMIN_URL);

/** A fresh, empty database for one test bot: a new SQLite file, or a new PostgreSQL database. */
export async function freshDatabaseUrl(label = "test"): Promise<string> {
  if (TEST_POSTGRES_ADMIN_URL) return createDatabase(TEST_POSTGRES_ADMIN_URL, `zhibu_${label}_${randomUUID().replace(/-/g, "").slice(0, 12)}`);
  return `file:${join(mkdtempSync(join(tmpdir(), `zhibu-${label}-`)), `${label}.db`)}`;
}

type Queryable = { $queryRawUnsafe<T = unknown>(sql: string): Promise<T> };

/** Rows inserted, updated or deleted so far (within the open transaction on PostgreSQL: its own). */
export async function rowsWritten(tx: Queryable): Promise<number> {
  const sql = onPostgres
    ? "SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::int AS n FROM pg_stat_xact_user_tables"
    : "SELECT total_changes() AS n";
  return Number((await tx.$queryRawUnsafe<Array<{ n: bigint | number }>>(sql))[0]!.n);
}

/** The bot's tables (not the migrations' bookkeeping). */
export async function tableNames(db: Queryable): Promise<string[]> {
  const sql = onPostgres
    ? "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE '\\_prisma%'"
    : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_prisma%'";
  return (await db.$queryRawUnsafe<Array<{ name: string }>>(sql)).map((r) => r.name).sort();
}
