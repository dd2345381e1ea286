import Router from "@koa/router";
import type Koa from "koa";
import type { Ingest } from "../app/ingest.ts";
import type { Logger } from "../core/log.ts";
import { answerCard, toLarkCardResponse } from "./dispatcher.ts";
import { normalizeCardAction } from "./normalize.ts";
import { jsonTooDeep, MAX_JSON_DEPTH } from "./depth.ts";
import { BodyTooLargeError, readRawBody } from "./raw-body.ts";
import { checkSignature, checkTimestamp, tokensEqual, type VerifyResult } from "./verify.ts";
import { lark, type EventDispatcher } from "./sdk.ts";

export interface WebhookOptions {
  dispatcher: EventDispatcher;
  ingest: Ingest;
  encryptKey?: string;
  verificationToken?: string;
  log: Logger;
  maxBodyBytes?: number;
  nowMs?: () => number;
}

type Envelope = Record<string, any>;

class Refusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function header(ctx: Koa.Context, name: string): string | undefined {
  const v = ctx.get(name);
  return v === "" ? undefined : v;
}

/**
 * POST /lark/events and POST /lark/cards. Everything Lark's SDK adapter skips is done here:
 * raw-body signatures in constant time, a 5-minute timestamp window, the verification token,
 * size and content-type limits, 401 for refused requests, and always 200 + JSON when accepted.
 */
export function webhookRouter(opts: WebhookOptions): Router {
  const router = new Router();
  const limit = opts.maxBodyBytes ?? 1024 * 1024;
  const nowMs = opts.nowMs ?? Date.now;
  const cipher = opts.encryptKey ? new lark.AESCipher(opts.encryptKey) : undefined;

  const parse = async (ctx: Koa.Context): Promise<{ raw: Buffer; body: Envelope }> => {
    if (!ctx.is("application/json")) throw new Refusal(415, "content type must be application/json");
    let raw: Buffer;
    try {
      raw = await readRawBody(ctx.req, limit);
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new Refusal(413, err.message);
      throw new Refusal(400, "unreadable body");
    }
    let body: unknown;
    const text = raw.toString("utf8");
    if (jsonTooDeep(text)) throw new Refusal(400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      body = JSON.parse(text);
    } catch {
      throw new Refusal(400, "malformed JSON");
    }
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new Refusal(400, "body is not a JSON object");
    return { raw, body: body as Envelope };
  };

  const decrypt = (body: Envelope): Envelope => {
    if (typeof body.encrypt !== "string") return body;
    if (!cipher) throw new Refusal(400, "encrypted body but no LARK_ENCRYPT_KEY configured");
    let plain: string;
    try {
      plain = cipher.decrypt(body.encrypt);
    } catch {
      throw new Refusal(401, "cannot decrypt body (wrong encrypt key?)");
    }
    if (jsonTooDeep(plain)) throw new Refusal(400, `JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      return JSON.parse(plain) as Envelope;
    } catch {
      throw new Refusal(401, "cannot decrypt body (wrong encrypt key?)");
    }
  };

  const isLegacyCard = (p: Envelope) => !p.schema && !!p.action && !!p.open_message_id;

  const verify = (ctx: Koa.Context, raw: Buffer, wire: Envelope, plain: Envelope): VerifyResult => {
    const h = { timestamp: header(ctx, "x-lark-request-timestamp"), nonce: header(ctx, "x-lark-request-nonce"), signature: header(ctx, "x-lark-signature") };
    const token = plain.header?.token ?? plain.token;
    if (opts.verificationToken && !tokensEqual(opts.verificationToken, token)) return { ok: false, reason: "verification token mismatch" };
    if (isLegacyCard(plain) && typeof wire.encrypt !== "string") {
      if (!opts.verificationToken) return opts.encryptKey ? { ok: false, reason: "legacy card callback needs LARK_VERIFICATION_TOKEN" } : { ok: true };
      return checkSignature(h, raw, opts.verificationToken, "sha1", nowMs());
    }
    if (opts.encryptKey) return checkSignature(h, raw, opts.encryptKey, "sha256", nowMs());
    // No encrypt key: Lark sends no signature; the token (checked above) is all there is, plus
    // the timestamp when present, so an old captured request cannot be replayed later.
    return h.timestamp ? checkTimestamp(h.timestamp, nowMs()) : { ok: true };
  };

  const handle = (path: "events" | "cards") => async (ctx: Koa.Context) => {
    ctx.type = "application/json";
    try {
      const { raw, body } = await parse(ctx);
      const plain = decrypt(body);
      if (plain.type === "url_verification") {
        // The challenge carries no signature headers; the token (or decryption) vouches for it.
        if (opts.verificationToken && !tokensEqual(opts.verificationToken, plain.token)) throw new Refusal(401, "verification token mismatch");
        ctx.status = 200;
        ctx.body = { challenge: plain.challenge };
        return;
      }
      const verdict = verify(ctx, raw, body, plain);
      if (!verdict.ok) throw new Refusal(401, verdict.reason);
      let answer: unknown;
      if (path === "cards" && isLegacyCard(plain)) {
        // Legacy callbacks expect 1.0 cards; answer with the toast only, updates go by patch.
        const r = await answerCard(opts.ingest, normalizeCardAction(plain));
        answer = r.toast ? { toast: r.toast } : {};
      } else {
        answer = await opts.dispatcher.invoke(plain, { needCheck: false });
      }
      ctx.status = 200;
      ctx.body = answer && typeof answer === "object" ? answer : {};
    } catch (err) {
      if (err instanceof Refusal) {
        opts.log.warn({ path: ctx.path, status: err.status, reason: err.message, ip: ctx.ip }, "webhook request refused");
        ctx.status = err.status;
        ctx.body = { code: err.status, msg: err.message };
        if (err.status === 413) ctx.set("Connection", "close"); // stop a sender that keeps streaming
        return;
      }
      opts.log.error({ path: ctx.path, err: (err as Error).message }, "webhook request failed");
      ctx.status = 500;
      ctx.body = { code: 500, msg: "internal error" };
    }
  };

  router.post("/lark/events", handle("events"));
  router.post("/lark/cards", handle("cards"));
  return router;
}

export { toLarkCardResponse };
