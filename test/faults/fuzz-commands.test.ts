import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { normalizeCardAction, normalizeMembership, normalizeMessage } from "../../src/lark/normalize.ts";
import { parseCommand } from "../../src/app/command-parser.ts";
import { splitMentions } from "../../src/app/args.ts";
import { ROLE_WORDS } from "../../src/features/branches/service.ts";
import { DEMO_CHATS, DEMO_PEOPLE } from "../../src/sandbox/demo.ts";
import type { CardAction, CardResponse, InboundEvent, IncomingMessage } from "../../src/app/inbound.ts";
import type { OutboxMessage } from "../../src/generated/prisma/client.ts";
import type { Tx } from "../../src/db/client.ts";
import { reportCounts } from "./support/counts.ts";
import { checkReply, checkToast, EMOJI, HAN, INJECTIONS, longRun } from "./support/fuzz-inputs.ts";

/**
 * Whatever people type — random text, emoji, 10,000-character strings, markdown, HTML and
 * <at id=all> injections, random @mentions, in any chat, from anyone — the bot never throws,
 * answers every command in Chinese, keeps every card within Lark's 30 KB, and shows injected
 * markup literally. Bulk inputs go straight to the bot (each in a transaction that is rolled
 * back); a few hundred go the whole way through the webhook.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const counts = { parsedAndNormalised: 0, messagesDirect: 0, membershipNames: 0, chatNames: 0, cardActionsDirect: 0, messagesOverHttp: 0, cardClicksOverHttp: 0 };

// ── what people type ──────────────────────────────────────────────────────────────────────

const CORE_COMMANDS = ["帮助", "help", "?", "成员", "members", "角色", "role", "党小组", "group", "关联", "link", "绑定", "bind", "关联码", "下级"];
const ARG_WORDS = [...Object.keys(ROLE_WORDS), "新建", "组长", "分配", "第一党小组", "第二党小组", "K7M2QX", "ABCDEF", "0", "-1"];
const SEPARATORS = [" ", "  ", "\t", "\n", "\u3000", " \n "];
const PEOPLE = Object.values(DEMO_PEOPLE);
const STRANGER = { openId: "ou_stranger0001", name: "外单位人员" };
const BOUND_CHATS = DEMO_CHATS.filter((c) => c.kind !== "unbound");

const word = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }) },
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...ARG_WORDS) },
  { weight: 1, arbitrary: fc.constantFrom(...EMOJI) },
  { weight: 3, arbitrary: fc.constant("\u0001MENTION") }, // becomes an @mention
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 8 }) },
);

const mentionee = fc.record({
  openId: fc.oneof(fc.constantFrom(...PEOPLE.map((p) => p.openId)), fc.constant(STRANGER.openId), fc.string({ unit: "grapheme-ascii", maxLength: 30 }).map((s) => `ou_${s}`)),
  name: fc.oneof(fc.constantFrom(...PEOPLE.map((p) => p.name)), fc.constantFrom(...INJECTIONS), fc.string({ unit: "grapheme", maxLength: 16 })),
});

interface Typed {
  prefix: string;
  command: string;
  words: string[];
  separators: string[];
  mentionees: Array<{ openId: string; name: string }>;
  mentionBot: boolean;
  long?: string;
  messageType: string;
}

const typed: fc.Arbitrary<Typed> = fc.record({
  prefix: fc.constantFrom("/", "／", "", " /", "/ ", "//"),
  command: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CORE_COMMANDS) }, { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 10 }) }, { weight: 1, arbitrary: fc.constantFrom(...INJECTIONS) }),
  words: fc.array(word, { maxLength: 8 }),
  separators: fc.array(fc.constantFrom(...SEPARATORS), { minLength: 9, maxLength: 9 }),
  mentionees: fc.array(mentionee, { maxLength: 4 }),
  mentionBot: fc.boolean(),
  long: fc.option(longRun, { freq: 12, nil: undefined }),
  messageType: fc.constantFrom("text", "text", "text", "text", "post", "image"),
});

/** Where it is typed, by whom: members, people from another branch, strangers, private chats. */
const where = fc.record({
  chat: fc.constantFrom(...DEMO_CHATS.map((c) => c.chatId), "p2p"),
  sender: fc.oneof(fc.constantFrom(...PEOPLE), fc.constant(STRANGER)),
});

