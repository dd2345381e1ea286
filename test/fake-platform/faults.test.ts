import { afterEach, describe, expect, it } from "vitest";
import { axiosFailure, seedGroup, startPlatform, textContent, type Setup } from "./helpers.ts";

const sendText = (s: Setup, text: string, uuid?: string, chatId = "oc_group1") =>
  s.client.im.v1.message.create({ params: { receive_id_type: "chat_id" }, data: { receive_id: chatId, msg_type: "text", content: textContent(text), uuid } });

describe("fake platform: faults and rate limits", () => {
  let s: Setup;
  afterEach(() => s.platform.close());

  it("an injected 429 reaches the SDK caller as an AxiosError with the reset header, and creates nothing", async () => {
    s = await startPlatform();
    seedGroup(s.platform);
    s.platform.injectFault({ method: "POST", pathPattern: /\/im\/v1\/messages$/, status: 429, code: 99991400, headers: { "x-ogw-ratelimit-reset": "7" }, times: 1 });
    const failure = await axiosFailure(sendText(s, "first try", "u-1"));
    expect(failure.status).toBe(429);
    expect(failure.data.code).toBe(99991400);
    expect(failure.headers["x-ogw-ratelimit-reset"]).toBe("7");
    expect(failure.headers["x-ogw-ratelimit-limit"]).toBe("50");
    expect(s.platform.deliveries.get("u-1")).toBeUndefined();
    // The fault was single-use: the retry with the same uuid goes through exactly once.
    const retry = await sendText(s, "first try", "u-1");
    expect(retry.code).toBe(0);
    expect(s.platform.deliveries.get("u-1")).toBe(1);
    expect(s.platform.calls.filter((c) => c.path === "/open-apis/im/v1/messages").map((c) => c.status)).toEqual([429, 200]);
  });

  it("enforces 5 messages per second per chat (230020) and the per-app limit (429) on the fake clock", async () => {
    let now = new Date("2025-03-01T10:00:00.000Z");
    s = await startPlatform({ now: () => now });
    seedGroup(s.platform);
    s.platform.addChat({ chatId: "oc_group2", name: "第二党支部", members: ["ou_user_000"] });
    s.platform.setRateLimits({ enabled: true, perAppPerSecond: 8 });
    for (let i = 0; i < 5; i += 1) expect((await sendText(s, `m${i}`)).code).toBe(0);
    const perChat = await axiosFailure(sendText(s, "m5"));
    expect(perChat.status).toBe(400);
    expect(perChat.data.code).toBe(230020);
    for (let i = 0; i < 3; i += 1) expect((await sendText(s, `g${i}`, undefined, "oc_group2")).code).toBe(0);
    const perApp = await axiosFailure(sendText(s, "g3", undefined, "oc_group2"));
    expect(perApp.status).toBe(429);
    expect(perApp.data.code).toBe(99991400);
    expect(perApp.headers["x-ogw-ratelimit-limit"]).toBe("8");
    expect(perApp.headers["x-ogw-ratelimit-reset"]).toBe("1");
    now = new Date(now.getTime() + 1000); // next window
    expect((await sendText(s, "m6")).code).toBe(0);
    expect(s.platform.messagesIn("oc_group1")).toHaveLength(6);
  });

  it("random faults are reproducible from the seed", async () => {
    s = await startPlatform();
    seedGroup(s.platform);
    const run = async (): Promise<number[]> => {
      s.platform.setRandomFaults({ serverErrorRate: 0.3, rateLimitRate: 0.3, seed: 42 });
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        const res = await fetch(`${s.baseUrl}/open-apis/bot/v3/info`, { headers: { authorization: `Bearer ${await token(s)}` } });
        statuses.push(res.status);
      }
      return statuses;
    };
    const first = await run();
    const second = await run();
    expect(first).toEqual(second);
    expect(new Set(first)).toEqual(new Set([200, 429, 500]));
    s.platform.setRandomFaults(null);
    expect((await fetch(`${s.baseUrl}/open-apis/bot/v3/info`, { headers: { authorization: `Bearer ${await token(s)}` } })).status).toBe(200);
  });
});

async function token(s: Setup): Promise<string> {
  const res = await fetch(`${s.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ app_id: s.platform.options.appId, app_secret: s.platform.options.appSecret }),
  });
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
}
