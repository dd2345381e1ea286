/**
 * What Lark sends, built by the load generator: schema 2.0 envelopes, AES-256-CBC encrypted
 * and signed exactly as the fake platform (and Lark) does, ready to POST as raw bytes.
 */
import { randomBytes } from "node:crypto";
import { encryptPayload, signBody } from "../../src/sandbox/fake-platform/crypto.ts";
import { APP_ID_HEX } from "./seed.ts";

export const CREDENTIALS = {
  appId: `cli_${APP_ID_HEX}`,
  appSecret: "bench-app-secret-0123456789abcdef",
  encryptKey: "bench-encrypt-key-0123456789abcdef",
  verificationToken: "bench-verification-token",
};
export const TENANT_KEY = "tenant_fake_0001";

export interface SignedPost {
  path: "/lark/events" | "/lark/cards";
  headers: Record<string, string>;
  body: Buffer;
  /** What the answer is about (message id or click id), for the verification afterwards. */
  id: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** Encrypts and signs one plaintext envelope with the wall clock (Lark signs with the real time). */
export function sign(path: SignedPost["path"], envelope: Record<string, unknown>, id: string, timestamp = String(Math.floor(Date.now() / 1000))): SignedPost {
  const raw = JSON.stringify({ encrypt: encryptPayload(JSON.stringify(envelope), CREDENTIALS.encryptKey) });
  const nonce = hex(8);
  return {
    path,
    id,
    body: Buffer.from(raw),
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-lark-request-timestamp": timestamp,
      "x-lark-request-nonce": nonce,
      "x-lark-signature": signBody(timestamp, nonce, CREDENTIALS.encryptKey, raw),
    },
  };
}

/** A redelivery: Lark re-pushes the same envelope (same event id) with a fresh IV, nonce and signature. */
export function resign(post: SignedPost, envelope: Record<string, unknown>): SignedPost {
  return sign(post.path, envelope, post.id);
}

export function messageEnvelope(event: Record<string, unknown>, eventId = hex(16)): Record<string, unknown> {
  return {
    schema: "2.0",
    header: { event_id: eventId, event_type: "im.message.receive_v1", create_time: String(Date.now()), token: CREDENTIALS.verificationToken, app_id: CREDENTIALS.appId, tenant_key: TENANT_KEY },
    event,
  };
}

/** card.action.trigger for a button click on a card message, as the Feishu client reports it. */
export function cardClickEnvelope(input: { messageId: string; chatId: string; operatorOpenId: string; value: Record<string, unknown> }, eventId = hex(16)): Record<string, unknown> {
  return {
    schema: "2.0",
    header: { event_id: eventId, event_type: "card.action.trigger", create_time: `${Date.now()}000`, token: CREDENTIALS.verificationToken, app_id: CREDENTIALS.appId, tenant_key: TENANT_KEY },
    event: {
      operator: { tenant_key: TENANT_KEY, open_id: input.operatorOpenId, union_id: `on_${hex(16)}`, user_id: hex(4) },
      token: `c-${hex(20)}`,
      action: { value: input.value, tag: "button", timezone: "Asia/Shanghai" },
      host: "im_message",
      context: { open_message_id: input.messageId, open_chat_id: input.chatId },
    },
  };
}
