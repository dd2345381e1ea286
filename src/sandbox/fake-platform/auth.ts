import type { PlatformContext } from "./context.ts";
import { ApiError } from "./errors.ts";
import { str, type Router } from "./http.ts";
import { newTenantToken } from "./ids.ts";

export const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";
const LIFETIME_S = 7200;
const REISSUE_BELOW_S = 30 * 60;

/**
 * tenant_access_token issuing and checking. Deliberately on the WALL clock, not the injectable one:
 * the SDK caches tokens by wall time, so a test that moves the fake clock 15 days ahead would
 * otherwise get 99991663 from a token the SDK still trusts (and the SDK never evicts on 99991663).
 */
export class TokenStore {
  private readonly tokens = new Map<string, number>(); // token → expiry (epoch ms)
  private current: string | undefined;

  /** Like Lark: the same token while ≥30 min remain, then a fresh one (the old stays valid until it expires). */
  issue(now: number): { token: string; expire: number } {
    const expiresAt = this.current ? this.tokens.get(this.current) : undefined;
    if (this.current && expiresAt !== undefined && expiresAt - now >= REISSUE_BELOW_S * 1000) {
      return { token: this.current, expire: Math.floor((expiresAt - now) / 1000) };
    }
    const token = newTenantToken();
    this.tokens.set(token, now + LIFETIME_S * 1000);
    this.current = token;
    return { token, expire: LIFETIME_S };
  }

  /** Throws the Lark auth error unless `authorization` carries a live token. */
  check(authorization: string | undefined, now: number): void {
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
    if (!token) {
      throw new ApiError(400, 99991661, "Missing access token for authorization. Please make a request with token attached.");
    }
    if (!/^[tu]-/.test(token)) throw new ApiError(400, 99991671, "Invalid token format. Token should start with 't-' or 'u-'.");
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined || expiresAt <= now) {
      throw new ApiError(400, 99991663, "Invalid access token for authorization. Please make a request with token attached.");
    }
  }

  /** Invalidate every issued token (simulates a secret reset). */
  revokeAll(): void {
    this.tokens.clear();
    this.current = undefined;
  }
}

export function registerAuthRoutes(router: Router, ctx: PlatformContext, tokens: TokenStore): void {
  router.on("POST", TOKEN_PATH, (req) => {
    if (str(req.body.app_id) !== ctx.opts.appId) throw new ApiError(400, 10003, "invalid param: app_id not found");
    if (str(req.body.app_secret) !== ctx.opts.appSecret) throw new ApiError(400, 10014, "app secret invalid");
    const { token, expire } = tokens.issue(Date.now());
    // This endpoint is one of the few without a `data` wrapper.
    return { status: 200, body: { code: 0, msg: "ok", tenant_access_token: token, expire } };
  });
}
