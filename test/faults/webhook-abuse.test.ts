import { request } from "node:http";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { encryptPayload, signBody } from "../../src/sandbox/fake-platform/index.ts";
import { reportCounts } from "./support/counts.ts";

/**
 * Anyone on the internet can post to the webhook. Everything that is not a genuine, fresh,
 * correctly signed Lark request is answered 4xx, leaves no trace in the database, and the bot
 * keeps serving real users afterwards.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

let seq = 0;
function messageEnvelope(text: string, token = t.fake.options.verificationToken) {
  const messageId = `om_abuse_${++seq}`;
  return {
    schema: "2.0",
    header: { event_id: `ev_abuse_${seq}`, event_type: "im.message.receive_v1", create_time: String(Date.now()), token, app_id: t.fake.options.appId, tenant_key: "tk" },
    event: {
      sender: { sender_id: { open_id: t.people.m1.openId }, sender_type: "user" },
      message: { message_id: messageId, chat_id: t.chats.branch1, chat_type: "group", message_type: "text", content: JSON.stringify({ text }) },
    },
  };
}

function cardEnvelope() {
  const card = t.botMessages(t.chats.branch1).find((m) => m.msgType === "interactive");
  return {
    schema: "2.0",
    header: { event_id: `ev_card_abuse_${++seq}`, event_type: "card.action.trigger", create_time: `${Date.now()}000`, token: t.fake.options.verificationToken, app_id: t.fake.options.appId, tenant_key: "tk" },
    event: {
      operator: { open_id: t.people.m1.openId },
      token: `c-abuse${seq}`,
      action: { tag: "button", value: { a: "branch.bind", chat: t.chats.branch1 } },
      context: { open_message_id: card?.messageId ?? "om_x", open_chat_id: t.chats.branch1 },
    },
  };
}

const encrypted = (envelope: unknown, key = t.fake.options.encryptKey!) => JSON.stringify({ encrypt: encryptPayload(JSON.stringify(envelope), key) });
/** A JSON text with an array nested `levels` deep in the event (too deep to build as an object). */
const deepen = (envelope: unknown, levels: number) => JSON.stringify(envelope).replace('"event":{', `"event":{"deep":${"[".repeat(levels)}${"]".repeat(levels)},`);
const encryptedText = (plain: string) => JSON.stringify({ encrypt: encryptPayload(plain, t.fake.options.encryptKey!) });
const nowSeconds = () => String(Math.floor(Date.now() / 1000));

/** Rows anything could have left behind: stored events, card answers, queued messages. */
async function traces(): Promise<number> {
  const [events, outbox] = await Promise.all([t.runtime.db.inboundEvent.count(), t.runtime.db.outboxMessage.count()]);
  return events + outbox;
}

async function post(path: string, body: string | Uint8Array, headers: Record<string, string>) {
  const res = await fetch(`${t.runtime.url}${path}`, { method: "POST", body: typeof body === "string" ? body : new Uint8Array(body), headers });
  return { status: res.status, body: await res.text() };
}

/** A body streamed without Content-Length, so the size limit must hold while reading. */
function postChunked(path: string, totalBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.runtime.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (err) => ((err as NodeJS.ErrnoException).code === "EPIPE" || (err as NodeJS.ErrnoException).code === "ECONNRESET" ? undefined : reject(err)));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
      req.end();
    };
    req.write('{"encrypt":"');
    pump();
  });
}

async function expectAlive() {
  expect((await fetch(`${t.runtime.url}/healthz`)).status).toBe(200);
  const asked = await t.say(t.people.m2, t.chats.branch1, "/成员");
  expect(textOf(t.botMessages(t.chats.branch1).find((m) => m.parentId === asked.messageId))).toContain("成员名单");
}

