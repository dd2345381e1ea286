/**
 * Sliding-window limits as Lark documents them for message sends: 50/s and 1,000/min per
 * app, 5/s per chat or user. `reserve` answers how long to wait before a send is allowed.
 * In-process: with several instances, give each a share of the app limits (README).
 */
export interface SendLimits {
  perAppPerSecond: number;
  perAppPerMinute: number;
  perTargetPerSecond: number;
}

export const LARK_SEND_LIMITS: SendLimits = { perAppPerSecond: 50, perAppPerMinute: 1000, perTargetPerSecond: 5 };

/**
 * We count a send when we decide it, Lark when the request arrives, a few milliseconds later.
 * Where a full minute ends, that difference could put one send too many into Lark's minute
 * and cost a pause of up to a minute; waiting 100 ms longer costs 0.2 % of the rate.
 */
const MINUTE_GUARD_MS = 100;

class Window {
  private stamps: number[] = [];
  constructor(private readonly limit: number, private readonly spanMs: number) {}
  waitMs(now: number): number {
    while (this.stamps.length && this.stamps[0]! <= now - this.spanMs) this.stamps.shift();
    return this.stamps.length < this.limit ? 0 : this.stamps[0]! + this.spanMs - now;
  }
  record(now: number): void {
    this.stamps.push(now);
  }
}

export class SendLimiter {
  private readonly second: Window;
  private readonly minute: Window;
  private readonly targets = new Map<string, Window>();
  private pausedUntil = 0;

  constructor(private readonly limits: SendLimits = LARK_SEND_LIMITS, private readonly now: () => number = Date.now) {
    this.second = new Window(limits.perAppPerSecond, 1000);
    this.minute = new Window(limits.perAppPerMinute, 60_000 + MINUTE_GUARD_MS);
  }

  /**
   * How long until the app may send anything at all (a pause or a full per-app window), so a
   * sender with a long queue does not read it again and again while nothing can go.
   */
  appWaitMs(): number {
    const t = this.now();
    return Math.max(this.pausedUntil - t, this.second.waitMs(t), this.minute.waitMs(t), 0);
  }

  /** Platform said "rate limited": stop everything until the reset. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
  }

  /** 0 and the send is recorded, or the number of ms to wait. */
  tryAcquire(target: string): number {
    const t = this.now();
    if (this.pausedUntil > t) return this.pausedUntil - t;
    let w = this.targets.get(target);
    if (!w) {
      w = new Window(this.limits.perTargetPerSecond, 1000);
      this.targets.set(target, w);
    }
    const wait = Math.max(this.second.waitMs(t), this.minute.waitMs(t), w.waitMs(t));
    if (wait > 0) return wait;
    this.second.record(t);
    this.minute.record(t);
    w.record(t);
    if (this.targets.size > 10_000) this.prune(t);
    return 0;
  }

  private prune(t: number): void {
    for (const [k, w] of this.targets) if (w.waitMs(t) === 0) this.targets.delete(k);
  }
}
