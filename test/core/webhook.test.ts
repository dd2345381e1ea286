import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { encryptPayload } from "../../src/sandbox/fake-platform/index.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

function messageEnvelope(text: string, messageId: string) {
  return {
    schema: "2.0",
    header: {
      event_id: `ev_${messageId}`,
      event_type: "im.message.receive_v1",
      create_time: String(Date.now()),
      token: t.fake.options.verificationToken,
      app_id: t.fake.options.appId,
      tenant_key: "tk",
    },
    event: {
      sender: { sender_id: { open_id: t.people.m1.openId }, sender_type: "user" },
      message: { message_id: messageId, chat_id: t.chats.branch1, chat_type: "group", message_type: "text", content: JSON.stringify({ text }) },
    },
  };
}

function encrypted(envelope: unknown): string {
  return JSON.stringify({ encrypt: encryptPayload(JSON.stringify(envelope), t.fake.options.encryptKey!) });
}

async function post(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${t.runtime.url}${path}`, { method: "POST", body, headers });
  return { status: res.status, body: await res.text() };
}

async function inboundCount() {
  return t.runtime.db.inboundEvent.count();
}

describe("webhook receiver", () => {
  it("answers the encrypted url_verification challenge with 200 JSON", async () => {
    const r = await t.fake.challenge("abc123");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ challenge: "abc123" });
  });

  it("accepts a signed, encrypted event with 200 and a JSON body", async () => {
    const before = await inboundCount();
    const r = await t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助", "om_ok_1")));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
    expect(await inboundCount()).toBe(before + 1);
  });

  it.each([
    ["a forged signature", { signatureOverride: "0".repeat(64) }],
    ["a timestamp 10 minutes old", { timestamp: String(Math.floor(Date.now() / 1000) - 600) }],
    ["no signature at all", { unsigned: true }],
  ])("refuses %s with 401 and no effect", async (_name, opts) => {
    const before = await inboundCount();
    const r = await t.fake.signedRequest("/lark/events", encrypted(messageEnvelope("/帮助", `om_bad_${Math.random()}`)), opts);
    expect(r.status).toBe(401);
    expect(await inboundCount()).toBe(before);
  });

  it("refuses a correctly signed event carrying the wrong verification token", async () => {
    const env = messageEnvelope("/帮助", "om_badtoken");
    env.header.token = "not-the-token";
    const r = await t.fake.signedRequest("/lark/events", encrypted(env));
    expect(r.status).toBe(401);
  });

  it("refuses a body encrypted with another key", async () => {
    const body = JSON.stringify({ encrypt: encryptPayload(JSON.stringify(messageEnvelope("x", "om_k")), "some-other-key") });
    const r = await t.fake.signedRequest("/lark/events", body);
    expect(r.status).toBe(401);
  });

  it("answers malformed JSON 400, a wrong content type 415 and an oversized body 413", async () => {
    expect((await post("/lark/events", "{not json", { "content-type": "application/json" })).status).toBe(400);
    expect((await post("/lark/events", "a=b", { "content-type": "application/x-www-form-urlencoded" })).status).toBe(415);
    const big = JSON.stringify({ encrypt: "A".repeat(1024 * 1024 + 10) });
    expect((await post("/lark/events", big, { "content-type": "application/json" })).status).toBe(413);
    const health = await fetch(`${t.runtime.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it("replays of a valid request get 200 but no second effect", async () => {
    const body = encrypted(messageEnvelope("/成员", "om_replay"));
    const first = await t.fake.signedRequest("/lark/events", body);
    const second = await t.fake.signedRequest("/lark/events", body);
    expect([first.status, second.status]).toEqual([200, 200]);
    const rows = await t.runtime.db.inboundEvent.findMany({ where: { dedupeKey: "msg:om_replay" } });
    expect(rows).toHaveLength(1);
  });

  it("acknowledges first and processes after: a stored event is processed even after a restart", async () => {
    await t.settle();
    const before = t.botMessages(t.chats.branch1).length;
    const { message, delivery } = await t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: t.people.m1.openId, text: "/帮助" });
    expect(delivery?.status).toBe(200);
    const row = await t.runtime.db.inboundEvent.findFirstOrThrow({ where: { dedupeKey: `msg:${message.messageId}` } });
    expect(row.status).toBe("pending");
    await t.restart(); // the "crash": nothing processed it before
    expect(await t.runtime.db.inboundEvent.findFirstOrThrow({ where: { id: row.id } })).toMatchObject({ status: "done" });
    expect(t.botMessages(t.chats.branch1).length).toBe(before + 1);
    expect(t.lastBotMessage(t.chats.branch1)?.parentId).toBe(message.messageId);
  });
});
