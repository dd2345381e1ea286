import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A private PostgreSQL server for the tests: Debian's `postgresql` binaries, a fresh cluster in
 * a temp folder, its own port on 127.0.0.1 and its own socket folder, durability off (the data
 * is thrown away). Nothing of the machine's own cluster is used or touched.
 */
export interface PostgresServer {
  /** Superuser address of the maintenance database (`postgres`). */
  adminUrl: string;
  stop(): void;
}

/** The folder of Debian's PostgreSQL programs (the newest version installed), or null. */
export function findPostgresBin(): string | null {
  const fromConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (fromConfig.status === 0 && existsSync(join(fromConfig.stdout.trim(), "initdb"))) return fromConfig.stdout.trim();
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin/initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : null;
}

export async function startPostgresServer(bin: string): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-pg-"));
  const port = await freePort();
  // initdb refuses to run as root: the cluster belongs to Debian's `postgres` user then.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const run = (program: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, program), ...args]] : [join(bin, program), args];
    const r = spawnSync(cmd, argv, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${program} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "zhibu", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"]);
  const options = [
    `-p ${port}`, `-k ${dir}`, "-c listen_addresses=127.0.0.1", "-c max_connections=400",
    "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c shared_buffers=64MB",
  ].join(" ");
  run("pg_ctl", ["-D", data, "-o", options, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
  const adminUrl = `postgresql://zhibu@127.0.0.1:${port}/postgres`;
  return {
    adminUrl,
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new empty database on the server; returns its address. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return adminUrl.replace(/\/postgres$/, `/${name}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
