import type { Bot } from "../../app/bot.ts";
import { orgById, secretaryOf } from "../../app/actors.ts";
import type { OrgInfo } from "../../app/context.ts";
import { cancelJobs, ensureJob, type JobContext } from "../../app/jobs.ts";
import type { Tx } from "../../db/client.ts";
import type { Outbox } from "../../app/outbox.ts";
import { CALENDAR_JOB } from "./calendar.ts";
import { meetingEndedListeners } from "./hooks.ts";
import { quorumSentence } from "./quorum.ts";
import {
  attendanceOf, countAttendance, exclusionsSentence, pendingSentence, finalizeAttendance, loadMeeting, loadRules, meetingQuorum, signInWindow, syncExpected,
  type MeetingView,
} from "./service.ts";
import { formatClock, formatDay, formatWhen, humanIn } from "./time.ts";
import { MAKEUP_TYPES } from "./types.ts";
import { announceData, finalLine, leaveCount, meetingTitle, nudgeRef, refreshMeetingCards, signinCardData, signinRef, toGroup } from "./view.ts";
import { leaveApprovers, leaveCardData } from "./leave.ts";

/**
 * Everything timed about a meeting is a Job row keyed `meeting:<id>:v<revision>:<purpose>`:
 * scheduling twice (a redelivered command, a restart) is a no-op, and a reschedule or
 * cancellation cancels the old keys and makes new ones under the next revision.
 */

export const JOBS = {
  remind: "meetings.remind",
  signinOpen: "meetings.signin_open",
  signinClose: "meetings.signin_close",
  finalize: "meetings.finalize",
  leaveSummary: "meetings.leave_summary",
} as const;

const key = (m: Pick<MeetingView, "id" | "revision">, purpose: string) => `meeting:${m.id}:v${m.revision}:${purpose}`;

/** The job that tells the chair of all leave requests at once, with the first reminder. */
export const leaveSummaryKey = (m: Pick<MeetingView, "id" | "revision">) => key(m, "leave-summary");

export async function scheduleMeetingJobs(tx: Tx, m: MeetingView, now: Date, withCalendar: boolean): Promise<void> {
  const payload = { meetingId: m.id, rev: m.revision };
  const rules = await loadRules(tx, m.orgId);
  for (const offset of rules.reminderOffsets) {
    const runAt = new Date(m.startAt.getTime() - offset * 60_000);
    if (runAt > now) await ensureJob(tx, { key: key(m, `remind-${offset}`), kind: JOBS.remind, runAt, payload: { ...payload, offset } }, now);
  }
  // Leave requests before the first reminder reach their approvers on one card each then (issues #22, #18).
  const summaryAt = new Date(m.startAt.getTime() - Math.max(...rules.reminderOffsets, 0) * 60_000);
  if (summaryAt > now) await ensureJob(tx, { key: leaveSummaryKey(m), kind: JOBS.leaveSummary, runAt: summaryAt, payload }, now);
  const { opens, closes } = signInWindow(m);
  const at = (d: Date) => (d > now ? d : now);
  await ensureJob(tx, { key: key(m, "signin-open"), kind: JOBS.signinOpen, runAt: at(opens), payload }, now);
  await ensureJob(tx, { key: key(m, "signin-close"), kind: JOBS.signinClose, runAt: closes, payload }, now);
  const finalizeAt = new Date(Math.max(m.endAt.getTime(), closes.getTime()));
  await ensureJob(tx, { key: key(m, "finalize"), kind: JOBS.finalize, runAt: finalizeAt, payload }, now);
  if (withCalendar) await scheduleCalendarSync(tx, m, now);
}

export async function scheduleCalendarSync(tx: Tx, m: MeetingView, now: Date): Promise<void> {
  await ensureJob(tx, { key: key(m, "calendar"), kind: CALENDAR_JOB, runAt: now, payload: { meetingId: m.id } }, now);
}

/** Cancels every pending timed job of a meeting (all revisions). */
export function unscheduleMeetingJobs(tx: Tx, meetingId: number): Promise<number> {
  return cancelJobs(tx, `meeting:${meetingId}:`);
}

/** Loads the meeting a job is about, or undefined when the job is stale (moved, cancelled, done). */
async function current(tx: Tx, payload: Record<string, unknown>): Promise<{ m: MeetingView; org: OrgInfo } | undefined> {
  const m = await loadMeeting(tx, Number(payload.meetingId));
  if (!m || m.revision !== Number(payload.rev) || m.status !== "scheduled") return undefined;
  const org = await orgById(tx, m.orgId);
  return org ? { m, org } : undefined;
}

