import type { IncomingHttpHeaders } from "node:http";
import { TOKEN_PATH, type TokenStore } from "./auth.ts";
import type { PlatformContext } from "./context.ts";
import { ApiError, fieldValidation, notFound } from "./errors.ts";
import type { FaultInjector } from "./faults.ts";
import { isRecord, type ApiResponse, type Router } from "./http.ts";
import { randomHex } from "./ids.ts";
import { WS_ENDPOINT_PATH } from "./ws-server.ts";

/** Calls that authenticate with the app id/secret in their body instead of a bearer token. */
const UNAUTHENTICATED_PATHS = new Set([TOKEN_PATH, WS_ENDPOINT_PATH]);

/** One Open Platform HTTP call, independent of Koa. */
export interface IncomingCall {
  method: string;
  /** Path below the mount prefix, e.g. "/open-apis/im/v1/messages". */
  path: string;
  /** Query string without the leading "?". */
  query: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** Set when a body parser upstream already consumed the stream. */
  parsedBody?: unknown;
}

/** Order: fault → 404 → auth → route, then record. Faults and auth errors never reach a route, so they have no side effects. */
export class Dispatcher {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly router: Router,
    private readonly tokens: TokenStore,
    private readonly faults: FaultInjector,
  ) {}

  async handle(call: IncomingCall): Promise<ApiResponse> {
    const arrivedAt = Date.now(); // wall clock, as Lark counts its rate limits
    const logId = `${randomHex(16)}`;
    let response: ApiResponse;
    try {
      response = await this.route(call);
    } catch (e) {
      response = toErrorResponse(e, logId);
    }
    response.headers = { ...response.headers, "x-tt-logid": logId };
    this.record(call, response, arrivedAt);
    return response;
  }

  private async route(call: IncomingCall): Promise<ApiResponse> {
    const delay = this.faults.delayFor(call.method, call.path);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const fault = this.faults.check(call.method, call.path);
    if (fault) throw fault;
    // Unknown paths 404 before auth, so a wrong URL in the bot is reported as such.
    const match = this.router.match(call.method, call.path);
    if (!match) throw notFound();
    if (!UNAUTHENTICATED_PATHS.has(call.path)) {
      const auth = call.headers.authorization;
      this.tokens.check(Array.isArray(auth) ? auth[0] : auth, Date.now()); // wall clock, see TokenStore
    }
    const contentType = String(call.headers["content-type"] ?? "");
    return match.handler({
      method: call.method.toUpperCase(),
      path: call.path,
      query: new URLSearchParams(call.query),
      headers: call.headers,
      body: parseJsonBody(call, contentType),
      rawBody: call.rawBody,
      contentType,
      params: match.params,
    });
  }

  private record(call: IncomingCall, response: ApiResponse, arrivedAt: number): void {
    const code = isRecord(response.body) && typeof response.body.code === "number" ? response.body.code : null;
    this.ctx.world.calls.push({
      at: this.ctx.nowMs(),
      arrivedAt,
      method: call.method.toUpperCase(),
      path: call.path,
      query: call.query,
      status: response.status,
      code,
      body: summarize(call),
    });
    this.ctx.world.emit({ kind: "call" });
  }
}

function parseJsonBody(call: IncomingCall, contentType: string): Record<string, unknown> {
  if (call.parsedBody !== undefined) return isRecord(call.parsedBody) ? call.parsedBody : {};
  if (contentType.toLowerCase().startsWith("multipart/") || call.rawBody.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.rawBody.toString("utf8"));
  } catch {
    throw fieldValidation("request body is not valid JSON");
  }
  return isRecord(parsed) ? parsed : {};
}

function summarize(call: IncomingCall): string {
  const contentType = String(call.headers["content-type"] ?? "");
  if (contentType.toLowerCase().startsWith("multipart/")) return `[multipart ${call.rawBody.length} bytes]`;
  const text = call.parsedBody !== undefined ? JSON.stringify(call.parsedBody) ?? "" : call.rawBody.toString("utf8");
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function toErrorResponse(e: unknown, logId: string): ApiResponse {
  if (e instanceof ApiError) {
    return { status: e.status, body: { code: e.code, msg: e.message, error: { log_id: logId } }, headers: e.headers };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { status: 500, body: { code: 1, msg: `fake platform internal error: ${message}`, error: { log_id: logId } } };
}
