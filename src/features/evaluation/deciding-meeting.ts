import type { Tx } from "../../db/client.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import { meetingBySeq, parseSeq } from "../meetings/service.ts";
import { formatDay } from "../meetings/time.ts";

/**
 * A body decides, not a person (domain.md §2.2, §2.3): the 民主评议 results and each 组织处置 step
 * are recorded against the meeting that took them — held, of the right kind, with its quorum met.
 */

export type DecidingKind = "branch_committee_meeting" | "branch_general_meeting";

const KIND_LABEL: Record<DecidingKind, string> = { branch_committee_meeting: "支委会", branch_general_meeting: "党员大会" };

export interface DecidingMeeting {
  seqNo: number;
  type: DecidingKind;
  /** "支委会 #5（3月12日（周四））" */
  label: string;
}

export function decidingLabel(type: string, seqNo: number, startAt?: Date, tz?: string): string {
  const kind = KIND_LABEL[type as DecidingKind] ?? "会议";
  return `${kind} #${seqNo}${startAt && tz ? `（${formatDay(startAt, tz)}）` : ""}`;
}

/** Reads "#12" and checks the meeting: one of `kinds`, held, quorate. `what` names it in refusals. */
export async function quorateMeeting(tx: Tx, org: OrgInfo, text: string, kinds: DecidingKind[], what: string, example: string): Promise<DecidingMeeting> {
  const seq = parseSeq(text.trim());
  if (seq === undefined) throw new UsageError(`请填写作出决定的${what}的会议编号，例如 #12（/会议 可以查到编号）。`, example);
  const meeting = await meetingBySeq(tx, org, seq);
  if (!(kinds as string[]).includes(meeting.type)) throw new UsageError(`#${seq} 不是${what}，请填写作出这一决定的会议编号。`);
  if (meeting.status !== "held") throw new UsageError(`#${seq} 还没有召开（或已取消），会后才能记录它的决定。`);
  if (!meeting.quorumMet) throw new UsageError(`#${seq} 到会有表决权的人数未超过应到人数的半数，不能作出这一决定。`);
  return { seqNo: seq, type: meeting.type as DecidingKind, label: decidingLabel(meeting.type, seq, meeting.startAt, org.timezone) };
}
