import { createServer, type IncomingMessage, type Server } from "node:http";

/**
 * A round-robin load balancer in front of several bot instances, as a deployment puts one
 * between Lark and them: each push goes to the next instance; one that refuses the connection
 * (dead) is skipped; one that dies mid-request leaves the push unanswered (502), which Lark
 * retries later. Lark's signature headers pass through untouched.
 */
export class Balancer {
  private next = 0;
  readonly served = new Map<number, number>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly upstreams: () => number[],
  ) {}

  static async start(port: number, upstreams: () => number[]): Promise<Balancer> {
    let balancer!: Balancer;
    const server = createServer((req, res) => {
      void balancer.forward(req).then(
        ({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    balancer = new Balancer(server, port, upstreams);
    return balancer;
  }

  private async forward(req: IncomingMessage): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => typeof v === "string" && !["host", "connection", "content-length"].includes(k)),
    ) as Record<string, string>;
    const ports = this.upstreams();
    for (let tried = 0; tried < ports.length; tried++) {
      const port = ports[this.next++ % ports.length]!;
      let res: Response;
      try {
        res = await fetch(`http://127.0.0.1:${port}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
      } catch (err) {
        if (refused(err)) continue; // not listening: the next instance takes it
        throw err; // cut off mid-request: unanswered
      }
      this.served.set(port, (this.served.get(port) ?? 0) + 1);
      const answer = Buffer.from(await res.arrayBuffer());
      return { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/json" }, body: answer };
    }
    throw new Error("no instance is listening");
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function refused(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code === "ECONNREFUSED";
}
