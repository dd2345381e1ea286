import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { rowsWritten } from "../support/database.ts";
import type { Tx } from "../../src/db/client.ts";
import type { CardResponse } from "../../src/app/inbound.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";
import { DEMO_CHATS, DEMO_PEOPLE } from "../../src/sandbox/demo.ts";
import { closeCollection } from "../../src/features/evaluation/determination.ts";
import { buildWorld, type World } from "./support/world.ts";
import { cardClick, groupMessage, inRolledBackTx, pressCard, sayOverWebhook, sendMessage, type CardPlace } from "./support/direct.ts";
import { checkReply, checkToast, EMOJI, HAN, INJECTIONS, longRun } from "./support/fuzz-inputs.ts";
import { reportCounts } from "./support/counts.ts";
import { ACTION_REFUSALS, isRefusal } from "./support/refusals.ts";

/**
 * Forged card values for every registered card action: the buttons of the cards the bot really
 * sent in a lived-in world (support/world.ts), their values and form fields mutated — another
 * branch's meeting, another member's rating form, a finished round, ids of the wrong kind, huge
 * numbers, strings where numbers go, 10,000-character inputs, markup in form values, missing
 * fields, another organisation's `org` — clicked by anyone, anywhere. Never an unhandled error;
 * every answer Chinese and every card within 30 KB with markup shown literally; a refusal changes
 * nothing; and nobody off an organisation's roster gets or changes anything there. Commands get
 * the same forged numbers ("#" of another branch, numbers no row can have). Bulk inputs go straight
 * to the bot in rolled-back transactions; a few hundred clicks go through the callback path.
 */

let t: TestBot;
let w: World;
beforeAll(async () => {
  t = await startTestBot();
  w = await buildWorld(t);
}, 60_000);
afterAll(() => t.stop());

const counts = { commandsDirect: 0, clicksDirect: 0, clicksOverCallback: 0, refusals: 0, offRoster: 0, otherErrors: 0, succeeded: 0 };

// ── the real buttons ──────────────────────────────────────────────────────────────────────

interface Button {
  value: Record<string, unknown>;
  /** Form fields of the card the button is on, with the options a select offers. */
  fields: Array<{ name: string; options: string[] }>;
  message?: FakeMessage;
}

function buttonsOf(message: FakeMessage): Button[] {
  const values: Array<Record<string, unknown>> = [];
  const fields: Button["fields"] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (o.tag === "button" && Array.isArray(o.behaviors)) {
      for (const b of o.behaviors as Array<{ value?: unknown }>) if (b.value && typeof b.value === "object") values.push(b.value as Record<string, unknown>);
    } else if (typeof o.name === "string" && typeof o.tag === "string" && o.tag !== "form" && o.tag !== "button") {
      const options = Array.isArray(o.options) ? (o.options as Array<{ value?: unknown }>).map((x) => String(x.value ?? "")) : [];
      fields.push({ name: o.name, options });
    }
    Object.values(o).forEach(walk);
  };
  walk(message.content);
  return values.map((value) => ({ value, fields, message }));
}

let buttons: Button[] = [];
const ids: number[] = [];

