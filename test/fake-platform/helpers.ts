import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import * as lark from "@larksuiteoapi/node-sdk";
import Koa from "koa";
import { createFakePlatform, type FakePlatform, type FakePlatformOptions } from "../../src/sandbox/fake-platform/index.ts";

export const APP_ID = "cli_0123456789abcdef";
export const APP_SECRET = "fake-secret";
export const TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";

// The SDK logs every non-2xx response at error level; tests provoke those on purpose.
const noop = (): void => {};
export const silentLogger = { error: noop, warn: noop, info: noop, debug: noop, trace: noop };

export interface Setup {
  platform: FakePlatform;
  baseUrl: string;
  client: lark.Client;
}

/** A standalone fake on an ephemeral port plus a real SDK client pointed at it. */
export async function startPlatform(extra: Partial<FakePlatformOptions> = {}): Promise<Setup> {
  const platform = createFakePlatform({ appId: APP_ID, appSecret: APP_SECRET, ...extra });
  const baseUrl = await platform.listen();
  return { platform, baseUrl, client: sdkClient(baseUrl) };
}

export function sdkClient(domain: string): lark.Client {
  // A private cache per client: the SDK's default token cache is process-wide and keyed by appId only.
  return new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain, cache: new lark.DefaultCache(), logger: silentLogger });
}

/** A group with the bot and `memberCount` users named ou_user_000… */
export function seedGroup(platform: FakePlatform, chatId = "oc_group1", memberCount = 3, botIn = true): string[] {
  const members = Array.from({ length: memberCount }, (_, i) => `ou_user_${String(i).padStart(3, "0")}`);
  for (const [i, openId] of members.entries()) platform.addUser({ openId, name: `成员${i}` });
  platform.addChat({ chatId, name: "第一党支部", members, botIn });
  return members;
}

/** Start a Koa app on an ephemeral port; returns its base URL and a closer. */
export async function startKoa(app: Koa): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Extract what the SDK throws for a non-2xx answer (an AxiosError). */
export async function axiosFailure(promise: Promise<unknown>): Promise<{ status: number; data: { code: number; msg: string }; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { isAxiosError?: boolean; response?: { status: number; data: { code: number; msg: string }; headers: Record<string, string> } };
    if (err.isAxiosError && err.response) return err.response;
    throw e;
  }
  throw new Error("expected the SDK call to fail");
}

export const textContent = (text: string): string => JSON.stringify({ text });

export function card2(title: string): Record<string, unknown> {
  return {
    schema: "2.0",
    config: { update_multi: true },
    header: { title: { tag: "plain_text", content: title } },
    body: { elements: [{ tag: "markdown", content: title }] },
  };
}
