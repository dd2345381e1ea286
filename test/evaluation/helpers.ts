import type { TestBot } from "../support/harness.ts";
import { textOf } from "../support/harness.ts";
import type { DemoPerson } from "../../src/sandbox/demo.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";

/** Card text as a reader sees it: markdown escapes (&#40; for "(") decoded. */
export function seen(m: Parameters<typeof textOf>[0]): string {
  return textOf(m).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

function walk(v: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (v && typeof v === "object") {
    visit(v as Record<string, unknown>);
    Object.values(v).forEach((x) => walk(x, visit));
  }
}

/** The callback value of the card's button for `action`. */
export function buttonValue(message: FakeMessage | undefined, action: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  walk(message?.content, (o) => {
    if (found || o.tag !== "button" || !Array.isArray(o.behaviors)) return;
    for (const b of o.behaviors as Array<Record<string, unknown>>) {
      const value = b.value as Record<string, unknown> | undefined;
      if (value?.a === action) found = value;
    }
  });
  return found;
}

/** Names of the form components (e.g. "g_12") on a card. */
export function fieldNames(message: FakeMessage | undefined, prefix: string): string[] {
  const names: string[] = [];
  walk(message?.content, (o) => {
    if (typeof o.name === "string" && o.name.startsWith(prefix) && o.tag !== "button" && o.tag !== "form") names.push(o.name);
  });
  return names;
}

export async function press(t: TestBot, person: DemoPerson, message: FakeMessage | undefined, action: string, form?: Record<string, unknown>) {
  const value = buttonValue(message, action);
  if (!message || !value) throw new Error(`no "${action}" button on card: ${textOf(message).slice(0, 200)}`);
  return t.click(person, message, value, form);
}

/** The newest card sent privately to a person whose header title contains `title`. */
export function lastCard(t: TestBot, person: DemoPerson, title: string): FakeMessage | undefined {
  return t.botMessages(person.openId).filter((m) => m.msgType === "interactive" && headerOf(m).includes(title)).at(-1);
}

export function cardsTitled(t: TestBot, person: DemoPerson, title: string): FakeMessage[] {
  return t.botMessages(person.openId).filter((m) => m.msgType === "interactive" && headerOf(m).includes(title));
}

export function headerOf(m: FakeMessage): string {
  const c = m.content as { header?: { title?: { content?: string } } };
  return c.header?.title?.content ?? "";
}

export function toastOf(result: { toast: unknown }): string {
  return String((result.toast as { content?: string } | undefined)?.content ?? "");
}

export async function memberId(t: TestBot, chatId: string, person: DemoPerson): Promise<number> {
  const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId } });
  return (await t.runtime.db.member.findUniqueOrThrow({ where: { orgId_openId: { orgId: org.id, openId: person.openId } } })).id;
}

export type Choice = "EXCELLENT" | "QUALIFIED" | "BASICALLY_QUALIFIED" | "UNQUALIFIED" | "ABSTAIN";

/**
 * Fills in and submits a person's newest peer-rating card: `choose` gets each target's member
 * id and returns the grade (and an optional comment).
 */
export async function submitPeer(t: TestBot, rater: DemoPerson, choose: (targetId: number) => Choice | [Choice, string], card?: FakeMessage) {
  const message = card ?? lastCard(t, rater, "党员互评");
  const form: Record<string, unknown> = {};
  for (const name of fieldNames(message, "g_")) {
    const id = Number(name.slice(2));
    const picked = choose(id);
    const [grade, comment] = Array.isArray(picked) ? picked : [picked, ""];
    form[name] = grade;
    if (comment) form[`c_${id}`] = comment;
  }
  return press(t, rater, message, "evaluation.peer", form);
}

export async function submitSelf(t: TestBot, person: DemoPerson, grade: Choice = "QUALIFIED", summary = "认真学习，按时参加组织生活；不足是联系群众不够。") {
  return press(t, person, lastCard(t, person, "个人自评"), "evaluation.self", { summary, grade });
}

export const DAY = 24 * 3600_000;

/** Moves the bot clock forward to a given instant (never back). */
export async function advanceTo(t: TestBot, iso: string): Promise<void> {
  const ms = new Date(iso).getTime() - t.clock.now().getTime();
  if (ms < 0) throw new Error(`the clock is already past ${iso}`);
  await t.advance(ms);
}
