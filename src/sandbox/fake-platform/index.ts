// Public surface of the embedded fake Lark Open Platform.
import { FakePlatform } from "./platform.ts";
import type { FakePlatformOptions } from "./types.ts";

export function createFakePlatform(opts: FakePlatformOptions): FakePlatform {
  return new FakePlatform(opts);
}

export { FakePlatform } from "./platform.ts";
export type { ClickCardInput, ClickCardResult } from "./actors-cards.ts";
export type { UserMessageInput, UserMessageResult, UserTarget } from "./actors-messages.ts";
export type { DeliverOptions, DeliveryResult, HttpResult, PushMode, SignedRequestOptions } from "./delivery.ts";
export type { LongConnectionOptions, WsClientConfig, WsConnectionInfo } from "./ws-server.ts";
export { DEFAULT_WS_CLIENT_CONFIG } from "./ws-server.ts";
export type { FaultSpec, RandomFaultConfig } from "./faults.ts";
export type { RateLimitConfig } from "./rate-limits.ts";
export type { CardAction } from "./event-builders.ts";
export { encryptPayload, signBody } from "./crypto.ts";
export { p2pChatId } from "./ids.ts";
export type * from "./types.ts";
