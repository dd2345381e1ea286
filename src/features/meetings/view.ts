import type { OrgInfo } from "../../app/context.ts";
import type { Tx } from "../../db/client.ts";
import { cardUpdatable, type Outbox } from "../../app/outbox.ts";
import { quorumSentence } from "./quorum.ts";
import { CELL_LABEL, CELL_MARK, cellMark, FREQUENCY_LABEL, type Plan, type PlanRow } from "./rules.ts";
import {
  AUDIENCE_LABEL, attendanceOf, countAttendance, loadMeeting, meetingQuorum, quorumKind, signInWindow, type QuorumView, type AttendanceCounts,
  type AttendanceView, type MeetingView,
} from "./service.ts";
import { formatClock, formatDay, formatWhen } from "./time.ts";
import { TYPE_LABEL, type MeetingType } from "./types.ts";

/** Card data for the meeting cards (cards/meeting-*.json) and the patches that keep them current. */

export const announceRef = (meetingId: number) => `meeting:${meetingId}:announce`;
export const signinRef = (meetingId: number) => `meeting:${meetingId}:signin`;
/** One per reminder round, so every personal card sent stays addressable for patches. */
export const nudgeRef = (meetingId: number, memberId: number, round: number) => `meeting:${meetingId}:nudge:${memberId}:${round}`;
export const copyRef = (meetingId: number, messageId: string) => `meeting:${meetingId}:copy:${messageId}`;

/** Posts in the branch group, threaded under the meeting's announcement once it has been sent. */
export async function toGroup(tx: Tx, out: Outbox, org: OrgInfo, m: Pick<MeetingView, "id">, text: string): Promise<void> {
  const sent = await tx.sentCard.findUnique({ where: { cardRef: announceRef(m.id) } });
  if (sent) await out.replyText(org.chatId, sent.messageId, text);
  else await out.text({ chatId: org.chatId }, text);
}

export function meetingTitle(m: Pick<MeetingView, "seqNo" | "type" | "group">): string {
  return `#${m.seqNo} ${TYPE_LABEL[m.type]}${m.type === "party_group_meeting" && m.group ? `（${m.group.name}）` : ""}`;
}

function details(org: OrgInfo, m: MeetingView, expected: number, now: Date) {
  const rows = [
    { label: "时间", value: formatWhen(m.startAt, m.endAt, org.timezone, now) },
    { label: "地点", value: m.place ?? "待定" },
    { label: "主题", value: m.topic ?? "待定" },
    { label: "主持人", value: m.chair?.name ?? "未指定" },
    { label: "记录人", value: m.recorder?.name ?? "未指定" },
  ];
  if (m.type === "party_lesson") rows.push({ label: "主讲人", value: m.lecturer?.name ?? "未指定" });
  rows.push({ label: "应到", value: `${AUDIENCE_LABEL(m)} ${expected} 人` });
  if (m.status === "scheduled") {
    const { opens, closes } = signInWindow(m);
    rows.push({ label: "签到", value: `${formatClock(opens, org.timezone)}–${formatClock(closes, org.timezone)}，开放时群里会发签到卡片` });
  }
  return rows;
}

function stateOf(org: OrgInfo, m: MeetingView, now: Date): { stateLine: string; stateColor: string; color: string } {
  if (m.status === "cancelled") return { stateLine: `会议已取消：${m.cancelReason ?? ""}`, stateColor: "red", color: "grey" };
  if (m.status === "held") return { stateLine: "会议已结束", stateColor: "green", color: "green" };
  if (m.startAt <= now) return { stateLine: "会议进行中", stateColor: "orange", color: "orange" };
  if (m.previousStartAt) {
    return { stateLine: `已改期（原定 ${formatDay(m.previousStartAt, org.timezone)}${formatClock(m.previousStartAt, org.timezone)}）`, stateColor: "orange", color: "red" };
  }
  return { stateLine: "", stateColor: "grey", color: "red" };
}

/** "3 人（待批 1）": 请假 counts name the requests still waiting for approval. */
export function leaveCount(c: AttendanceCounts): string {
  return `${c.leave} 人${c.leaveAwaiting ? `（待批 ${c.leaveAwaiting}）` : ""}`;
}

export function finalLine(rows: AttendanceView[]): string {
  const c = countAttendance(rows);
  return `实到 ${c.present} 人（正式党员 ${c.presentFull}，预备党员 ${c.presentProbationary}）· 请假 ${c.leave} 人 · 缺席 ${c.absent} 人（应到 ${c.expected} 人）`;
}