describe("webhook under attack", () => {
  const bad: Array<[string, () => Promise<{ status: number }>]> = [
    ["a forged signature", () => t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助")), { signatureOverride: "ab".repeat(32) })],
    ["a signature made with another key", () => {
      const body = encrypted(messageEnvelope("/帮助"));
      const ts = nowSeconds();
      return t.fake.signedRequest("/lark/events", body, { timestamp: ts, nonce: "n1", signatureOverride: signBody(ts, "n1", "not-the-key", body) });
    }],
    ["no signature headers", () => t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助")), { unsigned: true })],
    ["the wrong verification token", () => t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助", "wrong-token")))],
    ["a body encrypted with another key", () => t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助"), "another-key"))],
    ["a timestamp 10 minutes old", () => t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助")), { timestamp: String(Math.floor(Date.now() / 1000) - 600) })],
    ["a timestamp 10 minutes ahead", () => t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助")), { timestamp: String(Math.floor(Date.now() / 1000) + 600) })],
    ["malformed JSON", () => post("/lark/events", '{"encrypt": "abc', { "content-type": "application/json" })],
    ["a JSON array", () => post("/lark/events", "[1,2,3]", { "content-type": "application/json" })],
    ["a body over 1 MB (declared)", () => post("/lark/events", JSON.stringify({ encrypt: "A".repeat(1024 * 1024 + 1) }), { "content-type": "application/json" })],
    ["a body over 1 MB (streamed, no length)", async () => ({ status: await postChunked("/lark/events", 2 * 1024 * 1024) })],
    ["the wrong content type", () => post("/lark/events", encrypted(messageEnvelope("/帮助")), { "content-type": "text/plain" })],
    ["a form post", () => post("/lark/events", "a=1&b=2", { "content-type": "application/x-www-form-urlencoded" })],
    ["a forged card callback", () => t.fake.signedRequest("/lark/cards", encrypted(cardEnvelope()), { signatureOverride: "cd".repeat(32) })],
    ["an unsigned card callback", () => t.fake.signedRequest("/lark/cards", encrypted(cardEnvelope()), { unsigned: true })],
    ["a signed event nested 20,000 levels deep", () => t.fake.signedRequest("/lark/events", encryptedText(deepen(messageEnvelope("/帮助"), 20_000)))],
    ["a signed card callback nested 20,000 levels deep", () => t.fake.signedRequest("/lark/cards", encryptedText(deepen(cardEnvelope(), 20_000)))],
    ["an outer body nested 20,000 levels deep", () => post("/lark/events", `{"encrypt":${"[".repeat(20_000)}${"]".repeat(20_000)}}`, { "content-type": "application/json" })],
    ["a url_verification with the wrong token", () => post("/lark/events", JSON.stringify({ encrypt: encryptPayload(JSON.stringify({ type: "url_verification", challenge: "x", token: "nope" }), t.fake.options.encryptKey!) }), { "content-type": "application/json" })],
  ];

  it.each(bad)("answers %s with 4xx and leaves no trace", async (_name, send) => {
    const before = await traces();
    const { status } = await send();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(await traces()).toBe(before);
  });

  it("refuses a captured valid request replayed after 5 minutes, delivered before or not", async () => {
    // Lark sent these at `timestamp`, just inside the 5-minute window; the first was delivered.
    const timestamp = String(Math.floor(Date.now() / 1000) - 298);
    const headers = { timestamp, nonce: "captured-nonce" };
    const delivered = encrypted(messageEnvelope("/帮助"));
    const intercepted = encrypted(messageEnvelope("/成员"));
    expect((await t.fake.signedRequest("/lark/events", delivered, headers)).status).toBe(200);
    await t.settle();
    const before = await traces();
    // A few seconds later the same bytes and headers are more than 5 minutes old.
    while (Date.now() / 1000 - Number(timestamp) <= 301) await new Promise((r) => setTimeout(r, 200));
    expect((await t.fake.signedRequest("/lark/events", delivered, headers)).status).toBe(401);
    expect((await t.fake.signedRequest("/lark/events", intercepted, headers)).status).toBe(401);
    expect(await traces()).toBe(before);
  });

  it("answers 4xx with no trace to random bodies, headers and tampered genuine requests", async () => {
    let runs = 0;
    const genuine = encrypted(messageEnvelope("/帮助"));
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.json().map((j) => j),
      fc.record({ encrypt: fc.base64String({ maxLength: 400 }) }).map((o) => JSON.stringify(o)),
      fc.record({ type: fc.constantFrom("url_verification", "event_callback"), token: fc.string(), challenge: fc.string() }).map((o) => JSON.stringify(o)),
      fc.record({ schema: fc.constant("2.0"), header: fc.record({ event_type: fc.constantFrom("im.message.receive_v1", "card.action.trigger"), token: fc.string() }), event: fc.object() }).map((o) => JSON.stringify(o)),
      // A genuine encrypted request with one byte changed.
      fc.tuple(fc.nat({ max: genuine.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([i, d]) => {
        const bytes = Buffer.from(genuine);
        bytes[i] = (bytes[i]! + d) % 256;
        return bytes.toString("latin1");
      }),
    );
    const headers = fc.record(
      {
        "content-type": fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/octet-stream"),
        "x-lark-request-timestamp": fc.oneof(fc.constant(nowSeconds()), fc.string({ maxLength: 20 })),
        "x-lark-request-nonce": fc.string({ maxLength: 20 }),
        "x-lark-signature": fc.oneof(fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }), fc.string({ maxLength: 80 })),
      },
      { requiredKeys: ["content-type"] },
    );
    const before = await traces();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("/lark/events", "/lark/cards"), body, headers, async (path, raw, h) => {
        runs++;
        const safe = Object.fromEntries(Object.entries(h).filter(([, v]) => /^[\t\x20-\x7e]*$/.test(v as string))) as Record<string, string>;
        const { status } = await post(path, new Uint8Array(Buffer.from(raw, "latin1")), safe);
        expect(status).toBeGreaterThanOrEqual(400);
        expect(status).toBeLessThan(500);
      }),
      { numRuns: 300, seed: 4242 },
    );
    expect(await traces()).toBe(before);
    reportCounts("webhook-abuse", { namedAttacks: bad.length + 2, fuzzedRequests: runs, accepted: 0 });
  }, 60_000);

  it("is still alive and serving afterwards", async () => {
    await expectAlive();
  });
});
