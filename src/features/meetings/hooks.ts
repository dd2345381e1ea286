import type { Bot } from "../../app/bot.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { Tx } from "../../db/client.ts";
import type { Outbox } from "../../app/outbox.ts";
import type { AttendanceView, MeetingView, QuorumView } from "./service.ts";
import type { AppraisalYearStatus } from "./rules.ts";

/**
 * Extension points for other features, kept per Bot instance (a restarted runtime registers
 * afresh, so nothing is doubled and nothing lives in module state between instances).
 *
 * - onMeetingEnded(bot, listener): called once per meeting when its attendance becomes final
 *   (after the meeting ended and the sign-in closed), inside the same transaction as the
 *   finalisation — write rows and outbox messages with `tx`/`out`; never call the network.
 * - setAppraisalStatus(bot, provider): lets the 民主评议 feature report its yearly status for
 *   the plan card (/计划); without it the plan shows the activity as due/missing by date.
 */

export interface MeetingEndedEvent {
  tx: Tx;
  out: Outbox;
  now: Date;
  org: OrgInfo;
  meeting: MeetingView;
  attendance: AttendanceView[];
  quorum: QuorumView;
}

export type MeetingEndedListener = (event: MeetingEndedEvent) => Promise<void>;
/** The 民主评议 feature's answer for many branches at once (a branch with no round is absent). */
export type AppraisalStatusProvider = (tx: Tx, orgIds: number[], year: number) => Promise<Map<number, AppraisalYearStatus>>;

interface Hooks {
  ended: MeetingEndedListener[];
  appraisal?: AppraisalStatusProvider;
}

const registry = new WeakMap<Bot, Hooks>();

function hooksOf(bot: Bot): Hooks {
  let h = registry.get(bot);
  if (!h) registry.set(bot, (h = { ended: [] }));
  return h;
}

export function onMeetingEnded(bot: Bot, listener: MeetingEndedListener): void {
  hooksOf(bot).ended.push(listener);
}

export function meetingEndedListeners(bot: Bot): readonly MeetingEndedListener[] {
  return hooksOf(bot).ended;
}

export function setAppraisalStatus(bot: Bot, provider: AppraisalStatusProvider): void {
  hooksOf(bot).appraisal = provider;
}

export function appraisalStatusProvider(bot: Bot): AppraisalStatusProvider | undefined {
  return hooksOf(bot).appraisal;
}
