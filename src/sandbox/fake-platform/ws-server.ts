import type { IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { PlatformContext } from "./context.ts";
import type { HttpResult } from "./delivery.ts";
import { ok, str, type ApiResponse, type Router } from "./http.ts";
import { randomHex } from "./ids.ts";
import { decodeFrame, encodeFrame, FRAME_CONTROL, FRAME_DATA, headerOf, type Frame } from "./pbbp2.ts";

/** Endpoint discovery; the SDK calls `${domain}/callback/ws/endpoint` (no /open-apis). */
export const WS_ENDPOINT_PATH = "/callback/ws/endpoint";

/** Sent on discovery and in every pong; intervals in seconds, ReconnectCount −1 = forever. */
export interface WsClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

/**
 * Real Lark uses ReconnectInterval 120 and ReconnectNonce 30 (a dropped client may wait minutes).
 * The fake reconnects at once so tests and the sandbox recover within a second; the ping interval is Lark's.
 */
export const DEFAULT_WS_CLIENT_CONFIG: WsClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 };

export interface LongConnectionOptions {
  clientConfig?: Partial<WsClientConfig>;
  /** Split event payloads into fragments of at most this many bytes (0 = never), to exercise the SDK's reassembly. */
  fragmentBytes?: number;
}

export interface WsConnectionInfo {
  id: number;
  /** handshaking: socket open, no ping yet; ready: receives pushes; silent: half-open, the platform no longer answers. */
  state: "handshaking" | "ready" | "silent";
  deviceId: string;
  /** Wall-clock ms. */
  connectedAt: number;
  pings: number;
}

const MAX_CONNECTIONS_PER_APP = 50; // Lark's limit; the SDK maps the error to a terminal onError
const TICKET_LIFETIME_MS = 5 * 60_000;
const SERVICE_ID = 33554678;
const CODE_AUTH_FAILED = 514;
const CODE_EXCEED_CONN_LIMIT = 1000040350;

class Connection {
  state: WsConnectionInfo["state"] = "handshaking";
  pings = 0;
  readonly connectedAt = Date.now();
  /** Pushes waiting for their ack, by the frame's message_id header. */
  readonly pending = new Map<string, (result: HttpResult) => void>();

  constructor(
    readonly id: number,
    readonly socket: WebSocket,
    readonly deviceId: string,
  ) {}

  info(): WsConnectionInfo {
    return { id: this.id, state: this.state, deviceId: this.deviceId, connectedAt: this.connectedAt, pings: this.pings };
  }
}

/**
 * Lark's long-connection gateway: endpoint discovery (with the app id/secret check) and a
 * standalone WebSocket server on its own ephemeral port on 127.0.0.1, started at the first
 * discovery. It speaks pbbp2 frames: answers pings with pongs carrying the ClientConfig, pushes
 * events as `type: event` data frames and waits for the client's ack (`{"code":200,"data":base64}`).
 */
export class LongConnectionServer {
  private server: WebSocketServer | undefined;
  private listening: Promise<string> | undefined;
  private readonly connections = new Map<number, Connection>();
  private readonly tickets = new Map<string, { deviceId: string; issuedAt: number }>();
  private readonly watchers = new Set<() => void>();
  private nextConnectionId = 1;
  private nextSeqId = 1n;
  private config: WsClientConfig = { ...DEFAULT_WS_CLIENT_CONFIG };
  private fragmentBytes = 0;

  constructor(private readonly ctx: PlatformContext) {}

  configure(opts: LongConnectionOptions): void {
    if (opts.clientConfig) this.config = { ...this.config, ...opts.clientConfig };
    if (opts.fragmentBytes !== undefined) this.fragmentBytes = opts.fragmentBytes;
  }

  registerRoute(router: Router): void {
    router.on("POST", WS_ENDPOINT_PATH, (req) => this.discover(req.body));
  }

