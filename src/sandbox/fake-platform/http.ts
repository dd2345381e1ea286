import type { IncomingHttpHeaders } from "node:http";

/** A request as the route handlers see it (prefix stripped, body already parsed). */
export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (or `{}`); multipart bodies stay in `rawBody`. */
  body: Record<string, unknown>;
  rawBody: Buffer;
  contentType: string;
  params: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: ApiRequest) => ApiResponse | Promise<ApiResponse>;

/** `{ code: 0, msg: "success", data }` — the usual Lark success shape. */
export function ok(data: unknown = {}): ApiResponse {
  return { status: 200, body: { code: 0, msg: "success", data } };
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

/** Tiny path-template router (":name" segments). Koa-router is avoided so the fake can be mounted anywhere. */
export class Router {
  private readonly routes: Route[] = [];

  on(method: string, template: string, handler: Handler): this {
    this.routes.push({ method: method.toUpperCase(), segments: template.split("/").filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    const parts = path.split("/").filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method.toUpperCase() || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const hit = route.segments.every((seg, i) => {
        const part = parts[i] ?? "";
        if (seg.startsWith(":")) {
          params[seg.slice(1)] = decodeURIComponent(part);
          return true;
        }
        return seg === part;
      });
      if (hit) return { handler: route.handler, params };
    }
    return undefined;
  }
}

// Small typed readers for loosely typed JSON bodies.
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
