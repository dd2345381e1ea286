/**
 * The PostgreSQL columns of the benchmark: a private server (the tests' own, Debian's
 * binaries), the seeded SQLite database copied into it once, and a fresh database per run
 * cloned from that copy (`CREATE DATABASE … TEMPLATE`, a file copy inside the server).
 */
import Database from "better-sqlite3";
import pg from "pg";
import { openDatabase } from "../../src/db/client.ts";
import { createDatabase, findPostgresBin, startPostgresServer, type PostgresServer } from "../../test/support/postgres-server.ts";

export { findPostgresBin };

export interface BenchPostgres {
  server: PostgresServer;
  /** e.g. "15.14". */
  version: string;
  /** Address of a new database, a copy of the seeded one. */
  clone(name: string): Promise<string>;
}

/** Starts the server and loads the seeded SQLite file into a template database. */
export async function startBenchPostgres(bin: string, seededFile: string, log: (line: string) => void): Promise<BenchPostgres> {
  const server = await startPostgresServer(bin);
  const started = Date.now();
  const seedUrl = await createDatabase(server.adminUrl, "bench_seed");
  const db = await openDatabase(seedUrl); // the shipped PostgreSQL migrations
  await db.$disconnect();
  const rows = await copySqliteInto(seededFile, seedUrl);
  log(`PostgreSQL: seeded database copied in ${((Date.now() - started) / 1000).toFixed(1)} s (${rows} rows)`);
  const version = String((await admin(server.adminUrl, "SHOW server_version"))[0]!.server_version).split(" ")[0]!;
  return {
    server,
    version,
    clone: async (name) => {
      await admin(server.adminUrl, `CREATE DATABASE "${name}" TEMPLATE bench_seed`);
      return server.adminUrl.replace(/\/postgres$/, `/${name}`);
    },
  };
}

async function admin(url: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Copies every table's rows. SQLite keeps times as epoch milliseconds and booleans as 0/1
 * (src/db/client.ts); PostgreSQL's column types say which is which. Foreign keys are not
 * checked while copying (the rows come from a consistent database); id sequences continue
 * after the highest id copied.
 */
async function copySqliteInto(file: string, url: string): Promise<number> {
  const source = new Database(file, { readonly: true, fileMustExist: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let total = 0;
  try {
    await client.query("SET session_replication_role = replica");
    const columns = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      `SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations' ORDER BY table_name, ordinal_position`,
    );
    const tables = new Map<string, Array<{ name: string; type: string }>>();
    for (const c of columns.rows) tables.set(c.table_name, [...(tables.get(c.table_name) ?? []), { name: c.column_name, type: c.data_type }]);
    for (const [table, all] of tables) {
      // Only what both have (an older seed file lacks newer columns: they take their defaults).
      const present = new Set((source.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name));
      const cols = all.filter((c) => present.has(c.name));
      if (cols.length === 0) continue;
      const convert = cols.map((c) =>
        c.type.startsWith("timestamp") ? (v: unknown) => (v === null ? null : new Date(Number(v)))
        : c.type === "boolean" ? (v: unknown) => (v === null ? null : v === 1 || v === true)
        : (v: unknown) => v,
      );
      const batch = Math.min(1000, Math.floor(60_000 / cols.length));
      const names = cols.map((c) => `"${c.name}"`).join(", ");
      let values: unknown[] = [];
      let count = 0;
      const flush = async () => {
        if (count === 0) return;
        const rows = Array.from({ length: count }, (_, r) => `(${cols.map((_, c) => `$${r * cols.length + c + 1}`).join(", ")})`);
        await client.query(`INSERT INTO "${table}" (${names}) VALUES ${rows.join(", ")}`, values);
        total += count;
        values = [];
        count = 0;
      };
      for (const row of source.prepare(`SELECT ${names} FROM "${table}"`).raw().iterate() as Iterable<unknown[]>) {
        row.forEach((v, i) => values.push(convert[i]!(v)));
        if (++count === batch) await flush();
      }
      await flush();
      if (cols.some((c) => c.name === "id" && c.type === "integer")) {
        await client.query(`SELECT setval(pg_get_serial_sequence('"${table}"', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM "${table}"`);
      }
    }
    await client.query("VACUUM ANALYZE");
  } finally {
    await client.end();
    source.close();
  }
  return total;
}
