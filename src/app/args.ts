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
