import { ApiError } from "./errors.ts";

export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Tested against the path below the mount prefix, e.g. "/open-apis/im/v1/messages". */
  pathPattern?: RegExp;
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
  /** Fire this many times, then disappear (forever when omitted). */
  times?: number;
  /** Chance (0..1) to fire on each matching call; drawn from the seeded PRNG. */
  probability?: number;
}

export interface RandomFaultConfig {
  serverErrorRate: number;
  rateLimitRate: number;
  seed: number;
  /** Also hit the token endpoint (off by default: the SDK has no retry there). */
  includeAuth?: boolean;
}

const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";
const RATE_LIMIT_MSG = "request trigger frequency limit";

/** Deterministic PRNG (mulberry32) so chaos runs are reproducible from a seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function rateLimitError(limit: number, resetSeconds: number): ApiError {
  return new ApiError(429, 99991400, RATE_LIMIT_MSG, {
    "x-ogw-ratelimit-limit": String(limit),
    "x-ogw-ratelimit-reset": String(resetSeconds),
  });
}

/** A slow Open Platform: matching calls are answered only after `ms`. */
export interface SlowdownSpec {
  method?: string;
  pathPattern?: RegExp;
  ms: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/** Injected and random faults. Checked before any route runs, so a fault never has side effects. */
export class FaultInjector {
  private faults: ActiveFault[] = [];
  private slowdowns: SlowdownSpec[] = [];
  private probabilityRandom = mulberry32(1);
  private random: { config: RandomFaultConfig; next: () => number } | undefined;

  inject(spec: FaultSpec): () => void {
    const fault: ActiveFault = { ...spec, remaining: spec.times ?? Number.POSITIVE_INFINITY };
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  slowDown(spec: SlowdownSpec): () => void {
    this.slowdowns.push(spec);
    return () => {
      this.slowdowns = this.slowdowns.filter((s) => s !== spec);
    };
  }

  /** How long to hold the answer to this call (0: answer at once). */
  delayFor(method: string, path: string): number {
    const hit = this.slowdowns.find((s) => (!s.method || s.method.toUpperCase() === method.toUpperCase()) && (!s.pathPattern || matches(s.pathPattern, path)));
    return hit?.ms ?? 0;
  }

  clear(): void {
    this.faults = [];
    this.slowdowns = [];
  }

  setRandom(config: RandomFaultConfig | undefined): void {
    this.random = config ? { config, next: mulberry32(config.seed) } : undefined;
    this.probabilityRandom = mulberry32(config?.seed ?? 1);
  }

  /** The error to answer with for this call, if any fault fires. */
  check(method: string, path: string): ApiError | undefined {
    for (const fault of this.faults) {
      if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) continue;
      if (fault.pathPattern && !matches(fault.pathPattern, path)) continue;
      if (fault.probability !== undefined && this.probabilityRandom() >= fault.probability) continue;
      fault.remaining -= 1;
      if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
      return toError(fault);
    }
    return this.checkRandom(path);
  }

  private checkRandom(path: string): ApiError | undefined {
    if (!this.random) return undefined;
    const { config, next } = this.random;
    if (path === TOKEN_PATH && !config.includeAuth) return undefined;
    const roll = next();
    if (roll < config.serverErrorRate) return new ApiError(500, 1, "internal server error (random fault)");
    if (roll < config.serverErrorRate + config.rateLimitRate) return rateLimitError(50, 1);
    return undefined;
  }
}

function matches(pattern: RegExp, path: string): boolean {
  pattern.lastIndex = 0; // a /g regexp would otherwise alternate between hits and misses
  return pattern.test(path);
}

function toError(fault: FaultSpec): ApiError {
  const defaults: Record<string, string> =
    fault.status === 429 ? { "x-ogw-ratelimit-limit": "50", "x-ogw-ratelimit-reset": "1" } : {};
  const msg = fault.msg ?? (fault.code === 99991400 ? RATE_LIMIT_MSG : `injected fault ${fault.code}`);
  return new ApiError(fault.status, fault.code, msg, { ...defaults, ...fault.headers });
}
