import type { Mention } from "./inbound.ts";
import { UsageError } from "./context.ts";

/** Splits arguments into the people @-mentioned (in order) and the other words. */
export function splitMentions(args: string[], mentions: Mention[]): { people: Mention[]; words: string[] } {
  const people: Mention[] = [];
  const words: string[] = [];
  let next = 0;
  for (const a of args) {
    if (a.startsWith("@") && next < mentions.length) people.push(mentions[next++]!);
    else words.push(a);
  }
  return { people, words };
}

export function requireOne<T>(items: T[], what: string, example: string): T {
  if (items.length === 0) throw new UsageError(`缺少${what}。`, example);
  return items[0]!;
}

/**
 * The number a card value (or a typed word) names a stored row by — an id, a sequence or a
 * version number: a positive integer the database can hold, else undefined. Forged values
 * ("abc", a missing field, 1e21, -1, 1.5, 2^31) then read as "no such row" instead of failing the
 * query. Prisma's Int is 32-bit: PostgreSQL refuses a larger value outright (SQLite would take it).
 */
export function rowNumber(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n > 0 && n <= MAX_INT ? n : undefined;
}

/** The largest value of Prisma's Int (a 32-bit signed integer on every database). */
const MAX_INT = 2_147_483_647;

/**
 * At most `max` UTF-16 units of what someone typed, never cutting an emoji (a surrogate pair)
 * in half: half an emoji is not text the database accepts.
 */
export function clip(text: string, max: number): string {
  const cut = text.slice(0, max);
  return cut.length === max && /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** How much of what someone typed a reply quotes back. */
export const ECHO_MAX = 30;

/** What someone typed, quoted back in a reply: a few dozen characters at most, then "…". */
export function echo(text: string | undefined, max = ECHO_MAX): string {
  if (text === undefined) return "";
  return text.length > max ? `${clip(text, max)}…` : text;
}
