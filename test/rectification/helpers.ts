import type { TestBot } from "../support/harness.ts";
import { textOf } from "../support/harness.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";
import { createRectificationItem, type NewRectificationItem } from "../../src/features/rectification/service.ts";

/** Card text as a reader sees it: markdown escapes (&#35; for #) decoded. */
export function seen(m: Parameters<typeof textOf>[0]): string {
  return textOf(m).replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

/** The callback value of the button whose value.a is `action`, if the card shows one. */
export function buttonValue(message: FakeMessage | undefined, action: string): Record<string, unknown> | undefined {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (found || !v || typeof v !== "object") return;
    if (Array.isArray(v)) return v.forEach(walk);
    const o = v as Record<string, unknown>;
    if (o.tag === "button" && Array.isArray(o.behaviors)) {
      for (const b of o.behaviors as Array<Record<string, unknown>>) {
        const value = b.value as Record<string, unknown> | undefined;
        if (value?.a === action) found = value;
      }
    }
    Object.values(o).forEach(walk);
  };
  walk(message?.content);
  return found;
}

/** Clicks the button for `action` on a card; fails the test if the card has no such button. */
export async function press(t: TestBot, person: { openId: string }, message: FakeMessage | undefined, action: string, form?: Record<string, unknown>) {
  const value = buttonValue(message, action);
  if (!message || !value) throw new Error(`no "${action}" button on card: ${textOf(message).slice(0, 200)}`);
  return t.click(person.openId, message, value, form);
}

/** The newest card the bot sent privately to a person whose text contains `needle`. */
export function lastCard(t: TestBot, openId: string, needle = ""): FakeMessage | undefined {
  return t.botMessages(openId).filter((m) => m.msgType === "interactive" && textOf(m).includes(needle)).at(-1);
}

export function toastOf(result: { toast: unknown }): string {
  return String((result.toast as { content?: string } | undefined)?.content ?? "");
}

export async function orgIdOf(t: TestBot, chatId: string): Promise<number> {
  return (await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId } })).id;
}

export async function memberIdOf(t: TestBot, chatId: string, openId: string): Promise<number> {
  const org = await orgIdOf(t, chatId);
  return (await t.runtime.db.member.findUniqueOrThrow({ where: { orgId_openId: { orgId: org, openId } } })).id;
}

/** What another feature does: records an item through the service in its own transaction. */
export async function createFromFeature(t: TestBot, input: Omit<NewRectificationItem, "now">) {
  const result = await t.runtime.db.$transaction((tx) => createRectificationItem(tx, { ...input, now: t.clock.now() }));
  await t.settle();
  return result;
}

export async function itemRow(t: TestBot, id: number) {
  return t.runtime.db.rectificationItem.findUniqueOrThrow({ where: { id }, include: { events: { orderBy: { id: "asc" } }, evidence: true } });
}

export const DAY = 24 * 60 * 60 * 1000;
