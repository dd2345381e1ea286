import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBot, freePort, randomCredentials, waitFor } from "./support/child-bot.ts";
import { Balancer } from "./support/balancer.ts";
import { arrivals, busiestSecond } from "./support/arrivals.ts";
import { reportCounts } from "./support/counts.ts";
import { createDatabase, findPostgresBin, startPostgresServer, type PostgresServer } from "../support/postgres-server.ts";
import { createFakePlatform, type DeliveryResult, type FakePlatform } from "../../src/sandbox/fake-platform/index.ts";
import { DEMO_CHATS, DEMO_PEOPLE, seedDemoDatabase, seedFakeWorld } from "../../src/sandbox/demo.ts";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { systemClock } from "../../src/core/clock.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { LARK_SEND_LIMITS } from "../../src/lark/rate-limit.ts";

/**
 * Issue 15 item 6: three bot processes (`node src/main.ts`, as production runs them) on one
 * PostgreSQL database behind a round-robin load balancer, one fake Open Platform pushing to
 * it. While they fan out a few hundred messages, answer a stream of commands and post the
 * weekly digest, one of them is SIGKILLed. Afterwards every reply and every digest arrived
 * exactly once, the app stayed within Lark's limits, and no job ran twice. Then a graceful
 * restart (SIGTERM) hands on what that instance held at once.
 */

const FAN_OUT = 300;
/** The bots' clock starts a few seconds before Monday's 09:00 digest (2026-W50). */
const DIGEST_AT = Date.parse("2026-12-07T09:00:00+08:00");
const CLOCK_LEAD_MS = 6_000;

const bin = findPostgresBin();
if (!bin) console.log("multi-instance kill test skipped: PostgreSQL's programs are not installed here (Debian: apt-get install postgresql).");

interface World {
  fake: FakePlatform;
  creds: ReturnType<typeof randomCredentials>;
  databaseUrl: string;
  db: Db;
}

let server: PostgresServer;
let world: World;
let balancer: Balancer;
let bots: ChildBot[] = [];
let clockOrigin = 0;

/** Every instance's clock reads the same time: the digest instant minus the lead, plus time run. */
const botClockNow = () => new Date(DIGEST_AT - CLOCK_LEAD_MS + (Date.now() - clockOrigin)).toISOString();
const startBot = (bot: ChildBot) => bot.start({ BOT_CLOCK: botClockNow() });

const unfinishedOutbox = () => world.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } });
const unfinishedEvents = () => world.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } });

beforeAll(async () => {
  if (!bin) return;
  server = await startPostgresServer(bin);
  const databaseUrl = await createDatabase(server.adminUrl, "zhibu_instances");
  const creds = randomCredentials();
  const balancerPort = await freePort();
  const fake = createFakePlatform({ ...creds, botBaseUrl: `http://127.0.0.1:${balancerPort}`, deliveryTimeoutMs: 5_000 });
  await fake.listen();
  seedFakeWorld(fake);
  const db = await openDatabase(databaseUrl);
  await seedDemoDatabase(db, systemClock(), "Asia/Shanghai");
  world = { fake, creds, databaseUrl, db };
  bots = await Promise.all([1, 2, 3].map(() => ChildBot.instance(world)));
  balancer = await Balancer.start(balancerPort, () => bots.map((b) => b.port));
}, 120_000);

afterAll(async () => {
  mkdirSync("test-output", { recursive: true });
  writeFileSync("test-output/kill-instances-output.log", bots.map((b, i) => `##### instance ${i + 1}\n${b.allOutput()}`).join("\n"));
  for (const b of bots) await b.dispose();
  await balancer?.close();
  await world?.db.$disconnect();
  await world?.fake.close();
  server?.stop();
}, 60_000);

async function enqueueFanOut(): Promise<void> {
  const orgs = await world.db.partyOrg.findMany();
  const members = await world.db.member.findMany({ where: { active: true } });
  await world.db.$transaction(async (tx) => {
    for (let i = 0; i < FAN_OUT; i++) {
      const m = members[i % members.length]!;
      const out = new Outbox(tx, m.orgId);
      if (i % 10 === 9) await out.text({ chatId: orgs.find((o) => o.id === m.orgId)!.chatId }, `群通知 ${i}`);
      else await out.text({ openId: m.openId }, `${m.name}，提醒 ${i}：请按时参加组织生活。`);
    }
  });
}

