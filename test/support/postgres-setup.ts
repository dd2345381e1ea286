import { findPostgresBin, startPostgresServer, type PostgresServer } from "./postgres-server.ts";

/**
 * Vitest global setup of the PostgreSQL pass: one private server for the run, each test file's
 * bots get their own database on it (test/support/database.ts). Workers inherit the address.
 */
let server: PostgresServer | undefined;

export async function setup(): Promise<void> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL's programs are not installed (Debian: apt-get install postgresql)");
  server = await startPostgresServer(bin);
  process.env.ZHIBU_TEST_POSTGRES_ADMIN_URL = server.adminUrl;
}

export async function teardown(): Promise<void> {
  server?.stop();
}
