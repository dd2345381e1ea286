import type { PlatformContext } from "./context.ts";
import { encryptPayload, signBody } from "./crypto.ts";
import { newEventId, randomHex } from "./ids.ts";

export type BotPath = "/lark/events" | "/lark/cards" | (string & {});

export interface DeliverOptions {
  eventId?: string;
  path?: BotPath;
  /** `event` is the whole plaintext body: no schema 2.0 envelope is built (legacy or hand-made bodies). */
  raw?: boolean;
  /** Send the JSON unencrypted even though an encryptKey is configured (it is still signed). */
  plaintext?: boolean;
  /** Override header.create_time (a string, as Lark sends it). */
  createTime?: string;
}

export interface DeliveryResult {
  /** HTTP status of the bot's answer; 0 when the request failed (connection refused, timeout). */
  status: number;
  /** Parsed JSON body of the answer, or its text ("" when empty). */
  body: unknown;
  eventId: string;
  eventType: string;
  /** The plaintext body before encryption. */
  envelope: Record<string, unknown>;
  /** Exactly what was POSTed. */
  rawBody: string;
  path: string;
  error?: string;
}

export interface SignedRequestOptions {
  timestamp?: string;
  nonce?: string;
  signatureOverride?: string;
  /** Leave out the three X-Lark-* headers (like Lark's url_verification request). */
  unsigned?: boolean;
  headers?: Record<string, string>;
}

export interface HttpResult {
  status: number;
  body: unknown;
  error?: string;
}

/** Acts as Lark towards the bot: envelopes, encryption, signatures, POSTs. */
export class Deliverer {
  constructor(private readonly ctx: PlatformContext) {}

  botBaseUrl(): string {
    const url = this.ctx.opts.botBaseUrl;
    if (!url) throw new Error("fake platform: botBaseUrl is not set (pass it in the options or call setBotBaseUrl)");
    return url.replace(/\/+$/, "");
  }

  async deliverEvent(eventType: string, event: Record<string, unknown>, opts: DeliverOptions = {}): Promise<DeliveryResult> {
    const eventId = opts.eventId ?? newEventId();
    const envelope = opts.raw ? event : this.envelope(eventType, event, eventId, opts.createTime);
    return this.push(envelope, eventType, eventId, opts.path ?? "/lark/events", opts.plaintext === true);
  }

  /** The same envelope (same event_id) again: fresh IV, timestamp, nonce and signature, like a Lark retry. */
  redeliver(previous: DeliveryResult): Promise<DeliveryResult> {
    const plaintext = !("encrypt" in safeParse(previous.rawBody)) && Boolean(this.ctx.opts.encryptKey);
    return this.push(previous.envelope, previous.eventType, previous.eventId, previous.path, plaintext);
  }

  /** Lark's url_verification probe: no signature headers, encrypted when an encryptKey is set. */
  async challenge(challenge = randomHex(12)): Promise<HttpResult & { challenge: string }> {
    const plain = JSON.stringify({ challenge, token: this.ctx.opts.verificationToken ?? "", type: "url_verification" });
    const result = await this.signedRequest("/lark/events", this.wrap(plain, false), { unsigned: true });
    return { ...result, challenge };
  }

  /** Low-level POST with Lark's headers; lets tests forge timestamps, nonces and signatures. */
  async signedRequest(path: string, rawBody: string, opts: SignedRequestOptions = {}): Promise<HttpResult> {
    // Transport-level: Lark signs with the real wall clock, whatever the bot's demo clock says.
    const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
    const nonce = opts.nonce ?? randomHex(8);
    const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", ...opts.headers };
    const key = this.ctx.opts.encryptKey;
    if (!opts.unsigned && (key || opts.signatureOverride !== undefined)) {
      headers["x-lark-request-timestamp"] = timestamp;
      headers["x-lark-request-nonce"] = nonce;
      headers["x-lark-signature"] = opts.signatureOverride ?? signBody(timestamp, nonce, key ?? "", rawBody);
    }
    try {
      const response = await fetch(`${this.botBaseUrl()}${path}`, {
        method: "POST",
        headers,
        body: rawBody,
        signal: AbortSignal.timeout(this.ctx.opts.deliveryTimeoutMs),
      });
      const text = await response.text();
      return { status: response.status, body: parseMaybeJson(text) };
    } catch (e) {
      return { status: 0, body: "", error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
    }
  }

  private envelope(eventType: string, event: Record<string, unknown>, eventId: string, createTime?: string): Record<string, unknown> {
    const ms = this.ctx.nowMs();
    return {
      schema: "2.0",
      header: {
        event_id: eventId,
        event_type: eventType,
        // IM events carry milliseconds; the card-callback docs show microseconds (16 digits). Mirror both.
        create_time: createTime ?? (eventType === "card.action.trigger" ? `${ms}000` : String(ms)),
        token: this.ctx.opts.verificationToken ?? "",
        app_id: this.ctx.opts.appId,
        tenant_key: this.ctx.opts.tenantKey,
      },
      event,
    };
  }

  /** Compact JSON only: the SDK re-stringifies the parsed body to check the signature. */
  private wrap(plain: string, plaintext: boolean): string {
    const key = this.ctx.opts.encryptKey;
    return key && !plaintext ? JSON.stringify({ encrypt: encryptPayload(plain, key) }) : plain;
  }

  private async push(envelope: Record<string, unknown>, eventType: string, eventId: string, path: string, plaintext: boolean): Promise<DeliveryResult> {
    const rawBody = this.wrap(JSON.stringify(envelope), plaintext);
    const result = await this.signedRequest(path, rawBody);
    this.ctx.world.pushes.push({ at: this.ctx.nowMs(), path, eventType, eventId, status: result.status, error: result.error });
    this.ctx.world.emit({ kind: "push", id: eventId });
    return { ...result, eventId, eventType, envelope, rawBody, path };
  }
}

function parseMaybeJson(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function safeParse(text: string): Record<string, unknown> {
  const parsed = parseMaybeJson(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
}
