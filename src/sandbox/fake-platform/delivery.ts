import type { PlatformContext } from "./context.ts";
import { encryptPayload, signBody } from "./crypto.ts";
import { newEventId, randomHex } from "./ids.ts";

export type BotPath = "/lark/events" | "/lark/cards" | (string & {});

/** How events reach the bot: signed, encrypted POSTs (webhook) or frames over its long connection. */
export type PushMode = "webhook" | "websocket";

/** The long-connection side (ws-server.ts): push one plaintext envelope, resolve with the client's ack. */
export interface LongConnectionPusher {
  push(envelope: Record<string, unknown>, timeoutMs: number): Promise<HttpResult>;
}

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
  /**
   * HTTP status of the bot's answer, or the ack's code over the long connection (200, or 500 when
   * the handler threw); 0 when nothing answered (connection refused, no client connected, timeout).
   */
  status: number;
  /** Parsed JSON body of the answer (over the long connection: the ack's decoded `data`), or its text ("" when empty). */
  body: unknown;
  transport: PushMode;
  eventId: string;
  eventType: string;
  /** The plaintext body before encryption. */
  envelope: Record<string, unknown>;
  /** Exactly what was POSTed (over the long connection: the plaintext JSON sent as the frame payload). */
  rawBody: string;
  /** The webhook path; kept for long-connection pushes too, so a redelivery works in either mode. */
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
  mode: PushMode = "webhook";

  constructor(
    private readonly ctx: PlatformContext,
    private readonly longConnection: LongConnectionPusher,
  ) {}

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

  /** The same envelope (same event_id) again, over the current push mode: fresh IV, timestamp, nonce and signature, like a Lark retry. */
  redeliver(previous: DeliveryResult): Promise<DeliveryResult> {
    const wasPlaintext = previous.transport === "webhook" && !("encrypt" in safeParse(previous.rawBody));
    const plaintext = wasPlaintext && Boolean(this.ctx.opts.encryptKey);
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
    const transport = this.mode;
    // Over the long connection Lark sends the plaintext envelope: no encryption, no signature.
    const rawBody = transport === "websocket" ? JSON.stringify(envelope) : this.wrap(JSON.stringify(envelope), plaintext);
    const result =
      transport === "websocket"
        ? await this.longConnection.push(envelope, this.ctx.opts.deliveryTimeoutMs)
        : await this.signedRequest(path, rawBody);
    this.ctx.world.pushes.push({ at: this.ctx.nowMs(), path, transport, eventType, eventId, status: result.status, error: result.error });
    this.ctx.world.emit({ kind: "push", id: eventId });
    return { ...result, eventId, eventType, envelope, rawBody, path, transport };
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
