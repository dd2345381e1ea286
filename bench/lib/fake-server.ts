/**
 * The fake Lark Open Platform in its own process, steered over IPC. Running it apart from the
 * bot and from the load generator keeps its bookkeeping (every message, every call) off the
 * bot's event loop and lets the two cores share the work the way two machines would.
 */
import { createFakePlatform, type FakePlatform, type RateLimitConfig } from "../../src/sandbox/fake-platform/index.ts";
import { botIds, messageReceiveEvent } from "../../src/sandbox/fake-platform/event-builders.ts";
import { newMessageId } from "../../src/sandbox/fake-platform/ids.ts";
import type { PlatformContext } from "../../src/sandbox/fake-platform/context.ts";
import { serveRpc } from "./ipc.ts";

interface BotMessage {
  messageId: string;
  chatId: string | null;
  parentId?: string;
  createTime: number;
  uuid?: string;
  msgType: string;
  title?: string;
  signinValue?: Record<string, unknown>;
}

let fake: FakePlatform | undefined;
let ctx: PlatformContext;
let scanned = 0;
const botMessages: BotMessage[] = [];
const repliesByParent = new Map<string, { count: number; first: number }>();

function platform(): FakePlatform {
  if (!fake) throw new Error("fake platform not started");
  return fake;
}

function findSigninValue(card: unknown): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.type === "callback" && o.value && typeof o.value === "object" && (o.value as { a?: unknown }).a === "meetings.signin") {
      found = o.value as Record<string, unknown>;
      return;
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

/** Indexes the bot's messages created since the last scan (patches change content, not the list). */
function scan(): void {
  const all = platform().messages;
  for (; scanned < all.length; scanned++) {
    const m = all[scanned]!;
    if (m.sender !== "bot") continue;
    const content = m.content as { header?: { title?: { content?: string } } } | undefined;
    botMessages.push({
      messageId: m.messageId,
      chatId: m.chatId,
      parentId: m.parentId,
      createTime: m.createTime,
      uuid: m.uuid,
      msgType: m.msgType,
      title: m.msgType === "interactive" ? content?.header?.title?.content : undefined,
      signinValue: m.msgType === "interactive" ? findSigninValue(m.content) : undefined,
    });
    if (m.parentId) {
      const r = repliesByParent.get(m.parentId);
      if (r) r.count++;
      else repliesByParent.set(m.parentId, { count: 1, first: m.createTime });
    }
  }
}

serveRpc({
  async start(opts: { appId: string; appSecret: string; encryptKey: string; verificationToken: string; botBaseUrl?: string }) {
    fake = createFakePlatform({ ...opts, deliveryTimeoutMs: 10_000 });
    ctx = (fake as unknown as { ctx: PlatformContext }).ctx;
    return fake.listen();
  },
  setBotBaseUrl(url: string) {
    platform().setBotBaseUrl(url);
  },
  setRateLimits(config: Partial<RateLimitConfig>) {
    platform().setRateLimits(config);
  },
  addWorld(world: { users: Array<{ openId: string; name: string }>; chats: Array<{ chatId: string; name: string; members: string[] }> }) {
    for (const u of world.users) platform().addUser(u);
    for (const c of world.chats) platform().addChat(c);
    return { users: platform().users.size, chats: platform().chats.size };
  },
  /**
   * Users type messages (recorded in the world, so the bot's replies have a parent), but
   * nothing is pushed: the driver posts the events itself, on its own schedule.
   */
  userMessages(list: Array<{ chatId: string; senderOpenId: string; text: string; mentionBot?: boolean }>) {
    const f = platform();
    const now = Date.now();
    return list.map((input) => {
      const sender = f.users.get(input.senderOpenId);
      if (!sender) throw new Error(`unknown sender ${input.senderOpenId}`);
      const mentions = input.mentionBot
        ? [{ key: "@_user_1", id: botIds(ctx), name: ctx.opts.botName, tenant_key: ctx.opts.tenantKey }]
        : [];
      const message = ctx.world.addMessage({
        messageId: newMessageId(),
        chatId: input.chatId,
        receiveOpenId: null,
        chatType: "group",
        sender: sender.openId,
        msgType: "text",
        content: { text: input.mentionBot ? `@_user_1 ${input.text}` : input.text },
        createTime: now,
        updateTime: now,
        deleted: false,
        updated: false,
        urgentFor: [],
        history: [],
        mentions,
      });
      return { messageId: message.messageId, event: messageReceiveEvent(ctx, message, sender) };
    });
  },
  /** Replies per parent message: how many, and when the first one was created. */
  replies(parents: string[]) {
    scan();
    return parents.map((p) => repliesByParent.get(p) ?? { count: 0, first: 0 });
  },
  /** The bot's messages (not patches) from index `from` on, in creation order. */
  botMessages(from = 0) {
    scan();
    return { total: botMessages.length, items: botMessages.slice(from) };
  },
  /** uuids that produced more than one message (must be none: the sender retries with the same uuid). */
  duplicateUuids() {
    let dup = 0;
    for (const n of platform().deliveries.values()) if (n > 1) dup++;
    return dup;
  },
  /** Message API calls from index `from` on, grouped by path kind and status code. */
  calls(from = 0) {
    const all = platform().calls;
    const byOutcome: Record<string, number> = {};
    for (let i = from; i < all.length; i++) {
      const c = all[i]!;
      const kind = c.path.startsWith("/open-apis/im/v1/messages") ? `${c.method} messages` : c.path;
      const key = `${kind} ${c.status}${c.code ? ` code=${c.code}` : ""}`;
      byOutcome[key] = (byOutcome[key] ?? 0) + 1;
    }
    return { total: all.length, byOutcome };
  },
  ready() {
    return true;
  },
});
