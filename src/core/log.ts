import { pino, type Logger } from "pino";

export type { Logger };

// Anything that could hold a secret is redacted wherever it appears in a log object.
const REDACT = [
  "appSecret", "app_secret", "encryptKey", "encrypt_key", "verificationToken", "token",
  "tenant_access_token", "authorization", "Authorization",
  "*.appSecret", "*.app_secret", "*.encryptKey", "*.verificationToken", "*.token",
  "*.tenant_access_token", "*.authorization", "*.Authorization", "headers.authorization",
];

/** Structured JSON logs on stdout (or the given destination), secrets redacted. */
export function createLogger(level = "info", destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { app: "zhibu-bot" } }, destination);
}

/** Short, single-line description of an unknown error for logs and stored lastError. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 1000);
  return String(err).slice(0, 1000);
}
