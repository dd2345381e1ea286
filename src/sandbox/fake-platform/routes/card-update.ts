import { validateCard } from "../content.ts";
import type { PlatformContext } from "../context.ts";
import { ApiError, tooLarge } from "../errors.ts";
import { ok, str, type ApiRequest, type ApiResponse, type Router } from "../http.ts";
import { requireLive, requireMessage } from "./message-common.ts";

const TOKEN_TTL_MS = 30 * 60 * 1000;
const TOKEN_MAX_USES = 2;

/** Delayed card update with the `c-…` token of a card callback (30 min, two uses). */
export function registerCardUpdateRoute(router: Router, ctx: PlatformContext): void {
  router.on("POST", "/open-apis/interactive/v1/card/update", (req) => update(ctx, req));
}

function update(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const token = str(req.body.token);
  const record = token ? ctx.world.cardTokens.get(token) : undefined;
  if (!record) throw new ApiError(400, 230001, "Your request contains an invalid request parameter, ext=invalid card update token");
  const now = ctx.nowMs();
  if (now - record.issuedAt > TOKEN_TTL_MS) throw new ApiError(400, 230001, "Your request contains an invalid request parameter, ext=card update token expired");
  if (record.uses >= TOKEN_MAX_USES) throw new ApiError(400, 230001, "Your request contains an invalid request parameter, ext=card update token used up");
  const card = req.body.card; // an object here, unlike message content strings
  validateCard(card);
  if (Buffer.byteLength(JSON.stringify(card), "utf8") > 30 * 1024) throw tooLarge();
  const message = requireMessage(ctx, record.messageId);
  requireLive(message);
  record.uses += 1;
  ctx.world.replaceContent(message, card, now);
  return ok({});
}
