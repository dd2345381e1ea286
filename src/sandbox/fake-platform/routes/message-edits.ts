import { isSharedCard, parseContent } from "../content.ts";
import type { PlatformContext } from "../context.ts";
import { ApiError, badCard, fieldValidation, invalidParam } from "../errors.ts";
import { ok, type ApiRequest, type ApiResponse, type Router } from "../http.ts";
import type { FakeMessage } from "../types.ts";
import { messageView, requireLive, requireMessage, requireSentByBot } from "./message-common.ts";

const UPDATE_WINDOW_MS = 14 * 24 * 60 * 60 * 1000;

/** Changing messages after they were sent: card patch, text/post edit, recall, buzz. */
export function registerMessageEditRoutes(router: Router, ctx: PlatformContext): void {
  router.on("PATCH", "/open-apis/im/v1/messages/:message_id", (req) => patchCard(ctx, req));
  router.on("PUT", "/open-apis/im/v1/messages/:message_id", (req) => editText(ctx, req));
  router.on("DELETE", "/open-apis/im/v1/messages/:message_id", (req) => recall(ctx, req));
  router.on("PATCH", "/open-apis/im/v1/messages/:message_id/urgent_app", (req) => urgent(ctx, req));
}

function patchCard(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const message = requireMessage(ctx, req.params.message_id);
  requireLive(message);
  requireSentByBot(message);
  if (message.msgType !== "interactive") throw invalidParam("only interactive messages can be patched; use PUT for text/post");
  requireUpdatable(ctx, message);
  const card = parseContent("interactive", req.body.content);
  // Lark wants update_multi on both the old and the new card (JSON 2.0 cards are always shared).
  if (!isSharedCard(message.content) || !isSharedCard(card)) {
    throw badCard("both the old and the new card must declare config.update_multi=true");
  }
  ctx.rateLimiter.checkPatch(message.messageId, ctx.nowMs());
  ctx.world.replaceContent(message, card, ctx.nowMs());
  return ok({});
}

function editText(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const message = requireMessage(ctx, req.params.message_id);
  requireLive(message);
  requireSentByBot(message);
  const msgType = req.body.msg_type;
  if (msgType !== "text" && msgType !== "post") throw invalidParam("only text and post messages can be edited; cards use PATCH");
  if (message.msgType !== "text" && message.msgType !== "post") throw invalidParam("this message type cannot be edited");
  requireUpdatable(ctx, message);
  const content = parseContent(msgType, req.body.content);
  ctx.world.replaceContent(message, content, ctx.nowMs());
  message.msgType = msgType;
  return ok(messageView(message, ctx));
}

function recall(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const message = requireMessage(ctx, req.params.message_id);
  requireLive(message);
  if (message.sender !== "bot") throw new ApiError(400, 230026, "No permission to recall this message.");
  message.deleted = true;
  message.updateTime = ctx.nowMs();
  ctx.world.emit({ kind: "message", id: message.messageId });
  return ok({});
}

function urgent(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  if (req.query.get("user_id_type") === null) throw fieldValidation("user_id_type is required");
  const idType = req.query.get("user_id_type") ?? "open_id";
  const list = req.body.user_id_list;
  if (!Array.isArray(list) || list.length === 0 || list.length > 200) throw fieldValidation("user_id_list must hold 1..200 ids");
  const message = requireMessage(ctx, req.params.message_id);
  requireLive(message);
  requireSentByBot(message);
  const invalid: string[] = [];
  for (const id of list) {
    const user = typeof id === "string" ? ctx.world.findUser(id, idType) : undefined;
    if (!user || !isInConversation(ctx, message, user.openId)) {
      invalid.push(String(id));
      continue;
    }
    if (!message.urgentFor.includes(user.openId)) message.urgentFor.push(user.openId);
  }
  ctx.world.emit({ kind: "message", id: message.messageId });
  return ok({ invalid_user_id_list: invalid });
}

function requireUpdatable(ctx: PlatformContext, message: FakeMessage): void {
  if (ctx.nowMs() - message.createTime > UPDATE_WINDOW_MS) {
    throw new ApiError(400, 230031, "The message is out of the time limit for updating (14 days).");
  }
}

function isInConversation(ctx: PlatformContext, message: FakeMessage, openId: string): boolean {
  if (message.chatType === "p2p") return message.receiveOpenId === openId;
  const chat = message.chatId ? ctx.world.chats.get(message.chatId) : undefined;
  return chat?.members.includes(openId) ?? false;
}
