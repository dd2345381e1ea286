import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "../generated/prisma/client.ts";
import { migrateDatabase, sqlitePath } from "./migrate.ts";

export type Db = PrismaClient;
/** The client inside an interactive transaction. */
export type Tx = Omit<PrismaClient, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/** Migrates the file, then opens it through Prisma's better-sqlite3 driver adapter. */
export async function openDatabase(databaseUrl: string): Promise<Db> {
  migrateDatabase(databaseUrl);
  const adapter = new PrismaBetterSQLite3(
    { url: sqlitePath(databaseUrl), timeout: 15_000 },
    { timestampFormat: "unixepoch-ms" },
  );
  const db = new PrismaClient({ adapter });
  // WAL is persistent (set by the migrator); these are per connection. Raw SQL stays here.
  await db.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await db.$queryRawUnsafe("PRAGMA foreign_keys = ON");
  return db;
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
