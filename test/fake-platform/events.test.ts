import { createHash } from "node:crypto";
import * as lark from "@larksuiteoapi/node-sdk";
import Koa from "koa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakePlatform, type FakePlatform } from "../../src/sandbox/fake-platform/index.ts";
import { APP_ID, APP_SECRET, startKoa } from "./helpers.ts";

const ENCRYPT_KEY = "enc-key-for-tests";
const VERIFICATION_TOKEN = "v-token-for-tests";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  signatureOk: boolean;
  plain: Record<string, unknown>;
}

/** A hand-rolled receiver: checks the signature over the raw bytes and decrypts with the SDK's AESCipher. */
function rawReceiver(received: Received[]): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const h = ctx.headers;
    const expected = createHash("sha256")
      .update(`${h["x-lark-request-timestamp"]}${h["x-lark-request-nonce"]}${ENCRYPT_KEY}${raw}`)
      .digest("hex");
    const { encrypt } = JSON.parse(raw) as { encrypt: string };
    const plain = JSON.parse(new lark.AESCipher(ENCRYPT_KEY).decrypt(encrypt)) as Record<string, unknown>;
    received.push({ headers: h, raw, signatureOk: expected === h["x-lark-signature"], plain });
    ctx.status = 200;
    ctx.body = { ok: true };
  });
  return app;
}

