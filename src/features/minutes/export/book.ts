import type { Tx } from "../../../db/client.ts";
import type { OrgInfo } from "../../../app/context.ts";
import { quorumSentence } from "../../meetings/quorum.ts";
import { attendanceOf, quorumKind as votingKind } from "../../meetings/service.ts";
import { dayjs } from "../../meetings/time.ts";
import { TYPE_LABEL, type MeetingType } from "../../meetings/types.ts";
import { meetingTitle } from "../../meetings/view.ts";
import { attendanceRecord } from "../content.ts";
import type { AttendanceRecord, MinutesContent, MinutesStatus, QuorumRecord, VersionKind } from "../types.ts";

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

export interface RecordBook {
  org: OrgInfo;
  year: number;
  generatedAt: Date;
  entries: BookEntry[];
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
  return { org, year, generatedAt: now, entries };
}
