import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFakePlatform, type FakePlatform } from "../../../src/sandbox/fake-platform/index.ts";
import { seedDemoDatabase, seedFakeWorld } from "../../../src/sandbox/demo.ts";
import { openDatabase, type Db } from "../../../src/db/client.ts";
import { systemClock } from "../../../src/core/clock.ts";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Credentials {
  appId: string;
  appSecret: string;
  encryptKey: string;
  verificationToken: string;
}

export function randomCredentials(): Credentials {
  return {
    appId: `cli_${randomBytes(8).toString("hex")}`,
    appSecret: randomBytes(16).toString("hex"),
    encryptKey: randomBytes(16).toString("hex"),
    verificationToken: randomBytes(12).toString("hex"),
  };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The bot as production runs it — `node --import tsx src/main.ts` in its own process, webhook
 * mode — against a fake Open Platform living in the test process, so the fake (and what it
 * counted) survives when the bot is killed. The database file is seeded before the first start.
 */
export class ChildBot {
  readonly output: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<void>;
  starts = 0;

  private constructor(
    readonly fake: FakePlatform,
    readonly creds: Credentials,
    readonly port: number,
    readonly databaseUrl: string,
    readonly db: Db,
    private readonly env: Record<string, string>,
    /** Instances of a shared deployment leave the fake and the database to whoever made them. */
    private readonly ownsWorld = true,
  ) {}

  static async create(opts: { env?: Record<string, string> } = {}): Promise<ChildBot> {
    const creds = randomCredentials();
    const port = await freePort();
    const databaseUrl = `file:${join(mkdtempSync(join(tmpdir(), "zhibu-child-")), "bot.db")}`;
    const fake = createFakePlatform({ ...creds, botBaseUrl: `http://127.0.0.1:${port}`, deliveryTimeoutMs: 5_000 });
    await fake.listen();
    seedFakeWorld(fake);
    const db = await openDatabase(databaseUrl);
    await seedDemoDatabase(db, systemClock(), "Asia/Shanghai");
    return new ChildBot(fake, creds, port, databaseUrl, db, opts.env ?? {});
  }

  /**
   * One of several instances of one deployment: the same fake Open Platform (which pushes to
   * the deployment's load balancer), credentials and database, and its own port.
   */
  static async instance(world: { fake: FakePlatform; creds: Credentials; databaseUrl: string; db: Db }, env: Record<string, string> = {}): Promise<ChildBot> {
    return new ChildBot(world.fake, world.creds, await freePort(), world.databaseUrl, world.db, env, false);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The running process's id (an instance's claims are marked "<pid>-…"). */
  get pid(): number | undefined {
    return this.running ? this.child!.pid : undefined;
  }

  /** Everything the bot printed so far, over all its lives. */
  allOutput(): string {
    return this.output.join("");
  }

  /** Starts the bot and resolves once /healthz answers. */
  async start(env: Record<string, string> = {}): Promise<void> {
    if (this.running) throw new Error("the bot is already running");
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LARK_") && k !== "DATABASE_URL" && k !== "PORT" && k !== "BOT_CLOCK"));
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...inherited,
        LARK_APP_ID: this.creds.appId,
        LARK_APP_SECRET: this.creds.appSecret,
        LARK_ENCRYPT_KEY: this.creds.encryptKey,
        LARK_VERIFICATION_TOKEN: this.creds.verificationToken,
        LARK_MODE: "webhook",
        LARK_DOMAIN: this.fake.baseUrl!,
        DATABASE_URL: this.databaseUrl,
        PORT: String(this.port),
        LOG_LEVEL: "info",
        ...this.env,
        ...env,
      },
    });
    this.child = child;
    this.starts++;
    const life = this.starts;
    this.output.push(`\n=== start ${life} ===\n`);
    child.stdout!.on("data", (d: Buffer) => this.output.push(d.toString()));
    child.stderr!.on("data", (d: Buffer) => this.output.push(d.toString()));
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`the bot exited during start:\n${this.allOutput().slice(-3000)}`);
      try {
        const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`the bot did not become healthy:\n${this.allOutput().slice(-3000)}`);
  }

  /** SIGKILL: no shutdown hook runs, whatever was in flight is cut off. */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM: the bot's own graceful shutdown. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill("SIGTERM");
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (this.running) await this.kill();
  }

  async dispose(): Promise<void> {
    await this.stop();
    if (!this.ownsWorld) return;
    await this.db.$disconnect();
    await this.fake.close();
  }
}

/** Polls until `done()` is true or the time is up; returns whether it became true. */
export async function waitFor(done: () => Promise<boolean>, timeoutMs: number, everyMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return done();
}
