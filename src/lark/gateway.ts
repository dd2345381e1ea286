import type { Logger } from "../core/log.ts";
import { lark, type Client, type Domain } from "./sdk.ts";

/**
 * The one wrapper around the SDK's Client: every call the bot makes to Lark goes through
 * here, and every failure comes back classified so the sender knows whether to retry.
 */

export type LarkFailure =
  | { kind: "rate_limited"; code: number; resetSeconds: number; message: string }
  | { kind: "retryable"; code: number; message: string; /** No answer (network, timeout, 5xx): the message may have been created. */ uncertain?: boolean }
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
/** Lark refused the tenant token itself (revoked, e.g. by a secret reset, or expired early). */
const TOKEN_REFUSED_CODES = new Set([99991663, 99991664, 99991665]);

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
  if (status === undefined || status >= 500 || TOKEN_REFUSED_CODES.has(code)) {
    return { kind: "retryable", code, message, uncertain: !TOKEN_REFUSED_CODES.has(code) };
  }
  return { kind: "permanent", code, message, reason: `飞书拒绝了该请求（错误码 ${code}）`, targetGone: false };
}

export interface ChatMemberInfo {
  openId: string;
  name: string;
}

/** A calendar event as the meetings feature describes it (plain data). */
export interface CalendarEventInput {
  summary: string;
  description: string;
  startAt: Date;
  endAt: Date;
  timezone: string;
  location?: string;
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
  /** Told of every Open Platform call attempt (the monthly budget, issue #22); must not throw. */
  onCall?: (api: string) => Promise<void>;
}

export function sdkDomain(domain: string): Domain | string {
  if (domain === "feishu") return lark.Domain.Feishu;
  if (domain === "lark") return lark.Domain.Lark;
  return domain.replace(/\/$/, "");
}

/**
 * What the SDK logged, without request bodies or tokens: strings, error messages, and of an
 * object (a response, an axios error) only its code, status and message.
 */
function sdkDetail(arg: unknown): string {
  if (typeof arg === "string") return arg;
  if (Array.isArray(arg)) return arg.map(sdkDetail).join(" ");
  if (arg === null || typeof arg !== "object") return String(arg);
  const o = arg as Record<string, unknown>;
  const response = (o.response ?? {}) as { status?: unknown; data?: { code?: unknown; msg?: unknown } };
  const parts = [o.code, o.status ?? response.status, response.data?.code, o.msg ?? response.data?.msg, o.message];
  return parts.filter((p) => typeof p === "string" || typeof p === "number").join(" ");
}

/** A logger for the SDK that never prints request bodies or tokens. */
function sdkLogger(log: Logger) {
  const quiet = (level: "error" | "warn" | "info" | "debug") => (...args: unknown[]) =>
    log[level]({ source: "lark-sdk", detail: args.map(sdkDetail).join(" ").slice(0, 300) }, "lark sdk");
  return { error: quiet("warn"), warn: quiet("warn"), info: quiet("debug"), debug: quiet("debug"), trace: quiet("debug") };
}

export class LarkGateway {
  readonly client: Client;
  private botOpenIdCache?: string;
  /** Per client (the SDK's default cache is process-wide), and ours to empty: see `failed`. */
  private readonly tokenCache = new lark.DefaultCache();

