import type { Runtime } from "../../runtime.ts";
import { roleLabel, type CommitteeDuty, type MemberClass, type Post } from "../../app/roles.ts";
import { DEMO_PEOPLE } from "../demo.ts";
import { p2pChatId, type CallRecord, type FakeFile, type FakeMessage, type FakePlatform, type PushRecord } from "../fake-platform/index.ts";

/** What the browser page shows, read from the fake platform's world and the bot's database. */
export interface UiSnapshot {
  version: number;
  bot: { openId: string; name: string };
  timezone: string;
  clock: { now: string; adjustable: boolean };
  people: UiPerson[];
  chats: UiChat[];
  messages: UiMessage[];
  commands: UiCommand[];
  calls: UiCall[];
  pushes: PushRecord[];
  failures: UiFailure[];
}

export interface UiPerson {
  openId: string;
  name: string;
  /** The role shown in the "who am I" switch: the highest post held, else the roster class. */
  role: string;
  /** Every organisation the person belongs to, with the role there. */
  orgs: Array<{ org: string; role: string }>;
}

export interface UiChat {
  chatId: string;
  name: string;
  type: "group" | "p2p";
  /** Human members; for a p2p chat, the one person talking to the bot. */
  members: string[];
  botIn: boolean;
  /** "branch" | "committee" once bound; "unbound" for a group the bot is in but nobody bound yet. */
  orgKind: string;
}

export interface UiMessage {
  /** A file message: what the upload was (name, bytes) and whether the sandbox can hand it out. */
  file?: { key: string; name: string; size: number; downloadable: boolean };
  id: string;
  chatId: string | null;
  sender: string;
  msgType: string;
  content: unknown;
  createTime: number;
  updateTime: number;
  parentId?: string;
  deleted: boolean;
  updated: boolean;
  urgentFor: string[];
  mentions: Array<{ key: string; openId: string; name: string }>;
  /** How many times the content was replaced (card patches, callback answers): the page re-renders on change. */
  revision: number;
  /** Set when the push of a user's message to the bot failed (the bot never saw it). */
  deliveryError?: string;
}

export interface UiCommand {
  name: string;
  aliases: string[];
  summary: string;
  example: string;
}

export interface UiCall extends CallRecord {
  seq: number;
}

/** A bot call to send or change a message that the platform refused (injected faults, limits). */
export interface UiFailure {
  seq: number;
  at: number;
  chatId: string | null;
  what: string;
  status: number;
  code: number | null;
  detail: string;
}

const LOG_LIMIT = 400;

/** The demo role words, for people the database does not know yet (the chat waiting to be bound). */
const DEMO_ROLE = new Map(Object.values(DEMO_PEOPLE).map((p) => [p.openId, p.role]));

export async function buildSnapshot(runtime: Runtime, fake: FakePlatform, version: number, deliveryErrors: Map<string, string>): Promise<UiSnapshot> {
  const [members, orgs] = await Promise.all([
    runtime.db.member.findMany({ where: { leftAt: null }, include: { org: { select: { name: true, kind: true } } }, orderBy: { id: "asc" } }),
    runtime.db.partyOrg.findMany({ select: { chatId: true, kind: true } }),
  ]);
  const orgKindByChat = new Map(orgs.map((o) => [o.chatId, o.kind]));
  const people = [...fake.users.values()].map((u): UiPerson => {
    const rows = members
      .filter((m) => m.openId === u.openId)
      .sort((a, b) => rank(a) - rank(b));
    const list = rows.map((m) => ({
      org: m.org.name,
      role: roleLabel({ memberClass: m.memberClass as MemberClass, post: m.post as Post | null }, m.committeeDuty as CommitteeDuty | null),
    }));
    return { openId: u.openId, name: u.name, role: list[0]?.role ?? DEMO_ROLE.get(u.openId) ?? "成员", orgs: list };
  });
  const groups = [...fake.chats.values()].map((c): UiChat => ({
    chatId: c.chatId, name: c.name, type: "group", members: [...c.members], botIn: c.botIn,
    orgKind: orgKindByChat.get(c.chatId) ?? (c.botIn ? "unbound" : "none"),
  }));
  const privates = [...fake.users.values()].map((u): UiChat => ({
    chatId: p2pChatId(u.openId), name: fake.options.botName, type: "p2p", members: [u.openId], botIn: true, orgKind: "p2p",
  }));
  const calls = fake.calls.map((c, seq) => ({ ...c, seq }));
  return {
    version,
    bot: { openId: fake.options.botOpenId, name: fake.options.botName },
    timezone: runtime.bot.deps.timezone,
    clock: { now: runtime.clock.now().toISOString(), adjustable: runtime.clock.adjustable },
    people,
    chats: [...groups, ...privates],
    messages: fake.messages.map((m) => toUiMessage(m, deliveryErrors, fake.files)),
    commands: runtime.bot.allCommands().map((c) => ({ name: c.name, aliases: [...c.aliases], summary: c.summary, example: c.example })),
    calls: calls.slice(-LOG_LIMIT),
    pushes: fake.pushes.slice(-LOG_LIMIT),
    failures: failedSends(calls, fake),
  };
}