/** A personal card's title: 请回复 until answered, then what was answered. */
function personalTitle(m: MeetingView, me: AttendanceView | undefined): string | undefined {
  if (!me) return undefined;
  if (m.status === "held") return "会议已结束";
  if (m.status === "cancelled") return "会议已取消";
  if (!me.rsvp) return "请回复";
  return me.rsvp === "attending" ? "已回复参加" : "已请假";
}

const LEAVE_STATE = { pending: "待批准", approved: "已批准", declined: "未批准，请按时参加" } as const;

/** Whom a personal card speaks to, and what he or she answered. */
function personalLine(m: MeetingView, me: AttendanceView | undefined): string {
  if (!me) return "";
  if (m.status === "cancelled") return "本次会议已取消，无需参加。";
  if (m.status === "held") return me.final ? `您的考勤：${{ present: "出席", leave: "请假", absent: "缺席" }[me.final]}` : "";
  if (me.rsvp === "attending") return "您已回复：参加。如有变化，可改为请假。";
  if (me.rsvp === "leave") return `您已请假：${me.leaveReason ?? ""}（${LEAVE_STATE[me.leaveDecision ?? "pending"]}）。如能参加，可改为参加。`;
  return "您还没有回复，请选择参加或请假（请假须写明事由）。";
}

export function announceData(org: OrgInfo, m: MeetingView, rows: AttendanceView[], now: Date, opts: { me?: AttendanceView } = {}) {
  const c = countAttendance(rows);
  const open = m.status === "scheduled" && m.startAt > now;
  const value = (r: string) => ({ a: "meetings.rsvp", m: m.id, r, ...(opts.me ? { org: org.id } : {}) });
  const held = m.status === "held";
  const votes = quorumKind(m.type);
  return {
    title: `${personalTitle(m, opts.me) ?? "会议通知"} · ${meetingTitle(m)}`,
    orgName: org.name,
    ...stateOf(org, m, now),
    details: details(org, m, c.expected, now),
    scheduled: m.status === "scheduled" && !opts.me,
    counts: c,
    leaveCount: leaveCount(c),
    leaveNames: rows.filter((r) => r.expected && r.rsvp === "leave").map((r) => r.name).join("、"),
    held: held && !opts.me,
    finalLine: held ? finalLine(rows) : "",
    quorumLine: held && votes && m.entitledCount !== null ? quorumSentence(votes, m.entitledCount, m.presentVoting ?? 0) : "",
    personalLine: personalLine(m, opts.me),
    open,
    attendValue: value("attending"),
    leaveValue: value("leave"),
    replyHint: !opts.me,
  };
}

/** "有表决权的正式党员已签到 6 人，应到 9 人，过半数需 5 人（已达到）": where the meeting votes. */
function quorumProgress(q: QuorumView | undefined): string {
  if (!q?.applies) return "";
  const who = q.kind === "committee" ? "支委" : "有表决权的正式党员";
  const of = q.kind === "committee" ? `共 ${q.entitled} 人` : `应到 ${q.entitled} 人`;
  return `${who}已签到 ${q.present} 人，${of}，过半数需 ${q.needed} 人${q.met ? "（已达到，可以表决）" : ""}`;
}

/** The sign-in card with its quorum progress (a 党员大会 or 支委会 votes, so the count matters). */
export async function signinCardData(tx: Tx, org: OrgInfo, m: MeetingView, rows: AttendanceView[], now: Date) {
  // Only meetings that vote show a quorum; the rows were just read by the caller.
  return signinData(org, m, rows, now, quorumKind(m.type) ? await meetingQuorum(tx, m, rows) : undefined);
}

export function signinData(org: OrgInfo, m: MeetingView, rows: AttendanceView[], now: Date, quorum?: QuorumView) {
  const { opens, closes } = signInWindow(m);
  const c = countAttendance(rows);
  const open = m.status === "scheduled" && opens <= now && now < closes;
  const closedLine =
    m.status === "cancelled" ? "会议已取消。" : now < opens ? `签到将于 ${formatClock(opens, org.timezone)} 开始。` : `签到已结束，共 ${c.signedIn} 人签到。`;
  return {
    title: `会议签到 · ${meetingTitle(m)}`,
    orgName: org.name,
    color: open ? "orange" : "grey",
    when: formatWhen(m.startAt, m.endAt, org.timezone, now),
    place: m.place ?? "待定",
    windowLine: `签到时间：${formatClock(opens, org.timezone)}–${formatClock(closes, org.timezone)}`,
    signedIn: c.signedIn,
    expected: c.expected,
    quorumLine: quorumProgress(quorum),
    open,
    closedLine,
    signinValue: { a: "meetings.signin", m: m.id },
  };
}

