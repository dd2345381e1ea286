import { writeFileSync, mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBot, waitFor } from "./support/child-bot.ts";
import { reportCounts } from "./support/counts.ts";
import { DEMO_CHATS, DEMO_PEOPLE } from "../../src/sandbox/demo.ts";
import { mulberry32 } from "../../src/sandbox/fake-platform/faults.ts";
import { Outbox } from "../../src/app/outbox.ts";
import type { DeliveryResult } from "../../src/sandbox/fake-platform/index.ts";

/**
 * The bot process is SIGKILLed five times at random moments while it fans out many messages
 * and processes a stream of commands, then started again. Lark (the fake, in this process)
 * keeps retrying what was not acknowledged, as it does. Afterwards: one reply per command,
 * one binding card for the one bot-added event, every queued message delivered exactly once.
 */

const KILLS = 5;
const FAN_OUT_PER_LIFE = 150;
const random = mulberry32(Number(process.env.KILL_SEED ?? 20261127));
const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

interface Speech {
  sender: string;
  chatId?: string;
  p2p?: boolean;
  text: string;
}

/** Who can say which command where (everyone is in the chat they speak in). */
function possibleSpeeches(): Speech[] {
  const out: Speech[] = [];
  for (const chat of DEMO_CHATS.filter((c) => c.kind !== "unbound")) {
    const commands = chat.kind === "branch" ? ["/帮助", "/成员", "/党小组", "/没有这个命令"] : ["/帮助", "/成员", "/下级"];
    for (const p of chat.people) for (const text of commands) out.push({ sender: p.openId, chatId: chat.chatId, text });
  }
  // Private chats take most of the load: each person's chat has its own 5/s budget.
  for (const p of Object.values(DEMO_PEOPLE)) for (let i = 0; i < 4; i++) out.push({ sender: p.openId, p2p: true, text: "/帮助" });
  return out;
}

interface Sent {
  messageId: string;
  delivery?: DeliveryResult;
}

let bot: ChildBot;
beforeAll(async () => {
  bot = await ChildBot.create();
}, 60_000);
afterAll(async () => {
  mkdirSync("test-output", { recursive: true });
  writeFileSync("test-output/kill-test-bot-output.log", bot.allOutput());
  await bot.dispose();
});

const unfinishedOutbox = () => bot.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } });
const unfinishedEvents = () => bot.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } });

async function enqueueFanOut(life: number): Promise<void> {
  const orgs = await bot.db.partyOrg.findMany();
  const members = await bot.db.member.findMany({ where: { active: true } });
  await bot.db.$transaction(async (tx) => {
    for (let i = 0; i < FAN_OUT_PER_LIFE; i++) {
      const m = members[i % members.length]!;
      const out = new Outbox(tx, m.orgId);
      if (i % 10 === 9) await out.text({ chatId: orgs.find((o) => o.id === m.orgId)!.chatId }, `第 ${life} 轮群通知 ${i}`);
      else await out.text({ openId: m.openId }, `${m.name}，第 ${life} 轮提醒 ${i}：请按时参加组织生活。`);
    }
  });
}

