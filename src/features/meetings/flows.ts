import type { OrgInfo } from "../../app/context.ts";
import type { Tx } from "../../db/client.ts";
import type { Outbox } from "../../app/outbox.ts";
import { leaveSummaryKey, scheduleCalendarSync, scheduleMeetingJobs, unscheduleMeetingJobs } from "./jobs.ts";
import { askLeaveApproval } from "./leave.ts";
import {
  attendanceOf, cancelMeeting, rescheduleMeeting, setRsvp,
  type MeetingView,
} from "./service.ts";
import { formatClock, formatDay, formatWhen } from "./time.ts";
import type { Rsvp } from "./types.ts";
import { announceData, announceRef, meetingTitle, refreshMeetingCards, toGroup } from "./view.ts";

/**
 * The steps shared by commands, card actions, chat replies and jobs: each runs inside the
 * caller's transaction and writes its messages to the outbox with the change.
 */

export interface FlowDeps {
  /** True when the Feishu calendar is enabled (LARK_CALENDAR=on). */
  calendar: boolean;
}

/** Posts the announcement card (as a reply when given) and schedules reminders, sign-in and finalisation. */
export async function publishMeeting(
  tx: Tx,
  out: Outbox,
  org: OrgInfo,
  m: MeetingView,
  now: Date,
  deps: FlowDeps,
  reply?: (template: string, data: Record<string, unknown>, opts: { cardRef: string }) => Promise<void>,
): Promise<void> {
  const data = announceData(org, m, await attendanceOf(tx, m.id), now);
  if (reply) await reply("meeting-announce", data, { cardRef: announceRef(m.id) });
  else await out.card({ chatId: org.chatId }, "meeting-announce", data, { cardRef: announceRef(m.id) });
  await scheduleMeetingJobs(tx, m, now, deps.calendar);
}

export interface AnswerResult {
  ok: boolean;
  message: string;
}

/** 参加 / 请假 from any channel; the cards are patched and the chair hears of a leave request. */
export async function answerMeeting(
  tx: Tx,
  out: Outbox,
  org: OrgInfo,
  m: MeetingView,
  memberId: number,
  rsvp: Rsvp,
  reason: string | undefined,
  now: Date,
): Promise<AnswerResult> {
  const outcome = await setRsvp(tx, m, memberId, rsvp, reason, now);
  if (outcome.kind === "refused") return { ok: false, message: outcome.message };
  const title = meetingTitle(m);
  if (!outcome.changed) return { ok: true, message: `您已回复过${rsvp === "attending" ? "参加" : "请假"} ${title}，无需重复。` };
  await refreshMeetingCards(tx, out, org, m.id, now, { onlyMember: memberId, live: true });
  if (rsvp === "leave") await askApprovalOfLeave(tx, out, org, m, memberId, now);
  return {
    ok: true,
    message: rsvp === "attending" ? `已记录：您将参加 ${title}（${formatDay(m.startAt, org.timezone)}${formatClock(m.startAt, org.timezone)}）。` : `已提交请假：${title}，待批准，结果会私信告诉您。`,
  };
}

async function askApprovalOfLeave(tx: Tx, out: Outbox, org: OrgInfo, m: MeetingView, memberId: number, now: Date): Promise<void> {
  // Before the first reminder the approvers hear of all leave requests at once (leave_summary job).
  if (await tx.job.findFirst({ where: { key: leaveSummaryKey(m), status: "pending" }, select: { id: true } })) return;
  await askLeaveApproval(tx, out, org, m, memberId, now);
}

/** Everyone expected hears privately as well as in the group (except the person who made the change). */
async function tellExpected(tx: Tx, out: Outbox, m: MeetingView, text: string, except: string): Promise<void> {
  for (const r of await attendanceOf(tx, m.id)) if (r.expected && r.openId !== except) await out.text({ openId: r.openId }, text);
}

export async function rescheduleFlow(
  tx: Tx, out: Outbox, org: OrgInfo, m: MeetingView, start: Date, end: Date | undefined, now: Date, by: string, deps: FlowDeps,
): Promise<MeetingView> {
  const moved = await rescheduleMeeting(tx, org, m, start, end, now);
  await unscheduleMeetingJobs(tx, m.id);
  await scheduleMeetingJobs(tx, moved, now, deps.calendar);
  await refreshMeetingCards(tx, out, org, m.id, now);
  const text =
    `【会议改期】${meetingTitle(moved)} 由 ${formatWhen(m.startAt, m.endAt, org.timezone, now)} 改到 ${formatWhen(moved.startAt, moved.endAt, org.timezone, now)}` +
    `${moved.place ? `，地点：${moved.place}` : ""}。\n已回复参加的同志如新时间不能到会，请在通知卡片上改为请假并写明事由。`;
  await toGroup(tx, out, org, moved, text);
  await tellExpected(tx, out, moved, text, by);
  return moved;
}

export async function cancelFlow(tx: Tx, out: Outbox, org: OrgInfo, m: MeetingView, reason: string, now: Date, by: string, deps: FlowDeps): Promise<MeetingView> {
  const cancelled = await cancelMeeting(tx, m, reason, now);
  await unscheduleMeetingJobs(tx, m.id);
  if (deps.calendar) await scheduleCalendarSync(tx, cancelled, now);
  await refreshMeetingCards(tx, out, org, m.id, now);
  const text = `【会议取消】原定 ${formatWhen(m.startAt, m.endAt, org.timezone, now)} 的 ${meetingTitle(m)} 已取消。原因：${reason}`;
  await toGroup(tx, out, org, cancelled, text);
  await tellExpected(tx, out, cancelled, text, by);
  return cancelled;
}
