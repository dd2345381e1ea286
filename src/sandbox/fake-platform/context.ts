import type { RateLimiter } from "./rate-limits.ts";
import type { World } from "./state.ts";
import type { FakePlatformOptions } from "./types.ts";

export interface ResolvedOptions extends FakePlatformOptions {
  now: () => Date;
  botOpenId: string;
  botName: string;
  tenantKey: string;
  deliveryTimeoutMs: number;
}

/** What route modules and actors share. */
export interface PlatformContext {
  world: World;
  opts: ResolvedOptions;
  rateLimiter: RateLimiter;
  nowMs(): number;
}

export function resolveOptions(opts: FakePlatformOptions): ResolvedOptions {
  return {
    ...opts,
    now: opts.now ?? (() => new Date()),
    botOpenId: opts.botOpenId ?? "ou_bot00000000000000000000000000000",
    botName: opts.botName ?? "支部助手",
    tenantKey: opts.tenantKey ?? "tenant_fake_0001",
    deliveryTimeoutMs: opts.deliveryTimeoutMs ?? 10_000,
  };
}
