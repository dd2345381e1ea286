import type { Tx } from "../../db/client.ts";
import { zoned } from "../../core/time.ts";
import { TYPE_LABEL, type MeetingType } from "../meetings/types.ts";

/**
 * 学时 (domain.md §4.4, issue #18 item 1): a member's own study in a year, and per branch only
 * how many reached the yearly floor. Plain data in and out; nothing here ranks anyone.
 */

/** 党员教育管理工作条例: 32 学时 a year; 56 for the secretary and the committee members. */
export const MEMBER_FLOOR = 32;
export const LEADER_FLOOR = 56;

export function yearlyFloor(post: string | null): number {
  return post ? LEADER_FLOOR : MEMBER_FLOOR;
}

/** Meetings whose attendance counts as study. A 党员大会 counts only when its topic is study. */
const STUDY_MEETINGS: MeetingType[] = ["party_lesson", "theme_party_day", "branch_general_meeting"];
/** A 党员大会 with a study item: the item's own length is not recorded, so one 学时 is credited. */
const GENERAL_MEETING_STUDY_TENTHS = 10;
/** One day of off-job training is 8 学时 at most. */
const MAX_MEETING_TENTHS = 80;

export interface StudyItem {
  source: "self" | "meeting";
  /** The member's number of a self-logged entry (for /学习 撤销). */
  seqNo?: number;
  day: string;
  title: string;
  tenths: number;
}

export interface MemberYear {
  year: number;
  floor: number;
  tenths: number;
  items: StudyItem[];
}

interface MeetingCredit {
  memberId: number;
  orgId: number;
  item: StudyItem;
}

function isStudyTopic(topic: string | null): boolean {
  return !!topic && /学习|党课|理论|宣讲|读书/.test(topic);
}

/** The meeting's length in 学时 × 10, to the half 学时 (one hour = 1 学时). */
function meetingTenths(startAt: Date, endAt: Date): number {
  const halves = Math.round((endAt.getTime() - startAt.getTime()) / 1_800_000);
  return Math.min(MAX_MEETING_TENTHS, Math.max(5, halves * 5));
}

/** Attended study meetings of the members, in the year (each organisation's own zone). */
async function meetingCredits(tx: Tx, where: { memberIds?: number[]; orgIds?: number[] }, year: number, tzOf: (orgId: number) => string): Promise<MeetingCredit[]> {
  // A day's margin either side of the year covers every zone; the exact year is checked below.
  const rows = await tx.meetingAttendance.findMany({
    where: {
      final: "present",
      ...(where.memberIds ? { memberId: { in: where.memberIds } } : {}),
      meeting: {
        ...(where.orgIds ? { orgId: { in: where.orgIds } } : {}),
        status: "held",
        type: { in: STUDY_MEETINGS },
        startAt: { gte: new Date(Date.UTC(year - 1, 11, 31)), lt: new Date(Date.UTC(year + 1, 0, 2)) },
      },
    },
    select: { memberId: true, meeting: { select: { orgId: true, type: true, topic: true, startAt: true, endAt: true } } },
  });
  const credits: MeetingCredit[] = [];
  for (const r of rows) {
    const m = r.meeting;
    const start = zoned(m.startAt, tzOf(m.orgId));
    if (start.year() !== year) continue;
    const general = m.type === "branch_general_meeting";
    if (general && !isStudyTopic(m.topic)) continue;
    const label = TYPE_LABEL[m.type as MeetingType];
    credits.push({
      memberId: r.memberId,
      orgId: m.orgId,
      item: {
        source: "meeting",
        day: start.format("YYYY-MM-DD"),
        title: `${label}${m.topic ? `：${m.topic}` : ""}${general ? "（学习议程）" : ""}`,
        tenths: general ? GENERAL_MEETING_STUDY_TENTHS : meetingTenths(m.startAt, m.endAt),
      },
    });
  }
  return credits;
}

/** One member's study in the year: what they logged and the study meetings they attended. */
export async function memberYear(tx: Tx, member: { id: number; orgId: number; post: string | null }, year: number, tz: string): Promise<MemberYear> {
  const entries = await tx.studyEntry.findMany({ where: { memberId: member.id, year, withdrawnAt: null }, orderBy: [{ studiedOn: "asc" }, { seqNo: "asc" }] });
  const items: StudyItem[] = [
    ...entries.map((e) => ({ source: "self" as const, seqNo: e.seqNo, day: e.studiedOn, title: e.title, tenths: e.tenths })),
    ...(await meetingCredits(tx, { memberIds: [member.id] }, year, () => tz)).map((c) => c.item),
  ].sort((a, b) => a.day.localeCompare(b.day));
  return { year, floor: yearlyFloor(member.post), tenths: items.reduce((s, i) => s + i.tenths, 0), items };
}

