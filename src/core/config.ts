import { z } from "zod";

/** Thrown at start when the environment is invalid; the message names the variable. */
export class ConfigError extends Error {}

const isoInstant = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), { message: "不是合法的 ISO 时间，例如 2026-11-27T09:00:00+08:00" });

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: "不是合法的 IANA 时区，例如 Asia/Shanghai" },
);

const envSchema = z.object({
  LARK_APP_ID: z
    .string()
    .regex(/^cli_[0-9a-zA-Z]{16}$/, "应为飞书自建应用的 App ID，形如 cli_a1b2c3d4e5f60718")
    .optional(),
  LARK_APP_SECRET: z.string().min(1).optional(),
  LARK_ENCRYPT_KEY: z.string().min(1).optional(),
  LARK_VERIFICATION_TOKEN: z.string().min(1).optional(),
  LARK_DOMAIN: z
    .string()
    .refine((d) => d === "feishu" || d === "lark" || /^https?:\/\/[^\s]+$/.test(d), {
      message: "应为 feishu、lark 或一个 http(s) 基础地址",
    })
    .default("feishu"),
  LARK_MODE: z.enum(["websocket", "webhook"]).default("websocket"),
  DATABASE_URL: z
    .string()
    .regex(/^(file:.+|postgres(ql)?:\/\/.+)/, "应为 SQLite 文件地址（形如 file:./data/zhibu.db）或 PostgreSQL 地址（形如 postgresql://zhibu:密码@db.example:5432/zhibu）")
    .default("file:./data/zhibu.db"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BOT_TIMEZONE: timezone.default("Asia/Shanghai"),
  BOT_CLOCK: isoInstant.optional(),
  LARK_SEND_LIMITS: z
    .string()
    .regex(/^\d+\/s,\d+\/min,\d+\/s$/, "格式为 每秒/s,每分钟/min,每会话每秒/s，例如 50/s,1000/min,5/s")
    .optional(),
  LARK_CALENDAR: z.enum(["on", "off"]).default("off"),
  LARK_MONTHLY_CALL_BUDGET: z.coerce.number().int("应为整数，例如 10000（飞书免费版所有自建应用合计每月的调用次数）").positive("应为正整数，例如 10000").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export interface Config {
  lark: {
    appId: string;
    appSecret: string;
    encryptKey?: string;
    verificationToken?: string;
    domain: string;
    mode: "websocket" | "webhook";
  } | null; // null = no credentials: run against the embedded fake platform
  databaseUrl: string;
  port: number;
  timezone: string;
  clockStart?: Date;
  logLevel: string;
  /** Lark's documented send limits unless overridden (private deployments, benchmarks). */
  sendLimits?: { perAppPerSecond: number; perAppPerMinute: number; perTargetPerSecond: number };
  /** LARK_CALENDAR=on: meetings also become events, with invitations, on the bot's Feishu calendar. */
  calendar: boolean;
  /** LARK_MONTHLY_CALL_BUDGET: the tenant's monthly Open Platform call budget (unset: unlimited; Basic edition: 10,000). */
  monthlyCallBudget?: number;
}

/** Reads and validates the environment once, at start. Pure: pass any env object. */
export function readConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`配置错误 / invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const e = parsed.data;
  if (e.LARK_APP_ID && !e.LARK_APP_SECRET) {
    throw new ConfigError("配置错误 / invalid configuration:\n  LARK_APP_SECRET: 设置了 LARK_APP_ID 时必须同时设置");
  }
  if (!e.LARK_APP_ID && e.LARK_APP_SECRET) {
    throw new ConfigError("配置错误 / invalid configuration:\n  LARK_APP_ID: 设置了 LARK_APP_SECRET 时必须同时设置");
  }
  if (e.LARK_APP_ID && e.LARK_MODE === "webhook" && !e.LARK_ENCRYPT_KEY && !e.LARK_VERIFICATION_TOKEN) {
    throw new ConfigError(
      "配置错误 / invalid configuration:\n  LARK_ENCRYPT_KEY: webhook 模式必须设置 LARK_ENCRYPT_KEY（推荐）或 LARK_VERIFICATION_TOKEN，否则任何人都能伪造事件",
    );
  }
  return {
    lark: e.LARK_APP_ID
      ? {
          appId: e.LARK_APP_ID,
          appSecret: e.LARK_APP_SECRET!,
          encryptKey: e.LARK_ENCRYPT_KEY,
          verificationToken: e.LARK_VERIFICATION_TOKEN,
          domain: e.LARK_DOMAIN,
          mode: e.LARK_MODE,
        }
      : null,
    databaseUrl: e.DATABASE_URL,
    port: e.PORT,
    timezone: e.BOT_TIMEZONE,
    clockStart: e.BOT_CLOCK ? new Date(e.BOT_CLOCK) : undefined,
    logLevel: e.LOG_LEVEL,
    sendLimits: e.LARK_SEND_LIMITS ? parseLimits(e.LARK_SEND_LIMITS) : undefined,
    calendar: e.LARK_CALENDAR === "on",
    monthlyCallBudget: e.LARK_MONTHLY_CALL_BUDGET,
  };
}

function parseLimits(text: string) {
  const [a, b, c] = text.split(",").map((x) => Number.parseInt(x, 10));
  return { perAppPerSecond: a!, perAppPerMinute: b!, perTargetPerSecond: c! };
}
