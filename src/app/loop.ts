import { describeError, type Logger } from "../core/log.ts";

/**
 * A background loop: runs `step`, which answers how long to wait before running again (0 =
 * at once), sleeping in between unless kicked. Stopping waits for the step in progress.
 */
export class Loop {
  private stopped = true;
  private running = false;
  private wake?: () => void;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly name: string,
    private readonly step: () => Promise<number>,
    private readonly log: Logger,
  ) {}

  kick(): void {
    this.wake?.();
  }

  start(): void {
    this.stopped = false;
    void this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.running = true;
      let waitMs = 1000;
      try {
        waitMs = await this.step();
      } catch (err) {
        this.log.error({ loop: this.name, err: describeError(err) }, "background loop step failed");
      }
      this.running = false;
      if (this.stopped) continue;
      if (waitMs <= 0) {
        // More to do at once, but let the server answer its requests first: SQLite calls
        // resolve without real I/O, so a busy loop would never give way to Lark's pushes.
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, waitMs);
      });
      this.wake = undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
    while (this.running) await new Promise((r) => setTimeout(r, 10));
  }
}
