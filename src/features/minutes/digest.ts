import type { Tx } from "../../db/client.ts";
import type { DigestLine, DigestSection, SectionProvider } from "../digest/index.ts";
import { formatDay } from "../meetings/time.ts";
import type { MeetingType } from "../meetings/types.ts";
import { meetingTitle } from "../meetings/view.ts";
import { dayLabel, dayOf } from "../rectification/dates.ts";
import { statusLabel } from "../rectification/labels.ts";
import { ESCALATE_AFTER_H, REMIND_AFTER_H } from "./jobs.ts";

/**
 * For the digests, in bulk: one or two queries for any number of organisations, never one per
 * meeting. The digest feature may call these directly; `minutesSection` is this capability's
 * own digest section.
 */

const HOUR = 3_600_000;

export interface OutstandingMinutes {
  meetingId: number;
  seqNo: number;
  title: string;
  startAt: Date;
  endAt: Date;
  /** missing: nothing submitted yet; unconfirmed: submitted, waiting for the secretary. */
  state: "missing" | "unconfirmed";
  /** Missing for longer than 72 h after the end (the secretary has been told). */
  overdue: boolean;
  recorderName: string | null;
}

/** Per organisation, held meetings whose record is missing (24 h after the end) or not yet confirmed. */
export async function minutesOutstanding(tx: Tx, orgIds: number[], now: Date): Promise<Map<number, OutstandingMinutes[]>> {
  const rows = await tx.meeting.findMany({
    where: {
      orgId: { in: orgIds },
      status: "held",
      endAt: { lte: new Date(now.getTime() - REMIND_AFTER_H * HOUR) },
      OR: [{ minutes: { is: null } }, { minutes: { status: { in: ["draft", "submitted"] } } }],
    },
    include: { minutes: { select: { status: true } }, recorder: { select: { name: true, active: true } }, partyGroup: { select: { id: true, name: true, leaderId: true } } },
    orderBy: [{ orgId: "asc" }, { endAt: "asc" }],
  });
  // Without a recorder named at scheduling the secretary keeps the record (recorderOf).
  const secretaries = await tx.member.findMany({ where: { orgId: { in: [...new Set(rows.map((r) => r.orgId))] }, active: true, post: "secretary" }, orderBy: { id: "asc" }, select: { orgId: true, name: true } });
  const secretaryName = new Map<number, string>();
  for (const s of secretaries) if (!secretaryName.has(s.orgId)) secretaryName.set(s.orgId, s.name);
  const result = new Map<number, OutstandingMinutes[]>(orgIds.map((id) => [id, []]));
  for (const m of rows) {
    const missing = !m.minutes || m.minutes.status === "draft";
    result.get(m.orgId)?.push({
      meetingId: m.id,
      seqNo: m.seqNo,
      title: meetingTitle({ seqNo: m.seqNo, type: m.type as MeetingType, group: m.partyGroup }),
      startAt: m.startAt,
      endAt: m.endAt,
      state: missing ? "missing" : "unconfirmed",
      overdue: missing && now.getTime() - m.endAt.getTime() >= ESCALATE_AFTER_H * HOUR,
      recorderName: (m.recorder?.active ? m.recorder.name : undefined) ?? secretaryName.get(m.orgId) ?? null,
    });
  }
  return result;
}

export interface DueAction {
  actionId: number;
  meetingSeqNo: number;
  meetingTitle: string;
  text: string;
  ownerName: string;
  dueOn: string;
  /** 待整改 / 整改中 / 已完成 … from the tracked item; "记录待确认" while not yet tracked. */
  status: string;
  done: boolean;
  rectificationSeqNo: number | null;
}

/**
 * Per organisation, the follow-up actions of recorded resolutions due in [from, to) (days in
 * each organisation's zone), with where they stand.
 */
