import { backupDatabase } from "../db/client.ts";
import { readConfig } from "../core/config.ts";

/** `npm run backup [-- <file>]`: an online, consistent copy of the live SQLite database. */
async function main() {
  const config = readConfig();
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const destination = process.argv[2] ?? `data/backup-${stamp}.db`;
  await backupDatabase(config.databaseUrl, destination);
  console.log(`backup written to ${destination}`);
}

main().catch((err) => {
  console.error(`backup failed: ${(err as Error).message}`);
  process.exit(1);
});
