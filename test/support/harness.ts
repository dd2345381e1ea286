import type { SendLimits } from "../../src/lark/rate-limit.ts";
import { Writable } from "node:stream";
import { readConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/log.ts";
import { manualClock, type Clock } from "../../src/core/clock.ts";
import { sandboxCredentials, startRuntime, type Runtime, type RuntimeOptions } from "../../src/runtime.ts";
import { startSandbox, type SandboxHandle } from "../../src/sandbox/index.ts";
import { freshDatabaseUrl } from "./database.ts";
import { DEMO_CHATS, DEMO_PEOPLE, seedDemo, seedFakeWorld, type DemoPerson } from "../../src/sandbox/demo.ts";
import { createFakePlatform, type FakeMessage, type FakePlatform } from "../../src/sandbox/fake-platform/index.ts";

/**
 * End-to-end test bot: the real runtime (Koa receivers, database, outbox, jobs) against the
 * project's fake Open Platform with the real SDK in between. Each call gets its own SQLite
 * file, migrated by the shipped migrations. Loops are driven by `settle()`, not timers.
 */
export interface TestBot {
  runtime: Runtime;
  fake: FakePlatform;
  clock: Clock;
  /** The bot's database: a SQLite file, or a PostgreSQL database in the Postgres pass. */
  databaseUrl: string;
  /** The SQLite file ("" in the PostgreSQL pass). */
  dbFile: string;
  logs: string[];
  people: typeof DEMO_PEOPLE;
  chats: { committee: string; branch1: string; branch2: string; unbound: string };
  /** A person types a message in a chat (group chat id, or "p2p" for their private chat). */
  say(person: DemoPerson | string, chat: string, text: string, opts?: { mentionBot?: boolean; mentions?: DemoPerson[]; parentId?: string }): Promise<FakeMessage>;
  click(person: DemoPerson | string, message: FakeMessage | string, value: Record<string, unknown>, formValue?: Record<string, unknown>): Promise<Awaited<ReturnType<FakePlatform["clickCard"]>>>;
  advance(ms: number): Promise<void>;
  settle(): Promise<void>;
  /** Messages the bot sent to a chat (group id) or a person (open id), oldest first. */
  botMessages(chatOrOpenId: string): FakeMessage[];
  lastBotMessage(chatOrOpenId: string): FakeMessage | undefined;
  restart(): Promise<void>;
  /** Another instance of the same deployment: its own runtime on the same database and platform (stop it yourself). */
  startInstance(): Promise<Runtime>;
  stop(): Promise<void>;
}

export const DEFAULT_TEST_START = new Date("2026-03-02T10:00:00+08:00"); // a Monday, after the weekly digest went out

function openIdOf(p: DemoPerson | string): string {
  return typeof p === "string" ? p : p.openId;
}

/** All visible text of a card or text message, for assertions ("does the card say X"). */
export function textOf(m: FakeMessage | Record<string, unknown> | undefined): string {
  if (!m) return "";
  const content = "messageId" in m ? (m as FakeMessage).content : m;
  const parts: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === "string") return;
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.content === "string") parts.push(o.content);
      if (typeof o.text === "string") parts.push(o.text);
      if (o.tag === "table" && Array.isArray(o.rows)) {
        for (const row of o.rows as Array<Record<string, unknown>>) parts.push(Object.values(row).map(String).join(" | "));
      }
      for (const [k, child] of Object.entries(o)) if (k !== "content" || typeof child !== "string") walk(child);
    }
  };
  walk(content);
  return parts.join("\n");
}

export interface TestBotOptions {
  start?: Date;
  seed?: boolean;
  dbFile?: string;
  /**
   * webhook (default): the sandbox path, the fake mounted in the bot's server, events POSTed.
   * websocket: a standalone fake and the bot configured like production (LARK_APP_ID/SECRET,
   * LARK_MODE=websocket, LARK_DOMAIN=fake), events pushed over the SDK's long connection.
   */
  transport?: "webhook" | "websocket";
  /** Extra environment for readConfig, e.g. { LARK_CALENDAR: "on" }. */
  env?: Record<string, string>;
  /** Lark's real send limits instead of none (tests of the limits themselves). */
  sendLimits?: SendLimits;
}

