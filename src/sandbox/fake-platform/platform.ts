import type Koa from "koa";
import { CardActions, type ClickCardInput, type ClickCardResult } from "./actors-cards.ts";
import { MembershipActions } from "./actors-membership.ts";
import { UserMessageActions, type UserMessageInput, type UserMessageResult, type UserTarget } from "./actors-messages.ts";
import { registerAuthRoutes, TokenStore } from "./auth.ts";
import { resolveOptions, type PlatformContext, type ResolvedOptions } from "./context.ts";
import { Deliverer, type DeliverOptions, type DeliveryResult, type HttpResult, type PushMode, type SignedRequestOptions } from "./delivery.ts";
import { Dispatcher } from "./dispatch.ts";
import { FaultInjector, type FaultSpec, type RandomFaultConfig, type SlowdownSpec } from "./faults.ts";
import { Router } from "./http.ts";
import { RateLimiter, type RateLimitConfig } from "./rate-limits.ts";
import { botCalendarId, registerCalendarRoutes } from "./routes/calendar.ts";
import { registerCardUpdateRoute } from "./routes/card-update.ts";
import { registerChatRoutes } from "./routes/chats.ts";
import { registerFileRoutes } from "./routes/files.ts";
import { registerMessageEditRoutes } from "./routes/message-edits.ts";
import { registerMessageRoutes } from "./routes/messages.ts";
import { openPlatformMiddleware, StandaloneServer } from "./server.ts";
import { World } from "./state.ts";
import type { ChangeListener, FakeChat, FakeMessage, FakePlatformOptions, FakeUser } from "./types.ts";
import { LongConnectionServer, type LongConnectionOptions, type WsConnectionInfo } from "./ws-server.ts";

/** An in-memory Lark Open Platform that the real SDK can talk to, and that can push events to the bot. */
export class FakePlatform {
  readonly options: ResolvedOptions;
  readonly world = new World();
  /** Bot's primary calendar id (what `calendar.v4.calendar.primary` returns). */
  readonly botCalendarId: string;
  private readonly ctx: PlatformContext;
  private readonly tokens = new TokenStore();
  private readonly faults = new FaultInjector();
  private readonly rateLimiter = new RateLimiter();
  private readonly dispatcher: Dispatcher;
  private readonly deliverer: Deliverer;
  private readonly longConnection: LongConnectionServer;
  private readonly userMessages: UserMessageActions;
  private readonly cards: CardActions;
  private readonly membership: MembershipActions;
  private readonly server = new StandaloneServer();
  private url: string | undefined;

  constructor(opts: FakePlatformOptions) {
    this.options = resolveOptions(opts);
    const options = this.options;
    this.ctx = { world: this.world, opts: options, rateLimiter: this.rateLimiter, nowMs: () => options.now().getTime() };
    this.botCalendarId = botCalendarId(options.appId);
    const router = new Router();
    registerAuthRoutes(router, this.ctx, this.tokens);
    registerChatRoutes(router, this.ctx);
    registerMessageRoutes(router, this.ctx);
    registerMessageEditRoutes(router, this.ctx);
    registerCardUpdateRoute(router, this.ctx);
    registerCalendarRoutes(router, this.ctx);
    registerFileRoutes(router, this.ctx);
    this.longConnection = new LongConnectionServer(this.ctx);
    this.longConnection.registerRoute(router);
    this.dispatcher = new Dispatcher(this.ctx, router, this.tokens, this.faults);
    this.deliverer = new Deliverer(this.ctx, this.longConnection);
    this.userMessages = new UserMessageActions(this.ctx, this.deliverer);
    this.cards = new CardActions(this.ctx, this.deliverer);
    this.membership = new MembershipActions(this.ctx, this.deliverer);
  }

  // ---- world -------------------------------------------------------------------------------
  get users(): Map<string, FakeUser> { return this.world.users; }
  get chats(): Map<string, FakeChat> { return this.world.chats; }
  get messages(): FakeMessage[] { return this.world.messages; }
  get calls() { return this.world.calls; }
  get pushes() { return this.world.pushes; }
  get deliveries(): Map<string, number> { return this.world.deliveries; }
  get files() { return this.world.files; }
  get calendarEvents() { return this.world.calendarEvents; }

  addUser(user: Parameters<World["addUser"]>[0]): FakeUser { return this.world.addUser(user); }
  addChat(chat: Parameters<World["addChat"]>[0]): FakeChat { return this.world.addChat(chat); }
  messagesIn(chatIdOrOpenId: string): FakeMessage[] { return this.world.messagesIn(chatIdOrOpenId); }
  message(messageId: string): FakeMessage | undefined { return this.world.message(messageId); }
  onChange(listener: ChangeListener): () => void { return this.world.onChange(listener); }

