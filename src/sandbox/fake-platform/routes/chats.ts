import type { PlatformContext } from "../context.ts";
import { ApiError, fieldValidation, operatorNotInChat } from "../errors.ts";
import { paginate } from "../paging.ts";
import { ok, type ApiRequest, type ApiResponse, type Router } from "../http.ts";
import type { FakeChat, FakeUser } from "../types.ts";

/** Bot identity, chat info, chat members and contact lookups. */
export function registerChatRoutes(router: Router, ctx: PlatformContext): void {
  router.on("GET", "/open-apis/bot/v3/info", () => ({
    status: 200,
    // Like the token endpoint, bot info has no `data` wrapper.
    body: {
      code: 0,
      msg: "ok",
      bot: { activate_status: 2, app_name: ctx.opts.botName, avatar_url: "", ip_white_list: [], open_id: ctx.opts.botOpenId },
    },
  }));
  router.on("GET", "/open-apis/im/v1/chats", (req) => listChats(ctx, req));
  router.on("GET", "/open-apis/im/v1/chats/:chat_id", (req) => chatInfo(ctx, req));
  router.on("GET", "/open-apis/im/v1/chats/:chat_id/members", (req) => members(ctx, req));
  router.on("GET", "/open-apis/im/v1/chats/:chat_id/members/is_in_chat", (req) => {
    const chat = requireChat(ctx, req.params.chat_id);
    return ok({ is_in_chat: chat.botIn });
  });
  router.on("GET", "/open-apis/contact/v3/users/:user_id", (req) => userInfo(ctx, req));
}

function requireChat(ctx: PlatformContext, chatId: string | undefined): FakeChat {
  const chat = chatId ? ctx.world.chats.get(chatId) : undefined;
  if (!chat) throw new ApiError(400, 232001, `Your request contains an invalid request parameter, ext=chat ${chatId ?? ""} not found`);
  return chat;
}

function chatInfo(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const chat = requireChat(ctx, req.params.chat_id);
  if (!chat.botIn) throw operatorNotInChat();
  return ok({
    avatar: "",
    name: chat.name,
    description: chat.description ?? "",
    i18n_names: { zh_cn: chat.name },
    owner_id_type: "open_id",
    owner_id: chat.ownerOpenId ?? chat.members[0] ?? "",
    chat_mode: "group",
    chat_type: "private",
    chat_tag: "inner",
    external: false,
    tenant_key: ctx.opts.tenantKey,
    user_count: String(chat.members.length),
    bot_count: "1",
    add_member_permission: "all_members",
    at_all_permission: "all_members",
    edit_permission: "all_members",
    urgent_setting: "all_members",
  });
}

function members(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const chat = requireChat(ctx, req.params.chat_id);
  const idType = req.query.get("member_id_type") ?? "open_id";
  if (!["open_id", "union_id", "user_id"].includes(idType)) throw fieldValidation("member_id_type");
  const { page, hasMore, pageToken } = paginate(chat.members, req.query);
  if (!chat.botIn) throw operatorNotInChat();
  // chat.members holds humans only, which matches Lark excluding bots from this list.
  return ok({
    items: page.map((openId) => memberItem(ctx, idType, openId, ctx.world.users.get(openId))),
    page_token: pageToken,
    has_more: hasMore,
    member_total: chat.members.length,
  });
}

/** The groups the bot is in (what a bot reconciles against at startup). */
function listChats(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const mine = [...ctx.world.chats.values()].filter((c) => c.botIn);
  const { page, hasMore, pageToken } = paginate(mine, req.query);
  return ok({
    items: page.map((c) => ({
      chat_id: c.chatId,
      name: c.name,
      avatar: "",
      description: c.description ?? "",
      owner_id: c.ownerOpenId ?? c.members[0] ?? "",
      owner_id_type: "open_id",
      external: false,
      tenant_key: ctx.opts.tenantKey,
      chat_status: "normal",
    })),
    page_token: pageToken,
    has_more: hasMore,
  });
}

function memberItem(ctx: PlatformContext, idType: string, openId: string, user: FakeUser | undefined): Record<string, unknown> {
  const memberId = idType === "union_id" ? user?.unionId : idType === "user_id" ? user?.userId : openId;
  return { member_id_type: idType, member_id: memberId ?? openId, name: user?.name ?? "", tenant_key: ctx.opts.tenantKey };
}

function userInfo(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const idType = req.query.get("user_id_type") ?? "open_id";
  const user = ctx.world.findUser(req.params.user_id ?? "", idType);
  if (!user) throw new ApiError(400, 41050, "no user authority error");
  return ok({
    user: {
      open_id: user.openId,
      union_id: user.unionId,
      user_id: user.userId,
      name: user.name,
      en_name: user.enName ?? "",
      email: user.email ?? "",
      avatar: { avatar_72: "", avatar_240: "", avatar_640: "", avatar_origin: "" },
      status: { is_activated: true, is_frozen: false, is_resigned: false, is_unjoin: false, is_exited: false },
      department_ids: [],
      tenant_key: ctx.opts.tenantKey,
    },
  });
}
