import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import type { Dispatcher } from "./dispatch.ts";
import { WS_ENDPOINT_PATH } from "./ws-server.ts";

const MAX_BODY_BYTES = 40 * 1024 * 1024; // above the 30 MB file upload limit

/** Koa middleware serving `${prefix}/open-apis/...` and `${prefix}/callback/ws/endpoint`; anything else falls through to `next()`. */
export function openPlatformMiddleware(dispatcher: Dispatcher, prefix = ""): Koa.Middleware {
  const base = prefix.replace(/\/+$/, "");
  return async (ctx, next) => {
    const path = ctx.path;
    if (base && path !== base && !path.startsWith(`${base}/`)) return next();
    const sub = path.slice(base.length) || "/";
    if (!sub.startsWith("/open-apis/") && sub !== WS_ENDPOINT_PATH) return next();
    // The host app may or may not run a body parser on these paths; honour either case.
    const parsedBody = (ctx.request as { body?: unknown }).body;
    const rawBody = parsedBody === undefined ? await readBody(ctx.req) : Buffer.alloc(0);
    const response = await dispatcher.handle({
      method: ctx.method,
      path: sub,
      query: ctx.querystring,
      headers: ctx.headers,
      rawBody,
      parsedBody,
    });
    ctx.status = response.status;
    ctx.set(response.headers ?? {});
    ctx.body = response.body;
  };
}

async function readBody(stream: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** A standalone server for tests and benchmarks. */
export class StandaloneServer {
  private server: Server | undefined;

  async listen(middleware: Koa.Middleware, port: number, host: string): Promise<string> {
    if (this.server) throw new Error("fake platform is already listening");
    const app = new Koa();
    app.use(middleware);
    const server = app.listen(port, host);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    const address = server.address() as AddressInfo;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    return `http://${shownHost}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // axios keeps connections alive; without this close() would wait for them to time out.
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
