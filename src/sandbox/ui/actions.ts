import { z } from "zod";
import { dayjs } from "../../core/time.ts";
import type { Runtime } from "../../runtime.ts";
import { p2pChatId, type FakePlatform } from "../fake-platform/index.ts";

/** A mistake in what the page sent; answered with 400 and the Chinese message. */
export class SandboxInputError extends Error {}

const MAX_ADVANCE_MS = 31 * 24 * 60 * 60 * 1000;

export const sendSchema = z.object({
  as: z.string().min(1),
  chatId: z.string().min(1),
  text: z.string().trim().min(1, "消息不能为空").max(4000, "消息太长（最多 4000 字）"),
  /** open_ids of people @mentioned; "@Name" in the text marks where each one goes. */
  mentions: z.array(z.string()).max(50).default([]),
  mentionBot: z.boolean().default(false),
  mentionAll: z.boolean().default(false),
  parentId: z.string().optional(),
});

export const cardActionSchema = z.object({
  as: z.string().min(1),
  messageId: z.string().min(1),
  value: z.unknown(),
  tag: z.string().optional(),
  name: z.string().optional(),
  formValue: z.record(z.string(), z.unknown()).optional(),
  option: z.string().optional(),
  options: z.array(z.string()).optional(),
  inputValue: z.string().optional(),
  checked: z.boolean().optional(),
  timezone: z.string().optional(),
});

export const clockSchema = z.union([
  z.object({ ms: z.number().int().positive().max(MAX_ADVANCE_MS) }),
  /** A wall-clock time in the demo's zone, "2026-03-13T14:20" (an <input type="datetime-local">). */
  z.object({ to: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/) }),
]);

export const faultSchema = z.object({ kind: z.enum(["send_error", "rate_limit", "clear"]) });

/** A person types in a chat: the fake platform records it and pushes the signed, encrypted event to the bot. */
export async function sendAsPerson(fake: FakePlatform, input: z.infer<typeof sendSchema>, deliveryErrors: Map<string, string>) {
  const sender = fake.users.get(input.as);
  if (!sender) throw new SandboxInputError("不认识这个身份，请在「我是」里重新选择。");
  const isPrivate = input.chatId.startsWith(p2pChatId(""));
  if (isPrivate && input.chatId !== p2pChatId(sender.openId)) {
    throw new SandboxInputError(`这是别人和支部助手的私聊，${sender.name}不能在这里发言。请在「我是」里切换身份。`);
  }
  const chat = isPrivate ? undefined : fake.chats.get(input.chatId);
  if (!isPrivate && !chat) throw new SandboxInputError("没有这个群。");
  if (chat && !chat.members.includes(sender.openId)) throw new SandboxInputError(`${sender.name}不是「${chat.name}」的成员，不能在群里发言。`);
  const mentions = input.mentions
    .map((openId) => fake.users.get(openId))
    .filter((u) => u !== undefined)
    .map((u) => ({ openId: u.openId, name: u.name }));
  const { message, delivery } = await fake.sendUserMessage({
    ...(isPrivate ? { p2pOpenId: sender.openId } : { chatId: input.chatId }),
    senderOpenId: sender.openId,
    text: input.text,
    mentions,
    mentionBot: input.mentionBot,
    mentionAll: input.mentionAll,
    parentId: input.parentId,
  });
  if (delivery && delivery.status !== 200) {
    deliveryErrors.set(message.messageId, delivery.error ?? `机器人返回 HTTP ${delivery.status}`);
  }
  return { messageId: message.messageId, delivered: delivery ? delivery.status === 200 : false, status: delivery?.status ?? null };
}

/** A person clicks or submits a card: a real `card.action.trigger` to the bot's callback path. */
export async function clickAsPerson(fake: FakePlatform, input: z.infer<typeof cardActionSchema>) {
  if (!fake.users.get(input.as)) throw new SandboxInputError("不认识这个身份，请在「我是」里重新选择。");
  const message = fake.message(input.messageId);
  if (!message || message.msgType !== "interactive") throw new SandboxInputError("找不到这张卡片。");
  if (message.deleted) throw new SandboxInputError("这张卡片已被撤回。");
  const before = message.history.length;
  const { as, messageId, ...action } = input;
  const result = await fake.clickCard({ ...action, messageId, operatorOpenId: as });
  return {
    status: result.status,
    toast: result.toast ?? null,
    clientError: result.clientError ?? null,
    cardUpdated: message.history.length > before,
  };
}

/**
 * Jumps the clock to a wall-clock time in the zone — forward only: what fell due before now has
 * already happened, and reminders and digests are never taken back.
 */
export function jumpClock(runtime: Runtime, to: string, tz: string) {
  const target = dayjs.tz(to, "YYYY-MM-DDTHH:mm", tz);
  if (!target.isValid()) throw new SandboxInputError(`看不懂时间「${to}」。`);
  const ms = target.valueOf() - runtime.clock.now().getTime();
  if (ms <= 0) throw new SandboxInputError("只能往后跳：之前到期的提醒、签到和周报已经发生过了。要从头再来，请重启沙盒（见 README）。");
  if (ms > MAX_ADVANCE_MS) throw new SandboxInputError("一次最多往后跳 31 天。");
  return advanceClock(runtime, ms);
}

/** Moves the bot's clock forward and wakes its loops, so due reminders and digests fire now. */
export function advanceClock(runtime: Runtime, ms: number) {
  if (!runtime.clock.adjustable) {
    throw new SandboxInputError("当前使用系统时钟，不能快进。请用 BOT_CLOCK=2026-03-02T09:00:00+08:00 npm start 启动沙盒。");
  }
  runtime.clock.advance(ms);
  runtime.kick();
  return { now: runtime.clock.now().toISOString() };
}

/** Makes the platform refuse the bot's next message send, as Lark would on an outage or rate limit. */
export function injectSendFault(fake: FakePlatform, kind: z.infer<typeof faultSchema>["kind"]) {
  if (kind === "clear") {
    fake.clearFaults();
    return { injected: false };
  }
  const pathPattern = /^\/open-apis\/im\/v1\/messages(\/[^/]+\/reply)?$/;
  if (kind === "send_error") fake.injectFault({ method: "POST", pathPattern, status: 500, code: 1, msg: "模拟故障：服务器内部错误", times: 1 });
  else fake.injectFault({ method: "POST", pathPattern, status: 429, code: 99991400, times: 1 });
  return { injected: true };
}
