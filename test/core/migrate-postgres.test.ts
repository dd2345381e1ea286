import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { listMigrations } from "../../src/db/migrate.ts";
import { migratePostgres, POSTGRES_MIGRATIONS_DIR } from "../../src/db/migrate-postgres.ts";
import { freshDatabaseUrl, onPostgres } from "../support/database.ts";

async function rows<T>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe.skipIf(!onPostgres)("the PostgreSQL migrator", () => {
  it("applies every migration once when several instances start together, recorded as prisma migrate deploy records them", async () => {
    const url = await freshDatabaseUrl("migrate");
    const runs = await Promise.all([1, 2, 3, 4].map(() => migratePostgres(url)));
    const shipped = listMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => m.name);
    expect(runs.flat().sort()).toEqual(shipped); // each applied by exactly one of the four
    const recorded = await rows<{ migration_name: string; checksum: string }>(url, `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(recorded.map((r) => r.migration_name)).toEqual(shipped);
    expect(recorded.map((r) => r.checksum)).toEqual(listMigrations(POSTGRES_MIGRATIONS_DIR).map((m) => m.checksum));
    expect(await migratePostgres(url)).toEqual([]); // a restart applies nothing
  });

  it("applies a new migration at the next start, and refuses one changed after it was applied", async () => {
    const url = await freshDatabaseUrl("migrate");
    const dir = mkdtempSync(join(tmpdir(), "zhibu-migrations-"));
    cpSync(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
    await migratePostgres(url, dir);
    const added = join(dir, "29990101000000_note_column");
    cpSync(join(dir, listMigrations(dir)[0]!.name), added, { recursive: true });
    writeFileSync(join(added, "migration.sql"), `ALTER TABLE "Job" ADD COLUMN "note" TEXT;`);
    expect(await migratePostgres(url, dir)).toEqual(["29990101000000_note_column"]);
    writeFileSync(join(added, "migration.sql"), `ALTER TABLE "Job" ADD COLUMN "note2" TEXT;`);
    await expect(migratePostgres(url, dir)).rejects.toThrow(/29990101000000_note_column was changed after it was applied/);
  });

  it("leaves nothing behind of a migration that fails", async () => {
    const url = await freshDatabaseUrl("migrate");
    const dir = mkdtempSync(join(tmpdir(), "zhibu-migrations-"));
    cpSync(POSTGRES_MIGRATIONS_DIR, dir, { recursive: true });
    const broken = join(dir, "29990101000000_broken");
    cpSync(join(dir, listMigrations(dir)[0]!.name), broken, { recursive: true });
    writeFileSync(join(broken, "migration.sql"), `CREATE TABLE "Half" ("id" INTEGER);\nALTER TABLE "NoSuchTable" ADD COLUMN "x" TEXT;`);
    await expect(migratePostgres(url, dir)).rejects.toThrow(/29990101000000_broken failed/);
    const half = await rows(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'Half'`);
    expect(half).toEqual([]);
    const recorded = await rows<{ migration_name: string }>(url, `SELECT migration_name FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`);
    expect(recorded).toEqual([]);
  });
});