export async function resolutionsDue(tx: Tx, orgIds: number[], from: Date, to: Date): Promise<Map<number, DueAction[]>> {
  const orgs = await tx.partyOrg.findMany({ where: { id: { in: orgIds } }, select: { id: true, timezone: true } });
  const zones = new Map(orgs.map((o) => [o.id, o.timezone]));
  // A day-wide margin on both sides covers every zone; each row is then checked in its own.
  const rows = await tx.followUpAction.findMany({
    where: { orgId: { in: orgIds }, dueOn: { gte: dayOf(new Date(from.getTime() - 86_400_000), "UTC"), lte: dayOf(new Date(to.getTime() + 86_400_000), "UTC") } },
    include: { owner: { select: { name: true } }, minutes: { include: { meeting: { include: { partyGroup: { select: { id: true, name: true, leaderId: true } } } } } } },
    orderBy: [{ orgId: "asc" }, { dueOn: "asc" }, { position: "asc" }],
  });
  const itemIds = rows.map((r) => r.rectificationItemId).filter((x): x is number => x !== null);
  const items = itemIds.length ? await tx.rectificationItem.findMany({ where: { id: { in: itemIds } }, select: { id: true, seqNo: true, status: true } }) : [];
  const itemById = new Map(items.map((i) => [i.id, i]));
  const result = new Map<number, DueAction[]>(orgIds.map((id) => [id, []]));
  for (const r of rows) {
    const tz = zones.get(r.orgId) ?? "Asia/Shanghai";
    if (r.dueOn < dayOf(from, tz) || r.dueOn >= dayOf(to, tz)) continue;
    const item = r.rectificationItemId ? itemById.get(r.rectificationItemId) : undefined;
    const m = r.minutes.meeting;
    result.get(r.orgId)?.push({
      actionId: r.id,
      meetingSeqNo: m.seqNo,
      meetingTitle: meetingTitle({ seqNo: m.seqNo, type: m.type as MeetingType, group: m.partyGroup }),
      text: r.text,
      ownerName: r.owner.name,
      dueOn: r.dueOn,
      status: item ? statusLabel(item.status, "minutes") : "记录待确认，尚未跟踪",
      done: item?.status === "done",
      rectificationSeqNo: item?.seqNo ?? null,
    });
  }
  return result;
}

/**
 * The digests' 会议记录 section: records missing or waiting for confirmation, and follow-up
 * actions falling due. Overdue actions already tracked appear under 整改, so not again here.
 */
export const minutesSection: SectionProvider = {
  id: "minutes",
  order: 30,
  async collect(tx, orgs, period, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const ids = branches.map((o) => o.id);
    const result = new Map<number, DigestSection[]>();
    if (ids.length === 0) return result;
    const until = new Date(Math.max(period.end.getTime(), now.getTime() + 7 * 86_400_000));
    const [outstanding, due, passed] = await Promise.all([
      minutesOutstanding(tx, ids, now),
      resolutionsDue(tx, ids, period.start, until),
      tx.resolution.findMany({
        where: { orgId: { in: ids }, minutes: { meeting: { startAt: { gte: period.start, lt: period.end } } } },
        select: { orgId: true, text: true, passed: true, votesFor: true, minutes: { select: { meeting: { select: { seqNo: true, type: true, entitledCount: true } } } } },
        orderBy: [{ orgId: "asc" }, { id: "asc" }],
      }),
    ]);
    for (const org of branches) {
      const tz = org.timezone;
      const lines: DigestLine[] = [];
      const open = outstanding.get(org.id) ?? [];
      for (const o of open) {
        const when = formatDay(o.startAt, tz);
        lines.push(
          o.state === "missing"
            ? { text: `${o.title}（${when}）会议记录未提交${o.overdue ? `，已超过 ${ESCALATE_AFTER_H} 小时` : ""}（记录人 ${o.recorderName ?? "书记"}）`, attention: o.overdue }
            : { text: `${o.title}（${when}）会议记录待书记确认（/纪要 #${o.seqNo} 确认）` },
        );
      }
      // The substance behind the numbers: what was decided, with its count against those entitled.
      for (const r of passed.filter((x) => x.orgId === org.id)) {
        const m = r.minutes.meeting;
        const count = r.votesFor != null && m.entitledCount ? `，赞成 ${r.votesFor}/应到 ${m.entitledCount}` : "";
        const verdict = r.passed == null ? "" : r.passed ? `：通过${count}` : `：未通过${count}`;
        lines.push({ text: `#${m.seqNo} 决议「${r.text}」${verdict}` });
      }
      for (const a of (due.get(org.id) ?? []).filter((x) => !x.done)) {
        lines.push({ text: `${a.meetingTitle} 的事项「${a.text}」：${a.ownerName}，${dayLabel(a.dueOn)}前 · ${a.status}` });
      }
      const missing = open.filter((o) => o.state === "missing").length;
      if (lines.length === 0) lines.push({ text: "已召开会议的记录均已提交并确认，近期没有到期的会议事项。" });
      result.set(org.id, [
        {
          title: "会议记录",
          lines,
          needsAttention: open.some((o) => o.overdue),
          rollup: { 会议记录: missing ? `未提交 ${missing}` : "无待补" },
        },
      ]);
    }
    return result;
  },
};
