import { secretaryOf } from "../../app/actors.ts";
import type { Tx } from "../../db/client.ts";
import { clip } from "../../app/args.ts";
import { PermissionError, UsageError, type OrgInfo } from "../../app/context.ts";
import { isCommittee, type Actor, type MemberClass } from "../../app/roles.ts";
import { formatInput, formatWhen, humanIn } from "./time.ts";
import { markThemeUsed, themeMissingMessage } from "./themes.ts";
import { hasCommittee, effectiveRules, type BranchRules } from "./rules.ts";
import {
  AUDIENCE, DEFAULT_DURATION, MAKEUP_TYPES, TYPE_LABEL,
  type FinalStatus, type LeaveDecision, type MeetingStatus, type MeetingType, type Rsvp,
} from "./types.ts";

/** Meetings, attendance and rules in the database: plain data in, plain data out. */

export interface PersonRef {
  id: number;
  openId: string;
  name: string;
}

export interface MeetingView {
  id: number;
  orgId: number;
  seqNo: number;
  type: MeetingType;
  status: MeetingStatus;
  startAt: Date;
  endAt: Date;
  previousStartAt: Date | null;
  place: string | null;
  topic: string | null;
  chair: PersonRef | null;
  recorder: PersonRef | null;
  lecturer: PersonRef | null;
  group: { id: number; name: string; leaderId: number | null } | null;
  cancelReason: string | null;
  revision: number;
  heldAt: Date | null;
  entitledCount: number | null;
  presentVoting: number | null;
  quorumMet: boolean | null;
  calendarEventId: string | null;
  createdBy: string;
  /** When it was scheduled (the bot's clock): its notice card was sent then. */
  createdAt: Date;
}

export interface AttendanceView {
  memberId: number;
  openId: string;
  name: string;
  memberClass: MemberClass;
  post: string | null;
  expected: boolean;
  rsvp: Rsvp | null;
  leaveReason: string | null;
  /** 请假 approval: pending until the approver decides (issue #18 item 4). */
  leaveDecision: LeaveDecision | null;
  signedInAt: Date | null;
  final: FinalStatus | null;
  makeupRequired: boolean;
  makeupDoneAt: Date | null;
}

const MEETING_INCLUDE = {
  chair: true,
  recorder: true,
  lecturer: true,
  partyGroup: true,
} as const;

type MeetingRow = NonNullable<Awaited<ReturnType<Tx["meeting"]["findUnique"]>>> & {
  chair: { id: number; openId: string; name: string } | null;
  recorder: { id: number; openId: string; name: string } | null;
  lecturer: { id: number; openId: string; name: string } | null;
  partyGroup: { id: number; name: string; leaderId: number | null } | null;
};

const person = (m: { id: number; openId: string; name: string } | null): PersonRef | null => (m ? { id: m.id, openId: m.openId, name: m.name } : null);

function toView(m: MeetingRow): MeetingView {
  return {
    id: m.id,
    orgId: m.orgId,
    seqNo: m.seqNo,
    type: m.type as MeetingType,
    status: m.status as MeetingStatus,
    startAt: m.startAt,
    endAt: m.endAt,
    previousStartAt: m.previousStartAt,
    place: m.place,
    topic: m.topic,
    chair: person(m.chair),
    recorder: person(m.recorder),
    lecturer: person(m.lecturer),
    group: m.partyGroup ? { id: m.partyGroup.id, name: m.partyGroup.name, leaderId: m.partyGroup.leaderId } : null,
    cancelReason: m.cancelReason,
    revision: m.revision,
    heldAt: m.heldAt,
    entitledCount: m.entitledCount,
    presentVoting: m.presentVoting,
    quorumMet: m.quorumMet,
    calendarEventId: m.calendarEventId,
    createdBy: m.createdBy,
    createdAt: m.createdAt,
  };
}

export async function loadMeeting(tx: Tx, id: number): Promise<MeetingView | undefined> {
  const m = await tx.meeting.findUnique({ where: { id }, include: MEETING_INCLUDE });
  return m ? toView(m) : undefined;
}

export const SEQ_EXAMPLE = "/会议 #12";

