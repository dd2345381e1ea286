import Koa from "koa";
import { afterEach, describe, expect, it } from "vitest";
import { createFakePlatform, type FakePlatform } from "../../src/sandbox/fake-platform/index.ts";
import { APP_ID, APP_SECRET, sdkClient, startKoa } from "./helpers.ts";

describe("fake platform: mounted inside another Koa app", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  it("serves /fake/open-apis/* and leaves other paths to the host app", async () => {
    const platform: FakePlatform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET });
    platform.addUser({ openId: "ou_a", name: "A" });
    platform.addChat({ chatId: "oc_x", name: "X", members: ["ou_a"] });
    const app = new Koa();
    // A host body parser that already consumed the stream must not break the fake.
    app.use(async (ctx, next) => {
      if (ctx.path.startsWith("/fake/open-apis/im/") && ctx.method === "POST") {
        const chunks: Buffer[] = [];
        for await (const c of ctx.req) chunks.push(c as Buffer);
        (ctx.request as { body?: unknown }).body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      }
      await next();
    });
    app.use(platform.middleware("/fake"));
    app.use((ctx) => {
      ctx.body = { host: ctx.path };
    });
    const host = await startKoa(app);
    close = host.close;

    const client = sdkClient(`${host.url}/fake`);
    const res = await client.im.v1.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_x", msg_type: "text", content: JSON.stringify({ text: "mounted" }) },
    });
    expect(res.code).toBe(0);
    expect(platform.messagesIn("oc_x")[0]?.content).toEqual({ text: "mounted" });
    expect(platform.calls.map((c) => c.path)).toContain("/open-apis/im/v1/messages");
    expect(await (await fetch(`${host.url}/health`)).json()).toEqual({ host: "/health" });
    expect(await (await fetch(`${host.url}/fake/ui`)).json()).toEqual({ host: "/fake/ui" });
  });

  it("notifies change listeners", async () => {
    const platform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET });
    const kinds: string[] = [];
    const off = platform.onChange((c) => kinds.push(c.kind));
    platform.addUser({ openId: "ou_a", name: "A" });
    platform.addChat({ chatId: "oc_x", name: "X", members: ["ou_a"] });
    off();
    platform.addUser({ openId: "ou_b", name: "B" });
    expect(kinds).toEqual(["user", "chat"]);
  });
});
