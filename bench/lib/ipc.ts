import { fork, type ChildProcess } from "node:child_process";

/**
 * A tiny request/response protocol over Node's IPC channel, so the driver can steer the
 * child processes (fake platform, probe inside the bot, bare endpoint) without extra ports.
 */
export type Handlers = Record<string, (args: any) => unknown>;

interface Request {
  rpc: number;
  cmd: string;
  args: unknown;
}

export function serveRpc(handlers: Handlers): void {
  process.on("message", async (msg: Request) => {
    if (!msg || typeof msg.rpc !== "number") return;
    const handler = handlers[msg.cmd];
    try {
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      const result = await handler(msg.args);
      process.send!({ rpc: msg.rpc, result });
    } catch (err) {
      process.send!({ rpc: msg.rpc, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  process.send!({ ready: true });
}

export class RpcClient {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();

  /** Resolves when the child has registered its handlers. */
  readonly ready: Promise<void>;

  constructor(readonly child: ChildProcess) {
    let markReady: () => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      child.once("exit", (code, signal) => reject(new Error(`child exited (${code ?? signal}) during start`)));
    });
    this.ready.catch(() => {});
    child.on("message", (msg: { rpc?: number; result?: unknown; error?: string; ready?: boolean }) => {
      if (msg?.ready) markReady();
      if (typeof msg?.rpc !== "number") return;
      const w = this.waiting.get(msg.rpc);
      if (!w) return;
      this.waiting.delete(msg.rpc);
      if (msg.error) w.reject(new Error(msg.error));
      else w.resolve(msg.result);
    });
    child.on("exit", (code, signal) => {
      for (const w of this.waiting.values()) w.reject(new Error(`child exited (${code ?? signal}) before answering`));
      this.waiting.clear();
    });
  }

  call<T = any>(cmd: string, args?: unknown): Promise<T> {
    const rpc = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(rpc, { resolve, reject });
      this.child.send({ rpc, cmd, args });
    });
  }
}

/** Forks a TypeScript module (through tsx) with an IPC channel; its stderr goes to ours. */
export function forkTs(modulePath: string, opts: { env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}): RpcClient {
  const child = fork(modulePath, [], {
    execArgv: ["--import", "tsx", ...(opts.execArgv ?? [])],
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    serialization: "advanced",
  });
  return new RpcClient(child);
}

