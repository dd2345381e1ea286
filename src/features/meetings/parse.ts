import { UsageError } from "../../app/context.ts";
import type { Mention } from "../../app/inbound.ts";
import { SCHEDULE_EXAMPLE, LESSON_EXAMPLE } from "./service.ts";
import { parseDateTime, parseOffset, TIME_EXAMPLES } from "./time.ts";
import { TYPE_CHOICES, TYPE_WORDS, type MeetingType } from "./types.ts";
import { echo } from "../../app/args.ts";

/** What `/安排 <类型> <YYYY-MM-DD HH:mm> [地点] [主题…]` says, people still as mentions. */
export interface ScheduleArgs {
  type: MeetingType;
  start: Date;
  end?: Date;
  durationMin?: number;
  place?: string;
  topic?: string;
  chair?: Mention;
  recorder?: Mention;
  lecturer?: Mention;
  groupName?: string;
  /** The words the time was read from, when they were words (明天 14:30): echoed before scheduling. */
  naturalWords?: string;
}

type Role = "chair" | "recorder" | "lecturer";

const ROLE_WORDS: Record<string, Role> = { 主持: "chair", 主持人: "chair", 记录: "recorder", 记录人: "recorder", 主讲: "lecturer", 主讲人: "lecturer" };

export function parseMeetingType(word: string | undefined): MeetingType {
  const type = word ? TYPE_WORDS[word] : undefined;
  if (!type) throw new UsageError(`${word ? `不认识会议类型「${echo(word)}」。` : "缺少会议类型。"}可选：${TYPE_CHOICES}。`, SCHEDULE_EXAMPLE);
  return type;
}

/** Reads a date and time at args[i…] or explains, with an example, what was wrong. */
export function requireDateTime(args: string[], i: number, now: Date, tz: string, example: string) {
  const t = parseDateTime(args, i, now, tz);
  if ("error" in t) throw new UsageError(`${t.error}时间可以写成 ${TIME_EXAMPLES}，或 YYYY-MM-DD HH:mm。`, example);
  return t;
}

export function parseScheduleArgs(args: string[], mentions: Mention[], now: Date, tz: string, groupNames: string[]): ScheduleArgs {
  const type = parseMeetingType(args[0]);
  const example = type === "party_lesson" ? LESSON_EXAMPLE : SCHEDULE_EXAMPLE;
  const time = requireDateTime(args, 1, now, tz, example);
  const parsed: ScheduleArgs = { type, start: time.start, end: time.end, naturalWords: time.natural ? args.slice(1, 1 + time.consumed).join(" ") : undefined };
  const words: string[] = [];
  let nextMention = 0;
  let pendingRole: Role | undefined;
  const tokens = args.slice(1 + time.consumed).flatMap((t) => {
    const glued = /^(主持人?|记录人?|主讲人?)[:：]?(@.+)$/.exec(t);
    return glued ? [glued[1]!, glued[2]!] : [t];
  });
  for (const token of tokens) {
    if (token.startsWith("@") && nextMention < mentions.length) {
      const person = mentions[nextMention++]!;
      const role = pendingRole ?? (type === "party_lesson" && !parsed.lecturer ? "lecturer" : undefined);
      if (!role) throw new UsageError(`不清楚 @${person.name} 担任什么，请写成「主持 @${person.name}」「记录 @${person.name}」${type === "party_lesson" ? `或「主讲 @${person.name}」` : ""}。`, example);
      parsed[role] = person;
      pendingRole = undefined;
      continue;
    }
    const role = ROLE_WORDS[token.replace(/[:：]$/, "")];
    if (role) {
      pendingRole = role;
      continue;
    }
    const duration = parseOffset(token.replace(/^时长/, ""));
    if (duration !== undefined && !parsed.end) {
      parsed.durationMin = duration;
      continue;
    }
    if (token === "时长") continue;
    if (groupNames.includes(token) && !parsed.groupName) {
      parsed.groupName = token;
      continue;
    }
    words.push(token);
  }
  if (pendingRole) throw new UsageError(`「${Object.keys(ROLE_WORDS).find((k) => ROLE_WORDS[k] === pendingRole)}」后面请 @ 一位成员。`, example);
  parsed.place = words[0];
  parsed.topic = words.slice(1).join(" ") || undefined;
  return parsed;
}