  /** `POST /callback/ws/endpoint` with `{ AppID, AppSecret }`. Errors are HTTP 200 with a code, as the SDK expects. */
  async discover(body: Record<string, unknown>): Promise<ApiResponse> {
    const { appId, appSecret } = this.ctx.opts;
    if (str(body.AppID) !== appId || str(body.AppSecret) !== appSecret) {
      return { status: 200, body: { code: CODE_AUTH_FAILED, msg: "auth failed", data: {} } };
    }
    if (this.connections.size >= MAX_CONNECTIONS_PER_APP) {
      return { status: 200, body: { code: CODE_EXCEED_CONN_LIMIT, msg: "exceed connection limit", data: {} } };
    }
    const base = await this.listen();
    const deviceId = String(BigInt(`0x${randomHex(7)}`));
    const ticket = randomHex(16);
    this.pruneTickets();
    this.tickets.set(ticket, { deviceId, issuedAt: Date.now() });
    // The SDK reads device_id and service_id with qs.parse(URL) over the whole URL, so neither may come first.
    const query = new URLSearchParams({ fpid: "1", aid: "1", device_id: deviceId, access_key: randomHex(16), service_id: String(SERVICE_ID), ticket });
    return ok({ URL: `${base}/ws/v2?${query.toString()}`, ClientConfig: this.config });
  }

  /** Pushes one envelope to a random ready client (cluster mode: no broadcast) and waits for its ack. */
  push(envelope: Record<string, unknown>, timeoutMs: number): Promise<HttpResult> {
    const ready = [...this.connections.values()].filter((c) => c.state === "ready");
    const conn = ready[Math.floor(Math.random() * ready.length)];
    if (!conn) return Promise.resolve({ status: 0, body: "", error: "no long-connection client is connected" });
    const messageId = randomHex(16);
    const frames = this.eventFrames(messageId, new TextEncoder().encode(JSON.stringify(envelope)));
    return new Promise((resolve) => {
      const finish = (result: HttpResult) => {
        clearTimeout(timer);
        conn.pending.delete(messageId);
        resolve(result);
      };
      const timer = setTimeout(() => finish({ status: 0, body: "", error: `no ack within ${timeoutMs} ms` }), timeoutMs);
      conn.pending.set(messageId, finish);
      for (const frame of frames) {
        conn.socket.send(frame, (err) => {
          if (err) finish({ status: 0, body: "", error: `send failed: ${err.message}` });
        });
      }
    });
  }

  list(): WsConnectionInfo[] {
    return [...this.connections.values()].map((c) => c.info());
  }

  /** Closes every socket (the client reconnects), or with `silent` keeps them open but stops answering (half-open TCP). */
  drop(opts: { silent?: boolean } = {}): number {
    const targets = [...this.connections.values()].filter((c) => c.state !== "silent");
    for (const conn of targets) {
      if (opts.silent) {
        conn.state = "silent";
      } else {
        this.forget(conn, "connection dropped by the platform");
        conn.socket.terminate();
      }
    }
    this.notify();
    return targets.length;
  }