  constructor(private readonly opts: LarkGatewayOptions) {
    lark.defaultHttpInstance.defaults.timeout = opts.timeoutMs ?? 10_000; // the SDK sets none
    this.client = new lark.Client({
      appId: opts.appId,
      appSecret: opts.appSecret,
      domain: sdkDomain(opts.domain),
      cache: this.tokenCache,
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
      throw this.failed(classifyLarkError(err), api);
    } finally {
      // Every attempt reaches the platform and counts against the tenant's monthly budget.
      await this.opts.onCall?.(api);
    }
    if (res && typeof res.code === "number" && res.code !== 0) throw this.failed(classifyLarkError(res), api);
    return res as T;
  }

  /**
   * The SDK keeps using a cached tenant token until its expiry, even after Lark refused it, so
   * every call would fail for up to two hours: forget it, and the retry fetches a fresh one.
   */
  private failed(failure: LarkFailure, api: string): LarkCallError {
    if (TOKEN_REFUSED_CODES.has(failure.code)) this.tokenCache.values.clear();
    return new LarkCallError(failure, api);
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

  // ── Calendar (meetings, when LARK_CALENDAR=on): events on the bot's primary calendar ──

  private calendarIdCache?: string;

  private async primaryCalendarId(): Promise<string> {
    if (!this.calendarIdCache) {
      const res = await this.call<any>("calendar.primary", () => this.client.calendar.v4.calendar.primary({ params: { user_id_type: "open_id" } }));
      const id = res?.data?.calendars?.[0]?.calendar?.calendar_id;
      if (!id) throw new LarkCallError({ kind: "retryable", code: -1, message: "no primary calendar in the answer" }, "calendar.primary");
      this.calendarIdCache = String(id);
    }
    return this.calendarIdCache;
  }

  private static eventBody(e: CalendarEventInput) {
    const ts = (d: Date) => ({ timestamp: String(Math.floor(d.getTime() / 1000)), timezone: e.timezone }); // seconds, as Feishu wants
    return {
      summary: e.summary,
      description: e.description,
      start_time: ts(e.startAt),
      end_time: ts(e.endAt),
      need_notification: true,
      attendee_ability: "can_see_others" as const,
      reminders: [{ minutes: 60 }],
      ...(e.location ? { location: { name: e.location } } : {}),
    };
  }

  /** Creates an event; Lark returns the same event for a repeated idempotency key. */
  async createCalendarEvent(e: CalendarEventInput, idempotencyKey: string): Promise<string> {
    const calendarId = await this.primaryCalendarId();
    const res = await this.call<any>("calendar.calendarEvent.create", () =>
      this.client.calendar.v4.calendarEvent.create({ path: { calendar_id: calendarId }, params: { idempotency_key: idempotencyKey }, data: LarkGateway.eventBody(e) }),
    );
    return String(res?.data?.event?.event_id ?? "");
  }

  async updateCalendarEvent(eventId: string, e: CalendarEventInput): Promise<void> {
    const calendarId = await this.primaryCalendarId();
    await this.call("calendar.calendarEvent.patch", () =>
      this.client.calendar.v4.calendarEvent.patch({ path: { calendar_id: calendarId, event_id: eventId }, data: LarkGateway.eventBody(e) }),
    );
  }

  /** Deletes an event; one already gone (193001) counts as deleted, so a retry is harmless. */
  async cancelCalendarEvent(eventId: string): Promise<void> {
    const calendarId = await this.primaryCalendarId();
    try {
      await this.call("calendar.calendarEvent.delete", () =>
        this.client.calendar.v4.calendarEvent.delete({ path: { calendar_id: calendarId, event_id: eventId }, params: { need_notification: "true" } }),
      );
    } catch (err) {
      if (err instanceof LarkCallError && err.failure.code === 193001) return;
      throw err;
    }
  }

  async addCalendarAttendees(eventId: string, openIds: string[]): Promise<void> {
    const calendarId = await this.primaryCalendarId();
    for (let i = 0; i < openIds.length; i += 1000) {
      const attendees = openIds.slice(i, i + 1000).map((id) => ({ type: "user" as const, user_id: id, is_optional: false }));
      await this.call("calendar.calendarEventAttendee.create", () =>
        this.client.calendar.v4.calendarEventAttendee.create({
          path: { calendar_id: calendarId, event_id: eventId },
          params: { user_id_type: "open_id" },
          data: { attendees, need_notification: true },
        }),
      );
    }
  }

  /**
   * Uploads a file for a later file message (≤30 MB); returns its file_key. For uploads the SDK
   * returns only the data part ({ file_key }), not the usual { code, data } envelope.
   */
  async uploadFile(name: string, data: Buffer, fileType: "opus" | "mp4" | "pdf" | "doc" | "xls" | "ppt" | "stream"): Promise<string> {
    const res = await this.call<any>("im.file.create", () => this.client.im.v1.file.create({ data: { file_type: fileType, file_name: name, file: data } }));
    const key = res?.file_key ?? res?.data?.file_key;
    if (!key) throw new LarkCallError({ kind: "retryable", code: -1, message: "no file_key in the upload answer" }, "im.file.create");
    return String(key);
  }

  async chatName(chatId: string): Promise<string | undefined> {
    const res = await this.call<any>("im.chat.get", () => this.client.im.v1.chat.get({ path: { chat_id: chatId } }));
    return res?.data?.name;
  }
}