beforeAll(async () => {
  // More cards to forge from: the scheduling and registration forms, an item as 支委 see it, opinion
  // cards to everyone, the problem list, a score sheet; and cards that follow a submission.
  const { s1, m2, m3, nm1 } = DEMO_PEOPLE;
  for (const text of ["/安排", "/安排 党员大会 下周五 14:30 三楼会议室", "/整改", `/整改 #${w.b1.personalItem.seq}`, "/组织生活会 征求意见", "/组织生活会 对照检查", "/组织生活会 问题清单", `/改期 #${w.b1.partyMeeting.seq} 下周四 早上7点`]) await sayOverWebhook(t, s1, w.b1.chat, text);
  await sayOverWebhook(t, s1, w.b1.chat, "/评星 @杨帆", [m3]);
  const cardTo = (openId: string, action: string) => t.botMessages(openId).filter((m) => JSON.stringify(m.content).includes(`"a":"${action}"`)).at(-1)!;
  await t.click(m2, cardTo(m2.openId, "evaluation.self"), { a: "evaluation.self", org: w.b1.org, r: w.b1.openRound }, { summary: "认真学习，按时参加组织生活。", grade: "QUALIFIED" });
  await t.click(nm1, cardTo(nm1.openId, "orglife.opinion"), { a: "orglife.opinion", org: w.b1.org, s: w.b1.orgLifeSession }, { about: "branch", text: "希望多组织实地学习。" });
  // A 请假 the secretary approves on a private card: a meeting next morning (the day-before summary is past).
  await sayOverWebhook(t, s1, w.b1.chat, "/安排 党员大会 2026-03-04 09:00 三楼会议室 讨论发展党员");
  const tomorrow = await t.runtime.db.meeting.findFirstOrThrow({ where: { orgId: w.b1.org }, orderBy: { id: "desc" } });
  await t.click(m3, t.botMessages(w.b1.chat).filter((m) => JSON.stringify(m.content).includes(`"m":${tomorrow.id},"r":"leave"`)).at(-1)!, { a: "meetings.rsvp", m: tomorrow.id, r: "leave" }, { reason: "出差" });
  await t.say(m2, "p2p", "/学习");
  const studyKey = /"a":"study\.log","org":\d+,"k":"([^"]+)"/.exec(JSON.stringify(cardTo(m2.openId, "study.log").content))![1];
  await t.click(m2, cardTo(m2.openId, "study.log"), { a: "study.log", org: w.b1.org, k: studyKey }, { title: "自学党章", hours: "10", day: "2026-03-01 +0800" });
  await t.say(m2, "p2p", "/学习"); // a blank form again, beside the answered one
  buttons = t.fake.messages.filter((m) => m.sender === "bot" && m.msgType === "interactive" && !m.deleted).flatMap(buttonsOf);
  // Actions no card in this world shows (yet): forged from nothing but the name.
  for (const a of t.runtime.bot.allActions()) if (!buttons.some((b) => b.value.a === a.name)) buttons.push({ value: { a: a.name }, fields: [] });
  const objectIds = [
    w.b1.partyMeeting.id, w.b1.groupMeeting.id, w.b1.heldMeeting.id, w.b1.orgLifeMeeting.id, w.b2.partyMeeting.id, w.b2.heldMeeting.id,
    w.b1.openRound, w.b1.finishedRound, w.b2.openRound, w.b1.scoreItem, w.b2.scoreItem, w.b1.orgLifeSession, w.b2.orgLifeSession,
    w.b1.talk, w.b2.talk, w.b1.personalItem.id, w.b1.secondItem.id, w.b1.doneItem.id, w.b2.personalItem.id, w.b2.doneItem.id,
    w.b1.upload, w.committee.spotCheck, w.b1.digest, w.b2.digest, w.b1.firstGroup, w.b1.org, w.b2.org, w.committee.org,
  ];
  ids.push(...new Set([...objectIds, ...w.memberIds.values()]));
});

// ── the states a click may find ───────────────────────────────────────────────────────────

const STATES = {
  asIs: async (_tx: Tx) => {},
  roundClosed: async (tx: Tx) => {
    await closeCollection(tx, await tx.appraisalRound.findUniqueOrThrow({ where: { id: w.b1.openRound } }), t.clock.now());
  },
  signInOpen: async (tx: Tx) => {
    const start = t.clock.now().getTime() + 5 * 60_000;
    for (const b of [w.b1, w.b2]) await tx.meeting.update({ where: { id: b.partyMeeting.id }, data: { startAt: new Date(start), endAt: new Date(start + 3600_000) } });
  },
  itemsSubmitted: async (tx: Tx) => {
    await tx.rectificationItem.updateMany({ where: { id: { in: [w.b1.personalItem.id, w.b2.personalItem.id] } }, data: { status: "submitted", submittedAt: t.clock.now() } });
  },
};

// ── forged values ─────────────────────────────────────────────────────────────────────────

interface Forged {
  button: Button;
  value: Record<string, unknown>;
  form?: Record<string, unknown>;
  place: CardPlace;
  operator: { openId: string };
  state: keyof typeof STATES;
}