export interface StudyCoverage {
  /** 正式 and 预备党员 on the roster. */
  members: number;
  reached: number;
  /** Nobody knows their study (nothing logged, no study meeting attended): 缺项, not zero. */
  noRecord: number;
  leaders: { members: number; reached: number };
}

/** Per organisation: how many reached their floor, and how many have no record at all. No names. */
export async function studyCoverage(tx: Tx, orgs: Array<{ id: number; timezone: string }>, year: number): Promise<Map<number, StudyCoverage>> {
  const orgIds = orgs.map((o) => o.id);
  const tz = new Map(orgs.map((o) => [o.id, o.timezone]));
  const members = await tx.member.findMany({
    where: { orgId: { in: orgIds }, active: true, memberClass: { in: ["full", "probationary"] } },
    select: { id: true, orgId: true, post: true },
  });
  const logged = await tx.studyEntry.groupBy({ by: ["memberId"], where: { orgId: { in: orgIds }, year, withdrawnAt: null }, _sum: { tenths: true } });
  const tenths = new Map<number, number>(logged.map((r) => [r.memberId, r._sum.tenths ?? 0]));
  for (const c of await meetingCredits(tx, { orgIds }, year, (id) => tz.get(id) ?? "Asia/Shanghai")) tenths.set(c.memberId, (tenths.get(c.memberId) ?? 0) + c.item.tenths);
  const result = new Map<number, StudyCoverage>(orgIds.map((id) => [id, { members: 0, reached: 0, noRecord: 0, leaders: { members: 0, reached: 0 } }]));
  for (const m of members) {
    const c = result.get(m.orgId)!;
    const mine = tenths.get(m.id);
    const reached = mine !== undefined && mine >= yearlyFloor(m.post) * 10;
    c.members++;
    if (reached) c.reached++;
    if (mine === undefined) c.noRecord++;
    if (m.post) {
      c.leaders.members++;
      if (reached) c.leaders.reached++;
    }
  }
  return result;
}

export interface NewEntry {
  title: string;
  day: string;
  tenths: number;
  note?: string;
  cardKey: string;
}

/**
 * Stores a logged entry once per card key; returns the entry and whether it was already there,
 * or undefined when the key is another member's (a forged card must not show their entry).
 */
export async function logStudy(tx: Tx, member: { id: number; orgId: number }, entry: NewEntry, now: Date) {
  const existing = await tx.studyEntry.findUnique({ where: { cardKey: entry.cardKey } });
  if (existing) return existing.memberId === member.id ? { entry: existing, already: true } : undefined;
  const last = await tx.studyEntry.findFirst({ where: { memberId: member.id }, orderBy: { seqNo: "desc" }, select: { seqNo: true } });
  const created = await tx.studyEntry.create({
    data: {
      orgId: member.orgId,
      memberId: member.id,
      seqNo: (last?.seqNo ?? 0) + 1,
      year: Number(entry.day.slice(0, 4)),
      studiedOn: entry.day,
      title: entry.title,
      tenths: entry.tenths,
      note: entry.note ?? null,
      cardKey: entry.cardKey,
      createdAt: now,
    },
  });
  return { entry: created, already: false };
}

/** /学习 撤销 N: the member's own entry stops counting. Returns undefined if there is none. */
export async function withdrawStudy(tx: Tx, memberId: number, seqNo: number, now: Date) {
  const entry = await tx.studyEntry.findUnique({ where: { memberId_seqNo: { memberId, seqNo } } });
  if (!entry) return undefined;
  if (!entry.withdrawnAt) await tx.studyEntry.update({ where: { id: entry.id }, data: { withdrawnAt: now } });
  return { entry, already: !!entry.withdrawnAt };
}

export async function setReminder(tx: Tx, member: { id: number; orgId: number }, on: boolean, now: Date): Promise<void> {
  if (on) await tx.studyReminderOptIn.upsert({ where: { memberId: member.id }, create: { memberId: member.id, orgId: member.orgId, optedAt: now }, update: {} });
  else await tx.studyReminderOptIn.deleteMany({ where: { memberId: member.id } });
}

export async function remindsMe(tx: Tx, memberId: number): Promise<boolean> {
  return (await tx.studyReminderOptIn.count({ where: { memberId } })) > 0;
}