describe("SIGKILL at random moments", () => {
  it(`keeps every promise through ${KILLS} kills and a restart`, async () => {
    const speeches = possibleSpeeches();
    const sent: Sent[] = [];
    const lark: DeliveryResult[] = []; // every event push, for Lark-style retries
    const killLog: Array<{ life: number; afterMs: number; strategy: string; unfinishedEvents: number; unfinishedOutbox: number; pushesCutOff: number }> = [];
    let botAdded: DeliveryResult | undefined;

    for (let life = 1; life <= KILLS; life++) {
      await bot.start();
      let stop = false;
      const pushesBefore = lark.length;
      const say = async () => {
        const s = pick(speeches);
        const { message, delivery } = await bot.fake.sendUserMessage(
          s.p2p ? { p2pOpenId: s.sender, senderOpenId: s.sender, text: s.text } : { chatId: s.chatId, senderOpenId: s.sender, text: s.text },
        );
        sent.push({ messageId: message.messageId, delivery });
        if (delivery) lark.push(delivery);
      };
      // Commands arrive in bursts, so there is a queue of events for a kill to land in.
      const commands = (async () => {
        while (!stop) {
          await Promise.all(Array.from({ length: between(3, 10) }, say));
          await new Promise((r) => setTimeout(r, between(20, 250)));
        }
      })();
      await enqueueFanOut(life);
      if (life === 2) {
        botAdded = await bot.fake.addBotToChat(DEMO_CHATS[3]!.chatId, DEMO_CHATS[3]!.people[0]!.openId);
        lark.push(botAdded);
      }
      const started = Date.now();
      // Odd lives: a random moment. Even lives: the moment an event is seen mid-processing.
      const strategy = life % 2 === 1 ? "random moment" : "while an event is being processed";
      if (strategy === "random moment") {
        await new Promise((r) => setTimeout(r, between(150, 2500)));
      } else {
        await waitFor(async () => (await bot.db.inboundEvent.count({ where: { status: "processing" } })) > 0, 5_000, 2);
      }
      await bot.kill();
      stop = true;
      await commands;
      killLog.push({
        life,
        afterMs: Date.now() - started,
        strategy,
        unfinishedEvents: await unfinishedEvents(),
        unfinishedOutbox: await unfinishedOutbox(),
        pushesCutOff: lark.slice(pushesBefore).filter((d) => d.status !== 200).length,
      });
    }

    // Up again for good. Lark retries every push the dead bot never acknowledged …
    await bot.start();
    const unacknowledged = lark.filter((d) => d.status !== 200);
    for (const d of unacknowledged) expect((await bot.fake.redeliver(d)).status).toBe(200);
    // … the bot catches up (locks held by the dead processes expire after a minute) …
    const caughtUp = () => waitFor(async () => (await unfinishedEvents()) === 0 && (await unfinishedOutbox()) === 0, 150_000, 500);
    expect(await caughtUp()).toBe(true);
    // … and one more round of Lark retries after the restart changes nothing.
    const stray = lark.filter((_, i) => i % 7 === 0);
    for (const d of stray) expect((await bot.fake.redeliver(d)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await caughtUp()).toBe(true);

    // Every kill landed in unfinished work: the fan-out always, event processing at least twice.
    expect(killLog.filter((k) => k.unfinishedOutbox > 0)).toHaveLength(KILLS);
    expect(killLog.filter((k) => k.unfinishedEvents > 0).length).toBeGreaterThanOrEqual(2);

    // Every event had exactly one effect: one reply per command …
    const botMessages = bot.fake.messages.filter((m) => m.sender === "bot");
    const replies = new Map<string, number>();
    for (const m of botMessages) if (m.parentId) replies.set(m.parentId, (replies.get(m.parentId) ?? 0) + 1);
    const commandIds = sent.map((s) => s.messageId);
    expect(commandIds.filter((id) => replies.get(id) !== 1)).toEqual([]);
    // … one binding card for the one "bot added" event …
    expect(bot.fake.messagesIn(DEMO_CHATS[3]!.chatId).filter((m) => m.sender === "bot")).toHaveLength(1);
    // … and every event stored once, done, nothing failed.
    const events = await bot.db.inboundEvent.findMany();
    expect(events.filter((e) => e.status !== "done")).toEqual([]);
    expect(new Set(events.map((e) => e.dedupeKey)).size).toBe(events.length);
    expect(events.filter((e) => e.eventType === "im.message.receive_v1")).toHaveLength(commandIds.length);

    // Every queued message delivered exactly once (Lark's uuid dedupe absorbed the re-sends).
    const rows = await bot.db.outboxMessage.findMany();
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    for (const r of rows) expect(bot.fake.deliveries.get(r.uuid), `deliveries of outbox row ${r.id}`).toBe(1);
    expect(botMessages).toHaveLength(rows.length);
    const commandSet = new Set(commandIds);
    expect(rows.filter((r) => r.replyTo && commandSet.has(r.replyTo))).toHaveLength(commandIds.length);
    expect(rows.filter((r) => r.content.includes("轮"))).toHaveLength(KILLS * FAN_OUT_PER_LIFE);
    // The rest came from scheduled jobs (e.g. the daily warnings), which ran once despite the kills.
    const scheduled = rows.length - commandIds.length - KILLS * FAN_OUT_PER_LIFE - 1;
    const jobs = await bot.db.job.findMany();
    expect(jobs.filter((j) => j.status === "running" || j.status === "failed")).toEqual([]);

    const output = bot.allOutput();
    expect(output).not.toContain("event processing failed");
    expect(output).not.toContain("failed permanently");
    const resent = rows.filter((r) => r.attempts > 1).length;
    reportCounts("kill", {
      killsSurvived: KILLS,
      killsWhileEventsUnfinished: killLog.filter((k) => k.unfinishedEvents > 0).length,
      commands: commandIds.length,
      eventPushes: lark.length,
      pushesCutOffByKills: unacknowledged.length,
      eventsRedeliveredAfterRestart: unacknowledged.length + stray.length,
      messagesDelivered: rows.length,
      messagesFromScheduledJobs: scheduled,
      jobsDone: jobs.filter((j) => j.status === "done").length,
      messagesTriedMoreThanOnce: resent,
      lost: 0,
      duplicated: 0,
    });
    console.info(`[kill log] ${JSON.stringify(killLog)}`);
  }, 400_000);
});
