import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import Koa from "koa";
import Router from "@koa/router";
import type { Config } from "./core/config.ts";
import type { Logger } from "./core/log.ts";
import { runningClock, systemClock, type Clock } from "./core/clock.ts";
import { openDatabase, type Db } from "./db/client.ts";
import { Bot } from "./app/bot.ts";
import { Ingest } from "./app/ingest.ts";
import { EventProcessor } from "./app/processor.ts";
import { JobRunner } from "./app/jobs.ts";
import { LarkGateway } from "./lark/gateway.ts";
import { SendLimiter, LARK_SEND_LIMITS, type SendLimits } from "./lark/rate-limit.ts";
import { OutboxSender } from "./lark/sender.ts";
import { createDispatcher } from "./lark/dispatcher.ts";
import { webhookRouter } from "./lark/webhook.ts";
import { startLongConnection, type LongConnection } from "./lark/ws.ts";
import { registerFeatures } from "./features/index.ts";
import { apiCallRecorder } from "./features/usage/recorder.ts";
import { healthReport } from "./app/health.ts";
import { notifyPermanentFailures } from "./app/failures.ts";
import { Loop } from "./app/loop.ts";
import { CallBudget } from "./app/budget.ts";

/** The Lark app the bot talks to: the configured one, or the sandbox's fake. */
export type LarkTarget = NonNullable<Config["lark"]>;

export interface RuntimeOptions {
  config: Config;
  log: Logger;
  clock?: Clock;
  /** Tests: run the loops by hand with settle() instead of timers. */
  autoStart?: boolean;
  sendLimits?: SendLimits;
  /** How long one transaction may go on taking stored events (ms); tests batch everything. */
  eventBatchMs?: number;
  /**
   * Runs before the bot connects to Lark, with the HTTP server already listening: the embedded
   * fake platform mounts itself here and returns the credentials and domain the bot should use.
   */
  beforeConnect?: (ctx: { koa: Koa; router: Router; baseUrl: string; clock: Clock }) => Promise<LarkTarget>;
  /** Runs once everything is up (the sandbox seeds its demo world here). */
  afterStart?: (runtime: Runtime) => Promise<void>;
}

export interface Runtime {
  db: Db;
  bot: Bot;
  clock: Clock;
  gateway: LarkGateway;
  sender: OutboxSender;
  url: string;
  server: Server;
  lark: LarkTarget;
  /** Processes events, due jobs and due outbox rows until nothing is left to do now. */
  settle(maxRounds?: number): Promise<void>;
  /** The digest sections and warning rules every capability contributed. */
  features: ReturnType<typeof registerFeatures>;
  /** Wakes the loops now (e.g. after the sandbox advanced the clock). */
  kick(): void;
  /** This process's name on the rows it claims (events, jobs, outbox). */
  instanceId: string;
  /** Stops the loops, releases whatever this instance still holds claimed, closes the server. */
  stop(): Promise<void>;
}

