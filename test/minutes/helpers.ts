import { expect } from "vitest";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";
import type { DemoPerson } from "../../src/sandbox/demo.ts";
import { textOf, type TestBot } from "../support/harness.ts";
import { buttonValue } from "../rectification/helpers.ts";

export { buttonValue, lastCard, toastOf } from "../rectification/helpers.ts";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

type Node = Record<string, unknown>;

function walk(v: unknown, visit: (o: Node) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (v && typeof v === "object") {
    visit(v as Node);
    Object.values(v).forEach((x) => walk(x, visit));
  }
}

/** A named form component of a card (input, picker …), or undefined. */
export function component(card: FakeMessage | undefined, name: string): Node | undefined {
  let found: Node | undefined;
  walk(card?.content, (o) => {
    if (!found && o.name === name && typeof o.tag === "string" && o.tag !== "form") found = o;
  });
  return found;
}

/**
 * What the Feishu client sends on a form submit: every component's current value (its default,
 * unless the person changed it), with `typed` applied. Pickers answer like the client does
 * ("2026-03-31 +0800" for dates).
 */
export function formValues(card: FakeMessage | undefined, typed: Record<string, string> = {}): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  walk(card?.content, (o) => {
    if (typeof o.name !== "string") return;
    if (o.tag === "input" && typeof o.default_value === "string") values[o.name] = o.default_value;
    if ((o.tag === "select_person" || o.tag === "select_static") && typeof o.initial_option === "string") values[o.name] = o.initial_option;
    if (o.tag === "date_picker" && typeof o.initial_date === "string") values[o.name] = `${o.initial_date} +0800`;
  });
  for (const [k, v] of Object.entries(typed)) values[k] = /_due$/.test(k) && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v} +0800` : v;
  return values;
}

/** Clicks the form button with this op (save, more, submit) with the form's values. */
export async function submitForm(t: TestBot, person: DemoPerson, card: FakeMessage | undefined, op: "save" | "more" | "submit", typed: Record<string, string> = {}, grow?: string) {
  let value: Record<string, unknown> | undefined;
  walk(card?.content, (o) => {
    if (o.tag !== "button" || !Array.isArray(o.behaviors)) return;
    for (const b of o.behaviors as Node[]) {
      const v = b.value as Node | undefined;
      if (v?.a === "minutes.form" && v.op === op && (grow === undefined || v.w === grow)) value = v;
    }
  });
  if (!card || !value) throw new Error(`no minutes.form ${op} button on: ${textOf(card).slice(0, 200)}`);
  return t.click(person, card, value, formValues(card, typed));
}

/** The bot's newest private minutes form to a person. */
export function formCard(t: TestBot, person: DemoPerson): FakeMessage | undefined {
  return t.botMessages(person.openId).filter((m) => m.msgType === "interactive" && buttonValue(m, "minutes.form")).at(-1);
}

/** The same message as the fake holds it now (after the click replaced its card). */
export function reread(t: TestBot, m: FakeMessage): FakeMessage {
  return t.fake.messagesIn(m.chatId!).find((x) => x.messageId === m.messageId)!;
}

/**
 * Schedules a meeting through /安排, signs in the given people through the sign-in card, and
 * runs the clock past its end so attendance becomes final. Returns the meeting row.
 */
export async function holdMeeting(
  t: TestBot,
  opts: { chat: string; by: DemoPerson; command: string; mentions?: DemoPerson[]; start: Date; present: DemoPerson[]; leave?: Array<{ who: DemoPerson; reason: string }> },
) {
  await t.say(opts.by, opts.chat, opts.command, { mentions: opts.mentions });
  const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: opts.chat } });
  const meeting = await t.runtime.db.meeting.findFirstOrThrow({ where: { orgId: org.id }, orderBy: { id: "desc" } });
  expect(meeting.startAt.getTime()).toBe(opts.start.getTime());
  for (const l of opts.leave ?? []) await t.say(l.who, opts.chat, `/请假 #${meeting.seqNo} ${l.reason}`);
  await t.advance(opts.start.getTime() - 10 * MINUTE - t.clock.now().getTime());
  const signin = t.botMessages(opts.chat).filter((m) => textOf(m).includes(`会议签到 · #${meeting.seqNo}`)).at(-1);
  expect(signin, "sign-in card").toBeDefined();
  for (const p of opts.present) await t.click(p, signin!, { a: "meetings.signin", m: meeting.id });
  await t.advance(meeting.endAt.getTime() + 5 * MINUTE - t.clock.now().getTime());
  const held = await t.runtime.db.meeting.findUniqueOrThrow({ where: { id: meeting.id } });
  expect(held.status).toBe("held");
  return held;
}