/**
 * Re-renders every card of a meeting that is out there (announcement and its copies, sign-in,
 * personal reminders) and queues the patches. With `onlyMember`, personal cards of other
 * people are left alone (their content did not change).
 */
/** `meeting`: its id, or the meeting as the caller just read it when its row did not change (a sign-in). */
/**
 * Brings the meeting's cards up to date. Private reminder cards are updated only for the member
 * who answered (`onlyMember`), or on a change of time or a cancellation (`nudges`); when the
 * meeting simply ends they keep what they showed (issue #22: every call counts).
 */
export interface RefreshOptions {
  /** The member who answered or signed in: only their private reminder card is updated. */
  onlyMember?: number;
  /** Update every private reminder card (a move or a cancellation); false when the meeting just ended. */
  nudges?: boolean;
  /** Running counts (an answer, a sign-in): may be left out near the monthly call budget. */
  live?: boolean;
}

export async function refreshMeetingCards(tx: Tx, out: Outbox, org: OrgInfo, meeting: number | MeetingView, now: Date, opts: RefreshOptions = {}): Promise<void> {
  const { onlyMember, nudges = true, live = false } = opts;
  const m = typeof meeting === "number" ? await loadMeeting(tx, meeting) : meeting;
  if (!m) return;
  const meetingId = m.id;
  const rows = await attendanceOf(tx, meetingId);
  const refs = await tx.outboxMessage.findMany({
    // A range on the indexed cardRef (":" + 1 = ";"), so this stays cheap as the outbox grows.
    where: { cardRef: { gte: `meeting:${meetingId}:`, lt: `meeting:${meetingId};` }, kind: { in: ["send", "reply"] } },
    select: { cardRef: true },
    distinct: ["cardRef"],
  });
  // The notice went out when the meeting was scheduled (the bot's clock, as Lark's window runs in the sandbox too).
  const noticeUpdatable = cardUpdatable(m.createdAt, now);
  for (const { cardRef } of refs) {
    if (!cardRef) continue;
    const [, , kind, who] = cardRef.split(":");
    if (kind === "announce" && noticeUpdatable) await out.patchCard(cardRef, "meeting-announce", announceData(org, m, rows, now), { live });
    else if (kind === "copy") await out.patchCard(cardRef, "meeting-announce", announceData(org, m, rows, now), { live });
    else if (kind === "signin") await out.patchCard(cardRef, "meeting-signin", await signinCardData(tx, org, m, rows, now), { live });
    else if (kind === "nudge" && (onlyMember === undefined ? nudges : Number(who) === onlyMember)) {
      const me = rows.find((r) => r.memberId === Number(who));
      await out.patchCard(cardRef, "meeting-announce", announceData(org, m, rows, now, { me }));
    }
  }
}

// ───────────────────────────── plan and list ─────────────────────────────

function cellsText(r: PlanRow, tz: string): string {
  return r.cells
    .map((c) => {
      const refs = r.frequency === "month" ? "" : c.meetings.map((m) => `#${m.seqNo}`).join("");
      return `${c.period.label} ${cellMark(c.status)}${refs}`;
    })
    .join("　")
    .concat(r.frequency === "year" && r.cells[0]?.meetings[0] ? `（${formatDay(r.cells[0].meetings[0].startAt, tz)}）` : "");
}

