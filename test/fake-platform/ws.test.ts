import * as lark from "@larksuiteoapi/node-sdk";
import Koa from "koa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakePlatform, type FakePlatform } from "../../src/sandbox/fake-platform/index.ts";
import { decodeFrame, encodeFrame, FRAME_DATA } from "../../src/sandbox/fake-platform/pbbp2.ts";
import { APP_ID, APP_SECRET, card2, sdkClient, silentLogger, startKoa } from "./helpers.ts";

type Handlers = Record<string, (data: any) => unknown>;

/** Polls until `check` holds; no timing assertion, just a generous ceiling. */
async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("fake platform: the long connection (WebSocket)", () => {
  let platform: FakePlatform;
  let baseUrl: string;
  let clients: lark.WSClient[] = [];

  beforeEach(async () => {
    platform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET, encryptKey: "unused-over-ws" });
    baseUrl = await platform.listen();
    platform.addUser({ openId: "ou_alice", name: "Alice" });
    platform.addUser({ openId: "ou_bob", name: "Bob" });
    platform.addChat({ chatId: "oc_branch", name: "第一党支部", members: ["ou_alice", "ou_bob"] });
    platform.setPushMode("websocket");
  });
  afterEach(async () => {
    for (const c of clients) c.close({ force: true });
    clients = [];
    await platform.close();
  });

  /** The SDK's real WSClient with the bot's settings, pointed at the fake. */
  function connect(handlers: Handlers, opts: { appSecret?: string; pingTimeout?: number; events?: string[] } = {}): lark.WSClient {
    const events = opts.events ?? [];
    const client = new lark.WSClient({
      appId: APP_ID,
      appSecret: opts.appSecret ?? APP_SECRET,
      domain: baseUrl,
      logger: silentLogger,
      loggerLevel: lark.LoggerLevel.error,
      wsConfig: { pingTimeout: opts.pingTimeout ?? 150 },
      handshakeTimeoutMs: 10_000,
      onReady: () => events.push("ready"),
      onReconnecting: () => events.push("reconnecting"),
      onReconnected: () => events.push("reconnected"),
      onError: (err) => events.push(`error: ${err.message}`),
    });
    clients.push(client);
    const dispatcher = new lark.EventDispatcher({ logger: silentLogger, loggerLevel: lark.LoggerLevel.error }).register(handlers);
    void client.start({ eventDispatcher: dispatcher });
    return client;
  }

  it("discovers the endpoint at ${domain}/callback/ws/endpoint with the app id and secret", async () => {
    const good = await fetch(`${baseUrl}/callback/ws/endpoint`, {
      method: "POST",
      headers: { "content-type": "application/json", locale: "zh" },
      body: JSON.stringify({ AppID: APP_ID, AppSecret: APP_SECRET }),
    });
    const body = (await good.json()) as { code: number; data: { URL: string; ClientConfig: Record<string, number> } };
    expect(body.code).toBe(0);
    const url = new URL(body.data.URL);
    expect(url.protocol).toBe("ws:");
    expect(url.searchParams.get("device_id")).toMatch(/^\d+$/);
    expect(url.searchParams.get("service_id")).toMatch(/^\d+$/);
    expect(body.data.ClientConfig).toEqual({ PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 1, ReconnectNonce: 0 });

    const bad = await fetch(`${baseUrl}/callback/ws/endpoint`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ AppID: APP_ID, AppSecret: "wrong" }),
    });
    expect(await bad.json()).toMatchObject({ code: 514 });
    expect(platform.calls.filter((c) => c.path === "/callback/ws/endpoint").map((c) => c.code)).toEqual([0, 514]);
  });

  it("stops the SDK client with onError on a wrong secret (code 514), without connecting", async () => {
    const events: string[] = [];
    const client = connect({}, { appSecret: "not-the-secret", events });
    await until(() => events.length > 0, "onError");
    expect(events[0]).toContain("code=514");
    expect(client.getConnectionStatus().state).toBe("failed");
    expect(platform.wsConnections()).toEqual([]);
  });

  it("pushes im.message.receive_v1 to the real WSClient and returns the handler's answer from the ack", async () => {
    const seen: any[] = [];
    const client = connect({
      "im.message.receive_v1": async (data) => {
        seen.push(data);
        return { stored: data.message.message_id };
      },
    });
    const conn = await platform.waitForWsClient();
    expect(conn.state).toBe("ready");
    expect(client.getConnectionStatus().state).toBe("connected");

    const { message, delivery } = await platform.sendUserMessage({ chatId: "oc_branch", senderOpenId: "ou_alice", text: "/帮助", mentionBot: true });
    expect(delivery?.transport).toBe("websocket");
    expect(delivery?.status).toBe(200);
    expect(delivery?.body).toEqual({ stored: message.messageId });
    expect(seen).toHaveLength(1);
    expect(seen[0].message).toMatchObject({ chat_id: "oc_branch", message_id: message.messageId, content: '{"text":"@_user_1 /帮助"}' });
    expect(seen[0].sender.sender_id.open_id).toBe("ou_alice");
    expect(platform.pushes.at(-1)).toMatchObject({ transport: "websocket", eventType: "im.message.receive_v1", status: 200 });

    // A redelivery over the long connection carries the same event_id.
    const again = await platform.redeliver(delivery!);
    expect(again.eventId).toBe(delivery!.eventId);
    expect(seen).toHaveLength(2);
    expect(seen[1].event_id).toBe(seen[0].event_id);
  });

  it("reassembles fragmented pushes (sum/seq headers) in the SDK", async () => {
    platform.configureLongConnection({ fragmentBytes: 64 });
    const seen: string[] = [];
    connect({ "im.message.receive_v1": async (data) => void seen.push(JSON.parse(data.message.content).text) });
    await platform.waitForWsClient();
    const text = "这是一条很长的消息，".repeat(30);
    const { delivery } = await platform.sendUserMessage({ chatId: "oc_branch", senderOpenId: "ou_bob", text });
    expect(delivery?.status).toBe(200);
    expect(seen).toEqual([text]);
  });

  it("reports code 500 from the ack when the handler throws (Lark would re-push)", async () => {
    connect({
      "im.message.receive_v1": async () => {
        throw new Error("database is down");
      },
    });
    await platform.waitForWsClient();
    const { delivery } = await platform.sendUserMessage({ chatId: "oc_branch", senderOpenId: "ou_bob", text: "hi" });
    expect(delivery?.status).toBe(500);
    expect(delivery?.body).toBe("");
  });

  it("round-trips a card callback: card.action.trigger as a type:event frame, toast and card from the ack", async () => {
    const seen: any[] = [];
    connect({
      "card.action.trigger": async (data) => {
        seen.push(data);
        return { toast: { type: "success", content: "已报名" }, card: { type: "raw", data: card2("已报名 1 人") } };
      },
    });
    await platform.waitForWsClient();
    const sent = await sdkClient(baseUrl).im.v1.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_branch", msg_type: "interactive", content: JSON.stringify(card2("报名")) },
    });
    const messageId = sent.data?.message_id ?? "";

    const click = await platform.clickCard({ messageId, operatorOpenId: "ou_bob", value: { a: "meetings.rsvp", m: 1 } });
    expect(click.raw.transport).toBe("websocket");
    expect(click.status).toBe(200);
    expect(click.toast).toEqual({ type: "success", content: "已报名" });
    expect(platform.message(messageId)?.content).toEqual(card2("已报名 1 人"));
    expect(seen[0]).toMatchObject({ token: click.token, operator: { open_id: "ou_bob" }, action: { value: { a: "meetings.rsvp", m: 1 } } });
  });

  it("answers pings with pongs that carry the ClientConfig, so a short pingTimeout never fires", async () => {
    platform.configureLongConnection({ clientConfig: { PingInterval: 1 } });
    const events: string[] = [];
    const client = connect({}, { pingTimeout: 1, events });
    const first = await platform.waitForWsClient();
    await until(() => (platform.wsConnections()[0]?.pings ?? 0) >= 3, "three pings");
    expect(platform.wsConnections().map((c) => c.id)).toEqual([first.id]); // still the same socket
    expect(events).toEqual(["ready"]);
    expect(client.getConnectionStatus().state).toBe("connected");
  });

  it("speaks pbbp2 by hand: ping → pong with the config; a data frame is acked by message_id", async () => {
    // Raw socket, no SDK: checks the wire format itself.
    const { WebSocket } = await import("ws");
    const res = await fetch(`${baseUrl}/callback/ws/endpoint`, { method: "POST", body: JSON.stringify({ AppID: APP_ID, AppSecret: APP_SECRET }), headers: { "content-type": "application/json" } });
    const { data } = (await res.json()) as { data: { URL: string } };
    const socket = new WebSocket(data.URL);
    const frames: ReturnType<typeof decodeFrame>[] = [];
    socket.on("message", (buf) => frames.push(decodeFrame(buf as Buffer)));
    await new Promise((r) => socket.once("open", r));
    socket.send(encodeFrame({ SeqID: 0n, LogID: 0n, service: -5, method: 0, headers: [{ key: "type", value: "ping" }] }));
    await until(() => frames.length === 1, "pong");
    expect(frames[0]).toMatchObject({ method: 0, service: -5, headers: [{ key: "type", value: "pong" }] });
    expect(JSON.parse(new TextDecoder().decode(frames[0]!.payload))).toMatchObject({ PingInterval: 120, ReconnectNonce: 0 });

    const push = platform.deliverEvent("im.message.receive_v1", { message: { message_id: "om_x" } });
    await until(() => frames.length === 2, "event frame");
    const event = frames[1]!;
    expect(event.method).toBe(FRAME_DATA);
    const headers = Object.fromEntries(event.headers.map((h) => [h.key, h.value]));
    expect(headers).toMatchObject({ type: "event", sum: "1", seq: "0" });
    expect(JSON.parse(new TextDecoder().decode(event.payload)).header.event_type).toBe("im.message.receive_v1");
    const ack = { code: 200, data: Buffer.from(JSON.stringify({ ok: 1 })).toString("base64") };
    socket.send(encodeFrame({ ...event, headers: [...event.headers, { key: "biz_rt", value: "-3" }], payload: new TextEncoder().encode(JSON.stringify(ack)) }));
    expect(await push).toMatchObject({ status: 200, body: { ok: 1 }, transport: "websocket" });
    socket.terminate();
  });

  it("reconnects after the platform drops the socket", async () => {
    const events: string[] = [];
    const seen: string[] = [];
    connect({ "im.message.receive_v1": async (data) => void seen.push(data.message.message_id) }, { events });
    const first = await platform.waitForWsClient();
    expect(platform.dropWsConnections()).toBe(1);
    const second = await platform.waitForWsClient();
    expect(second.id).not.toBe(first.id);
    await until(() => events.includes("reconnected"), "onReconnected");
    const { message, delivery } = await platform.sendUserMessage({ chatId: "oc_branch", senderOpenId: "ou_alice", text: "还在吗" });
    expect(delivery?.status).toBe(200);
    expect(seen).toEqual([message.messageId]);
  });

  it("a silently dropped (half-open) socket is detected by the client's pingTimeout and replaced", async () => {
    platform.configureLongConnection({ clientConfig: { PingInterval: 1 } });
    const events: string[] = [];
    connect({}, { pingTimeout: 1, events });
    const first = await platform.waitForWsClient();
    platform.dropWsConnections({ silent: true });
    expect(platform.wsConnections()).toEqual([expect.objectContaining({ id: first.id, state: "silent" })]);
    // Nothing can be pushed into a half-open socket.
    const lost = await platform.deliverEvent("im.message.receive_v1", { message: {} });
    expect(lost).toMatchObject({ status: 0, error: "no long-connection client is connected" });
    await until(() => platform.wsConnections().some((c) => c.state === "ready" && c.id !== first.id), "a fresh connection");
    expect(platform.wsConnections().map((c) => c.id)).not.toContain(first.id);
    expect(events).toContain("reconnected");
  });

  it("keeps webhook mode unchanged: pushes are POSTs even while a client is connected", async () => {
    const seen: unknown[] = [];
    connect({ "im.message.receive_v1": async (data) => void seen.push(data) });
    await platform.waitForWsClient();
    platform.setPushMode("webhook");
    const result = await platform.deliverEvent("im.message.receive_v1", { message: {} });
    expect(result).toMatchObject({ transport: "webhook", status: 0, error: expect.stringContaining("botBaseUrl is not set") });
    expect(seen).toEqual([]);
  });
});

