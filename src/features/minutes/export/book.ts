import type { Tx } from "../../../db/client.ts";
import type { OrgInfo } from "../../../app/context.ts";
import { quorumSentence } from "../../meetings/quorum.ts";
import { attendanceOf, quorumKind as votingKind } from "../../meetings/service.ts";
import { dayjs } from "../../meetings/time.ts";
import { TYPE_LABEL, type MeetingType } from "../../meetings/types.ts";
import { meetingTitle } from "../../meetings/view.ts";
import { attendanceRecord } from "../content.ts";
import type { AttendanceRecord, MinutesContent, MinutesStatus, QuorumRecord, VersionKind } from "../types.ts";
import { GRADES, type Grade } from "../../evaluation/grades.ts";
import { isMeetingType } from "../../meetings/types.ts";

/**
 * The branch's record book for a year: every held meeting in date order, with its current
 * record, or — when none was submitted — the facts known from sign-in, marked 缺项.
 */
export interface BookEntry {
  meetingId: number;
  seqNo: number;
  type: MeetingType;
  typeLabel: string;
  title: string;
  startAt: Date;
  endAt: Date;
  place: string | null;
  topic: string | null;
  chair: string | null;
  recorder: string | null;
  attendance: AttendanceRecord;
  quorum: QuorumRecord | null;
  /** The current version's content; null when nothing was submitted. */
  record: MinutesContent | null;
  status: MinutesStatus;
  version: number;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  versions: Array<{ version: number; kind: VersionKind; authorName: string; createdAt: Date; reason: string | null }>;
}

/** A 整改 item open at some time in the year, as the ledger lists it. */
export interface RectificationRow {
  seqNo: number;
  source: string;
  scope: string;
  problem: string;
  measures: string | null;
  owner: string | null;
  dueOn: string | null;
  status: string;
  closedAt: Date | null;
}

/** A 民主评议 round of the year: how many took part and, once published, how many of each grade — never who. */
export interface AppraisalCounts {
  name: string;
  status: string;
  participants: number;
  /** Counts of the decided grades; null until the results are published. */
  grades: Record<Grade, number> | null;
  decidedBy: string | null;
}

export interface RecordBook {
  org: OrgInfo;
  year: number;
  generatedAt: Date;
  entries: BookEntry[];
  rectification: RectificationRow[];
  appraisals: AppraisalCounts[];
}

/** [1 January, next 1 January) of a year in the zone. */
export function yearRange(year: number, tz: string): { start: Date; end: Date } {
  const start = dayjs.tz(`${year}-01-01 00:00`, "YYYY-MM-DD HH:mm", tz);
  return { start: start.toDate(), end: start.add(1, "year").toDate() };
}

export function recordBookFileNames(book: Pick<RecordBook, "org" | "year">): { docx: string; xlsx: string } {
  const base = `${book.org.name}${book.year}年`;
  return { docx: `${base}会议记录本.docx`, xlsx: `${base}会议台账.xlsx` };
}