export async function startTestBot(opts: TestBotOptions = {}): Promise<TestBot> {
  const databaseUrl = opts.dbFile ? `file:${opts.dbFile}` : await freshDatabaseUrl();
  const dbFile = databaseUrl.startsWith("file:") ? databaseUrl.slice("file:".length) : "";
  const clock = manualClock(opts.start ?? DEFAULT_TEST_START);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const log = createLogger("info", sink);
  const config = readConfig({ DATABASE_URL: databaseUrl, PORT: "0", ...opts.env });
  let fake: FakePlatform | undefined;
  // Lark's send limits are exercised by their own tests; here they would only slow settle().
  // Events that arrive together are processed in one transaction (a test machine is slower
  // than the 8 ms budget), so every test also exercises batched processing.
  const base = { log, clock, autoStart: false, eventBatchMs: 10_000, sendLimits: opts.sendLimits ?? { perAppPerSecond: 1e6, perAppPerMinute: 1e6, perTargetPerSecond: 1e6 } };

  const bootSandbox = async (reuse?: FakePlatform) => {
    const handle: SandboxHandle = {};
    const sandbox = startSandbox(log, { seed: opts.seed ?? true, handle, reuse });
    const runtime = await startRuntime({ config, ...base, ...sandbox });
    fake = handle.fake!;
    await runtime.settle();
    return runtime;
  };
  const longConnection = opts.transport === "websocket" ? await standaloneFake(clock, opts.seed ?? true) : undefined;
  const boot = longConnection ? () => bootOverLongConnection(longConnection, databaseUrl, base, opts.seed ?? true) : bootSandbox;
  if (longConnection) fake = longConnection.fake;

  let runtime = await boot();
  const settle = () => runtime.settle();
  const bot: TestBot = {
    get runtime() {
      return runtime;
    },
    get fake() {
      return fake!;
    },
    clock,
    databaseUrl,
    dbFile,
    logs,
    people: DEMO_PEOPLE,
    chats: {
      committee: DEMO_CHATS[0]!.chatId,
      branch1: DEMO_CHATS[1]!.chatId,
      branch2: DEMO_CHATS[2]!.chatId,
      unbound: DEMO_CHATS[3]!.chatId,
    },
    async say(person, chat, text, o = {}) {
      const sender = openIdOf(person);
      const target = chat === "p2p" ? { p2pOpenId: sender } : { chatId: chat };
      const { message } = await fake!.sendUserMessage({
        ...target,
        senderOpenId: sender,
        text,
        mentionBot: o.mentionBot,
        mentions: o.mentions?.map((m) => ({ openId: m.openId, name: m.name })),
        parentId: o.parentId,
      });
      await settle();
      return message;
    },
    async click(person, message, value, formValue) {
      const messageId = typeof message === "string" ? message : message.messageId;
      const result = await fake!.clickCard({ messageId, operatorOpenId: openIdOf(person), value, formValue });
      await settle();
      return result;
    },
    async advance(ms) {
      clock.advance(ms);
      await settle();
    },
    settle,
    botMessages(chatOrOpenId) {
      return fake!.messagesIn(chatOrOpenId).filter((m) => m.sender === "bot" && !m.deleted);
    },
    lastBotMessage(chatOrOpenId) {
      return bot.botMessages(chatOrOpenId).at(-1);
    },
    async restart() {
      const keep = fake!;
      await runtime.stop();
      // The old socket must be gone on the fake's side too, or a push could pick it.
      if (longConnection) await waitUntil(() => keep.wsConnections().length === 0, "the old long connection to close");
      runtime = await boot(keep);
    },
    async startInstance() {
      return bootSandbox(fake!);
    },
    async stop() {
      await runtime.stop();
      if (longConnection) await longConnection.fake.close();
    },
  };
  return bot;
}

interface StandaloneFake {
  fake: FakePlatform;
  baseUrl: string;
}

/** A fake on its own port that pushes over the long connection, seeded with the demo world. */
async function standaloneFake(clock: Clock, seed: boolean): Promise<StandaloneFake> {
  const fake = createFakePlatform({ ...sandboxCredentials(), now: () => clock.now() });
  const baseUrl = await fake.listen();
  fake.setPushMode("websocket");
  if (seed) seedFakeWorld(fake);
  return { fake, baseUrl };
}

/**
 * The production configuration path: credentials and LARK_MODE=websocket, so the runtime starts
 * the SDK's WSClient against the fake. Seeds like the sandbox does (demo orgs, then the bot joins
 * the unbound chat), once the client is connected so the membership event can reach it.
 */
async function bootOverLongConnection(
  standalone: StandaloneFake,
  databaseUrl: string,
  base: Pick<RuntimeOptions, "log" | "clock" | "autoStart" | "sendLimits">,
  seed: boolean,
): Promise<Runtime> {
  const { fake, baseUrl } = standalone;
  const config = readConfig({
    DATABASE_URL: databaseUrl,
    PORT: "0",
    LARK_APP_ID: fake.options.appId,
    LARK_APP_SECRET: fake.options.appSecret,
    LARK_MODE: "websocket",
    LARK_DOMAIN: baseUrl,
  });
  const runtime = await startRuntime({ config, ...base });
  await fake.waitForWsClient();
  if (seed && (await seedDemo(runtime.db, runtime.bot, runtime.clock, fake))) {
    base.log.info("test bot: demo orgs seeded; the bot was added to the unbound chat over the long connection");
  }
  await runtime.settle();
  return runtime;
}

/** Polls a condition (no timing assertion: a generous ceiling only). */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
