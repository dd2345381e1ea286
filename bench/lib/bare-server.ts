/**
 * The ceiling for target 1: the bot's own webhook route (raw body, content type, signature,
 * timestamp, verification token, AES decryption, the SDK's dispatch) on the same Koa stack,
 * with a handler that stores nothing. What the bot does beyond this is the cost of storing an
 * event before acknowledging it.
 */
import http from "node:http";
import Koa from "koa";
import { createLogger } from "../../src/core/log.ts";
import { lark } from "../../src/lark/sdk.ts";
import { webhookRouter } from "../../src/lark/webhook.ts";
import type { Ingest } from "../../src/app/ingest.ts";
import { serveRpc } from "./ipc.ts";
import { CREDENTIALS } from "./lark.ts";

let server: http.Server | undefined;
serveRpc({
  async start() {
    const log = createLogger("warn");
    const dispatcher = new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register({ "im.message.receive_v1": async () => ({}) });
    const koa = new Koa();
    koa.use(webhookRouter({ dispatcher, ingest: {} as Ingest, encryptKey: CREDENTIALS.encryptKey, verificationToken: CREDENTIALS.verificationToken, log }).routes());
    server = http.createServer(koa.callback());
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", () => resolve()));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  },
  async stop() {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  },
});