/** Posts before plain membership, branches before committees. */
function rank(m: { post: string | null; org: { kind: string } }): number {
  return (m.post ? 0 : 2) + (m.org.kind === "branch" ? 0 : 1);
}

function toUiMessage(m: FakeMessage, deliveryErrors: Map<string, string>, files: ReadonlyMap<string, FakeFile>): UiMessage {
  // A file message carries only its key (as the bot sends it): the name and size come from the upload.
  const key = m.msgType === "file" ? (m.content as { file_key?: string } | undefined)?.file_key : undefined;
  const file = key ? files.get(key) : undefined;
  return {
    file: file ? { key: file.key, name: file.name, size: file.size, downloadable: !!file.data } : undefined,
    id: m.messageId,
    chatId: m.chatId,
    sender: m.sender,
    msgType: m.msgType,
    content: m.content,
    createTime: m.createTime,
    updateTime: m.updateTime,
    parentId: m.parentId,
    deleted: m.deleted,
    updated: m.updated,
    urgentFor: [...m.urgentFor],
    mentions: (m.mentions ?? []).map((x) => ({ key: x.key, openId: x.id.open_id, name: x.name })),
    revision: m.history.length,
    deliveryError: deliveryErrors.get(m.messageId),
  };
}

const SEND_PATH = "/open-apis/im/v1/messages";
const MESSAGE_PATH = /^\/open-apis\/im\/v1\/messages\/([^/]+)(\/reply|\/urgent_app)?$/;

/** Failed message sends, patches, replies and buzzes, placed in the chat they were meant for. */
function failedSends(calls: UiCall[], fake: FakePlatform): UiFailure[] {
  const out: UiFailure[] = [];
  for (const c of calls) {
    if (c.status < 400 && (c.code === null || c.code === 0)) continue;
    const failure = describeFailure(c, fake);
    if (failure) out.push(failure);
  }
  return out.slice(-LOG_LIMIT);
}

function describeFailure(c: UiCall, fake: FakePlatform): UiFailure | undefined {
  const base = { seq: c.seq, at: c.at, status: c.status, code: c.code, detail: c.body };
  if (c.method === "POST" && c.path === SEND_PATH) {
    const receiveId = /"receive_id":"([^"]+)"/.exec(c.body)?.[1] ?? null;
    const byOpenId = new URLSearchParams(c.query).get("receive_id_type") === "open_id";
    return { ...base, chatId: receiveId && byOpenId ? p2pChatId(receiveId) : receiveId, what: "发送消息" };
  }
  const match = MESSAGE_PATH.exec(c.path);
  if (!match) return undefined;
  const chatId = fake.message(match[1]!)?.chatId ?? null;
  const what = match[2] === "/reply" ? "回复消息" : match[2] === "/urgent_app" ? "加急消息" : c.method === "PATCH" ? "更新卡片" : "修改消息";
  return { ...base, chatId, what };
}