async function remindJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, baseOut) => {
    const found = await current(tx, ctx.payload);
    if (!found || ctx.now >= found.m.startAt) return;
    const { m, org } = found;
    const offset = Number(ctx.payload.offset);
    const rules = await loadRules(tx, org.id);
    // After downtime several reminders may be due at once: only the closest one goes out.
    if (rules.reminderOffsets.some((o) => o < offset && ctx.now.getTime() >= m.startAt.getTime() - o * 60_000)) return;
    const out = baseOut.forOrg(org.id);
    await syncExpected(tx, m);
    const rows = await attendanceOf(tx, m.id);
    const c = countAttendance(rows);
    const pending = rows.filter((r) => r.expected && !r.rsvp);
    // One private nudge per silent member (issue #22): a later reminder names them in the group instead.
    const nudged = await nudgedMembers(tx, m.id);
    const toNudge = pending.filter((r) => !nudged.has(r.memberId));
    const stillSilent = pending.filter((r) => nudged.has(r.memberId));
    const lines = [
      `【会议提醒】${meetingTitle(m)} 将于 ${formatDay(m.startAt, org.timezone)}${formatClock(m.startAt, org.timezone)} 召开（${humanIn(m.startAt.getTime() - ctx.now.getTime())}）。`,
      `地点：${m.place ?? "待定"}${m.topic ? `\n主题：${m.topic}` : ""}`,
      `目前参加 ${c.attending} 人、请假 ${leaveCount(c)}、未回复 ${c.pending} 人（应到 ${c.expected} 人）。`,
      pending.length === 0 ? "应到人员都已回复，谢谢大家。" : stillSilent.length ? `尚未回复：${namesOf(stillSilent)}。请在通知卡片上回复参加或请假。` : "尚未回复的同志已收到私信提醒，请在通知卡片上回复参加或请假。",
    ];
    await toGroup(tx, out, org, m, lines.join("\n"));
    for (const r of toNudge) {
      await out.card({ openId: r.openId }, "meeting-announce", announceData(org, m, rows, ctx.now, { me: r }), { cardRef: nudgeRef(m.id, r.memberId, offset) });
    }
    if (offset === rules.reminderOffsets[0]) await warnQuorumRisk(tx, out, org, m);
  });
}

/** Members already sent a private reminder card for this meeting. */
async function nudgedMembers(tx: Tx, meetingId: number): Promise<Set<number>> {
  const sent = await tx.outboxMessage.findMany({
    where: { cardRef: { gte: `meeting:${meetingId}:nudge:`, lt: `meeting:${meetingId}:nudge;` }, kind: "send" },
    select: { cardRef: true },
  });
  return new Set(sent.map((s) => Number(s.cardRef!.split(":")[3])));
}

const NAMES_SHOWN = 15;

function namesOf(rows: Array<{ name: string }>): string {
  const shown = rows.slice(0, NAMES_SHOWN).map((r) => r.name).join("、");
  return rows.length > NAMES_SHOWN ? `${shown} 等 ${rows.length} 人` : shown;
}

/** Before the first reminder: each approver gets one card with every 请假 of the meeting waiting for them. */
async function leaveSummaryJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, out) => {
    const found = await current(tx, ctx.payload);
    if (!found) return;
    const { m, org } = found;
    const waiting = (await attendanceOf(tx, m.id)).filter((r) => r.expected && r.rsvp === "leave" && r.leaveDecision === "pending");
    const approverOf = await leaveApprovers(tx, m);
    const approvers = new Map<number, { id: number; openId: string; name: string }>();
    for (const r of waiting) {
      const a = approverOf(r.memberId);
      if (a) approvers.set(a.id, a);
    }
    for (const a of approvers.values()) await out.forOrg(org.id).card({ openId: a.openId }, "meeting-leave-approval", await leaveCardData(tx, org, m, a, ctx.now));
  });
}

/** Early warning to the chair: too few voting members have said they will come (domain.md §4.2 W6). */
async function warnQuorumRisk(tx: Tx, out: Outbox, org: OrgInfo, m: MeetingView): Promise<void> {
  const q = await meetingQuorum(tx, m);
  if (!q.applies || q.attending >= q.needed) return;
  const to = m.chair?.openId ?? (await secretaryOf(tx, org.id))?.openId;
  if (!to) return;
  const who = q.kind === "committee" ? "支委" : "有表决权的正式党员";
  await out.text(
    { openId: to },
    `【到会人数提示】${meetingTitle(m)}（${formatWhen(m.startAt, m.endAt, org.timezone)}）：目前回复参加的${who} ${q.attending} 人，需超过应到 ${q.entitled} 人的半数（至少 ${q.needed} 人）才能表决。建议提醒未回复的同志，或考虑改期（/改期 #${m.seqNo} <时间>）。`,
  );
}