export async function loadRecordBook(tx: Tx, org: OrgInfo, year: number, now: Date): Promise<RecordBook> {
  const { start, end } = yearRange(year, org.timezone);
  const meetings = await tx.meeting.findMany({
    where: { orgId: org.id, status: "held", startAt: { gte: start, lt: end } },
    include: { chair: true, recorder: true, partyGroup: true, minutes: { include: { versions: { orderBy: { version: "asc" } } } } },
    orderBy: [{ startAt: "asc" }, { seqNo: "asc" }],
  });
  const confirmers = await tx.member.findMany({
    where: { orgId: org.id, openId: { in: meetings.map((m) => m.minutes?.confirmedBy).filter((x): x is string => !!x) } },
    select: { openId: true, name: true },
  });
  const nameOf = new Map(confirmers.map((c) => [c.openId, c.name]));
  const entries: BookEntry[] = [];
  for (const m of meetings) {
    const type = m.type as MeetingType;
    const minutes = m.minutes;
    const current = minutes?.versions.find((v) => v.version === minutes.version);
    const record = current ? (JSON.parse(current.content) as MinutesContent) : null;
    const quorumKind = votingKind(type);
    const snapshot: QuorumRecord | null =
      quorumKind && m.entitledCount !== null
        ? { kind: quorumKind, entitled: m.entitledCount, present: m.presentVoting ?? 0, needed: Math.floor(m.entitledCount / 2) + 1, met: !!m.quorumMet, sentence: quorumSentence(quorumKind, m.entitledCount, m.presentVoting ?? 0) }
        : null;
    entries.push({
      meetingId: m.id,
      seqNo: m.seqNo,
      type,
      typeLabel: TYPE_LABEL[type],
      title: meetingTitle({ seqNo: m.seqNo, type, group: m.partyGroup ? { id: m.partyGroup.id, name: m.partyGroup.name, leaderId: m.partyGroup.leaderId } : null }),
      startAt: m.startAt,
      endAt: m.endAt,
      place: record?.meeting.place ?? m.place,
      topic: m.topic,
      chair: record ? record.meeting.chair?.name ?? null : m.chair?.name ?? null,
      recorder: record ? record.meeting.recorder?.name ?? null : m.recorder?.name ?? null,
      attendance: record?.attendance ?? attendanceRecord(await attendanceOf(tx, m.id)),
      quorum: record ? record.quorum : snapshot,
      record,
      status: (minutes?.status ?? "draft") as MinutesStatus,
      version: minutes?.version ?? 0,
      confirmedBy: minutes?.confirmedBy ? nameOf.get(minutes.confirmedBy) ?? null : null,
      confirmedAt: minutes?.confirmedAt ?? null,
      versions: (minutes?.versions ?? []).map((v) => ({ version: v.version, kind: v.kind as VersionKind, authorName: v.authorName, createdAt: v.createdAt, reason: v.reason })),
    });
  }
  return { org, year, generatedAt: now, entries, rectification: await rectificationOfYear(tx, org, start, end), appraisals: await appraisalsOfYear(tx, org, year) };
}

async function rectificationOfYear(tx: Tx, org: OrgInfo, start: Date, end: Date): Promise<RectificationRow[]> {
  const items = await tx.rectificationItem.findMany({
    // Open at some time in the year: registered before its end, not closed before its start.
    where: { orgId: org.id, createdAt: { lt: end }, OR: [{ closedAt: null }, { closedAt: { gte: start } }] },
    include: { owner: { select: { name: true } } },
    orderBy: { seqNo: "asc" },
  });
  return items.map((i) => ({ seqNo: i.seqNo, source: i.source, scope: i.scope, problem: i.problem, measures: i.measures, owner: i.owner?.name ?? null, dueOn: i.dueOn, status: i.status, closedAt: i.closedAt }));
}

async function appraisalsOfYear(tx: Tx, org: OrgInfo, year: number): Promise<AppraisalCounts[]> {
  const rounds = await tx.appraisalRound.findMany({ where: { orgId: org.id, year }, orderBy: { openedAt: "asc" } });
  const out: AppraisalCounts[] = [];
  for (const r of rounds) {
    const participants = await tx.appraisalParticipant.count({ where: { roundId: r.id } });
    let grades: Record<Grade, number> | null = null;
    if (r.status === "published") {
      grades = Object.fromEntries(GRADES.map((g) => [g, 0])) as Record<Grade, number>;
      for (const res of await tx.appraisalResult.findMany({ where: { roundId: r.id }, select: { finalGrade: true } })) {
        if (res.finalGrade && res.finalGrade in grades) grades[res.finalGrade as Grade]++;
      }
    }
    const type = r.decidedMeetingType;
    const decidedBy = r.decidedMeetingNo ? `#${r.decidedMeetingNo}${type && isMeetingType(type) ? ` ${TYPE_LABEL[type]}` : ""}` : null;
    out.push({ name: r.name, status: r.status, participants, grades, decidedBy });
  }
  return out;
}
