import { createCipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Lark's event encryption: AES-256-CBC, key = SHA-256(encryptKey), random 16-byte IV,
 * PKCS#7 padding (Node's default), wire value base64(iv || ciphertext).
 * The SDK only ships the decrypting half (`AESCipher`).
 */
export function encryptPayload(plaintext: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  return Buffer.concat([iv, cipher.update(plaintext, "utf8"), cipher.final()]).toString("base64");
}

/** X-Lark-Signature for events and new-style card callbacks: sha256 hex of timestamp + nonce + encryptKey + body. */
export function signBody(timestamp: string, nonce: string, encryptKey: string, rawBody: string): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey + rawBody).digest("hex");
}
