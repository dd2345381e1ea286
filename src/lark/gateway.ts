import * as lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "../core/log.ts";

/**
 * The one wrapper around the SDK's Client: every call the bot makes to Lark goes through
 * here, and every failure comes back classified so the sender knows whether to retry.
 */

export type LarkFailure =
  | { kind: "rate_limited"; code: number; resetSeconds: number; message: string }
  | { kind: "retryable"; code: number; message: string }
  | { kind: "permanent"; code: number; message: string; reason: string; targetGone: boolean };

export class LarkCallError extends Error {
  constructor(readonly failure: LarkFailure, readonly api: string) {
    super(`${api} failed: ${failure.kind} code=${failure.code} ${failure.message}`);
  }
}

/** Permanent failures a secretary should understand, in Chinese. */
const PERMANENT_REASONS: Record<number, { reason: string; targetGone?: boolean }> = {
  230002: { reason: "机器人已不在该群中", targetGone: true },
  10002: { reason: "机器人已不在该群中", targetGone: true },
  232011: { reason: "机器人已不在该群中", targetGone: true },
  232009: { reason: "该群已解散", targetGone: true },
  230013: { reason: "对方不在应用的可用范围内", targetGone: true },
  230034: { reason: "接收人不存在或已离开", targetGone: true },
  99992351: { reason: "接收人不存在或已离开", targetGone: true },
  230053: { reason: "对方已屏蔽机器人私信", targetGone: true },
  230035: { reason: "机器人在该群没有发言权限（群被禁言或机器人被限制）", targetGone: true },
  230025: { reason: "消息内容过大" },
  230099: { reason: "卡片内容无法生成" },
  230001: { reason: "请求参数无效" },
  230031: { reason: "卡片发送已超过 14 天，不能再更新" },
  230011: { reason: "消息已被撤回" },
  230110: { reason: "消息已被删除" },
  230012: { reason: "只能加急机器人自己发送的消息" },
  230027: { reason: "应用缺少所需权限，请管理员在开放平台开通后发布新版本" },
  99991672: { reason: "应用缺少所需权限，请管理员在开放平台开通后发布新版本" },
};

const RATE_LIMIT_CODES = new Set([99991400, 230020, 11232, 11233, 11247]);

export function classifyLarkError(err: unknown): LarkFailure {
  const e = err as { response?: { status?: number; data?: any; headers?: Record<string, string> }; code?: string; message?: string };
  const status = e.response?.status;
  const data = e.response?.data ?? (err as any)?.data ?? err;
  const code = typeof data?.code === "number" ? data.code : -1;
  const message = String(data?.msg ?? e.message ?? "unknown error").slice(0, 300);
  if (status === 429 || RATE_LIMIT_CODES.has(code)) {
    const reset = Number(e.response?.headers?.["x-ogw-ratelimit-reset"]);
    return { kind: "rate_limited", code, resetSeconds: Number.isFinite(reset) && reset > 0 ? reset : 1, message };
  }
  const known = PERMANENT_REASONS[code];
  if (known) return { kind: "permanent", code, message, reason: known.reason, targetGone: known.targetGone ?? false };
  if (status === undefined || status >= 500 || code === 99991663 || code === 99991664 || code === 99991665) {
    return { kind: "retryable", code, message };
  }
  return { kind: "permanent", code, message, reason: `飞书拒绝了该请求（错误码 ${code}）`, targetGone: false };
}

export interface ChatMemberInfo {
  openId: string;
  name: string;
}

export interface SendResult {
  messageId: string;
}

export interface LarkGatewayOptions {
  appId: string;
  appSecret: string;
  domain: string; // "feishu" | "lark" | base URL
  logger: Logger;
  timeoutMs?: number;
}

export function sdkDomain(domain: string): lark.Domain | string {
  if (domain === "feishu") return lark.Domain.Feishu;
  if (domain === "lark") return lark.Domain.Lark;
  return domain.replace(/\/$/, "");
}

/** A logger for the SDK that never prints request bodies or tokens. */
function sdkLogger(log: Logger) {
  const quiet = (level: "error" | "warn" | "info" | "debug") => (...args: unknown[]) =>
    log[level]({ source: "lark-sdk", detail: args.map((a) => (typeof a === "string" ? a : (a as Error)?.message ?? "")).join(" ").slice(0, 300) }, "lark sdk");
  return { error: quiet("warn"), warn: quiet("warn"), info: quiet("debug"), debug: quiet("debug"), trace: quiet("debug") };
}