async function signinOpenJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, baseOut) => {
    const found = await current(tx, ctx.payload);
    if (!found) return;
    const { m, org } = found;
    await syncExpected(tx, m);
    const rows = await attendanceOf(tx, m.id);
    await baseOut.forOrg(org.id).card({ chatId: org.chatId }, "meeting-signin", await signinCardData(tx, org, m, rows, ctx.now), { cardRef: signinRef(m.id) });
  });
}

async function signinCloseJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, baseOut) => {
    const found = await current(tx, ctx.payload);
    if (!found) return;
    const rows = await attendanceOf(tx, found.m.id);
    await baseOut.forOrg(found.org.id).patchCard(signinRef(found.m.id), "meeting-signin", await signinCardData(tx, found.org, found.m, rows, ctx.now));
  });
}

async function finalizeJob(bot: Bot, ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, baseOut) => {
    const found = await current(tx, ctx.payload);
    if (!found) return;
    const { org } = found;
    const out = baseOut.forOrg(org.id);
    const result = await finalizeAttendance(tx, found.m, ctx.now);
    if (!result) return;
    const { meeting: m, quorum } = result;
    const rows = await attendanceOf(tx, m.id);
    await refreshMeetingCards(tx, out, org, m.id, ctx.now, { nudges: false });
    const quorumLine = quorum.applies && quorum.kind ? `\n${quorumSentence(quorum.kind, quorum.entitled, quorum.present)}${exclusionsSentence(quorum.excluded, false)}${pendingSentence(quorum.pending)}` : "";
    await toGroup(tx, out, org, m, `${meetingTitle(m)} 已结束，考勤已确定：${finalLine(rows)}。${quorumLine}\n会议记录请记录人及时整理。`);
    await tellChair(tx, out, org, m, rows);
    for (const r of rows.filter((x) => x.makeupRequired && !x.makeupDoneAt)) {
      await out.text(
        { openId: r.openId },
        `您没有参加 ${meetingTitle(m)}（${formatDay(m.startAt, org.timezone)}）。按要求需要补课（补学会议内容），可向${m.recorder ? `记录人 ${m.recorder.name}` : "支委"}索取会议材料。完成后请发送：/补课 #${m.seqNo}`,
      );
    }
    for (const listener of meetingEndedListeners(bot)) await listener({ tx, out, now: ctx.now, org, meeting: m, attendance: rows, quorum });
  });
}

/** Names of those on leave (with reasons) and absent go to the chair and secretary only. */
async function tellChair(tx: Tx, out: Outbox, org: OrgInfo, m: MeetingView, rows: Awaited<ReturnType<typeof attendanceOf>>): Promise<void> {
  const leave = rows.filter((r) => r.final === "leave");
  const absent = rows.filter((r) => r.final === "absent");
  if (!leave.length && !absent.length) return;
  const secretary = await secretaryOf(tx, org.id);
  const to = new Set([m.chair?.openId, secretary?.openId].filter((x): x is string => !!x));
  const text = [
    `【考勤明细】${meetingTitle(m)}（${formatDay(m.startAt, org.timezone)}）`,
    leave.length ? `请假：${leave.map((r) => `${r.name}（${r.leaveReason ?? "未写事由"}）`).join("、")}` : "",
    absent.length ? `缺席（未请假）：${absent.map((r) => r.name).join("、")}` : "",
    MAKEUP_TYPES.has(m.type) ? "以上同志需要补课，完成后本人发送 /补课 #编号。" : "",
    "如有人到会但未签到，可发送 /考勤 #编号 @成员 出席 更正。",
  ].filter(Boolean).join("\n");
  for (const openId of to) await out.text({ openId }, text);
}

export function registerMeetingJobs(bot: Bot): void {
  bot.job(JOBS.remind, remindJob);
  bot.job(JOBS.signinOpen, signinOpenJob);
  bot.job(JOBS.signinClose, signinCloseJob);
  bot.job(JOBS.finalize, (ctx) => finalizeJob(bot, ctx));
  bot.job(JOBS.leaveSummary, leaveSummaryJob);
}

