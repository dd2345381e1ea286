import { createHash, timingSafeEqual } from "node:crypto";

export const MAX_SKEW_SECONDS = 300;

function safeEqualHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given.toLowerCase(), "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface SignatureHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/** The request timestamp (seconds) must be within ±5 minutes of our real clock: no replays. */
export function checkTimestamp(timestamp: string | undefined, nowMs: number): VerifyResult {
  if (!timestamp || !/^\d{1,13}$/.test(timestamp)) return { ok: false, reason: "missing or malformed timestamp" };
  const seconds = timestamp.length > 10 ? Number(timestamp) / 1000 : Number(timestamp);
  if (Math.abs(nowMs / 1000 - seconds) > MAX_SKEW_SECONDS) return { ok: false, reason: "timestamp outside the 5-minute window" };
  return { ok: true };
}

/**
 * Lark's signature over the raw bytes as received (not re-serialised JSON, the SDK's trap):
 * sha256(timestamp + nonce + encryptKey + body) for events and new card callbacks,
 * sha1(timestamp + nonce + verificationToken + body) for legacy card callbacks.
 */
export function checkSignature(h: SignatureHeaders, raw: Buffer, secret: string, algorithm: "sha256" | "sha1", nowMs: number): VerifyResult {
  if (!h.signature || h.nonce === undefined) return { ok: false, reason: "missing signature headers" };
  const fresh = checkTimestamp(h.timestamp, nowMs);
  if (!fresh.ok) return fresh;
  const expected = createHash(algorithm).update(`${h.timestamp}${h.nonce}${secret}`).update(raw).digest("hex");
  return safeEqualHex(expected, h.signature) ? { ok: true } : { ok: false, reason: "signature mismatch" };
}

export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(expected).digest();
  const b = createHash("sha256").update(given).digest();
  return timingSafeEqual(a, b);
}
