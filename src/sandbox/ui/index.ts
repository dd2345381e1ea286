import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import type Koa from "koa";
import Router from "@koa/router";
import type { z } from "zod";
import type { Logger } from "../../core/log.ts";
import { BodyTooLargeError, readRawBody } from "../../lark/raw-body.ts";
import type { Runtime } from "../../runtime.ts";
import type { FakePlatform } from "../fake-platform/index.ts";
import {
  advanceClock, jumpClock, cardActionSchema, clickAsPerson, clockSchema, faultSchema, injectSendFault, SandboxInputError, sendAsPerson, sendSchema,
} from "./actions.ts";
import { buildSnapshot } from "./state.ts";
import { REPO_ROOT } from "../../core/paths.ts";

export const SANDBOX_PREFIX = "/sandbox";
const STATIC_DIR = join(REPO_ROOT, "src/sandbox/ui/static");
const MAX_BODY_BYTES = 256 * 1024;
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

export interface SandboxUi {
  /** Mount before the server starts serving (Koa composes middleware once). */
  middleware: Koa.Middleware;
  /** The API answers 503 until the runtime is up. */
  attach(runtime: Runtime): void;
}

/**
 * The browser sandbox at /sandbox: a static page (plain HTML, CSS and ES modules, no build)
 * plus a small JSON API that acts as people in the fake platform's world. Only ever mounted
 * by startSandbox, i.e. when the bot runs against the embedded fake platform.
 */
export function createSandboxUi(fake: FakePlatform, log: Logger): SandboxUi {
  let runtime: Runtime | undefined;
  let version = 0;
  const deliveryErrors = new Map<string, string>();
  fake.onChange(() => {
    version += 1;
  });
  const need = (): Runtime => {
    if (!runtime) throw new SandboxInputError("支部助手还在启动，请稍候刷新。");
    return runtime;
  };

  const router = new Router({ prefix: SANDBOX_PREFIX });
  router.get("/", (ctx) => serveStatic(ctx, "index.html"));
  router.get("/static/:file", (ctx) => serveStatic(ctx, ctx.params.file ?? ""));
  router.get("/api/state", async (ctx) => {
    ctx.set("cache-control", "no-store");
    ctx.body = await buildSnapshot(need(), fake, version, deliveryErrors);
  });
  // Cheap polling instead of a held-open stream: nothing keeps the server from stopping.
  router.get("/api/poll", (ctx) => {
    ctx.set("cache-control", "no-store");
    ctx.body = { version, clock: runtime ? runtime.clock.now().toISOString() : null };
  });
  router.post("/api/send", async (ctx) => {
    ctx.body = await sendAsPerson(fake, await parseBody(ctx, sendSchema), deliveryErrors);
  });
  router.post("/api/card-action", async (ctx) => {
    ctx.body = await clickAsPerson(fake, await parseBody(ctx, cardActionSchema));
  });
  router.post("/api/clock", async (ctx) => {
    const body = await parseBody(ctx, clockSchema);
    const runtime = need();
    ctx.body = "ms" in body ? advanceClock(runtime, body.ms) : jumpClock(runtime, body.to, runtime.bot.deps.timezone);
  });
  // A file the bot uploaded (the record book, the 台账), handed out as Feishu's client would on a click.
  router.get("/api/file/:key", (ctx) => {
    const file = fake.files.get(ctx.params.key ?? "");
    if (!file?.data) {
      ctx.status = 404;
      ctx.body = { error: "没有这个文件（或文件内容没有保存在沙盒里）" };
      return;
    }
    ctx.attachment(file.name);
    ctx.set("cache-control", "no-store");
    ctx.body = file.data;
  });
  router.post("/api/fault", async (ctx) => {
    ctx.body = injectSendFault(fake, (await parseBody(ctx, faultSchema)).kind);
  });

  const routes = router.routes();
  const middleware: Koa.Middleware = async (ctx, next) => {
    if (ctx.path === SANDBOX_PREFIX) return ctx.redirect(`${SANDBOX_PREFIX}/`);
    if (!ctx.path.startsWith(`${SANDBOX_PREFIX}/`)) return next();
    try {
      await routes(ctx as Parameters<typeof routes>[0], next);
    } catch (err) {
      const known = err instanceof SandboxInputError || err instanceof BodyTooLargeError;
      if (!known) log.warn({ err: (err as Error).message, path: ctx.path }, "sandbox ui: request failed");
      ctx.status = known ? 400 : 500;
      ctx.body = { error: known ? (err as Error).message : `沙盒出错：${(err as Error).message}` };
    }
  };
  return {
    middleware,
    attach(r) {
      runtime = r;
    },
  };
}

async function parseBody<S extends z.ZodType>(ctx: Koa.Context, schema: S): Promise<z.infer<S>> {
  const raw = await readRawBody(ctx.req, MAX_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8") || "{}");
  } catch {
    throw new SandboxInputError("请求不是合法的 JSON。");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new SandboxInputError(parsed.error.issues.map((i) => i.message).join("；"));
  return parsed.data;
}

async function serveStatic(ctx: Koa.Context, file: string): Promise<void> {
  // Flat folder, plain names only: nothing outside static/ can be asked for.
  const type = CONTENT_TYPES[extname(file)];
  if (!/^[\w-]+\.[a-z]+$/.test(file) || !type) {
    ctx.status = 404;
    return;
  }
  try {
    ctx.body = await readFile(join(STATIC_DIR, file));
  } catch {
    ctx.status = 404;
    return;
  }
  ctx.type = type;
  ctx.set("cache-control", "no-cache");
}
