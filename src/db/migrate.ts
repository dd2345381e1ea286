import Database from "better-sqlite3";
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "../core/paths.ts";

export const MIGRATIONS_DIR = join(REPO_ROOT, "prisma/migrations");

/** `file:./data/zhibu.db` → `./data/zhibu.db` (relative to the working directory, as Prisma's CLI does). */
export function sqlitePath(databaseUrl: string): string {
  return databaseUrl.replace(/^file:/, "").replace(/\?.*$/, "");
}

/**
 * Applies the shipped migrations that are not yet applied, with `prisma migrate deploy`
 * semantics and bookkeeping (the `_prisma_migrations` table, sha256 checksums), so the
 * Prisma CLI agrees with what ran. Serialised with BEGIN IMMEDIATE: several instances may
 * start at once against one file.
 */
export function migrateDatabase(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): string[] {
  const file = sqlitePath(databaseUrl);
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
      "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
      "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
      "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`);
    const applied: string[] = [];
    for (const { name, sql, checksum } of listMigrations(migrationsDir)) {
      const run = db.transaction(() => {
        const done = db
          .prepare(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = ? AND finished_at IS NOT NULL AND rolled_back_at IS NULL`)
          .get(name) as { checksum: string } | undefined;
        if (done) {
          if (done.checksum !== checksum) {
            throw changedAfterApplied(name);
          }
          return false;
        }
        db.exec(sql);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES (?, ?, current_timestamp, ?, current_timestamp, 1)`,
        ).run(randomUUID(), checksum, name);
        return true;
      });
      if (run.immediate()) applied.push(name);
    }
    return applied;
  } finally {
    db.close();
  }
}

export interface Migration {
  name: string;
  sql: string;
  /** sha256 of the file, as `prisma migrate deploy` records it. */
  checksum: string;
}

/** The migrations of a folder in the order they apply (their names begin with a timestamp). */
export function listMigrations(migrationsDir: string): Migration[] {
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(migrationsDir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(migrationsDir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export function changedAfterApplied(name: string): Error {
  return new Error(`migration ${name} was changed after it was applied (checksum mismatch)`);
}
