import { parseContent } from "../content.ts";
import type { PlatformContext } from "../context.ts";
import { fieldValidation, userOutOfRange } from "../errors.ts";
import { ok, str, type ApiRequest, type ApiResponse, type Router } from "../http.ts";
import { newThreadId, p2pChatId } from "../ids.ts";
import type { Conversation } from "../state.ts";
import {
  conversationChatId,
  createBotMessage,
  findByUuid,
  messageView,
  readUuid,
  requireBotCanPost,
  requireLive,
  requireMessage,
} from "./message-common.ts";

const RECEIVE_ID_TYPES = new Set(["open_id", "union_id", "user_id", "email", "chat_id"]);

/** Message create and reply: the two calls that count against the send rate limits. */
export function registerMessageRoutes(router: Router, ctx: PlatformContext): void {
  router.on("POST", "/open-apis/im/v1/messages", (req) => create(ctx, req));
  router.on("POST", "/open-apis/im/v1/messages/:message_id/reply", (req) => reply(ctx, req));
  // Reading a message back (e.g. the quoted parent, whose text the receive event leaves out).
  router.on("GET", "/open-apis/im/v1/messages/:message_id", (req) => {
    const message = requireMessage(ctx, req.params.message_id);
    return ok({ items: [messageView(message, ctx)] });
  });
}

function create(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const idType = req.query.get("receive_id_type");
  if (!idType || !RECEIVE_ID_TYPES.has(idType)) throw fieldValidation("receive_id_type is required (open_id|union_id|user_id|email|chat_id)");
  const receiveId = str(req.body.receive_id);
  if (!receiveId) throw fieldValidation("receive_id is required");
  const msgType = String(req.body.msg_type);
  const content = parseContent(req.body.msg_type, req.body.content);
  const uuid = readUuid(req.body.uuid);
  const conversation = resolveTarget(ctx, idType, receiveId);
  return send(ctx, conversation, uuid, () => createBotMessage(ctx, conversation, { msgType, content, uuid }));
}

function reply(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const parent = requireMessage(ctx, req.params.message_id);
  requireLive(parent);
  const msgType = String(req.body.msg_type);
  const content = parseContent(req.body.msg_type, req.body.content);
  const uuid = readUuid(req.body.uuid);
  const conversation = parent.chatId ? ctx.world.conversation(parent.chatId) : undefined;
  requireBotCanPost(conversation);
  const threadId = parent.threadId ?? (req.body.reply_in_thread === true ? newThreadId() : undefined);
  return send(ctx, conversation, uuid, () =>
    createBotMessage(ctx, conversation, {
      msgType,
      content,
      uuid,
      parentId: parent.messageId,
      rootId: parent.rootId ?? parent.messageId,
      threadId,
    }),
  );
}

/** Rate limits, then the uuid dedupe (the original comes back and nothing new is delivered), then the effect. */
function send(ctx: PlatformContext, conversation: Conversation, uuid: string | undefined, make: () => ReturnType<typeof createBotMessage>): ApiResponse {
  ctx.rateLimiter.checkSend(conversationChatId(conversation), ctx.nowMs());
  const message = findByUuid(ctx, uuid) ?? make();
  return ok(messageView(message, ctx));
}

function resolveTarget(ctx: PlatformContext, idType: string, receiveId: string): Conversation {
  if (idType === "chat_id") {
    const conversation = ctx.world.conversation(receiveId);
    requireBotCanPost(conversation);
    return conversation;
  }
  const user = ctx.world.findUser(receiveId, idType);
  if (!user) throw userOutOfRange();
  return { chatType: "p2p", user, chatId: p2pChatId(user.openId) };
}