  /** Resolves once a client has connected and pinged (from then on it has its message listener and can receive pushes). */
  waitForClient(timeoutMs: number): Promise<WsConnectionInfo> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const conn = [...this.connections.values()].find((c) => c.state === "ready");
        if (!conn) return;
        done();
        resolve(conn.info());
      };
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake platform: no long-connection client connected within ${timeoutMs} ms`));
      }, timeoutMs);
      this.watchers.add(check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const conn of [...this.connections.values()]) {
      this.forget(conn, "platform closed");
      conn.socket.terminate();
    }
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private listen(): Promise<string> {
    this.listening ??= new Promise<string>((resolve, reject) => {
      const server = new WebSocketServer({ host: "127.0.0.1", port: 0, verifyClient: (info, cb) => this.verify(info.req, cb) });
      server.once("listening", () => resolve(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`));
      server.once("error", (err) => {
        this.listening = undefined;
        reject(err);
      });
      server.on("connection", (socket, req) => this.accept(socket, req));
      this.server = server;
    });
    return this.listening;
  }

  /** Only a ticket issued by discovery opens a socket, once; a stale URL gets 403 (the SDK retries with a fresh discovery). */
  private verify(req: IncomingMessage, cb: (ok: boolean, code?: number, message?: string) => void): void {
    const ticket = new URL(req.url ?? "/", "ws://fake").searchParams.get("ticket") ?? "";
    const issued = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (!issued || Date.now() - issued.issuedAt > TICKET_LIFETIME_MS) return cb(false, 403, "invalid or expired ticket");
    cb(true);
  }

  private accept(socket: WebSocket, req: IncomingMessage): void {
    const deviceId = new URL(req.url ?? "/", "ws://fake").searchParams.get("device_id") ?? "";
    const conn = new Connection(this.nextConnectionId++, socket, deviceId);
    this.connections.set(conn.id, conn);
    socket.on("message", (data) => this.receive(conn, toBytes(data)));
    socket.on("close", () => this.forget(conn, "connection closed"));
    socket.on("error", () => {}); // 'close' follows and cleans up
    this.notify();
  }

  private receive(conn: Connection, bytes: Uint8Array): void {
    if (conn.state === "silent") return; // half-open: nothing the client sends arrives
    let frame: Frame;
    try {
      frame = decodeFrame(bytes);
    } catch {
      return; // a real gateway drops garbage; nothing to answer
    }
    if (frame.method === FRAME_CONTROL && headerOf(frame, "type") === "ping") return this.pong(conn, frame);
    if (frame.method === FRAME_DATA) {
      const messageId = headerOf(frame, "message_id") ?? "";
      conn.pending.get(messageId)?.(parseAck(frame.payload));
    }
  }

  private pong(conn: Connection, ping: Frame): void {
    conn.pings += 1;
    if (conn.state === "handshaking") {
      conn.state = "ready";
      this.notify();
    }
    const payload = new TextEncoder().encode(JSON.stringify(this.config));
    conn.socket.send(encodeFrame({ SeqID: 0n, LogID: 0n, service: ping.service, method: FRAME_CONTROL, headers: [{ key: "type", value: "pong" }], payload }));
  }

  private eventFrames(messageId: string, payload: Uint8Array): Uint8Array[] {
    const size = this.fragmentBytes > 0 ? this.fragmentBytes : payload.length || 1;
    const parts: Uint8Array[] = [];
    for (let at = 0; at < payload.length; at += size) parts.push(payload.slice(at, at + size));
    const traceId = randomHex(16);
    return parts.map((part, seq) =>
      encodeFrame({
        SeqID: this.nextSeqId++,
        LogID: BigInt(`0x${randomHex(6)}`),
        service: SERVICE_ID,
        method: FRAME_DATA,
        headers: [
          { key: "type", value: "event" },
          { key: "message_id", value: messageId },
          { key: "sum", value: String(parts.length) },
          { key: "seq", value: String(seq) },
          { key: "trace_id", value: traceId },
        ],
        payload: part,
      }),
    );
  }

  private forget(conn: Connection, reason: string): void {
    if (!this.connections.delete(conn.id)) return;
    for (const finish of [...conn.pending.values()]) finish({ status: 0, body: "", error: reason });
    this.notify();
  }

  private pruneTickets(): void {
    const now = Date.now();
    for (const [ticket, t] of this.tickets) if (now - t.issuedAt > TICKET_LIFETIME_MS) this.tickets.delete(ticket);
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }
}

/** The client's ack: `{"code":200,"data":base64(JSON(handlerReturn))}`; the code plays the HTTP status. */
function parseAck(payload: Uint8Array | undefined): HttpResult {
  let ack: { code?: unknown; data?: unknown };
  try {
    ack = JSON.parse(new TextDecoder().decode(payload ?? new Uint8Array()));
  } catch {
    return { status: 0, body: "", error: "malformed ack payload" };
  }
  const status = typeof ack.code === "number" ? ack.code : 0;
  if (typeof ack.data !== "string") return { status, body: "" };
  const text = Buffer.from(ack.data, "base64").toString("utf8");
  try {
    return { status, body: JSON.parse(text) };
  } catch {
    return { status, body: text };
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