const PEOPLE = [...Object.values(DEMO_PEOPLE), { openId: "ou_stranger0001", name: "外单位人员" }];
const CHATS = DEMO_CHATS.map((c) => c.chatId);
/** Keys the actions read from their values, to add where a card has none. */
const VALUE_KEYS = ["m", "r", "p", "k", "i", "t", "s", "item", "ev", "pub", "sc", "v", "branch", "d", "op", "w", "c", "amend", "chat", "org"];

/** Built once the world exists (ids, buttons). */
function forgedClicks(): fc.Arbitrary<Forged> {
  const realId = () => fc.constantFrom(...ids);
  /** Anything JSON can carry where an id, a word or a number goes. */
  const junk = fc.oneof(
    fc.integer(),
    fc.constantFrom(0, -1, 2 ** 31, 2 ** 31 - 1, 2 ** 53 - 1, -(2 ** 53), 1.5, 1e21),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.constantFrom(...INJECTIONS, ...EMOJI, "", " ", "NaN", "Infinity", "1e3", "0x10", "#1", "12abc"),
    longRun,
    fc.constant(null),
    fc.boolean(),
    fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  );
  const idLike = fc.oneof({ weight: 5, arbitrary: realId() }, { weight: 2, arbitrary: realId().map(String) }, { weight: 3, arbitrary: junk });

  /** What a form field may hold: a real option, a real person or id, a date, markup, a huge text, junk. */
  const formValue = (options: string[]) =>
    fc.oneof(
      { weight: options.length ? 4 : 0, arbitrary: fc.constantFrom(...(options.length ? options : [""])) },
      { weight: 2, arbitrary: fc.constantFrom(...Object.values(DEMO_PEOPLE).map((p) => p.openId)) },
      { weight: 2, arbitrary: realId().map(String) },
      { weight: 2, arbitrary: fc.constantFrom("QUALIFIED", "EXCELLENT", "BASICALLY_QUALIFIED", "UNQUALIFIED", "ABSTAIN", "2026-04-30 +0800", "2025-01-01 +0800", "14:30", "branch", "individual", "ok", "issue", "correction_period", "D01", "B01", "1", "true") },
      { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
      { weight: 1, arbitrary: longRun },
      { weight: 2, arbitrary: junk },
    );

  return fc
    .record({
      // A third of the clicks are the real button, by the person it was sent to, where it was sent,
      // with only the form's contents forged: they get past the checks into what the button does.
      faithful: fc.nat({ max: 2 }).map((n) => n === 0),
      pick: fc.nat(),
      otherAction: fc.option(fc.nat(), { freq: 10, nil: undefined }),
      edits: fc.array(fc.tuple(fc.constantFrom(...VALUE_KEYS), fc.constantFrom("keep", "replace", "id", "drop"), idLike), { maxLength: 3 }),
      org: fc.oneof({ weight: 6, arbitrary: fc.constant("keep" as const) }, { weight: 1, arbitrary: fc.constant("drop" as const) }, { weight: 3, arbitrary: idLike }),
      withForm: fc.boolean(),
      fieldEdits: fc.array(fc.oneof(formValue([]), fc.constant(undefined)), { minLength: 40, maxLength: 40 }),
      optionPicks: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
      extraField: fc.option(fc.tuple(fc.oneof(fc.constantFrom("summary", "grade", "note", "comment", "text", "about", "member", "owner", "owners", "due", "type", "start", "scope", "problem"), realId().map((id) => `g_${id}`), realId().map((id) => `f_${id}`), fc.string({ maxLength: 8 })), formValue([])), { nil: undefined }),
      where: fc.oneof({ weight: 6, arbitrary: fc.constant("card" as const) }, { weight: 3, arbitrary: fc.constantFrom(...CHATS, "p2p") }, { weight: 1, arbitrary: fc.constant(undefined) }),
      who: fc.oneof({ weight: 5, arbitrary: fc.constant("recipient" as const) }, { weight: 5, arbitrary: fc.constantFrom(...PEOPLE) }),
      // Closing a round is the slow one (it seals the ballots): less often.
      state: fc.constantFrom<keyof typeof STATES>("asIs", "asIs", "asIs", "signInOpen", "itemsSubmitted", "itemsSubmitted", "roundClosed"),
    })
    .map((f) => {
      const button = buttons[f.pick % buttons.length]!;
      const value: Record<string, unknown> = { ...button.value };
      if (f.faithful && button.message) Object.assign(f, { otherAction: undefined, edits: [], org: "keep", who: "recipient", where: "card" });
      if (f.otherAction !== undefined) value.a = t.runtime.bot.allActions()[f.otherAction % t.runtime.bot.allActions().length]!.name;
      for (const [key, how, v] of f.edits) {
        if (how === "drop") delete value[key];
        else if (how === "replace" || (how === "id" && key in value)) value[key] = v;
      }
      if (f.org === "drop") delete value.org;
      else if (f.org !== "keep") value.org = f.org;
      let form: Record<string, unknown> | undefined;
      if (f.withForm || button.fields.length) {
        form = {};
        button.fields.forEach((field, i) => {
          const options = field.options.filter(Boolean);
          const edited = f.fieldEdits[i % f.fieldEdits.length];
          form![field.name] = options.length && edited !== undefined && i % 2 === 0 ? options[f.optionPicks[i % 40]! % options.length] : edited;
          if (form![field.name] === undefined) delete form![field.name];
        });
        if (f.extraField) form[f.extraField[0]] = f.extraField[1];
      }
      const recipient = button.message ? (button.message.receiveOpenId ?? DEMO_CHATS.find((c) => c.chatId === button.message!.chatId)?.people[0]?.openId) : undefined;
      const operator = f.who === "recipient" ? { openId: recipient ?? DEMO_PEOPLE.s1.openId } : f.who;
      const cardChat = button.message && !button.message.receiveOpenId ? button.message.chatId : undefined;
      const place: CardPlace =
        f.where === "card" ? (cardChat ? { chat: cardChat } : { privately: true }) : f.where === "p2p" || f.where === undefined ? { privately: true } : { chat: f.where };
      return { button, value, form, place, operator, state: f.state };
    });
}

// ── what must hold ────────────────────────────────────────────────────────────────────────


/** The organisation the core resolves the click to, or "mismatch" when chat and value disagree. */
async function resolvedOrg(tx: Tx, f: Forged): Promise<number | "mismatch" | undefined> {
  const chatOrg = "chat" in f.place ? (await tx.partyOrg.findUnique({ where: { chatId: f.place.chat } }))?.id : undefined;
  const valueOrg = typeof f.value.org === "number" && Number.isInteger(f.value.org) && Math.abs(f.value.org) < 2 ** 31 ? (await tx.partyOrg.findUnique({ where: { id: f.value.org } }))?.id : undefined;
  if (chatOrg && valueOrg && chatOrg !== valueOrg) return "mismatch";
  return valueOrg ?? chatOrg;
}

async function clickDirectly(f: Forged) {
  return inRolledBackTx(t, async (tx) => {
    // A closed round only matters to evaluation's buttons (and closing one is slow).
    if (f.state !== "roundClosed" || String(f.value.a).startsWith("evaluation.")) await STATES[f.state](tx);
    const org = await resolvedOrg(tx, f);
    const onRoster = typeof org === "number" && !!(await tx.member.findFirst({ where: { orgId: org, openId: f.operator.openId, active: true } }));
    const [before, floor] = [await rowsWritten(tx), (await tx.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0];
    const response = await pressCard(t, tx, cardClick(f.place, f.operator, f.value, f.form));
    const queued = await tx.outboxMessage.findMany({ where: { id: { gt: floor } } });
    return { response, onRoster, wrote: (await rowsWritten(tx)) - before, queued };
  });
}

function describeClick(f: Forged) {
  return JSON.stringify({ value: f.value, form: f.form, place: f.place, operator: f.operator.openId, state: f.state }).slice(0, 600);
}

describe("forged card values for every card action", () => {
  it("finds a real button for most actions, and forges the rest", () => {
    const real = new Set(buttons.filter((b) => b.message).map((b) => String(b.value.a)));
    const forgedOnly = t.runtime.bot.allActions().map((a) => a.name).filter((n) => !real.has(n));
    expect(forgedOnly.length, `actions with no real card here: ${forgedOnly.join(", ")}`).toBeLessThanOrEqual(5);
  });

  it("answers every forged click in Chinese; a refusal changes nothing; nobody off the roster gets or changes anything", async () => {
    await fc.assert(
      fc.asyncProperty(forgedClicks(), async (f) => {
        counts.clicksDirect++;
        const { result } = await clickDirectly(f);
        const { response, onRoster, wrote, queued } = result;
        const what = describeClick(f);
        expect(response.toast ?? response.card, `an answer to ${what}`).toBeDefined();
        checkToast(response);
        queued.forEach(checkReply);
        const refused = response.toast?.type === "error" && isRefusal(response.toast.content, ACTION_REFUSALS);
        if (refused) {
          // Refused (who, or whose object): nothing shown, sent or written. Other errors may keep a draft and redraw the form.
          counts.refusals++;
          expect(response.card, `no card with a refusal: ${what}`).toBeUndefined();
          expect(queued, `nothing sent on a refusal: ${what}`).toHaveLength(0);
          expect(wrote, `nothing written on a refusal: ${what}`).toBe(0);
        } else if (response.toast?.type === "error") counts.otherErrors++;
        else counts.succeeded++;
        if (!onRoster && f.value.a !== "branch.bind") {
          // Off the organisation's roster (another branch, a stranger, a forged org): gets nothing, changes nothing.
          counts.offRoster++;
          expect(response.toast?.type, `someone off the roster acted: ${response.toast?.content} ${what}`).toBe("error");
          expect(response.card, `a card for someone off the roster: ${what}`).toBeUndefined();
          expect(queued.length + wrote, `someone off the roster changed something: ${what}`).toBe(0);
        }
      }),
      { numRuns: 1200, seed: 9 },
    );
    expect(counts.succeeded, "some forged clicks still do what the card offers").toBeGreaterThan(120);
  }, 180_000);

  it("answers commands naming forged numbers (another branch's #, huge, negative, junk) or very long text without an error", async () => {
    const { s1, x1, m1, m2, pr1, nm1, m6, s2, committeeSecretary } = DEMO_PEOPLE;
    const names = t.runtime.bot.allCommands().flatMap((c) => [c.name, ...c.aliases]);
    const seqs = [w.b1.partyMeeting.seq, w.b1.heldMeeting.seq, w.b1.groupMeeting.seq, w.b2.partyMeeting.seq, w.b1.personalItem.seq, w.b2.personalItem.seq, w.b1.doneItem.seq, w.committee.spotCheckSeq];
    const huge = ["100000000000000000000000", "9007199254740993", "2147483648", "-1", "0", "1.5", "1e21", "NaN", "０１"];
    const number = fc.oneof(fc.constantFrom(...seqs.map(String), ...huge), fc.nat({ max: 99 }).map(String));
    const arg = fc.oneof(
      { weight: 4, arbitrary: number.map((n) => `#${n}`) },
      { weight: 3, arbitrary: number },
      { weight: 4, arbitrary: fc.constantFrom("开始", "进度", "延期", "结束", "确认", "填写", "我的", "评定", "处置", "版本", "更正", "进展", "佐证", "提交", "通过", "退回", "期限", "公开", "历史", "设置", "提醒", "加急", "列表", "复现", "会议", "征求意见", "意见", "谈心", "问题清单", "新增", "支部", "长期", "撤销", "出席", "本月", "本年", "暂停", "时间", "周一", "党员大会", "党小组会", "第一党小组", "主题党日", "每月5日") },
      { weight: 3, arbitrary: fc.constantFrom("2026-03-27", "2026-04-30", "2025-01-01", "14:30", "25:99", "时长100000000000000000000000分钟", "50%", "2026Q1", "100000000000000000000000%") },
      { weight: 2, arbitrary: fc.constantFrom(...INJECTIONS) },
      { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 8 }) },
    );
    const typed = fc.record({
      name: fc.constantFrom(...names),
      args: fc.array(arg, { maxLength: 5 }),
      long: fc.option(longRun, { freq: 15, nil: undefined }),
      chat: fc.constantFrom(w.b1.chat, w.b1.chat, w.b2.chat, w.committee.chat),
      who: fc.constantFrom(s1, x1, m1, m2, pr1, nm1, m6, s2, committeeSecretary),
    });
    const answers = async (chat: string, who: { openId: string }, text: string) => {
      counts.commandsDirect++;
      const { queued } = await inRolledBackTx(t, (tx) => sendMessage(t, tx, groupMessage(chat, who, text)));
      expect(queued.length, `an answer to ${text.slice(0, 120)}`).toBeGreaterThan(0);
      queued.forEach(checkReply);
    };
    // Every command, with each word of its usage, naming numbers no row can have — by the person
    // allowed the most (the secretary of the chat), so the number reaches the code that looks it up.
    for (const c of t.runtime.bot.allCommands()) {
      const [chat, who] = c.scope === "committee" ? [w.committee.chat, committeeSecretary] : [w.b1.chat, s1];
      const verbs = ["", ...new Set(c.usage.match(/[\u4e00-\u9fff]+/g) ?? [])];
      for (const verb of verbs) for (const ref of ["#100000000000000000000000", "100000000000000000000000"]) {
        await answers(chat, who, `/${c.name} ${verb} ${ref}`);
        await answers(chat, who, `/${c.name} ${ref} ${verb}`);
      }
      // Its own example with 10,000 characters more (a topic, a reason, a name …): what is kept must
      // still fit its cards. In both branches: the example's time may be taken in one of them.
      const places: Array<[string, { openId: string }]> = c.scope === "committee" ? [[chat, who]] : [[w.b1.chat, s1], [w.b2.chat, s2]];
      for (const [where, by] of places) for (const unit of ["党", "<", "😀"]) await answers(where, by, `${c.example} ${unit.repeat(10_000)}`);
    }
    await fc.assert(
      fc.asyncProperty(typed, async (c) => {
        const text = [`/${c.name}`, ...c.args.map((a) => a.replace(/\s/g, "")), ...(c.long ? [c.long] : [])].join(" ");
        await answers(c.chat, c.who, text);
      }),
      { numRuns: 300, seed: 11 },
    );
  }, 120_000);

  it("answers a few hundred forged clicks through the real callback path, never with an internal error", async () => {
    const onCards = fc.sample(forgedClicks().filter((f) => !!f.button.message), { numRuns: 300, seed: 10 });
    for (const f of onCards) {
      counts.clicksOverCallback++;
      let click = await t.fake.clickCard({ messageId: f.button.message!.messageId, operatorOpenId: f.operator.openId === "ou_stranger0001" ? DEMO_PEOPLE.m9.openId : f.operator.openId, value: f.value, formValue: f.form });
      // No answer at all (the fake reused a kept-alive socket the server had just closed): the person clicks again.
      for (let i = 0; i < 3 && click.status === 0; i++) {
        click = await t.fake.clickCard({ messageId: f.button.message!.messageId, operatorOpenId: f.operator.openId === "ou_stranger0001" ? DEMO_PEOPLE.m9.openId : f.operator.openId, value: f.value, formValue: f.form });
      }
      expect(click.status, describeClick(f)).toBe(200);
      const toast = click.toast as CardResponse["toast"];
      if (toast) {
        expect(toast.content, describeClick(f)).toMatch(HAN);
        expect(toast.content, describeClick(f)).not.toContain("操作没有成功");
      }
      if (click.card) checkToast({ card: (click.card as { data: Record<string, unknown> }).data });
      await t.settle();
    }
    expect(t.logs.join("")).not.toContain("card action failed");
    expect(t.logs.join("")).not.toMatch(/event processing (failed|will be retried)/);
    reportCounts("fuzz-actions", { ...counts, inputsFuzzed: counts.commandsDirect + counts.clicksDirect + counts.clicksOverCallback, unhandledErrors: 0 });
  }, 120_000);
});