/** Commands people type, in the chats they are in (and privately), through the load balancer. */
function speeches(): Array<{ sender: string; chatId?: string; p2p?: boolean; text: string }> {
  const out: Array<{ sender: string; chatId?: string; p2p?: boolean; text: string }> = [];
  for (const chat of DEMO_CHATS.filter((c) => c.kind === "branch")) for (const p of chat.people) out.push({ sender: p.openId, chatId: chat.chatId, text: "/帮助" });
  for (const p of Object.values(DEMO_PEOPLE)) out.push({ sender: p.openId, p2p: true, text: "/帮助" });
  return out;
}

describe.runIf(bin)("three instances on one PostgreSQL database, one SIGKILLed mid fan-out", () => {
  it("deliver every reply and digest exactly once, within Lark's limits, and run no job twice", async () => {
    clockOrigin = Date.now();
    const since = Date.now();
    await Promise.all(bots.map(startBot));
    const sent: string[] = [];
    const pushes: DeliveryResult[] = [];
    let talking = true;
    const all = speeches();
    const commands = (async () => {
      for (let i = 0; talking; i++) {
        const s = all[i % all.length]!;
        const { message, delivery } = await world.fake.sendUserMessage(
          s.p2p ? { p2pOpenId: s.sender, senderOpenId: s.sender, text: s.text } : { chatId: s.chatId, senderOpenId: s.sender, text: s.text },
        );
        sent.push(message.messageId);
        if (delivery) pushes.push(delivery);
        await new Promise((r) => setTimeout(r, 40));
      }
    })();
    await enqueueFanOut();

    // The victim: an instance in the middle of sending part of the fan-out.
    const victim = bots[1]!;
    const midFanOut = await waitFor(async () => {
      const sending = await world.db.outboxMessage.count({ where: { status: "sending", lockedBy: { startsWith: `${victim.pid}-` } } });
      const done = await world.db.outboxMessage.count({ where: { status: "sent" } });
      return sending > 0 && done >= 30;
    }, 30_000, 5);
    expect(midFanOut).toBe(true);
    await victim.kill();
    const unsentAtKill = await unfinishedOutbox();

    // The survivors go on: commands keep coming, the digest falls due, the fan-out drains.
    const digestPosted = () => waitFor(async () => (await world.db.digest.count({ where: { periodKey: "2026-W50", status: "sent" } })) === 3, 60_000, 250);
    expect(await digestPosted()).toBe(true);
    talking = false;
    await commands;
    // Lark retries what no instance acknowledged (cut off by the kill) …
    const unacknowledged = pushes.filter((d) => d.status !== 200);
    for (const d of unacknowledged) expect((await world.fake.redeliver(d)).status).toBe(200);
    // … and the survivors take over the dead instance's claims once they lapse (15 s).
    const caughtUp = await waitFor(async () => (await unfinishedEvents()) === 0 && (await unfinishedOutbox()) === 0, 90_000, 250);
    expect(caughtUp).toBe(true);

    // One reply per command, whichever instance took it.
    const botMessages = world.fake.messages.filter((m) => m.sender === "bot");
    const replies = new Map<string, number>();
    for (const m of botMessages) if (m.parentId) replies.set(m.parentId, (replies.get(m.parentId) ?? 0) + 1);
    expect(sent.filter((id) => replies.get(id) !== 1)).toEqual([]);
    // Every queued message delivered exactly once.
    const rows = await world.db.outboxMessage.findMany();
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    for (const r of rows) expect(world.fake.deliveries.get(r.uuid), `deliveries of outbox row ${r.id}`).toBe(1);
    expect(botMessages).toHaveLength(rows.length);
    expect(rows.filter((r) => /提醒 \d+：|群通知 \d+/.test(r.content))).toHaveLength(FAN_OUT);
    // The digest once in each bound chat.
    for (const chat of DEMO_CHATS.filter((c) => c.kind !== "unbound")) {
      const digests = world.fake.messagesIn(chat.chatId).filter((m) => m.sender === "bot" && !m.parentId && JSON.stringify(m.content).includes("周报"));
      expect(digests, `digest in ${chat.name}`).toHaveLength(1);
    }
    // No job ran twice: none is left running or failed, and nothing a job sent was sent twice.
    const jobs = await world.db.job.findMany();
    expect(jobs.filter((j) => j.status === "running" || j.status === "failed")).toEqual([]);
    const fromJobs = rows.filter((r) => !r.replyTo && !/提醒 \d+：|群通知 \d+/.test(r.content));
    const seen = new Set<string>();
    const twice = fromJobs.filter((r) => seen.size === seen.add(`${r.target}|${r.kind}|${r.content}`).size);
    expect(twice).toEqual([]);
    // Within the app's limits at the platform: 50 a second for the app, 5 a second per chat.
    const arrived = arrivals(world, since);
    expect(busiestSecond(arrived.map((a) => a.at))).toBeLessThanOrEqual(LARK_SEND_LIMITS.perAppPerSecond);
    const perTarget = new Map<string, number[]>();
    for (const a of arrived) perTarget.set(a.target, [...(perTarget.get(a.target) ?? []), a.at]);
    const busiestChat = Math.max(...[...perTarget.values()].map(busiestSecond));
    expect(busiestChat).toBeLessThanOrEqual(LARK_SEND_LIMITS.perTargetPerSecond);
    const output = bots.map((b) => b.allOutput()).join("");
    expect(output).not.toContain("event processing failed");
    expect(output).not.toContain("failed permanently");
    reportCounts("kill-instances", {
      instances: bots.length,
      commands: sent.length,
      pushesCutOffByKill: unacknowledged.length,
      unsentAtKill,
      messagesDelivered: rows.length,
      digestsPosted: 3,
      jobsDone: jobs.filter((j) => j.status === "done").length,
      jobsRunAgainAfterKill: jobs.filter((j) => j.attempts > 1).length,
      busiestSecondApp: busiestSecond(arrived.map((a) => a.at)),
      busiestSecondChat: busiestChat,
      fewestPushesToAnInstance: Math.min(...balancer.served.values()),
      lost: 0,
      duplicated: 0,
    });
  }, 300_000);

  it("hand on at once what a gracefully stopped instance held: the next message goes out within 2 s of its restart", async () => {
    const instance = bots[0]!;
    // The other instances are down, so only this one can send what it held.
    for (const b of bots) if (b !== instance) await b.stop();
    if (!instance.running) await startBot(instance);
    // A slow platform keeps sends in flight, so the stop lands while the instance holds some:
    // it finishes those, releases anything else it holds, and exits.
    const fast = world.fake.slowDown({ method: "POST", pathPattern: /^\/open-apis\/im\/v1\/messages$/, ms: 1_000 });
    await enqueueFanOut();
    const held = await waitFor(async () => (await world.db.outboxMessage.count({ where: { status: "sending", lockedBy: { startsWith: `${instance.pid}-` } } })) > 0, 30_000, 2);
    expect(held).toBe(true);
    await instance.stop(); // SIGTERM
    fast();
    expect(await world.db.outboxMessage.count({ where: { status: "sending" } })).toBe(0);
    const delivered = () => world.fake.messages.filter((m) => m.sender === "bot").length;
    const deliveredBefore = delivered();
    const stoppedAt = Date.now();
    await startBot(instance);
    // Measured from the moment the restarted process answers /healthz (its boot is not ours to count).
    const upAt = Date.now();
    const firstAfter = await waitFor(async () => delivered() > deliveredBefore, 10_000, 20);
    const firstAt = Date.now();
    const afterMs = firstAt - upAt;
    expect(firstAfter).toBe(true);
    expect(afterMs).toBeLessThanOrEqual(2_000);
    expect(await waitFor(async () => (await unfinishedOutbox()) === 0, 60_000, 250)).toBe(true);
    const rows = await world.db.outboxMessage.findMany();
    for (const r of rows) expect(world.fake.deliveries.get(r.uuid), `deliveries of outbox row ${r.id}`).toBe(1);
    reportCounts("graceful-restart", { firstMessageAfterHealthyMs: afterMs, firstMessageAfterStopMs: firstAt - stoppedAt });
  }, 180_000);
});