let serial = 0;

/** Builds Lark's event payload (placeholders @_user_N for mentions) and normalises it like the receiver does. */
function toMessage(input: Typed, at: { chat: string; sender: { openId: string } }): IncomingMessage {
  const mentions: Array<{ key: string; id: { open_id: string }; name: string }> = [];
  const addMention = (openId: string, name: string) => {
    const key = `@_user_${mentions.length + 1}`;
    mentions.push({ key, id: { open_id: openId }, name });
    return key;
  };
  const parts: string[] = [];
  if (input.mentionBot) parts.push(addMention(t.fake.options.botOpenId, "支部助手"));
  parts.push(`${input.prefix}${input.command}`);
  let next = 0;
  for (const w of input.words) {
    if (w === "\u0001MENTION") {
      const m = input.mentionees[next++];
      if (m) parts.push(addMention(m.openId, m.name));
    } else parts.push(w);
  }
  if (input.long) parts.push(input.long);
  const text = parts.map((p, i) => (i === 0 ? p : `${input.separators[i % input.separators.length]}${p}`)).join("");
  const p2p = at.chat === "p2p";
  const content = input.messageType === "post" ? { zh_cn: { title: "", content: [[{ tag: "text", text }]] } } : input.messageType === "image" ? { image_key: "img_x" } : { text };
  const message = normalizeMessage(
    {
      event_id: `ev_fuzz_${++serial}`,
      sender: { sender_id: { open_id: at.sender.openId }, sender_type: "user" },
      message: {
        message_id: `om_fuzz_${serial}`,
        chat_id: p2p ? `oc_p2p_${at.sender.openId}` : at.chat,
        chat_type: p2p ? "p2p" : "group",
        message_type: input.messageType,
        content: JSON.stringify(content),
        mentions,
      },
    },
    t.fake.options.botOpenId,
  );
  if (!message) throw new Error("normalizeMessage refused a well-formed payload");
  return message;
}

// ── what the bot must answer ──────────────────────────────────────────────────────────────

class Rollback extends Error {}

let floor = 0; // the outbox's last id; rolled-back work never moves it

