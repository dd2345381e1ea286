import { describeError, type Logger } from "../core/log.ts";

/**
 * One loop that keeps running the given steps (process events, run due jobs) while they find
 * work, and otherwise sleeps until kicked or until the next poll.
 */
export class Worker {
  private steps: Array<() => Promise<number>> = [];
  private afterWork: () => void = () => {};
  private log?: Logger;
  private stopped = true;
  private running = false;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;

  configure(opts: { log: Logger; steps: Array<() => Promise<number>>; afterWork?: () => void }): void {
    this.log = opts.log;
    this.steps = opts.steps;
    this.afterWork = opts.afterWork ?? (() => {});
  }

  kick(): void {
    this.wake?.();
  }

  start(pollMs = 500): void {
    this.stopped = false;
    const loop = async () => {
      while (!this.stopped) {
        this.running = true;
        let did = 0;
        try {
          for (const step of this.steps) did += await step();
        } catch (err) {
          this.log?.error({ err: describeError(err) }, "worker step failed");
        }
        this.running = false;
        if (did > 0) {
          this.afterWork();
          continue;
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, pollMs);
        });
        this.wake = undefined;
      }
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }
}