export function planData(org: OrgInfo, plan: Plan, now: Date, fullCount: number, themeDay: number | null) {
  const legendOrder = ["done", "unrecorded", "in_progress", "scheduled", "due", "missing", "upcoming", "untracked"] as const;
  const daysLeft = (end: Date) => Math.max(0, Math.ceil((end.getTime() - now.getTime()) / 86_400_000));
  const notes: string[] = [];
  if (!plan.hasCommittee) notes.push(`本支部正式党员 ${fullCount} 人，不足 7 人，不设支部委员会，因此计划中没有支委会；需要集体研究的事项由支部党员大会决定。`);
  if (!plan.rows.some((r) => r.type === "party_group_meeting")) notes.push("本支部未设党小组，计划中没有党小组会。");
  if (!themeDay) notes.push("主题党日尚未固定日期，书记可发送 /会议规则 主题党日 每月5日 设置。");
  notes.push("计划按《中国共产党支部工作条例（试行）》的一般要求列出；支部可发送 /会议规则 在规定范围内调整。缺项表示期内没有会议记录，不代表一定没有开展。");
  return {
    title: `${org.name} · ${plan.year} 年组织生活计划`,
    subtitle: `截至 ${formatDay(now, org.timezone)} · 正式党员 ${fullCount} 人${plan.hasCommittee ? "，设支部委员会" : "，不设支部委员会"}`,
    legend: legendOrder.map((s) => `${CELL_MARK[s]} ${CELL_LABEL[s]}`).join("　"),
    rows: plan.rows.map((r) => ({ label: r.label, frequency: FREQUENCY_LABEL[r.frequency], cells: cellsText(r, org.timezone) })),
    due: plan.dueNow.map((d) => `${d.label} · ${d.period.label}：还没有安排（本期还剩 ${daysLeft(d.period.end)} 天）`),
    notes,
  };
}

export function listLine(org: OrgInfo, m: MeetingView, now: Date): string {
  return `${meetingTitle(m)} · ${formatWhen(m.startAt, m.endAt, org.timezone, now)}${m.place ? ` · ${m.place}` : ""}`;
}

export function listSub(m: MeetingView, rows: AttendanceView[], now: Date): string {
  const c = countAttendance(rows);
  if (m.status === "cancelled") return `已取消：${m.cancelReason ?? ""}`;
  if (m.status === "held") return `已召开：实到 ${c.present} 人（应到 ${c.expected}）`;
  if (m.endAt <= now) return "已结束，考勤整理中";
  if (m.startAt <= now) return `进行中：已签到 ${c.signedIn} 人（应到 ${c.expected}）`;
  return `参加 ${c.attending} · 请假 ${leaveCount(c).replace(" 人", "")} · 未回复 ${c.pending}（应到 ${c.expected}）`;
}

export function typeOptions(includeCommittee: boolean) {
  return (Object.entries(TYPE_LABEL) as Array<[MeetingType, string]>)
    .filter(([t]) => includeCommittee || t !== "branch_committee_meeting")
    .map(([value, content]) => ({ text: { tag: "plain_text", content }, value }));
}

/** Keeps the committee card well under Lark's 30 KB. */
const OVERVIEW_LIMIT = 30;

/** A committee's view of its branches: each branch's current periods and this year's gaps, in link order (no ranking). */
export function overviewData(org: OrgInfo, year: number, branches: Array<{ name: string; plan: Plan }>, now: Date) {
  const marks = ["done", "unrecorded", "scheduled", "due", "missing"] as const;
  return {
    title: `${org.name} · ${year} 年下级支部组织生活情况`,
    subtitle: `截至 ${formatDay(now, org.timezone)} · ${branches.length} 个支部`,
    legend: marks.map((s) => `${CELL_MARK[s]} ${CELL_LABEL[s]}`).join("　"),
    branches: branches.slice(0, OVERVIEW_LIMIT).map(({ name, plan }) => {
      const current = plan.rows.flatMap((r) => {
        const cell = r.cells.find((c) => c.period.start <= now && now < c.period.end);
        return cell ? [`${r.label}（${cell.period.label}）${cellMark(cell.status)}`] : [];
      });
      const missing = plan.rows.flatMap((r) => {
        const n = r.cells.filter((c) => c.status === "missing").length;
        return n ? [`${r.label} ${n} 期`] : [];
      });
      return { name, current: current.join("　") || "—", missing: missing.length ? `今年缺项：${missing.join("、")}` : "今年至今无缺项" };
    }),
    notes: [
      ...(branches.length > OVERVIEW_LIMIT ? [`另有 ${branches.length - OVERVIEW_LIMIT} 个支部未列出（卡片篇幅所限），请在各支部群发送 /计划 查看。`] : []),
      "按支部关联先后列出，不排名。缺项表示期内没有会议记录，请与支部核实；支部绑定前的时期不计。",
      "支部正式党员不足 7 人的，不设支委会，不列支委会。",
    ],
  };
}