export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, log } = opts;
  const clock = opts.clock ?? (config.clockStart ? runningClock(config.clockStart) : systemClock());
  const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const db = await openDatabase(config.databaseUrl);
  log.info({ database: config.databaseUrl.replace(/^file:/, ""), instanceId }, "database ready (migrations applied)");

  const koa = new Koa({ proxy: true });
  const router = new Router();
  // Listen first (the fake platform needs our URL), then serve once all routes are mounted:
  // Koa composes its middleware when callback() is called.
  let serve: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end("starting");
  };
  const server = createServer((req, res) => serve(req, res));
  // Lark's gateway, and any proxy in front, reuse connections: a server that closes an idle one
  // first races with a request already on its way, which then fails (ECONNRESET; once in 5,752
  // card callbacks in the benchmark). Idle connections stay open longer than such clients keep them.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, "0.0.0.0", () => resolve());
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://127.0.0.1:${port}`;

  const lark: LarkTarget = config.lark ?? (await opts.beforeConnect!({ koa, router, baseUrl: url, clock }));

  const gateway = new LarkGateway({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.domain, logger: log, onCall: apiCallRecorder(db, clock, config.timezone, log) });
  const bot = new Bot({ log, now: () => clock.now(), timezone: config.timezone });
  const features = registerFeatures(bot, { directory: { chatMembers: (chatId) => gateway.chatMembers(chatId) }, calendar: config.calendar ? gateway : undefined, files: gateway, callBudget: config.monthlyCallBudget });

  // Two loops: one processes stored events and due jobs, the other drains the outbox.
  const processor = new EventProcessor(db, bot, log, instanceId, () => ingest.busy(), opts.eventBatchMs);
  const jobs = new JobRunner(db, clock, log, instanceId);
  for (const [kind, handler] of bot.jobHandlers) jobs.register(kind, handler);
  const sender = new OutboxSender(db, gateway, new SendLimiter(opts.sendLimits ?? config.sendLimits ?? LARK_SEND_LIMITS), log, {
    instanceId,
    budget: config.monthlyCallBudget ? new CallBudget(db, clock, config.timezone, config.monthlyCallBudget, log) : undefined,
    onPermanentFailure: (rows) => notifyPermanentFailures(db, rows, log),
  });
  await sender.rememberRecentSends();
  const senderLoop = new Loop(
    "sender",
    async () => {
      const { attempted, waitMs } = await sender.drainOnce();
      return attempted > 0 ? 0 : Math.max(5, Math.min(250, waitMs));
    },
    log,
  );
  const worker = new Loop(
    "worker",
    async () => {
      const did = (await processor.runDue()) + (await jobs.runDue());
      if (did === 0) return 500;
      senderLoop.kick();
      return 0;
    },
    log,
  );
  const ingest = new Ingest(db, bot, log, () => worker.kick());

  const dispatcher = createDispatcher(ingest, () => gateway.botOpenId(), log);
  router.use(webhookRouter({ dispatcher, ingest, encryptKey: lark.encryptKey, verificationToken: lark.verificationToken, log }).routes());
  let ws: LongConnection | undefined;
  router.get("/healthz", async (ctx) => {
    ctx.body = await healthReport(db, { mode: config.lark ? lark.mode : "sandbox", ws: ws?.status(), clock: clock.now() });
  });
  koa.use(router.routes()).use(router.allowedMethods());
  serve = koa.callback();

  try {
    await gateway.botOpenId(); // cached by the gateway; asked again on the first message if this fails
  } catch (err) {
    log.warn({ err: (err as Error).message }, "could not read the bot's open_id yet; asked again when the first message arrives");
  }
  if (config.lark && lark.mode === "websocket") {
    ws = startLongConnection({ appId: lark.appId, appSecret: lark.appSecret, domain: lark.domain, dispatcher, log });
  }

  for (const hook of bot.startHooks) await db.$transaction((tx) => hook(tx, clock.now()));

  if (opts.autoStart !== false) {
    worker.start();
    senderLoop.start();
  }

  const settle = async (maxRounds = 50) => {
    for (let round = 0; round < maxRounds; round++) {
      const processed = await processor.runDue();
      const ran = await jobs.runDue();
      let sent = 0;
      for (;;) {
        const { attempted } = await sender.drainOnce();
        if (attempted === 0) break;
        sent += attempted;
      }
      if (processed + ran + sent === 0) return;
    }
  };

  const runtime: Runtime = {
    db,
    bot,
    clock,
    gateway,
    sender,
    url,
    server,
    lark,
    settle,
    features,
    kick: () => {
      worker.kick();
      senderLoop.kick();
    },
    instanceId,
    stop: async () => {
      ws?.close();
      await worker.stop();
      await senderLoop.stop();
      // Nothing this instance claimed waits out a lease: another instance, or this one
      // restarted, takes it at once (a deploy used to hold messages back for up to a minute).
      await releaseClaims(db, instanceId, log);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await db.$disconnect();
    },
  };
  await opts.afterStart?.(runtime);
  return runtime;
}

async function releaseClaims(db: Db, instanceId: string, log: Logger): Promise<void> {
  const free = { lockedBy: null, lockedUntil: null };
  const [outbox, events, jobs] = await Promise.all([
    // A send cut short may have arrived: marked so, in case its retry comes after Lark's uuid window.
    db.outboxMessage.updateMany({ where: { lockedBy: instanceId, status: "sending" }, data: { status: "pending", outcomeUnknown: true, ...free } }),
    db.inboundEvent.updateMany({ where: { lockedBy: instanceId, status: "processing" }, data: { status: "pending", ...free } }),
    db.job.updateMany({ where: { lockedBy: instanceId, status: "running" }, data: { status: "pending", ...free } }),
  ]);
  const released = outbox.count + events.count + jobs.count;
  if (released) log.info({ outbox: outbox.count, events: events.count, jobs: jobs.count }, "released claims on stop");
}

/** Fresh random credentials for the embedded fake platform (the real security path still runs). */
export function sandboxCredentials(): Omit<LarkTarget, "domain" | "mode"> {
  return {
    appId: `cli_${randomBytes(8).toString("hex")}`,
    appSecret: randomBytes(16).toString("hex"),
    encryptKey: randomBytes(16).toString("hex"),
    verificationToken: randomBytes(12).toString("hex"),
  };
}