/** Runs `fn` in a transaction that is always rolled back, returning what it queued. */
async function inRolledBackTx<T>(fn: (tx: Tx) => Promise<T>): Promise<{ result: T; queued: OutboxMessage[] }> {
  let captured: { result: T; queued: OutboxMessage[] } | undefined;
  try {
    await t.runtime.db.$transaction(async (tx) => {
      const result = await fn(tx);
      captured = { result, queued: await tx.outboxMessage.findMany({ where: { id: { gt: floor } } }) };
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return captured!;
}

const process = (tx: Tx, event: InboundEvent) => t.runtime.bot.process(tx, event);

const lastOutboxId = async () => (await t.runtime.db.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0;

/** Lark's membership payload for a chat name or a joining user's name, normalised like the receiver does. */
function membershipEvent(type: "im.chat.member.bot.added_v1" | "im.chat.member.user.added_v1", chatId: string, name: string): InboundEvent {
  const payload =
    type === "im.chat.member.bot.added_v1"
      ? { event_id: `ev_m${++serial}`, chat_id: chatId, name, operator_id: { open_id: DEMO_PEOPLE.s3.openId } }
      : { event_id: `ev_m${++serial}`, chat_id: chatId, users: [{ user_id: { open_id: `ou_named${serial}` }, name }] };
  const change = normalizeMembership(type, payload);
  if (!change) throw new Error("normalizeMembership refused a well-formed payload");
  return change;
}

describe("fuzzing commands and card callbacks", () => {
  beforeAll(async () => {
    floor = await lastOutboxId();
  });

  it("parses and normalises anything Lark could carry without throwing", async () => {
    const text = fc.string({ unit: "binary", maxLength: 40 });
    const junk = fc.oneof(fc.string({ unit: "binary", maxLength: 40 }), fc.integer(), fc.constant(null), fc.object({ maxDepth: 2 }), fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }));
    const lark = fc.record({
      content: fc.oneof(typed.map((x) => JSON.stringify({ text: `${x.prefix}${x.command} ${x.words.join(" ")}` })), fc.string({ unit: "binary", maxLength: 60 }), junk),
      message_type: fc.oneof(fc.constantFrom("text", "post", "image", "file", "interactive"), text),
      chat_type: fc.oneof(fc.constantFrom("group", "p2p"), text),
      // Lark's own shapes (strings where Lark sends strings), with anything inside them, or missing.
      mentions: fc.oneof(fc.array(fc.record({ key: fc.oneof(fc.constantFrom("@_user_1", "@_user_2", "@_all"), text), id: fc.record({ open_id: fc.oneof(fc.constantFrom(t.fake.options.botOpenId, DEMO_PEOPLE.m1.openId), text) }, { requiredKeys: [] }), name: fc.oneof(fc.constantFrom(...INJECTIONS), text) }, { requiredKeys: [] }), { maxLength: 4 }), fc.constant(undefined)),
    });
    fc.assert(
      fc.property(lark, typed, (payload, input) => {
        counts.parsedAndNormalised++;
        const message = normalizeMessage({ event_id: "e", sender: { sender_id: { open_id: "ou_x" } }, message: { message_id: "om_x", chat_id: "oc_x", ...payload } }, t.fake.options.botOpenId);
        expect(message).not.toBeNull();
        expect(typeof message!.text).toBe("string");
        expect(message!.text).toBe(message!.text.trim());
        for (const m of message!.mentions) expect(m.name).not.toMatch(/\s/);
        const parsed = parseCommand(message!);
        if (parsed) {
          expect(parsed.name).not.toMatch(/\s/);
          for (const a of parsed.args) expect(a).toMatch(/^\S+$/);
          const { people, words } = splitMentions(parsed.args, message!.mentions);
          expect(people.length + words.length).toBe(parsed.args.length);
        }
        // The typed form, as a real text message, always parses as the command it starts with.
        const typedMessage = toMessage(input, { chat: "p2p", sender: DEMO_PEOPLE.m1 });
        if (/^\s*[/／]\S/.test(`${input.prefix}${input.command}`) && !input.mentionBot && input.messageType === "text") {
          expect(parseCommand(typedMessage)?.explicit).toBe(true);
        }
        const card = normalizeCardAction({ operator: { open_id: "ou_x" }, context: { open_message_id: "om_x" }, action: { value: payload.mentions, form_value: payload.content } });
        if (card) expect(typeof card.value).toBe("object");
      }),
      { numRuns: 6000, seed: 1 },
    );
  }, 60_000);

  it("answers every typed input without an error: Chinese text, cards within limits, markup literal", async () => {
    await fc.assert(
      fc.asyncProperty(typed, where, async (input, at) => {
        counts.messagesDirect++;
        const message = toMessage(input, at);
        const { queued } = await inRolledBackTx((tx) => process(tx, message));
        const parsed = parseCommand(message);
        if (parsed?.explicit) {
          expect(queued.length, `an answer to ${JSON.stringify(message.text.slice(0, 80))}`).toBeGreaterThan(0);
        }
        queued.forEach(checkReply);
      }),
      { numRuns: 2500, seed: 1127 },
    );
  }, 120_000);

  it("shows member names with markup literally in the member list", async () => {
    const branch = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: "grapheme", maxLength: 64 })), async (name) => {
        counts.membershipNames++;
        const { queued } = await inRolledBackTx(async (tx) => {
          await process(tx, membershipEvent("im.chat.member.user.added_v1", branch.chatId, name));
          await process(tx, toMessage({ prefix: "/", command: "成员", words: [], separators: [" "], mentionees: [], mentionBot: false, messageType: "text" }, { chat: branch.chatId, sender: DEMO_PEOPLE.m1 }));
        });
        // The secretary's private 身份确认 card, then the member list: both show the name literally.
        expect(queued).toHaveLength(2);
        queued.forEach(checkReply);
      }),
      { numRuns: 300, seed: 2 },
    );
  }, 60_000);

  it("shows chat names with markup literally on the binding card", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: "grapheme", maxLength: 60 })), async (chatName) => {
        counts.chatNames++;
        const chatId = `oc_fuzz_${++serial}`;
        const { queued } = await inRolledBackTx((tx) => process(tx, membershipEvent("im.chat.member.bot.added_v1", chatId, chatName)));
        expect(queued).toHaveLength(1);
        queued.forEach(checkReply);
      }),
      { numRuns: 300, seed: 3 },
    );
  }, 60_000);

  it("answers forged card values with a Chinese toast, and never binds a chat the card is not in", async () => {
    const orgIds = (await t.runtime.db.partyOrg.findMany()).map((o) => o.id);
    const anyValue = fc.oneof(fc.string({ unit: "grapheme", maxLength: 20 }), fc.integer(), fc.constant(null), fc.boolean(), fc.constantFrom(...INJECTIONS), fc.array(fc.string(), { maxLength: 3 }));
    const chatIds = [...DEMO_CHATS.map((c) => c.chatId), "oc_p2p_x", "oc_unknown"];
    const action = fc.record({
      a: fc.oneof(fc.constant("branch.bind"), fc.constant("branch.bind"), fc.string({ maxLength: 12 }), fc.integer(), fc.constantFrom(...INJECTIONS)),
      chat: fc.oneof(fc.constantFrom(...chatIds), anyValue),
      org: fc.oneof(fc.constantFrom(...orgIds), fc.integer(), fc.constant(undefined), anyValue),
      cardChat: fc.option(fc.constantFrom(...chatIds), { nil: undefined }),
      operator: fc.oneof(fc.constantFrom(...PEOPLE.map((p) => p.openId)), fc.constant(STRANGER.openId)),
      form: fc.option(
        fc.record({
          kind: fc.oneof(fc.constantFrom("branch", "committee"), anyValue),
          name: fc.oneof(fc.constantFrom("第三党支部", "", " "), anyValue, longRun),
          category: fc.oneof(fc.constantFrom("gov_institution", "village_community", "new_econ_social_org"), anyValue),
          secretary: fc.oneof(fc.constantFrom(...PEOPLE.map((p) => p.openId)), anyValue),
          committee: fc.oneof(fc.array(fc.constantFrom(...PEOPLE.map((p) => p.openId)), { maxLength: 4 }), anyValue),
          parent_code: fc.oneof(fc.constantFrom("K7M2QX", ""), anyValue),
        }, { requiredKeys: [] }),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(action, async (a) => {
        counts.cardActionsDirect++;
        const value: Record<string, unknown> = { a: a.a, chat: a.chat };
        if (a.org !== undefined) value.org = a.org;
        const click: CardAction = { kind: "card_action", eventId: `ev_k${++serial}`, messageId: `om_card_${serial}`, chatId: a.cardChat, operatorOpenId: a.operator, value, formValue: a.form as Record<string, unknown> | undefined };
        const { result } = await inRolledBackTx(async (tx) => {
          const response = await t.runtime.bot.handleCardAction(tx, click);
          const bound = await tx.partyOrg.findMany({ where: { id: { notIn: orgIds } } });
          return { response, bound };
        });
        checkToast(result.response);
        for (const org of result.bound) {
          // Only the chat the card is in, only by whoever added the bot there.
          if (click.chatId) expect(org.chatId).toBe(click.chatId);
          const chat = await t.runtime.db.chat.findUnique({ where: { chatId: org.chatId } });
          expect(chat?.addedBy ?? click.operatorOpenId).toBe(click.operatorOpenId);
        }
      }),
      { numRuns: 1000, seed: 4 },
    );
  }, 60_000);

  it("survives a few hundred random messages through the whole webhook path", async () => {
    let commands = 0;
    let larkRetries = 0;
    const members = new Map(DEMO_CHATS.map((c) => [c.chatId, c.people.map((p) => p.openId)]));
    const httpWhere = fc.record({
      chat: fc.constantFrom(...BOUND_CHATS.map((c) => c.chatId), DEMO_CHATS[3]!.chatId, "p2p"),
      pick: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(typed, httpWhere, async (input, at) => {
        counts.messagesOverHttp++;
        const pool = at.chat === "p2p" ? PEOPLE.map((p) => p.openId) : members.get(at.chat)!;
        const sender = pool[at.pick % pool.length]!;
        const mentionees = input.mentionees.filter((m) => /^ou_\w+$/.test(m.openId));
        // "@Name" written in the text becomes Lark's mention placeholder, as in the Feishu client.
        const words = input.words.map((w, i) => (w === "\u0001MENTION" ? `@${mentionees[i % Math.max(1, mentionees.length)]?.name ?? ""}` : w));
        const text = [`${input.prefix}${input.command}`, ...words, input.long ?? ""].join(" ");
        const before = await lastOutboxId();
        const { message, delivery } = await t.fake.sendUserMessage({
          ...(at.chat === "p2p" ? { p2pOpenId: sender } : { chatId: at.chat }),
          senderOpenId: sender,
          text,
          mentionBot: input.mentionBot,
          mentions: mentionees,
        });
        // A push that got no answer at all (a keep-alive race on a busy machine) is retried, as Lark does.
        let answer = delivery!;
        for (let i = 0; i < 3 && answer.status === 0; i++) {
          larkRetries++;
          answer = await t.fake.redeliver(answer);
        }
        expect(answer.status, `webhook answer: ${JSON.stringify(answer.body)} ${answer.error ?? ""}`).toBe(200);
        await t.settle();
        const stored = await t.runtime.db.inboundEvent.findFirstOrThrow({ where: { dedupeKey: `msg:${message.messageId}` } });
        expect(stored.status).toBe("done");
        const received = JSON.parse(stored.payload) as IncomingMessage;
        const queued = await t.runtime.db.outboxMessage.findMany({ where: { id: { gt: before } } });
        if (parseCommand(received)?.explicit) {
          commands++;
          expect(queued.length, `an answer to ${JSON.stringify(received.text.slice(0, 80))}`).toBeGreaterThan(0);
        }
        queued.forEach(checkReply);
      }),
      { numRuns: 200, seed: 5 },
    );
    expect(commands).toBeGreaterThan(50);
    expect(larkRetries).toBeLessThan(5);
    expect(await t.runtime.db.inboundEvent.count({ where: { status: { not: "done" } } })).toBe(0);
    expect(t.logs.join("")).not.toMatch(/event processing (failed|will be retried)/);
  }, 120_000);

  it("answers random clicks on a real card through the webhook with Chinese toasts, never an internal error", async () => {
    const card = t.botMessages(t.chats.unbound).find((m) => m.msgType === "interactive")!;
    const form = fc.record({
      kind: fc.constantFrom("branch", "committee", "x"),
      name: fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ unit: "grapheme", maxLength: 30 })),
      category: fc.constantFrom("gov_institution", "village_community", "bogus"),
      secretary: fc.constantFrom(...PEOPLE.map((p) => p.openId), "ou_nobody"),
      committee: fc.array(fc.constantFrom(...PEOPLE.map((p) => p.openId)), { maxLength: 3 }),
      parent_code: fc.constantFrom("", "K7M2QX", "<at id=all></at>"),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PEOPLE), form, fc.constantFrom(t.chats.unbound, t.chats.branch1, "oc_other"), async (operator, formValue, chat) => {
        counts.cardClicksOverHttp++;
        const click = await t.fake.clickCard({ messageId: card.messageId, operatorOpenId: operator.openId, value: { a: "branch.bind", chat }, formValue });
        expect(click.status).toBe(200);
        const toast = click.toast as CardResponse["toast"];
        expect(toast?.content).toMatch(HAN);
        expect(toast?.content).not.toContain("操作没有成功");
        if (click.card) checkToast({ card: (click.card as { data: Record<string, unknown> }).data });
      }),
      { numRuns: 100, seed: 6 },
    );
    expect(t.logs.join("")).not.toContain("card action failed");
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThanOrEqual(10_000);
    reportCounts("fuzz", { ...counts, inputsFuzzed: total, unhandledErrors: 0 });
  }, 60_000);
});