  // ---- serving the Open Platform ----------------------------------------------------------
  middleware(prefix = ""): Koa.Middleware { return openPlatformMiddleware(this.dispatcher, prefix); }

  /** Standalone server; resolves to its base URL (pass it as the SDK's `domain`). */
  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    this.url = await this.server.listen(this.middleware(), port, host);
    return this.url;
  }
  get baseUrl(): string | undefined { return this.url; }
  /** Stops the standalone server and the long-connection server (whichever were started). */
  async close(): Promise<void> {
    this.url = undefined;
    await this.longConnection.close();
    await this.server.close();
  }

  /** Where events go; settable later because the bot's port is often only known after it listens. */
  setBotBaseUrl(url: string): void { this.options.botBaseUrl = url; }
  /** Invalidate all tenant tokens (the SDK will see 99991663 until its cache expires). */
  revokeTokens(): void { this.tokens.revokeAll(); }

  // ---- faults and limits -------------------------------------------------------------------
  injectFault(spec: FaultSpec): () => void { return this.faults.inject(spec); }
  clearFaults(): void { this.faults.clear(); }
  /** Answers matching calls only after a delay (a slow platform: sends stay in flight). */
  slowDown(spec: SlowdownSpec): () => void { return this.faults.slowDown(spec); }
  setRateLimits(config: Partial<RateLimitConfig>): void { this.rateLimiter.set(config); }
  setRandomFaults(config: RandomFaultConfig | null): void { this.faults.setRandom(config ?? undefined); }

  // ---- the long connection (WebSocket) ------------------------------------------------------
  /** Where events, card callbacks and membership changes go: POSTs to the bot (default) or its long connection. */
  setPushMode(mode: PushMode): void { this.deliverer.mode = mode; }
  get pushMode(): PushMode { return this.deliverer.mode; }
  /** ClientConfig sent on discovery and in pongs (defaults reconnect at once), and optional fragmenting of pushes. */
  configureLongConnection(opts: LongConnectionOptions): void { this.longConnection.configure(opts); }
  wsConnections(): WsConnectionInfo[] { return this.longConnection.list(); }
  /** Close every client socket (they reconnect), or `silent`: keep them open but stop answering, so the client's pingTimeout fires. Returns how many. */
  dropWsConnections(opts?: { silent?: boolean }): number { return this.longConnection.drop(opts); }
  /** Resolves once a client is connected and has pinged, i.e. can receive pushes. */
  waitForWsClient(timeoutMs = 10_000): Promise<WsConnectionInfo> { return this.longConnection.waitForClient(timeoutMs); }

  // ---- acting as Lark towards the bot -----------------------------------------------------
  deliverEvent(eventType: string, event: Record<string, unknown>, opts?: DeliverOptions): Promise<DeliveryResult> {
    return this.deliverer.deliverEvent(eventType, event, opts);
  }
  redeliver(previous: DeliveryResult): Promise<DeliveryResult> { return this.deliverer.redeliver(previous); }
  signedRequest(path: string, rawBody: string, opts?: SignedRequestOptions): Promise<HttpResult> {
    return this.deliverer.signedRequest(path, rawBody, opts);
  }
  challenge(challenge?: string): Promise<HttpResult & { challenge: string }> { return this.deliverer.challenge(challenge); }

  sendUserMessage(input: UserMessageInput): Promise<UserMessageResult> { return this.userMessages.sendUserMessage(input); }
  sendUserFile(input: UserTarget & { fileName: string; size?: number }): Promise<UserMessageResult> {
    return this.userMessages.sendUserFile(input);
  }
  sendUserImage(input: UserTarget & { fileName?: string; size?: number }): Promise<UserMessageResult> {
    return this.userMessages.sendUserImage(input);
  }
  clickCard(input: ClickCardInput): Promise<ClickCardResult> { return this.cards.clickCard(input); }

  addBotToChat(chatId: string, operatorOpenId: string): Promise<DeliveryResult> {
    return this.membership.addBotToChat(chatId, operatorOpenId);
  }
  removeBotFromChat(chatId: string, operatorOpenId: string): Promise<DeliveryResult> {
    return this.membership.removeBotFromChat(chatId, operatorOpenId);
  }
  addUsersToChat(chatId: string, openIds: string[], operatorOpenId: string): Promise<DeliveryResult | undefined> {
    return this.membership.addUsersToChat(chatId, openIds, operatorOpenId);
  }
  removeUsersFromChat(chatId: string, openIds: string[], operatorOpenId: string): Promise<DeliveryResult | undefined> {
    return this.membership.removeUsersFromChat(chatId, openIds, operatorOpenId);
  }
}
