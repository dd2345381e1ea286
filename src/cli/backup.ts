import { backupDatabase, dialectOf } from "../db/client.ts";
import { readConfig } from "../core/config.ts";

/** `npm run backup [-- <file>]`: an online, consistent copy of the live SQLite database. */
async function main() {
  const config = readConfig();
  if (dialectOf(config.databaseUrl) === "postgres") {
    // PostgreSQL has its own consistent online copy; the claims in flight expire with their leases.
    console.error("backup: 这是 PostgreSQL 数据库，请用 pg_dump 备份，例如 pg_dump -Fc -f zhibu.dump \"$DATABASE_URL\"");
    process.exit(2);
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const destination = process.argv[2] ?? `data/backup-${stamp}.db`;
  await backupDatabase(config.databaseUrl, destination);
  console.log(`backup written to ${destination}`);
}

main().catch((err) => {
  console.error(`backup failed: ${(err as Error).message}`);
  process.exit(1);
});
