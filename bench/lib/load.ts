/**
 * The load generator: keep-alive HTTP/1.1 over loopback with node:http. Closed loop: N
 * connections each send the next request as soon as the previous answer arrived. Open loop:
 * requests start on a fixed schedule whatever the answers do (as Lark pushes), and latency is
 * measured from the scheduled start, so a stalled server cannot hide its queue.
 */
import http from "node:http";
import type { SignedPost } from "./lark.ts";

export interface Outcome {
  id: string;
  status: number;
  /** ms from the (scheduled) start to the full answer. */
  latencyMs: number;
  /** performance.now() when the answer was complete. */
  doneAt: number;
  /** The socket error, when there was no answer (status 0). */
  error?: string;
  body?: string;
}

export interface LoadResult {
  outcomes: Outcome[];
  startedAt: number;
  endedAt: number;
  /** Wall-clock ms at the start (to compare with the fake platform's message times). */
  startedWall: number;
}

function post(agent: http.Agent, base: URL, req: SignedPost, keepBody: boolean): Promise<{ status: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const r = http.request(
      { agent, host: base.hostname, port: base.port, method: "POST", path: req.path, headers: { ...req.headers, "content-length": String(req.body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => keepBody && chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: keepBody ? Buffer.concat(chunks).toString("utf8") : undefined }));
        res.on("error", (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? err.message }));
      },
    );
    r.on("error", (err: NodeJS.ErrnoException) => resolve({ status: 0, error: err.code ?? err.message }));
    r.end(req.body);
  });
}

/** One bot's address, or several instances': requests are spread over them in turn, as a load balancer does. */
export type Target = string | string[];
const basesOf = (target: Target) => (Array.isArray(target) ? target : [target]).map((u) => new URL(u));

export async function closedLoop(opts: { url: Target; connections: number; durationMs: number; next: () => SignedPost | undefined; keepBody?: boolean }): Promise<LoadResult> {
  const bases = basesOf(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const outcomes: Outcome[] = [];
  const startedWall = Date.now();
  const startedAt = performance.now();
  const end = startedAt + opts.durationMs;
  const worker = async (_: unknown, connection: number) => {
    const base = bases[connection % bases.length]!;
    while (performance.now() < end) {
      const req = opts.next();
      if (!req) return;
      const t = performance.now();
      const { status, body, error } = await post(agent, base, req, !!opts.keepBody);
      const doneAt = performance.now();
      outcomes.push({ id: req.id, status, latencyMs: doneAt - t, doneAt, body, error });
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  const endedAt = performance.now();
  agent.destroy();
  return { outcomes, startedAt, endedAt, startedWall };
}

/** `schedule` gives each request's start offset (ms from the start); requests go out at those times. */
export async function openLoop(opts: { url: Target; schedule: Array<{ atMs: number; req: SignedPost }>; keepBody?: boolean; maxSockets?: number }): Promise<LoadResult> {
  const bases = basesOf(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.maxSockets ?? 512 });
  const outcomes: Outcome[] = [];
  const pending: Array<Promise<void>> = [];
  const startedWall = Date.now();
  const startedAt = performance.now();
  for (const [i, { atMs, req }] of opts.schedule.entries()) {
    const base = bases[i % bases.length]!;
    const due = startedAt + atMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      post(agent, base, req, !!opts.keepBody).then(({ status, body, error }) => {
        const doneAt = performance.now();
        outcomes.push({ id: req.id, status, latencyMs: doneAt - due, doneAt, body, error });
      }),
    );
  }
  await Promise.all(pending);
  const endedAt = performance.now();
  agent.destroy();
  return { outcomes, startedAt, endedAt, startedWall };
}

/** Fixed-interval schedule: `rate` per second for `durationMs`. */
export function uniformSchedule(rate: number, durationMs: number): number[] {
  const n = Math.floor((rate * durationMs) / 1000);
  return Array.from({ length: n }, (_, i) => (i * 1000) / rate);
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}