describe("fake platform: delivering events to a bot", () => {
  let platform: FakePlatform;
  let closeBot: (() => Promise<void>) | undefined;
  beforeEach(() => {
    platform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN });
    platform.addUser({ openId: "ou_alice", name: "Alice" });
    platform.addUser({ openId: "ou_bob", name: "Bob" });
    platform.addChat({ chatId: "oc_branch", name: "第一党支部", members: ["ou_alice", "ou_bob"] });
  });
  afterEach(async () => {
    await closeBot?.();
    closeBot = undefined;
  });

  async function useBot(app: Koa): Promise<void> {
    const bot = await startKoa(app);
    closeBot = bot.close;
    platform.setBotBaseUrl(bot.url);
  }

  it("signs the raw body and encrypts a schema 2.0 envelope the SDK can decrypt", async () => {
    const received: Received[] = [];
    await useBot(rawReceiver(received));
    const result = await platform.sendUserMessage({ chatId: "oc_branch", senderOpenId: "ou_alice", text: "/帮助", mentionBot: true });
    expect(result.delivery?.status).toBe(200);
    expect(result.delivery?.body).toEqual({ ok: true });
    const [got] = received;
    expect(got?.signatureOk).toBe(true);
    expect(got?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(got?.raw).toBe(JSON.stringify(JSON.parse(got?.raw ?? "null"))); // compact, as the SDK's check requires
    const header = got?.plain.header as Record<string, string>;
    expect(header).toMatchObject({ event_type: "im.message.receive_v1", token: VERIFICATION_TOKEN, app_id: APP_ID });
    expect(header.event_id).toMatch(/^[0-9a-f]{32}$/);
    expect(header.create_time).toMatch(/^\d{13}$/);
    const message = (got?.plain.event as { message: Record<string, unknown> }).message;
    expect(message).toMatchObject({ chat_id: "oc_branch", chat_type: "group", message_type: "text", content: '{"text":"@_user_1 /帮助"}' });
    expect(message.mentions).toEqual([
      { key: "@_user_1", id: expect.objectContaining({ open_id: platform.options.botOpenId }), name: "支部助手", tenant_key: platform.options.tenantKey },
    ]);
    expect(platform.messagesIn("oc_branch")[0]).toMatchObject({ sender: "ou_alice", content: { text: "@_user_1 /帮助" } });
  });

  it("redelivers the same event_id with a fresh signature; a forged signature is detectable", async () => {
    const received: Received[] = [];
    await useBot(rawReceiver(received));
    const first = await platform.deliverEvent("im.chat.disbanded_v1", { chat_id: "oc_branch" });
    const second = await platform.redeliver(first);
    expect(second.eventId).toBe(first.eventId);
    expect(received.map((r) => (r.plain.header as { event_id: string }).event_id)).toEqual([first.eventId, first.eventId]);
    expect(received[0]?.raw).not.toBe(received[1]?.raw); // new IV each time
    expect(received.every((r) => r.signatureOk)).toBe(true);
    await platform.signedRequest("/lark/events", first.rawBody, { signatureOverride: "0".repeat(64) });
    expect(received[2]?.signatureOk).toBe(false);
  });

  it("without an encryptKey sends the plain envelope and no signature headers", async () => {
    const plainPlatform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET, verificationToken: VERIFICATION_TOKEN });
    const bodies: { headers: Record<string, unknown>; body: Record<string, unknown> }[] = [];
    const app = new Koa();
    app.use(async (ctx) => {
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      bodies.push({ headers: ctx.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> });
      ctx.body = {};
    });
    await useBot(app);
    plainPlatform.setBotBaseUrl(platform.options.botBaseUrl ?? "");
    const result = await plainPlatform.deliverEvent("im.chat.disbanded_v1", { chat_id: "oc_branch" }, { eventId: "e".repeat(32) });
    expect(result.status).toBe(200);
    expect(bodies[0]?.headers["x-lark-signature"]).toBeUndefined();
    expect(bodies[0]?.body).toMatchObject({ schema: "2.0", header: { event_id: "e".repeat(32), token: VERIFICATION_TOKEN }, event: { chat_id: "oc_branch" } });
  });

  it("reports a bot that is not listening as status 0 with an error", async () => {
    platform.setBotBaseUrl("http://127.0.0.1:1");
    const result = await platform.deliverEvent("im.chat.disbanded_v1", { chat_id: "oc_branch" });
    expect(result.status).toBe(0);
    expect(result.error).toBeTruthy();
    expect(platform.pushes.at(-1)).toMatchObject({ status: 0, eventType: "im.chat.disbanded_v1" });
  });

  describe("through the SDK's EventDispatcher", () => {
    const seen: Record<string, unknown>[] = [];
    let cardAnswer: unknown = {};
    beforeEach(async () => {
      seen.length = 0;
      const dispatcher = new lark.EventDispatcher({ encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, logger: quiet }).register({
        "im.message.receive_v1": async (data) => void seen.push(data as unknown as Record<string, unknown>),
        "im.chat.member.bot.added_v1": async (data) => void seen.push(data as unknown as Record<string, unknown>),
        "im.chat.member.user.added_v1": async (data) => void seen.push(data as unknown as Record<string, unknown>),
        "card.action.trigger": async (data: Record<string, unknown>) => {
          seen.push(data);
          return cardAnswer;
        },
      });
      const app = new Koa();
      app.use(lark.adaptKoa("/lark/events", dispatcher, { autoChallenge: true, logger: quiet }) as Koa.Middleware);
      app.use(lark.adaptKoa("/lark/cards", dispatcher, { autoChallenge: true, logger: quiet }) as Koa.Middleware);
      await useBot(app);
    });

    it("passes the SDK's signature check and flattens the event for handlers", async () => {
      await platform.sendUserMessage({ p2pOpenId: "ou_bob", senderOpenId: "ou_bob", text: "你好 @Alice", mentions: [{ openId: "ou_alice" }] });
      expect(seen).toHaveLength(1);
      const data = seen[0] as { message: { chat_type: string; chat_id: string; content: string; mentions: { key: string }[] }; sender: { sender_id: { open_id: string } } };
      expect(data.message.chat_type).toBe("p2p");
      expect(data.message.chat_id).toBe("oc_p2p_ou_bob");
      expect(JSON.parse(data.message.content)).toEqual({ text: "你好 @_user_1" });
      expect(data.message.mentions[0]?.key).toBe("@_user_1");
      expect(data.sender.sender_id.open_id).toBe("ou_bob");
    });

    it("answers Lark's url_verification challenge", async () => {
      const result = await platform.challenge("ch-123");
      expect(result.status).toBe(200);
      expect(result.body).toEqual({ challenge: "ch-123" });
    });

    it("delivers membership events and mutates the world", async () => {
      platform.addChat({ chatId: "oc_new", name: "新支部", members: ["ou_alice"], botIn: false });
      await platform.addBotToChat("oc_new", "ou_alice");
      await platform.addUsersToChat("oc_new", ["ou_bob"], "ou_alice");
      expect(platform.chats.get("oc_new")).toMatchObject({ botIn: true, members: ["ou_alice", "ou_bob"] });
      expect(seen[0]).toMatchObject({ event_type: "im.chat.member.bot.added_v1", chat_id: "oc_new", name: "新支部", operator_id: { open_id: "ou_alice" }, external: false });
      expect(seen[1]).toMatchObject({ event_type: "im.chat.member.user.added_v1", users: [{ name: "Bob", user_id: { open_id: "ou_bob" } }] });
    });

    it("clicks a card, applies the raw card from the answer, and honours the delayed-update token twice", async () => {
      const sdk = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: await platform.listen(), cache: new lark.DefaultCache(), logger: quiet });
      try {
        const v2 = (title: string) => ({ schema: "2.0", header: { title: { tag: "plain_text", content: title } }, body: { elements: [] } });
        const sent = await sdk.im.v1.message.create({
          params: { receive_id_type: "chat_id" },
          data: { receive_id: "oc_branch", msg_type: "interactive", content: JSON.stringify(v2("报名")) },
        });
        const messageId = sent.data?.message_id ?? "";
        cardAnswer = { toast: { type: "success", content: "已报名" }, card: { type: "raw", data: v2("已报名 1 人") } };
        const click = await platform.clickCard({ messageId, operatorOpenId: "ou_bob", value: { action: "signup" }, formValue: { note: "准时到" } });
        expect(click.status).toBe(200);
        expect(click.toast).toEqual({ type: "success", content: "已报名" });
        expect(platform.message(messageId)?.content).toEqual(v2("已报名 1 人"));
        const data = seen[0] as { token: string; operator: { open_id: string }; action: Record<string, unknown>; context: Record<string, unknown>; create_time: string };
        expect(data.token).toBe(click.token);
        expect(data.token).toMatch(/^c-/);
        expect(data.operator.open_id).toBe("ou_bob");
        expect(data.action).toMatchObject({ value: { action: "signup" }, tag: "button", form_value: { note: "准时到" }, timezone: "Asia/Shanghai" });
        expect(data.context).toEqual({ open_message_id: messageId, open_chat_id: "oc_branch" });
        expect(data.create_time).toMatch(/^\d{16}$/);

        const update = (title: string) => sdk.request({ method: "POST", url: "/open-apis/interactive/v1/card/update", data: { token: click.token, card: v2(title) } });
        expect(await update("延时 1")).toMatchObject({ code: 0 });
        expect(await update("延时 2")).toMatchObject({ code: 0 });
        await expect(update("延时 3")).rejects.toMatchObject({ response: { status: 400 } });
        expect(platform.message(messageId)?.history).toHaveLength(3);
        expect(platform.message(messageId)?.content).toEqual(v2("延时 2"));
      } finally {
        await platform.close();
      }
    });
  });
});

const noop = (): void => {};
const quiet = { error: noop, warn: noop, info: noop, debug: noop, trace: noop };
