import { randomUUID } from "node:crypto";
import { join } from "node:path";
import pg from "pg";
import { REPO_ROOT } from "../core/paths.ts";
import { changedAfterApplied, listMigrations } from "./migrate.ts";

export const POSTGRES_MIGRATIONS_DIR = join(REPO_ROOT, "prisma/migrations-postgres");

/** Any fixed number, the same for every instance: the key of the migrations' advisory lock. */
const MIGRATION_LOCK_KEY = 7_202_612_05;

/**
 * Applies the PostgreSQL migrations not yet applied, with `prisma migrate deploy`'s bookkeeping
 * (`_prisma_migrations`, sha256 checksums). `prisma migrate deploy` itself cannot run through
 * the driver adapter on Prisma 6.19 ("Column type 'name' could not be deserialized"). Each
 * migration runs in its own transaction under a transaction-level advisory lock, so instances
 * that start together wait for one another and each migration is applied once.
 */
export async function migratePostgres(databaseUrl: string, migrationsDir = POSTGRES_MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    for (const { name, sql, checksum } of listMigrations(migrationsDir)) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
        await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
          "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
          "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
          "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
        const done = await client.query<{ checksum: string }>(
          `SELECT checksum FROM "_prisma_migrations" WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
          [name],
        );
        if (done.rows[0] && done.rows[0].checksum !== checksum) throw changedAfterApplied(name);
        if (!done.rows[0]) {
          await client.query(sql); // simple protocol: the file's statements run one after another
          await client.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
             VALUES ($1, $2, now(), $3, now(), 1)`,
            [randomUUID(), checksum, name],
          );
          applied.push(name);
        }
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw new Error(`PostgreSQL migration ${name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return applied;
  } finally {
    await client.end();
  }
}
