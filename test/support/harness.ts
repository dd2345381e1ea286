import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { readConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/log.ts";
import { manualClock, type Clock } from "../../src/core/clock.ts";
import { startRuntime, type Runtime } from "../../src/runtime.ts";
import { startSandbox, type SandboxHandle } from "../../src/sandbox/index.ts";
import { DEMO_CHATS, DEMO_PEOPLE, type DemoPerson } from "../../src/sandbox/demo.ts";
import type { FakeMessage, FakePlatform } from "../../src/sandbox/fake-platform/index.ts";

/**
 * End-to-end test bot: the real runtime (Koa receivers, database, outbox, jobs) against the
 * project's fake Open Platform with the real SDK in between. Each call gets its own SQLite
 * file, migrated by the shipped migrations. Loops are driven by `settle()`, not timers.
 */
export interface TestBot {
  runtime: Runtime;
  fake: FakePlatform;
  clock: Clock;
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
  stop(): Promise<void>;
}

export const DEFAULT_TEST_START = new Date("2026-03-02T09:00:00+08:00"); // a Monday

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
      for (const [k, child] of Object.entries(o)) if (k !== "content" || typeof child !== "string") walk(child);
    }
  };
  walk(content);
  return parts.join("\n");
}

export async function startTestBot(opts: { start?: Date; seed?: boolean; dbFile?: string } = {}): Promise<TestBot> {
  const dbFile = opts.dbFile ?? join(mkdtempSync(join(tmpdir(), "zhibu-test-")), "test.db");
  const clock = manualClock(opts.start ?? DEFAULT_TEST_START);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const log = createLogger("info", sink);
  const config = readConfig({ DATABASE_URL: `file:${dbFile}`, PORT: "0" });
  let fake: FakePlatform | undefined;

  const boot = async (reuse?: FakePlatform) => {
    const handle: SandboxHandle = {};
    const sandbox = startSandbox(log, { seed: opts.seed ?? true, handle, reuse });
    // Lark's send limits are exercised by their own tests; here they would only slow settle().
    const sendLimits = { perAppPerSecond: 1e6, perAppPerMinute: 1e6, perTargetPerSecond: 1e6 };
    const runtime = await startRuntime({ config, log, clock, autoStart: false, sendLimits, ...sandbox });
    fake = handle.fake!;
    await runtime.settle();
    return runtime;
  };

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
      runtime = await boot(keep);
    },
    async stop() {
      await runtime.stop();
    },
  };
  return bot;
}