export class LarkGateway {
  readonly client: lark.Client;
  private botOpenIdCache?: string;

  constructor(private readonly opts: LarkGatewayOptions) {
    lark.defaultHttpInstance.defaults.timeout = opts.timeoutMs ?? 10_000; // the SDK sets none
    this.client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: sdkDomain(opts.domain),
      cache: new lark.DefaultCache(), // per client: the SDK's default cache is process-wide
      logger: sdkLogger(opts.logger),
      loggerLevel: lark.LoggerLevel.warn,
      source: "zhibu-bot",
    });
  }

  private async call<T>(api: string, fn: () => Promise<any>): Promise<T> {
    let res: any;
    try {
      res = await fn();
    } catch (err) {
      throw new LarkCallError(classifyLarkError(err), api);
    }
    if (res && typeof res.code === "number" && res.code !== 0) throw new LarkCallError(classifyLarkError(res), api);
    return res as T;
  }

  async botOpenId(): Promise<string> {
    if (!this.botOpenIdCache) {
      const res = await this.call<any>("bot.info", () => this.client.request({ method: "GET", url: "/open-apis/bot/v3/info" }));
      this.botOpenIdCache = String(res?.bot?.open_id ?? "");
    }
    return this.botOpenIdCache;
  }

  async send(receiveIdType: "chat_id" | "open_id", receiveId: string, msgType: string, content: string, uuid: string): Promise<SendResult> {
    const res = await this.call<any>("im.message.create", () =>
      this.client.im.v1.message.create({
        params: { receive_id_type: receiveIdType },
        data: { receive_id: receiveId, msg_type: msgType, content, uuid },
      }),
    );
    return { messageId: String(res?.data?.message_id ?? "") };
  }

  async reply(messageId: string, msgType: string, content: string, uuid: string): Promise<SendResult> {
    const res = await this.call<any>("im.message.reply", () =>
      this.client.im.v1.message.reply({ path: { message_id: messageId }, data: { msg_type: msgType, content, uuid } }),
    );
    return { messageId: String(res?.data?.message_id ?? "") };
  }

  async patch(messageId: string, content: string): Promise<void> {
    await this.call("im.message.patch", () => this.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content } }));
  }

  async urgent(messageId: string, openIds: string[]): Promise<void> {
    await this.call("im.message.urgentApp", () =>
      this.client.im.v1.message.urgentApp({
        path: { message_id: messageId },
        params: { user_id_type: "open_id" },
        data: { user_id_list: openIds },
      }),
    );
  }

  async recall(messageId: string): Promise<void> {
    await this.call("im.message.delete", () => this.client.im.v1.message.delete({ path: { message_id: messageId } }));
  }

  /** Delayed card update with a callback token (valid 30 min, usable twice). */
  async updateCardByToken(token: string, card: Record<string, unknown>): Promise<void> {
    await this.call("interactive.card.update", () =>
      this.client.request({ method: "POST", url: "/open-apis/interactive/v1/card/update", data: { token, card } }),
    );
  }

  /** All members of a chat (bots excluded), following page tokens. */
  async chatMembers(chatId: string): Promise<ChatMemberInfo[]> {
    const members: ChatMemberInfo[] = [];
    let pageToken: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await this.call<any>("im.chatMembers.get", () =>
        this.client.im.v1.chatMembers.get({
          path: { chat_id: chatId },
          params: { member_id_type: "open_id", page_size: 100, ...(pageToken ? { page_token: pageToken } : {}) },
        }),
      );
      for (const item of res?.data?.items ?? []) {
        if (item?.member_id) members.push({ openId: String(item.member_id), name: String(item.name ?? "") });
      }
      if (!res?.data?.has_more || !res?.data?.page_token) break;
      pageToken = res.data.page_token;
    }
    return members;
  }

  async chatName(chatId: string): Promise<string | undefined> {
    const res = await this.call<any>("im.chat.get", () => this.client.im.v1.chat.get({ path: { chat_id: chatId } }));
    return res?.data?.name;
  }
}
