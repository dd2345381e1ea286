import type { Logger } from "../core/log.ts";
import { sdkDomain } from "./gateway.ts";
import { lark, type EventDispatcher } from "./sdk.ts";

export interface LongConnection {
  status(): { state: string; lastConnectTime?: number; reconnectAttempts: number };
  close(): void;
}

/**
 * The long-connection receiver: Lark pushes over an outbound WebSocket (no public URL needed).
 * The same dispatcher as the webhook serves it. A ping timeout makes a silently dead socket
 * (half-open TCP) noticed and reconnected instead of receiving nothing for half an hour.
 */
export function startLongConnection(opts: {
  appId: string;
  appSecret: string;
  domain: string;
  dispatcher: EventDispatcher;
  log: Logger;
}): LongConnection {
  const log = opts.log.child({ receiver: "websocket" });
  const client = new lark.WSClient({
    appId: opts.appId,
    appSecret: opts.appSecret,
    domain: sdkDomain(opts.domain),
    loggerLevel: lark.LoggerLevel.warn,
    autoReconnect: true,
    wsConfig: { pingTimeout: 150 },
    handshakeTimeoutMs: 10_000,
    source: "zhibu-bot",
    onReady: () => log.info("long connection ready"),
    onReconnecting: () => log.warn("long connection lost, reconnecting"),
    onReconnected: () => log.info("long connection reconnected"),
    onError: (err) => log.error({ err: err.message }, "long connection failed"),
  });
  void client.start({ eventDispatcher: opts.dispatcher });
  log.info("long connection starting");
  return {
    status: () => client.getConnectionStatus(),
    close: () => client.close({ force: true }),
  };
}