describe("fake platform: long connection when mounted under a prefix", () => {
  it("serves ${prefix}/callback/ws/endpoint, so the SDK's `${domain}/callback/ws/endpoint` finds it", async () => {
    const platform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET });
    platform.setPushMode("websocket");
    const app = new Koa();
    app.use(platform.middleware("/fake"));
    app.use((ctx) => {
      ctx.body = { host: ctx.path };
    });
    const host = await startKoa(app);
    const client = new lark.WSClient({ appId: APP_ID, appSecret: APP_SECRET, domain: `${host.url}/fake`, logger: silentLogger });
    try {
      const seen: string[] = [];
      const dispatcher = new lark.EventDispatcher({ logger: silentLogger }).register({
        "im.chat.member.bot.added_v1": async (data: any) => void seen.push(data.chat_id),
      });
      void client.start({ eventDispatcher: dispatcher });
      await platform.waitForWsClient();
      platform.addUser({ openId: "ou_a", name: "A" });
      platform.addChat({ chatId: "oc_x", name: "X", members: ["ou_a"], botIn: false });
      expect((await platform.addBotToChat("oc_x", "ou_a")).status).toBe(200);
      expect(seen).toEqual(["oc_x"]);
      expect(await (await fetch(`${host.url}/callback/ws/endpoint`, { method: "POST" })).json()).toEqual({ host: "/callback/ws/endpoint" });
    } finally {
      client.close({ force: true });
      await platform.close();
      await host.close();
    }
  });
});
