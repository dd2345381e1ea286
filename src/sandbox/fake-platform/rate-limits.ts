import { perTargetRateLimited } from "./errors.ts";
import { rateLimitError } from "./faults.ts";

export interface RateLimitConfig {
  enabled: boolean;
  /** Message create/reply, per app (Lark: 50/s and 1000/min). */
  perAppPerSecond: number;
  perAppPerMinute: number;
  /** Message create/reply per receiving chat or user (Lark: 5/s). */
  perChatPerSecond: number;
  /** Card patch per message (Lark: 5/s). */
  perMessagePatchPerSecond: number;
}

export const defaultRateLimits: RateLimitConfig = {
  enabled: false,
  perAppPerSecond: 50,
  perAppPerMinute: 1000,
  perChatPerSecond: 5,
  perMessagePatchPerSecond: 5,
};

interface Window {
  start: number;
  count: number;
}

interface Check {
  key: string;
  sizeMs: number;
  limit: number;
  fail: (resetSeconds: number) => Error;
}

/** Fixed-window counters on the fake clock. Only accepted calls consume quota. */
export class RateLimiter {
  config: RateLimitConfig = { ...defaultRateLimits };
  private readonly windows = new Map<string, Window>();

  set(config: Partial<RateLimitConfig>): void {
    this.config = { ...this.config, ...config };
    this.windows.clear();
  }

  /** Throws the Lark error for a message create/reply to `target` (a chat id or open_id). */
  checkSend(target: string, now: number): void {
    const c = this.config;
    this.run(now, [
      { key: "app:s", sizeMs: 1000, limit: c.perAppPerSecond, fail: (r) => rateLimitError(c.perAppPerSecond, r) },
      { key: "app:m", sizeMs: 60_000, limit: c.perAppPerMinute, fail: (r) => rateLimitError(c.perAppPerMinute, r) },
      { key: `target:${target}`, sizeMs: 1000, limit: c.perChatPerSecond, fail: () => perTargetRateLimited() },
    ]);
  }

  checkPatch(messageId: string, now: number): void {
    const limit = this.config.perMessagePatchPerSecond;
    this.run(now, [{ key: `patch:${messageId}`, sizeMs: 1000, limit, fail: () => perTargetRateLimited() }]);
  }

  private run(now: number, checks: Check[]): void {
    if (!this.config.enabled) return;
    const windows = checks.map((check) => {
      const start = Math.floor(now / check.sizeMs) * check.sizeMs;
      const current = this.windows.get(check.key);
      const window = current && current.start === start ? current : { start, count: 0 };
      if (window.count >= check.limit) {
        throw check.fail(Math.max(1, Math.ceil((start + check.sizeMs - now) / 1000)));
      }
      return { key: check.key, window };
    });
    for (const { key, window } of windows) {
      window.count += 1;
      this.windows.set(key, window);
    }
  }
}
