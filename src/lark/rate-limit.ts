/**
 * Sliding-window limits as Lark documents them for message sends: 50/s and 1,000/min per
 * app, 5/s per chat or user. `reserve` answers how long to wait before a send is allowed.
 * Per process; with several instances on PostgreSQL the claim also takes only what all
 * instances together leave (shared-limits.ts).
 */
export interface SendLimits {
  perAppPerSecond: number;
  perAppPerMinute: number;
  perTargetPerSecond: number;
}

export const LARK_SEND_LIMITS: SendLimits = { perAppPerSecond: 50, perAppPerMinute: 1000, perTargetPerSecond: 5 };

/**
 * Lark counts a send when the request arrives, which lies somewhere between our decision to
 * send and the answer (a token fetch, a slow network, sixteen sends sharing the connection).
 * So a send counts from the decision until ARRIVAL_MARGIN_MS after its answer: a send still in
 * flight counts as arriving now, one that has been answered as arriving at the answer. Counted
 * at the decision alone, six messages reached one chat within one second of arrival.
 */
export const ARRIVAL_MARGIN_MS = 25;

/**
 * Where a full minute ends, that difference could put one send too many into Lark's minute
 * and cost a pause of up to a minute; waiting 100 ms longer costs 0.2 % of the rate.
 */
export const MINUTE_GUARD_MS = 100;

/** How often to look again when every send that fills a window is still in flight. */
const IN_FLIGHT_POLL_MS = 20;

/** One send: it counts in a window until `end` (Infinity while its request is in flight). */
interface Send {
  end: number;
}

class Window {
  private sends: Send[] = [];
  constructor(private readonly limit: number, private readonly spanMs: number) {}
  waitMs(now: number): number {
    this.sends = this.sends.filter((s) => s.end > now - this.spanMs);
    if (this.sends.length < this.limit) return 0;
    // The window frees up when enough answered sends have aged out of it.
    const ends = this.sends.map((s) => s.end).filter(Number.isFinite).sort((a, b) => a - b);
    const mustExpire = this.sends.length - this.limit + 1;
    return ends.length >= mustExpire ? Math.max(1, ends[mustExpire - 1]! + this.spanMs - now) : IN_FLIGHT_POLL_MS;
  }
  record(send: Send): void {
    this.sends.push(send);
  }
}

export class SendLimiter {
  private readonly second: Window;
  private readonly minute: Window;
  private readonly targets = new Map<string, Window>();
  /** Per target, its sends still in flight, oldest first (the sender sends one at a time per target). */
  private readonly inFlight = new Map<string, Send[]>();
  private pausedUntil = 0;

  constructor(readonly limits: SendLimits = LARK_SEND_LIMITS, private readonly now: () => number = Date.now) {
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

  /** 0 and the send is recorded as in flight (end it with `settled`), or the number of ms to wait. */
  tryAcquire(target: string): number {
    const t = this.now();
    if (this.pausedUntil > t) return this.pausedUntil - t;
    const w = this.windowOf(target);
    const wait = Math.max(this.second.waitMs(t), this.minute.waitMs(t), w.waitMs(t));
    if (wait > 0) return wait;
    const send: Send = { end: Infinity };
    this.second.record(send);
    this.minute.record(send);
    w.record(send);
    this.inFlight.set(target, [...(this.inFlight.get(target) ?? []), send]);
    if (this.targets.size > 10_000) this.prune(t);
    return 0;
  }

  /**
   * The oldest send to `target` was answered (sent, refused or failed — it may have arrived) or
   * turned out not to be ours to send: from now it counts as having arrived now.
   */
  settled(target: string): void {
    const queue = this.inFlight.get(target);
    const send = queue?.shift();
    if (send) send.end = this.now() + ARRIVAL_MARGIN_MS;
    if (queue && queue.length === 0) this.inFlight.delete(target);
  }

  /** Sends answered before this process started (read from the outbox): they still count. */
  remember(sent: Array<{ target: string; at: number }>): void {
    for (const s of sent) {
      const send: Send = { end: s.at + ARRIVAL_MARGIN_MS };
      this.second.record(send);
      this.minute.record(send);
      this.windowOf(s.target).record(send);
    }
  }

  private windowOf(target: string): Window {
    let w = this.targets.get(target);
    if (!w) {
      w = new Window(this.limits.perTargetPerSecond, 1000);
      this.targets.set(target, w);
    }
    return w;
  }

  private prune(t: number): void {
    for (const [k, w] of this.targets) if (w.waitMs(t) === 0 && !this.inFlight.has(k)) this.targets.delete(k);
  }
}
