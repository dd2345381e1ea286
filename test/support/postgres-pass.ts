import { spawnSync } from "node:child_process";
import { findPostgresBin } from "./postgres-server.ts";

/**
 * `npm run test:postgres`: the whole suite on PostgreSQL (vitest.postgres.config.ts). Where
 * Debian's postgresql package is not installed (and could not be), says so in one line and
 * passes: the SQLite pass has run.
 */
if (!findPostgresBin()) {
  console.log("PostgreSQL pass skipped: PostgreSQL's programs are not installed here (Debian: apt-get install postgresql).");
  process.exit(0);
}
const args = ["vitest", "run", "--config", "vitest.postgres.config.ts", ...process.argv.slice(2)];
const run = spawnSync("npx", args, { stdio: "inherit" });
process.exit(run.status ?? 1);
