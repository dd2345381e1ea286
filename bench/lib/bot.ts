/**
 * Starts the real bot process — `node --import tsx src/main.ts`, webhook mode, pointed at the
 * fake platform — and watches it from outside: readiness through /healthz, memory through
 * /proc (VmRSS sampled, VmHWM = the kernel's own peak). With `probe`, bench/lib/probe.ts is
 * preloaded to count SQL statements and time jobs (it only observes; see the file).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { RpcClient } from "./ipc.ts";
import { CREDENTIALS } from "./lark.ts";

export const ROOT = join(import.meta.dirname, "../..");

/** Compiles the bot (and the probe beside it) into dist/, as `npm run build` does. */
export function buildBot(): void {
  execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", join(ROOT, "bench/tsconfig.build.json")], { cwd: ROOT, stdio: "inherit" });
}

export interface BotOptions {
  /** A SQLite file, or a PostgreSQL address (postgresql://…). */
  database: string;
  fakeUrl: string;
  clock: Date;
  /** "per-app/s,per-app/min,per-target/s"; undefined = Lark's documented limits. */
  sendLimits?: string;
  probe?: boolean;
  port?: number;
  /** Extra node flags (e.g. --cpu-prof while investigating). */
  nodeArgs?: string[];
}

export interface BotHandle {
  url: string;
  pid: number;
  child: ChildProcess;
  probe?: RpcClient;
  /** Highest RSS the kernel saw for the process (VmHWM), MB. */
  peakRssMb(): number;
  rssMb(): number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function procStatusMb(pid: number, field: "VmHWM" | "VmRSS"): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export async function startBot(opts: BotOptions): Promise<BotHandle> {
  const port = opts.port ?? (await freePort());
  // The compiled bot, as production runs it (`npm run build`; buildBot() below), without tsx.
  const args = [...(opts.nodeArgs ?? []), ...(opts.probe ? ["--import", join(ROOT, "dist/bench/lib/probe.js")] : []), join(ROOT, "dist/src/main.js")];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LARK_APP_ID: CREDENTIALS.appId,
    LARK_APP_SECRET: CREDENTIALS.appSecret,
    LARK_ENCRYPT_KEY: CREDENTIALS.encryptKey,
    LARK_VERIFICATION_TOKEN: CREDENTIALS.verificationToken,
    LARK_MODE: "webhook",
    LARK_DOMAIN: opts.fakeUrl,
    DATABASE_URL: /^postgres(ql)?:\/\//.test(opts.database) ? opts.database : `file:${opts.database}`,
    PORT: String(port),
    BOT_CLOCK: opts.clock.toISOString(),
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  };
  if (opts.sendLimits) env.LARK_SEND_LIMITS = opts.sendLimits;
  else delete env.LARK_SEND_LIMITS;
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
  const probe = opts.probe ? new RpcClient(child) : undefined;
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  child.once("exit", () => (exited = true));
  const started = Date.now();
  for (;;) {
    if (exited) throw new Error("the bot exited during start (see its output above)");
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 90_000) throw new Error("the bot did not become healthy within 90 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  if (probe) await probe.ready;
  const pid = child.pid!;
  return {
    url,
    pid,
    child,
    probe,
    peakRssMb: () => procStatusMb(pid, "VmHWM"),
    rssMb: () => procStatusMb(pid, "VmRSS"),
    stop: async () => {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}
