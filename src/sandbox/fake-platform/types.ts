// Shapes of the fake Open Platform's world. Plain objects on purpose: tests and the
// sandbox UI read and mutate them directly.

export interface FakePlatformOptions {
  appId: string;
  appSecret: string;
  /** Used when delivering events to the bot (encryption + signature). */
  encryptKey?: string;
  verificationToken?: string;
  /** Where the bot listens, e.g. "http://127.0.0.1:3000". */
  botBaseUrl?: string;
  /** Injectable clock for message times, the 14-day patch window, the 1 h uuid window, card tokens and rate windows (tenant tokens use the wall clock, like the SDK cache). */
  now?: () => Date;
  botOpenId?: string;
  botName?: string;
  tenantKey?: string;
  /** Abort an event/callback push after this long (Lark gives up after 3 s; default 10 s so a debugger does not break tests). */
  deliveryTimeoutMs?: number;
}

export interface FakeUser {
  openId: string;
  name: string;
  unionId: string;
  userId: string;
  enName?: string;
  email?: string;
}

export interface FakeChat {
  chatId: string;
  name: string;
  /** Human members only (open ids); the bot is tracked by `botIn`. */
  members: string[];
  botIn: boolean;
  ownerOpenId?: string;
  description?: string;
}

export type ChatType = "group" | "p2p";

export interface FakeMessage {
  messageId: string;
  /** Group chat id, or the stable p2p chat id (`oc_p2p_<openId>`) for direct messages. */
  chatId: string | null;
  /** The user of a p2p conversation; null in groups. */
  receiveOpenId: string | null;
  chatType: ChatType;
  sender: "bot" | string;
  msgType: string;
  /** Parsed content object (what `content` JSON string decodes to). */
  content: unknown;
  /** Epoch ms by the fake clock. */
  createTime: number;
  updateTime: number;
  uuid?: string;
  parentId?: string;
  rootId?: string;
  threadId?: string;
  deleted: boolean;
  updated: boolean;
  urgentFor: string[];
  /** Earlier contents, oldest first (each patch/edit/callback replacement pushes the previous one). */
  history: unknown[];
  mentions?: EventMention[];
}

export interface EventMention {
  key: string;
  id: { open_id: string; union_id: string; user_id: string };
  name: string;
  tenant_key: string;
}

export interface CallRecord {
  at: number;
  /** Wall-clock time the request arrived (Lark's rate limits count arrivals). */
  arrivedAt: number;
  method: string;
  /** Path below the mount prefix, without the query string. */
  path: string;
  query: string;
  status: number;
  code: number | null;
  /** Request body, truncated to 300 chars. */
  body: string;
}

export interface PushRecord {
  at: number;
  path: string;
  /** "websocket" when pushed over the long connection (path is then the webhook path it would have used). */
  transport?: "webhook" | "websocket";
  eventType: string;
  eventId: string;
  status: number;
  error?: string;
}

export interface FakeFile {
  key: string;
  kind: "file" | "image";
  name: string;
  size: number;
  fileType?: string;
  uploadedBy: "bot" | string;
  createTime: number;
  /** The uploaded bytes (the bot's uploads), so the sandbox can offer the file for download. */
  data?: Buffer;
}

export interface FakeAttendee {
  type: string;
  user_id?: string;
  chat_id?: string;
  third_party_email?: string;
  is_optional?: boolean;
  attendee_id: string;
  rsvp_status: string;
}

export interface FakeCalendarEvent {
  eventId: string;
  calendarId: string;
  idempotencyKey?: string;
  /** The request body as sent (merged with later PATCHes). */
  data: Record<string, unknown>;
  attendees: FakeAttendee[];
  deleted: boolean;
  createTime: number;
}

export interface CardTokenRecord {
  token: string;
  messageId: string;
  issuedAt: number;
  uses: number;
}

export type ChangeKind = "user" | "chat" | "message" | "call" | "push" | "file" | "calendar";
export interface ChangeEvent {
  kind: ChangeKind;
  id?: string;
}
export type ChangeListener = (change: ChangeEvent) => void;