/** "#12", "12", "＃12" → 12. */
export function parseSeq(word: string | undefined): number | undefined {
  const m = word ? /^[#＃]?(\d{1,6})$/.exec(word) : null;
  return m ? Number(m[1]) : undefined;
}

export async function meetingBySeq(tx: Tx, org: OrgInfo, seqNo: number): Promise<MeetingView> {
  const m = await tx.meeting.findUnique({ where: { orgId_seqNo: { orgId: org.id, seqNo } }, include: MEETING_INCLUDE });
  if (!m) throw new UsageError(`本支部没有编号为 #${seqNo} 的会议。发送 /会议 查看近期会议及编号。`, SEQ_EXAMPLE);
  return toView(m);
}

export async function attendanceOf(tx: Tx, meetingId: number): Promise<AttendanceView[]> {
  return (await attendanceOfMany(tx, [meetingId])).get(meetingId) ?? [];
}

/** The attendance of several meetings in one read (lists: one query, not one per meeting). */
export async function attendanceOfMany(tx: Tx, meetingIds: number[]): Promise<Map<number, AttendanceView[]>> {
  const rows = await tx.meetingAttendance.findMany({ where: { meetingId: { in: meetingIds } }, include: { member: true }, orderBy: [{ meetingId: "asc" }, { memberId: "asc" }] });
  const byMeeting = new Map<number, AttendanceView[]>(meetingIds.map((id) => [id, []]));
  for (const r of rows) byMeeting.get(r.meetingId)?.push({
    memberId: r.memberId,
    openId: r.member.openId,
    name: r.member.name,
    memberClass: (r.memberClass ?? r.member.memberClass) as MemberClass,
    post: r.member.post,
    expected: r.expected,
    rsvp: (r.rsvp as Rsvp | null) ?? null,
    leaveReason: r.leaveReason,
    leaveDecision: (r.leaveDecision as LeaveDecision | null) ?? null,
    signedInAt: r.signedInAt,
    final: (r.final as FinalStatus | null) ?? null,
    makeupRequired: r.makeupRequired,
    makeupDoneAt: r.makeupDoneAt,
  });
  return byMeeting;
}

export interface AttendanceCounts {
  expected: number;
  attending: number;
  leave: number;
  /** 请假 not yet approved or declined (before the meeting ends). */
  leaveAwaiting: number;
  pending: number;
  signedIn: number;
  present: number;
  absent: number;
  presentFull: number;
  presentProbationary: number;
}

export function countAttendance(rows: AttendanceView[]): AttendanceCounts {
  const expected = rows.filter((r) => r.expected);
  const present = expected.filter((r) => (r.final ? r.final === "present" : !!r.signedInAt));
  return {
    expected: expected.length,
    attending: expected.filter((r) => r.rsvp === "attending").length,
    leave: expected.filter((r) => (r.final ? r.final === "leave" : r.rsvp === "leave")).length,
    leaveAwaiting: expected.filter((r) => !r.final && r.rsvp === "leave" && r.leaveDecision === "pending").length,
    pending: expected.filter((r) => !r.rsvp).length,
    signedIn: expected.filter((r) => r.signedInAt).length,
    present: present.length,
    absent: expected.filter((r) => r.final === "absent").length,
    presentFull: present.filter((r) => r.memberClass === "full").length,
    presentProbationary: present.filter((r) => r.memberClass === "probationary").length,
  };
}

// ───────────────────────────── who is expected ─────────────────────────────

/** The people a meeting of this type expects: all 党员, the committee, or one party group. */
export async function expectedMemberIds(tx: Tx, orgId: number, type: MeetingType, groupId: number | null): Promise<number[]> {
  const audience = AUDIENCE[type];
  const base = { orgId, active: true, memberClass: { in: ["full", "probationary"] } };
  if (audience === "committee") {
    return (await tx.member.findMany({ where: { orgId, active: true, post: { not: null } }, select: { id: true } })).map((m) => m.id);
  }
  if (audience === "group") {
    if (!groupId) return [];
    const group = await tx.partyGroup.findUnique({ where: { id: groupId } });
    const rows = await tx.member.findMany({ where: { ...base, partyGroupId: groupId }, select: { id: true } });
    const ids = new Set(rows.map((m) => m.id));
    if (group?.leaderId) ids.add(group.leaderId);
    return [...ids];
  }
  return (await tx.member.findMany({ where: base, select: { id: true } })).map((m) => m.id);
}

/**
 * Brings the expected list in line with the roster (people join, leave or change class between
 * scheduling and the meeting). Answers already given are kept.
 */
export async function syncExpected(tx: Tx, meeting: MeetingView): Promise<void> {
  const want = new Set(await expectedMemberIds(tx, meeting.orgId, meeting.type, meeting.group?.id ?? null));
  const rows = await tx.meetingAttendance.findMany({ where: { meetingId: meeting.id } });
  const have = new Map(rows.map((r) => [r.memberId, r]));
  for (const id of want) {
    const row = have.get(id);
    if (!row) await tx.meetingAttendance.create({ data: { meetingId: meeting.id, memberId: id, expected: true } });
    else if (!row.expected) await tx.meetingAttendance.update({ where: { id: row.id }, data: { expected: true } });
  }
  const gone = rows.filter((r) => r.expected && !want.has(r.memberId) && !r.signedInAt).map((r) => r.id);
  if (gone.length) await tx.meetingAttendance.updateMany({ where: { id: { in: gone } }, data: { expected: false } });
}

export const AUDIENCE_LABEL = (m: Pick<MeetingView, "type" | "group">): string =>
  AUDIENCE[m.type] === "committee" ? "支部委员" : AUDIENCE[m.type] === "group" ? `${m.group?.name ?? "党小组"}成员` : "全体党员（含预备党员）";

// ───────────────────────────── who may manage ─────────────────────────────

/** 支委 manage every meeting; a 党小组组长 also manages his or her own group's meetings. */
export function canManage(actor: Actor | undefined, type: MeetingType, groupLeaderId: number | null): boolean {
  if (isCommittee(actor)) return true;
  return !!actor && type === "party_group_meeting" && groupLeaderId === actor.memberId;
}

export function requireManage(actor: Actor | undefined, type: MeetingType, groupLeaderId: number | null): void {
  if (!canManage(actor, type, groupLeaderId)) {
    throw new PermissionError(
      type === "party_group_meeting"
        ? "只有支委（书记、副书记、委员）或该党小组组长可以安排、改期或取消党小组会。"
        : `只有支委（书记、副书记、委员）可以安排、改期或取消${TYPE_LABEL[type]}。`,
    );
  }
}

// ───────────────────────────── scheduling ─────────────────────────────

export interface MeetingDraft {
  type: MeetingType;
  start: Date;
  end?: Date;
  durationMin?: number;
  place?: string;
  topic?: string;
  chairId?: number;
  recorderId?: number;
  lecturerId?: number;
  groupId?: number;
}

export const SCHEDULE_EXAMPLE = "/安排 党员大会 下周五 14:30 三楼会议室 学习贯彻全会精神";
export const LESSON_EXAMPLE = "/安排 党课 下周三 15:00 三楼会议室 主讲 @李明 党史专题";

export async function resolveMember(tx: Tx, orgId: number, openId: string, name?: string): Promise<PersonRef> {
  const m = await tx.member.findFirst({ where: { orgId, openId, active: true } });
  if (!m) throw new UsageError(`${name ?? "所选人员"} 不在本支部成员名单中（需要是本群成员）。`);
  return { id: m.id, openId: m.openId, name: m.name };
}

export async function fullMemberCount(tx: Tx, orgId: number): Promise<number> {
  return tx.member.count({ where: { orgId, active: true, memberClass: "full" } });
}

async function overlapping(tx: Tx, orgId: number, start: Date, end: Date, exceptId?: number) {
  return tx.meeting.findFirst({
    where: { orgId, status: "scheduled", startAt: { lt: end }, endAt: { gt: start }, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    orderBy: { startAt: "asc" },
  });
}

/** The checks every new or moved meeting passes: in the future, sensible length, no overlap. */
async function checkTime(tx: Tx, org: OrgInfo, start: Date, end: Date, now: Date, exceptId?: number): Promise<void> {
  if (start <= now) {
    throw new UsageError(
      `会议时间 ${formatInput(start, org.timezone)} 已经过去了（现在是 ${formatInput(now, org.timezone)}），请填写将来的时间。`,
      `/安排 党员大会 ${formatInput(new Date(now.getTime() + 7 * 86_400_000), org.timezone)} 三楼会议室`,
    );
  }
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  // Negated so an end beyond any date (an absurd duration) is refused too, not passed to the query.
  if (!(minutes >= 15 && minutes <= 12 * 60)) {
    throw new UsageError(`会议时长应在 15 分钟到 12 小时之间${Number.isFinite(minutes) ? `（现在是 ${Math.round(minutes)} 分钟）` : ""}。`);
  }
  const clash = await overlapping(tx, org.id, start, end, exceptId);
  if (clash) {
    throw new UsageError(
      `与已安排的 #${clash.seqNo} ${TYPE_LABEL[clash.type as MeetingType]}（${formatWhen(clash.startAt, clash.endAt, org.timezone, now)}）时间重叠。请换一个时间，或先用 /改期 #${clash.seqNo} 调整那次会议。`,
    );
  }
}

/** Checks the structure rules for a type (domain.md §1.3) and fills the group for a 党小组会. */
async function checkStructure(tx: Tx, org: OrgInfo, draft: MeetingDraft): Promise<void> {
  if (draft.type === "branch_committee_meeting") {
    const full = await fullMemberCount(tx, org.id);
    if (!hasCommittee(full)) {
      throw new UsageError(
        `本支部正式党员 ${full} 人，不足 7 人，按《支部工作条例》不设支部委员会，因此不召开支委会。需要集体研究的事项请召开支部党员大会。`,
        SCHEDULE_EXAMPLE,
      );
    }
    const members = await tx.member.count({ where: { orgId: org.id, active: true, post: { not: null } } });
    if (members === 0) throw new UsageError("本支部还没有登记支部委员。请书记先用 /角色 @成员 组织委员 等设置支委。");
  }
  if (draft.type === "party_group_meeting" && !draft.groupId) {
    const groups = await tx.partyGroup.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" } });
    if (groups.length === 0) throw new UsageError("本支部还没有党小组。支委可用 /党小组 新建 第一党小组 @组长 新建。");
    if (groups.length > 1) {
      throw new UsageError(`请写明是哪个党小组：${groups.map((g) => g.name).join("、")}。`, `/安排 党小组会 下周二 19:00 ${groups[0]!.name} 活动室`);
    }
    draft.groupId = groups[0]!.id;
  }
  if (draft.type === "party_lesson" && !draft.lecturerId) {
    throw new UsageError("党课需要指定主讲人：请写「主讲 @成员」，或在表单中选择主讲人。", LESSON_EXAMPLE);
  }
}

async function defaultChair(tx: Tx, orgId: number, draft: MeetingDraft): Promise<number | null> {
  if (draft.type === "party_group_meeting" && draft.groupId) {
    const g = await tx.partyGroup.findUnique({ where: { id: draft.groupId } });
    if (g?.leaderId) return g.leaderId;
  }
  const secretary = await secretaryOf(tx, orgId);
  return secretary?.id ?? null;
}

/**
 * The recorder keeps the minutes (domain.md §1.6: the secretary designates, commonly the
 * 组织委员). Unless one is named: the 组织委员, or the secretary where there is none. The form
 * and the scheduling reply say so before anyone relies on it.
 */
async function defaultRecorder(tx: Tx, orgId: number) {
  const officer = await tx.member.findFirst({ where: { orgId, active: true, post: { not: null }, committeeDuty: "organization" }, orderBy: { id: "asc" } });
  return officer ?? (await secretaryOf(tx, orgId));
}

/** The form's words for the default recorder: "不选则为组织委员 李明". */
export async function recorderHint(tx: Tx, orgId: number): Promise<string> {
  const m = await defaultRecorder(tx, orgId);
  if (!m) return "不选则为书记；本支部书记未登记，请选择记录人";
  return m.committeeDuty === "organization" ? `不选则为组织委员 ${m.name}` : `不选则为书记 ${m.name}（本支部未设组织委员）`;
}

/** Notice given less than this before the start misses the 提前 3 天通知 the committee's indicators score. */
export const NOTICE_DAYS = 3;

export async function loadRules(tx: Tx, orgId: number): Promise<BranchRules> {
  return effectiveRules((await tx.meetingRules.findUnique({ where: { orgId } })) ?? undefined);
}

/**
 * Every check a new meeting passes (place, structure, who may schedule it, time and overlaps),
 * without changing anything; returns its end. Also run before a scheduling is confirmed.
 */
export async function checkDraft(tx: Tx, org: OrgInfo, draft: MeetingDraft, actor: Actor, now: Date): Promise<Date> {
  if (org.kind !== "branch") throw new UsageError("会议只能在党支部群里安排。");
  // What the form's inputs take: longer text would not fit the announcement card.
  if ((draft.place?.trim().length ?? 0) > 200 || (draft.topic?.trim().length ?? 0) > 200) {
    throw new UsageError("会议地点和主题各最多 200 个字。", SCHEDULE_EXAMPLE);
  }
  await checkStructure(tx, org, draft);
  const group = draft.groupId ? await tx.partyGroup.findFirst({ where: { id: draft.groupId, orgId: org.id } }) : null;
  if (draft.groupId && !group) throw new UsageError("所选党小组不属于本支部。");
  requireManage(actor, draft.type, group?.leaderId ?? null);
  const end = draftEnd(draft);
  await checkTime(tx, org, draft.start, end, now);
  // A 主题党日's theme is chosen before the day (issue #18 item 2).
  if (draft.type === "theme_party_day" && !draft.topic?.trim()) throw new UsageError(await themeMissingMessage(tx, org.id), "/安排 主题党日 下周五 09:00 党员活动室 重温入党誓词");
  return end;
}

/** When a draft meeting ends: as typed, or after its duration, or the type's usual length. */
export function draftEnd(draft: MeetingDraft): Date {
  return draft.end ?? new Date(draft.start.getTime() + (draft.durationMin ?? DEFAULT_DURATION[draft.type]) * 60_000);
}

/** Creates a meeting with its number and expected attendees. Returns notes for the reply. */
export async function createMeeting(tx: Tx, org: OrgInfo, draft: MeetingDraft, actor: Actor, now: Date): Promise<{ meeting: MeetingView; notes: string[] }> {
  const end = await checkDraft(tx, org, draft, actor, now);
  const { nextMeetingNo } = await tx.partyOrg.update({ where: { id: org.id }, data: { nextMeetingNo: { increment: 1 } }, select: { nextMeetingNo: true } });
  const created = await tx.meeting.create({
    data: {
      orgId: org.id,
      seqNo: nextMeetingNo - 1,
      type: draft.type,
      startAt: draft.start,
      endAt: end,
      place: draft.place?.trim() || null,
      topic: draft.topic?.trim() || null,
      chairId: draft.chairId ?? (await defaultChair(tx, org.id, draft)),
      recorderId: draft.recorderId ?? (await defaultRecorder(tx, org.id))?.id ?? null,
      lecturerId: draft.type === "party_lesson" ? draft.lecturerId ?? null : null,
      partyGroupId: draft.type === "party_group_meeting" ? draft.groupId ?? null : null,
      createdBy: actor.openId,
      createdAt: now,
      updatedAt: now,
    },
  });
  const meeting = (await loadMeeting(tx, created.id))!;
  await syncExpected(tx, meeting);
  if (meeting.type === "theme_party_day") await markThemeUsed(tx, org.id, meeting.topic, meeting.id);
  return { meeting, notes: await schedulingNotes(tx, org, meeting, draft.recorderId !== undefined, now) };
}

async function schedulingNotes(tx: Tx, org: OrgInfo, meeting: MeetingView, recorderNamed: boolean, now: Date): Promise<string[]> {
  const notes: string[] = [];
  if (meeting.type === "theme_party_day") {
    const rules = await loadRules(tx, org.id);
    const day = Number(formatInput(meeting.startAt, org.timezone).slice(8, 10));
    if (rules.themeDay && rules.themeDay !== day) notes.push(`提示：本支部主题党日固定在每月 ${rules.themeDay} 日，本次安排在 ${day} 日。`);
  }
  if (!meeting.recorder) notes.push("提示：尚未指定记录人，可在表单中选择（/安排）。");
  else notes.push(`记录人：${meeting.recorder.name}${recorderNamed ? "" : "（未指定时默认由组织委员记录，未设组织委员的由书记记录）"}。会后由记录人整理会议记录。`);
  const lead = meeting.startAt.getTime() - now.getTime();
  if (lead < NOTICE_DAYS * 86_400_000) {
    notes.push(`提示：距开会不足 ${NOTICE_DAYS} 天（${humanIn(lead)}开会）。组织生活一般应提前 ${NOTICE_DAYS} 天通知，上级考核按此计算；如非紧急，建议用 /改期 #${meeting.seqNo} 推后。`);
  }
  return notes;
}

/** Every check a move runs, without moving: the confirmation card refuses now what 确认改期 would. Returns the new end. */
export async function checkMove(tx: Tx, org: OrgInfo, meeting: MeetingView, start: Date, end: Date | undefined, now: Date): Promise<Date> {
  requireOpen(meeting, now, "改期");
  const newEnd = end ?? new Date(start.getTime() + (meeting.endAt.getTime() - meeting.startAt.getTime()));
  if (start.getTime() === meeting.startAt.getTime() && newEnd.getTime() === meeting.endAt.getTime()) {
    throw new UsageError(`#${meeting.seqNo} 本来就安排在 ${formatWhen(meeting.startAt, meeting.endAt, org.timezone, now)}。`);
  }
  await checkTime(tx, org, start, newEnd, now, meeting.id);
  return newEnd;
}

/** Moves a meeting; answers are kept (people who can no longer come answer again). */
export async function rescheduleMeeting(tx: Tx, org: OrgInfo, meeting: MeetingView, start: Date, end: Date | undefined, now: Date): Promise<MeetingView> {
  const newEnd = await checkMove(tx, org, meeting, start, end, now);
  await tx.meeting.update({
    where: { id: meeting.id },
    data: { startAt: start, endAt: newEnd, previousStartAt: meeting.startAt, revision: { increment: 1 }, updatedAt: now },
  });
  const moved = (await loadMeeting(tx, meeting.id))!;
  await syncExpected(tx, moved);
  return moved;
}

export async function cancelMeeting(tx: Tx, meeting: MeetingView, reason: string, now: Date): Promise<MeetingView> {
  requireOpen(meeting, now, "取消");
  await tx.meeting.update({ where: { id: meeting.id }, data: { status: "cancelled", cancelReason: reason, cancelledAt: now, revision: { increment: 1 }, updatedAt: now } });
  return (await loadMeeting(tx, meeting.id))!;
}

function requireOpen(meeting: MeetingView, now: Date, verb: string): void {
  if (meeting.status === "cancelled") throw new UsageError(`#${meeting.seqNo} 已经取消了${meeting.cancelReason ? `（${meeting.cancelReason}）` : ""}。`);
  if (meeting.status === "held" || meeting.startAt <= now) throw new UsageError(`#${meeting.seqNo} 已经开始或结束，不能再${verb}。`);
}

// ───────────────────────────── answers and sign-in ─────────────────────────────

export type RsvpOutcome = { kind: "recorded"; previous: Rsvp | null; changed: boolean } | { kind: "refused"; message: string };

/** Records 参加 / 请假 (a reason is required for 请假). Idempotent: the same answer twice is one answer. */
export async function setRsvp(tx: Tx, meeting: MeetingView, memberId: number, rsvp: Rsvp, reason: string | undefined, now: Date): Promise<RsvpOutcome> {
  if (meeting.status === "cancelled") return { kind: "refused", message: `#${meeting.seqNo} 已取消，无需回复。` };
  if (meeting.status === "held" || meeting.startAt <= now) {
    return { kind: "refused", message: `#${meeting.seqNo} 已经开始，不能再回复。到场的同志请在签到卡片上签到；不能到场的请直接向书记说明。` };
  }
  const row = await tx.meetingAttendance.findUnique({ where: { meetingId_memberId: { meetingId: meeting.id, memberId } } });
  if (!row || !row.expected) return { kind: "refused", message: `本次${TYPE_LABEL[meeting.type]}的应到人员是${AUDIENCE_LABEL(meeting)}，您无需回复。` };
  const cleanReason = rsvp === "leave" ? clip((reason ?? "").trim(), 200) : null;
  if (rsvp === "leave" && !cleanReason) return { kind: "refused", message: "请假需要写明事由，例如：请假 出差。" };
  const previous = (row.rsvp as Rsvp | null) ?? null;
  const changed = previous !== rsvp || (rsvp === "leave" && row.leaveReason !== cleanReason);
  if (changed) {
    // A new 请假 (or a new reason) waits for the approver again; 参加 clears the request.
    const decision = rsvp === "leave" ? { leaveDecision: "pending", leaveDecidedBy: null, leaveDecidedAt: null } : { leaveDecision: null, leaveDecidedBy: null, leaveDecidedAt: null };
    await tx.meetingAttendance.update({ where: { id: row.id }, data: { rsvp, leaveReason: cleanReason, rsvpAt: now, ...decision } });
  }
  return { kind: "recorded", previous, changed };
}

export const SIGNIN_OPENS_MIN = 15;
export const SIGNIN_CLOSES_MIN = 30;

export function signInWindow(meeting: Pick<MeetingView, "startAt">): { opens: Date; closes: Date } {
  return {
    opens: new Date(meeting.startAt.getTime() - SIGNIN_OPENS_MIN * 60_000),
    closes: new Date(meeting.startAt.getTime() + SIGNIN_CLOSES_MIN * 60_000),
  };
}

export type SignInOutcome = { kind: "signed"; at: Date } | { kind: "already"; at: Date } | { kind: "refused"; message: string };

/** Only expected attendees, only inside the window, only once. */
export async function signIn(tx: Tx, meeting: MeetingView, memberId: number, now: Date, tz: string): Promise<SignInOutcome> {
  const { opens, closes } = signInWindow(meeting);
  if (meeting.status === "cancelled") return { kind: "refused", message: `#${meeting.seqNo} 已取消。` };
  if (now < opens) return { kind: "refused", message: `签到将于 ${formatInput(opens, tz)} 开始。` };
  if (now >= closes || meeting.status === "held") return { kind: "refused", message: "签到已经结束。如确实到会，请联系支委更正考勤（/考勤）。" };
  const row = await tx.meetingAttendance.findUnique({ where: { meetingId_memberId: { meetingId: meeting.id, memberId } } });
  if (!row || !row.expected) return { kind: "refused", message: `本次会议的应到人员是${AUDIENCE_LABEL(meeting)}，您不在应到名单中，无需签到。` };
  if (row.signedInAt) return { kind: "already", at: row.signedInAt };
  const { count } = await tx.meetingAttendance.updateMany({ where: { id: row.id, signedInAt: null }, data: { signedInAt: now } });
  return count === 1 ? { kind: "signed", at: now } : { kind: "already", at: now };
}

// ───────────────────────────── quorum ─────────────────────────────

export const EXCLUSION_GROUNDS = {
  unable_to_express: "因病等原因丧失表达能力",
  abroad_private: "自费出国半年以上",
  serving_sentence: "正在服刑（未受留党察看以上处分）",
  bedridden: "年老体弱卧床不起或长期生病",
  away_untransferred: "外出半年以上、应转未转组织关系",
} as const;

export type ExclusionGround = keyof typeof EXCLUSION_GROUNDS;

/**
 * The exact words a secretary may type for each ground (or its number 1–5, or the full text).
 * Nothing looser is guessed: "出国" may be 公派 or shorter than half a year, which is no ground.
 */
export const EXCLUSION_WORDS: Record<string, ExclusionGround> = {
  丧失表达能力: "unable_to_express",
  自费出国半年以上: "abroad_private",
  正在服刑: "serving_sentence",
  卧床不起: "bedridden",
  长期生病: "bedridden",
  外出半年以上应转未转: "away_untransferred",
};

export function exclusionGroundOf(word: string): ExclusionGround | undefined {
  const grounds = Object.keys(EXCLUSION_GROUNDS) as ExclusionGround[];
  if (/^[1-5]$/.test(word)) return grounds[Number(word) - 1];
  return EXCLUSION_WORDS[word] ?? grounds.find((g) => EXCLUSION_GROUNDS[g] === word);
}

/** "1 丧失表达能力（因病等原因丧失表达能力）；2 …" for refusals and the list. */
export function exclusionChoices(): string {
  return (Object.keys(EXCLUSION_GROUNDS) as ExclusionGround[])
    .map((g, i) => {
      const words = Object.entries(EXCLUSION_WORDS).filter(([, v]) => v === g).map(([w]) => w).join("/");
      return `${i + 1} ${words}${words === EXCLUSION_GROUNDS[g] ? "" : `（${EXCLUSION_GROUNDS[g]}）`}`;
    })
    .join("；");
}

/** "机关党委 2026-02-10 批准", or 缺项 for an exclusion recorded before approvals were asked for. */
export function approvalText(e: { approvedBy: string | null; approvedOn: string | null }): string {
  return e.approvedBy && e.approvedOn ? `${e.approvedBy} ${e.approvedOn} 批准` : "批准情况缺项";
}

export interface ExclusionView {
  memberId: number;
  name: string;
  ground: ExclusionGround;
  approvedBy: string | null;
  approvedOn: string | null;
}

/**
 * "不计入应到 1 人：周敏（自费出国半年以上；机关党委 2026-02-10 批准）" — shown with every
 * denominator it changes. In a group (`named` false) only the count and whether each was approved.
 */
export function exclusionsSentence(excluded: ExclusionView[], named = true): string {
  if (!excluded.length) return "";
  if (!named) {
    const unapproved = excluded.filter((e) => !e.approvedBy || !e.approvedOn).length;
    return `不计入应到 ${excluded.length} 人（${unapproved ? `其中 ${unapproved} 人批准情况缺项` : "均经上级党组织批准"}，名单见 /不计应到）。`;
  }
  const one = (e: ExclusionView) => `${e.name}（${EXCLUSION_GROUNDS[e.ground]}；${approvalText(e)}）`;
  return `不计入应到 ${excluded.length} 人：${excluded.map(one).join("、")}。`;
}

export interface QuorumView {
  applies: boolean;
  kind: "general" | "committee" | null;
  entitled: number;
  present: number;
  /** Expected voters who answered 参加 (a forecast before the meeting). */
  attending: number;
  needed: number;
  met: boolean;
  excluded: ExclusionView[];
  /** People on the roster whose class the secretary has not confirmed yet: counted in nothing. */
  pending: number;
}

/** Said wherever a quorum or a vote is shown while someone is 待确认. */
export function pendingSentence(pending: number): string {
  return pending ? `另有 ${pending} 人身份待确认，未计入应到人数和法定人数（书记确认身份后计入）。` : "";
}

/** Exclusions in force for a meeting: recorded before it ended and not revoked before it started. */
async function exclusionsFor(tx: Tx, memberIds: number[], meeting: Pick<MeetingView, "startAt" | "endAt">) {
  return tx.quorumExclusion.findMany({
    where: {
      memberId: { in: memberIds },
      recordedAt: { lte: meeting.endAt },
      OR: [{ revokedAt: null }, { revokedAt: { gt: meeting.startAt } }],
    },
    include: { member: true },
  });
}

/** Which meetings vote: a 党员大会 (正式党员 entitled) or a 支委会 (committee members); others do not. */
export function quorumKind(type: MeetingType): "general" | "committee" | null {
  return type === "branch_general_meeting" ? "general" : type === "branch_committee_meeting" ? "committee" : null;
}

/**
 * Quorum of a 支部党员大会 (正式党员 entitled, minus recognised exclusions) or a 支委会 (committee
 * members). Other types do not vote, so `applies` is false. Present = signed in (or final present).
 */
export async function meetingQuorum(tx: Tx, meeting: MeetingView, attendance?: AttendanceView[]): Promise<QuorumView> {
  const kind = quorumKind(meeting.type);
  // The caller's rows when it has just read them (every sign-in refreshes the card: a hot path).
  const rows = (attendance ?? (await attendanceOf(tx, meeting.id))).filter((r) => r.expected);
  const voters = kind === "general" ? rows.filter((r) => r.memberClass === "full") : rows;
  const exclusions = kind === "general" ? await exclusionsFor(tx, voters.map((v) => v.memberId), meeting) : [];
  const excludedIds = new Set(exclusions.map((e) => e.memberId));
  const entitled = voters.filter((v) => !excludedIds.has(v.memberId));
  const present = entitled.filter((r) => (r.final ? r.final === "present" : !!r.signedInAt)).length;
  const needed = Math.floor(entitled.length / 2) + 1;
  return {
    applies: kind !== null,
    kind,
    entitled: entitled.length,
    present,
    attending: entitled.filter((r) => r.rsvp === "attending").length,
    needed,
    met: kind !== null && entitled.length > 0 && present >= needed,
    excluded: exclusions.map((e) => ({ memberId: e.memberId, name: e.member.name, ground: e.ground as ExclusionGround, approvedBy: e.approvedBy, approvedOn: e.approvedOn })),
    pending: await tx.member.count({ where: { orgId: meeting.orgId, active: true, memberClass: "pending" } }),
  };
}

// ───────────────────────────── after the meeting ─────────────────────────────

/**
 * Makes attendance final: present if signed in, on leave if excused, otherwise absent; 补课
 * is owed for missed 党课 and 党员大会. Stores the quorum snapshot. Idempotent: a held meeting is left as is.
 */
export async function finalizeAttendance(tx: Tx, meeting: MeetingView, now: Date): Promise<{ meeting: MeetingView; quorum: QuorumView } | undefined> {
  const { count } = await tx.meeting.updateMany({ where: { id: meeting.id, status: "scheduled" }, data: { status: "held", heldAt: now, updatedAt: now } });
  if (count !== 1) return undefined;
  // The expected list was last brought in line with the roster when the sign-in opened; someone
  // who joined the branch during the meeting is not marked absent from it.
  const rows = await tx.meetingAttendance.findMany({ where: { meetingId: meeting.id }, include: { member: true } });
  for (const r of rows) {
    // A declined 请假 is no leave; one still waiting counts as leave (the approver did not decide).
    const onLeave = r.rsvp === "leave" && r.leaveDecision !== "declined";
    const final: FinalStatus | null = !r.expected ? (r.signedInAt ? "present" : null) : r.signedInAt ? "present" : onLeave ? "leave" : "absent";
    await tx.meetingAttendance.update({
      where: { id: r.id },
      data: { final, memberClass: r.member.memberClass, makeupRequired: !!final && final !== "present" && MAKEUP_TYPES.has(meeting.type) },
    });
  }
  const held = (await loadMeeting(tx, meeting.id))!;
  const quorum = await meetingQuorum(tx, held);
  if (quorum.applies) {
    await tx.meeting.update({ where: { id: meeting.id }, data: { entitledCount: quorum.entitled, presentVoting: quorum.present, quorumMet: quorum.met } });
  }
  return { meeting: (await loadMeeting(tx, meeting.id))!, quorum };
}

/** A 支委 corrects one person's final status after the meeting (e.g. came but forgot to sign in). */
export async function correctAttendance(tx: Tx, meeting: MeetingView, memberId: number, final: FinalStatus, by: string): Promise<void> {
  if (meeting.status !== "held") throw new UsageError(`#${meeting.seqNo} 还没有结束，考勤在会后确定。会前请用参加/请假回复，会上请签到。`);
  const row = await tx.meetingAttendance.findUnique({ where: { meetingId_memberId: { meetingId: meeting.id, memberId } }, include: { member: true } });
  if (!row) throw new UsageError("此人不在本次会议的名单中。");
  await tx.meetingAttendance.update({
    where: { id: row.id },
    data: {
      final,
      expected: true,
      memberClass: row.memberClass ?? row.member.memberClass,
      makeupRequired: final !== "present" && MAKEUP_TYPES.has(meeting.type),
      correctedBy: by,
    },
  });
  const quorum = await meetingQuorum(tx, meeting);
  if (quorum.applies) await tx.meeting.update({ where: { id: meeting.id }, data: { entitledCount: quorum.entitled, presentVoting: quorum.present, quorumMet: quorum.met } });
}

export async function markMakeupDone(tx: Tx, meeting: MeetingView, memberId: number, now: Date): Promise<"done" | "already" | "not_owed"> {
  const row = await tx.meetingAttendance.findUnique({ where: { meetingId_memberId: { meetingId: meeting.id, memberId } } });
  if (!row?.makeupRequired) return "not_owed";
  if (row.makeupDoneAt) return "already";
  await tx.meetingAttendance.update({ where: { id: row.id }, data: { makeupDoneAt: now } });
  return "done";
}

export async function pendingMakeups(tx: Tx, memberId: number) {
  const rows = await tx.meetingAttendance.findMany({
    where: { memberId, makeupRequired: true, makeupDoneAt: null },
    include: { meeting: true },
    orderBy: { meeting: { startAt: "asc" } },
  });
  return rows.map((r) => ({ seqNo: r.meeting.seqNo, type: r.meeting.type as MeetingType, startAt: r.meeting.startAt, endAt: r.meeting.endAt, topic: r.meeting.topic }));
}

// ───────────────────────────── lists ─────────────────────────────

export async function upcomingMeetings(tx: Tx, orgId: number, now: Date, take = 10): Promise<MeetingView[]> {
  const rows = await tx.meeting.findMany({ where: { orgId, status: "scheduled", endAt: { gt: now } }, include: MEETING_INCLUDE, orderBy: { startAt: "asc" }, take });
  return rows.map(toView);
}

export async function recentMeetings(tx: Tx, orgId: number, now: Date, take = 8): Promise<MeetingView[]> {
  const since = new Date(now.getTime() - 90 * 86_400_000);
  const rows = await tx.meeting.findMany({
    where: { orgId, startAt: { gte: since, lte: now }, OR: [{ status: { in: ["held", "cancelled"] } }, { endAt: { lte: now } }] },
    include: MEETING_INCLUDE,
    orderBy: { startAt: "desc" },
    take,
  });
  const cancelledAhead = await tx.meeting.findMany({ where: { orgId, status: "cancelled", startAt: { gt: now } }, include: MEETING_INCLUDE, orderBy: { startAt: "asc" }, take: 3 });
  return [...cancelledAhead.map(toView), ...rows.map(toView)];
}

/** Meetings whose start falls in the window, for the plan. */
export async function meetingsBetween(tx: Tx, orgId: number, from: Date, to: Date) {
  return tx.meeting.findMany({ where: { orgId, startAt: { gte: from, lt: to } }, orderBy: { startAt: "asc" } });
}

// ───────────────────────────── exclusions from 应到会 ─────────────────────────────

export async function listExclusions(tx: Tx, orgId: number) {
  const rows = await tx.quorumExclusion.findMany({ where: { revokedAt: null, member: { orgId, active: true } }, include: { member: true }, orderBy: { id: "asc" } });
  return rows.map((r) => ({
    memberId: r.memberId, name: r.member.name, ground: r.ground as ExclusionGround, note: r.note, recordedAt: r.recordedAt, approvedBy: r.approvedBy, approvedOn: r.approvedOn,
  }));
}

/** Records (or replaces) the exclusion of a 正式党员; 预备党员 are never in the denominator anyway. */
export async function recordExclusion(
  tx: Tx, orgId: number, memberId: number, ground: ExclusionGround, approval: { by: string; on: string }, note: string, by: string, now: Date,
): Promise<void> {
  const member = await tx.member.findFirst({ where: { id: memberId, orgId } });
  if (!member) throw new UsageError("此人不在本支部成员名单中。");
  if (member.memberClass !== "full") throw new UsageError(`${member.name} 不是正式党员，本来就不计入有表决权的应到人数。`);
  await tx.quorumExclusion.updateMany({ where: { memberId, revokedAt: null }, data: { revokedAt: now, revokedBy: by } });
  await tx.quorumExclusion.create({
    data: { memberId, ground, approvedBy: clip(approval.by, 40), approvedOn: approval.on, note: clip(note.trim(), 200) || null, recordedBy: by, recordedAt: now },
  });
}

export async function revokeExclusion(tx: Tx, memberId: number, by: string, now: Date): Promise<boolean> {
  const { count } = await tx.quorumExclusion.updateMany({ where: { memberId, revokedAt: null }, data: { revokedAt: now, revokedBy: by } });
  return count > 0;
}
