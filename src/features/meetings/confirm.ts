import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext, type OrgInfo } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { isCommittee, type Actor } from "../../app/roles.ts";
import type { Tx } from "../../db/client.ts";
import { renderCard } from "../../app/cards.ts";
import { publishMeeting, rescheduleFlow, type FlowDeps } from "./flows.ts";
import { checkDraft, checkMove, createMeeting, draftEnd, loadMeeting, requireManage, type MeetingDraft, type MeetingView } from "./service.ts";
import { formatClock, formatDay, formatWhen, zoned } from "./time.ts";
import { isMeetingType, TYPE_LABEL } from "./types.ts";
import { meetingTitle } from "./view.ts";

/**
 * `/安排` with the time in words (明天 14:30, 下周五 下午3点, 12月15日 15:00): the bot shows what
 * it understood — the date with its weekday — and schedules only when 确认安排 is pressed, so a
 * misread day never reaches the group as a meeting notice. The draft travels in the buttons'
 * value (the card's answer replaces it, at no API cost); nothing is stored before the click.
 */

interface DraftValue {
  t: string;
  s: string;
  e?: string;
  d?: number;
  p?: string;
  o?: string;
  c?: number;
  r?: number;
  l?: number;
  g?: number;
  /** Who asked: they (or a committee member) may drop the draft. */
  by: string;
}

function toValue(draft: MeetingDraft, by: string): DraftValue {
  return {
    t: draft.type, s: draft.start.toISOString(), e: draft.end?.toISOString(), d: draft.durationMin,
    p: draft.place, o: draft.topic, c: draft.chairId, r: draft.recorderId, l: draft.lecturerId, g: draft.groupId, by,
  };
}

function fromValue(v: Record<string, unknown>): MeetingDraft {
  const date = (x: unknown) => (typeof x === "string" && !Number.isNaN(Date.parse(x)) ? new Date(x) : undefined);
  const text = (x: unknown) => (typeof x === "string" && x.trim() ? x : undefined);
  const id = (x: unknown) => (typeof x === "number" ? rowNumber(x) : undefined);
  const start = date(v.s);
  if (!isMeetingType(v.t) || !start) throw new UsageError("这张确认卡片已失效，请重新发送 /安排。");
  const duration = typeof v.d === "number" && Number.isInteger(v.d) && v.d > 0 ? v.d : undefined;
  return { type: v.t, start, end: date(v.e), durationMin: duration, place: text(v.p), topic: text(v.o), chairId: id(v.c), recorderId: id(v.r), lecturerId: id(v.l), groupId: id(v.g) };
}

interface Row {
  label: string;
  value: string;
}

/**
 * The draft as the card carries it, checked: everyone and the 党小组 it names belong to this
 * branch (a forged value must not put another branch's member in the chair).
 */
async function draftOf(ctx: ActionContext): Promise<MeetingDraft> {
  const draft = fromValue(ctx.value);
  const ids = [draft.chairId, draft.recorderId, draft.lecturerId].filter((x): x is number => x !== undefined);
  const found = await ctx.tx.member.count({ where: { id: { in: ids }, orgId: ctx.org!.id, active: true } });
  const groupOk = draft.groupId === undefined || (await ctx.tx.partyGroup.count({ where: { id: draft.groupId, orgId: ctx.org!.id } })) === 1;
  if (found !== new Set(ids).size || !groupOk) throw new UsageError("这张确认卡片已失效，请重新发送 /安排。");
  return draft;
}

async function detailRows(tx: Tx, org: OrgInfo, draft: MeetingDraft, end: Date, now: Date): Promise<Row[]> {
  const ids = [draft.chairId, draft.recorderId, draft.lecturerId].filter((x): x is number => x !== undefined);
  const people = new Map((await tx.member.findMany({ where: { id: { in: ids }, orgId: org.id } })).map((m) => [m.id, m.name]));
  const group = draft.groupId ? await tx.partyGroup.findFirst({ where: { id: draft.groupId, orgId: org.id } }) : null;
  const rows: Row[] = [{ label: "时间", value: formatWhen(draft.start, end, org.timezone, now) }];
  if (group) rows.push({ label: "党小组", value: group.name });
  rows.push({ label: "地点", value: draft.place ?? "待定" }, { label: "主题", value: draft.topic ?? "待定" });
  for (const [label, id] of [["主持", draft.chairId], ["记录", draft.recorderId], ["主讲", draft.lecturerId]] as const) {
    if (id !== undefined && people.has(id)) rows.push({ label, value: people.get(id)! });
  }
  return rows;
}

/** The confirmation card's data; runs every check scheduling would, so a refusal comes now. */
export async function confirmCardData(tx: Tx, org: OrgInfo, draft: MeetingDraft, words: string, actor: Actor, now: Date) {
  const end = await checkDraft(tx, org, draft, actor, now);
  const value = toValue(draft, actor.openId);
  return {
    title: `请确认：${TYPE_LABEL[draft.type]}`,
    color: "blue",
    rows: await detailRows(tx, org, draft, end, now),
    understood: understoodLine(org, words, draft.start, now),
    pending: true,
    ...SCHEDULE_BUTTONS,
    doneLine: "",
    confirmValue: { a: "meetings.confirm", org: org.id, ...value },
    cancelValue: { a: "meetings.discard", org: org.id, ...value },
  };
}

const SCHEDULE_BUTTONS = { hint: "确认后才在群里发出会议通知；不对就点「不安排」，再发一次命令。", confirmText: "确认安排", cancelText: "不安排" };
const MOVE_BUTTONS = { hint: "确认后才改期并通知应到人员；不对就点「不改期」，再发一次命令。", confirmText: "确认改期", cancelText: "不改期" };

function answeredCard(title: string, color: string, rows: Row[], doneLine: string) {
  return renderCard("meeting-confirm", { title, color, rows, understood: "", pending: false, ...SCHEDULE_BUTTONS, doneLine, confirmValue: {}, cancelValue: {} });
}

function understoodLine(org: OrgInfo, words: string, start: Date, now: Date): string {
  const year = zoned(start, org.timezone).year() !== zoned(now, org.timezone).year() ? `${zoned(start, org.timezone).year()}年` : "";
  return `「${words}」理解为 ${year}${formatDay(start, org.timezone)}${formatClock(start, org.timezone)}。`;
}

export async function confirmAction(deps: FlowDeps, ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  if (!ctx.actor) throw new UsageError("您不在本支部的成员名单中。");
  const draft = await draftOf(ctx);
  // A second press (or a second committee member) finds the meeting already there.
  const same = await ctx.tx.meeting.findFirst({ where: { orgId: org.id, type: draft.type, startAt: draft.start, status: "scheduled" }, orderBy: { id: "asc" } });
  if (same) {
    const rows = await detailRows(ctx.tx, org, draft, same.endAt, ctx.now);
    return { toast: { type: "info", content: `已经安排过了：#${same.seqNo}` }, card: answeredCard(`已安排：${TYPE_LABEL[draft.type]} #${same.seqNo}`, "green", rows, "会议通知已发到群里。") };
  }
  const { meeting, notes } = await createMeeting(ctx.tx, org, draft, ctx.actor, ctx.now);
  await publishMeeting(ctx.tx, ctx.out, org, meeting, ctx.now, deps);
  const rows = await detailRows(ctx.tx, org, draft, meeting.endAt, ctx.now);
  return {
    toast: { type: "success", content: `已安排 ${meetingTitle(meeting)}` },
    card: answeredCard(`已安排：${meetingTitle(meeting)}`, "green", rows, ["会议通知已发到群里。", ...notes].join("\n")),
  };
}

export async function discardAction(ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  if (!ctx.actor) throw new UsageError("您不在本支部的成员名单中。");
  if (ctx.value.by !== ctx.actor.openId && !isCommittee(ctx.actor)) throw new UsageError("只有发起安排的人或支委可以取消。");
  const draft = await draftOf(ctx);
  const rows = await detailRows(ctx.tx, org, draft, draftEnd(draft), ctx.now);
  return { toast: { type: "info", content: "已取消，没有安排会议" }, card: answeredCard(`未安排：${TYPE_LABEL[draft.type]}`, "grey", rows, "已取消，没有安排会议。需要时请重新发送 /安排。") };
}

// ───────────────────────────── /改期 in words ─────────────────────────────

/**
 * `/改期 #12 下周四 下午3点` moves a meeting everyone was told about, so a misread day is worse
 * than for a new one: the move is echoed first and made on 确认改期. The card carries the meeting
 * and its revision; a press after someone else changed the meeting is refused, not applied.
 */
export async function moveConfirmCardData(tx: Tx, org: OrgInfo, m: MeetingView, start: Date, end: Date | undefined, words: string, now: Date) {
  const newEnd = await checkMove(tx, org, m, start, end, now);
  const value = { m: m.id, rev: m.revision, s: start.toISOString(), e: newEnd.toISOString() };
  return {
    title: `请确认改期：${meetingTitle(m)}`,
    color: "orange",
    rows: moveRows(org, m, m.startAt, m.endAt, start, newEnd, now),
    understood: understoodLine(org, words, start, now),
    pending: true,
    ...MOVE_BUTTONS,
    doneLine: "",
    confirmValue: { a: "meetings.confirmMove", org: org.id, ...value },
    cancelValue: { a: "meetings.discardMove", org: org.id, ...value },
  };
}

function moveRows(org: OrgInfo, m: MeetingView, fromStart: Date, fromEnd: Date, toStart: Date, toEnd: Date, now: Date): Row[] {
  return [
    { label: "原定", value: formatWhen(fromStart, fromEnd, org.timezone, now) },
    { label: "改到", value: formatWhen(toStart, toEnd, org.timezone, now) },
    { label: "地点", value: m.place ?? "待定" },
  ];
}

function movedCard(title: string, color: string, rows: Row[], doneLine: string) {
  return renderCard("meeting-confirm", { title, color, rows, understood: "", pending: false, ...MOVE_BUTTONS, doneLine, confirmValue: {}, cancelValue: {} });
}

async function moveOf(ctx: ActionContext): Promise<{ m: MeetingView; start: Date; end: Date; rev: number }> {
  const v = ctx.value;
  const start = typeof v.s === "string" ? new Date(v.s) : undefined;
  const end = typeof v.e === "string" ? new Date(v.e) : undefined;
  const id = typeof v.m === "number" ? rowNumber(v.m) : undefined;
  const m = id !== undefined ? await loadMeeting(ctx.tx, id) : undefined;
  if (!m || m.orgId !== ctx.org!.id || !start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || typeof v.rev !== "number") {
    throw new UsageError("这张确认卡片已失效，请重新发送 /改期。");
  }
  return { m, start, end, rev: v.rev };
}

export async function confirmMoveAction(deps: FlowDeps, ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  const { m, start, end, rev } = await moveOf(ctx);
  requireManage(ctx.actor, m.type, m.group?.leaderId ?? null);
  if (m.revision !== rev) {
    // Already moved by this card (a second press), or changed by someone else since.
    const done = m.startAt.getTime() === start.getTime() && m.status === "scheduled";
    if (!done) throw new UsageError(`${meetingTitle(m)} 在这张卡片发出后又有变动，没有改期。请用 /会议 查看后重新发送 /改期。`);
    return { toast: { type: "info", content: `已经改过了：${meetingTitle(m)}` }, card: movedCard(`已改期：${meetingTitle(m)}`, "green", moveRows(org, m, m.previousStartAt ?? m.startAt, m.endAt, m.startAt, m.endAt, ctx.now), "已通知应到人员并更新通知卡片。") };
  }
  const moved = await rescheduleFlow(ctx.tx, ctx.out, org, m, start, end, ctx.now, ctx.actor!.openId, deps);
  return {
    toast: { type: "success", content: `已改期 ${meetingTitle(moved)}` },
    card: movedCard(`已改期：${meetingTitle(moved)}`, "green", moveRows(org, m, m.startAt, m.endAt, moved.startAt, moved.endAt, ctx.now), "已通知应到人员并更新通知卡片。"),
  };
}

export async function discardMoveAction(ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  const { m, start, end } = await moveOf(ctx);
  requireManage(ctx.actor, m.type, m.group?.leaderId ?? null);
  return {
    toast: { type: "info", content: "没有改期" },
    card: movedCard(`未改期：${meetingTitle(m)}`, "grey", moveRows(org, m, m.startAt, m.endAt, start, end, ctx.now), `没有改期，仍按原定时间召开。需要时请重新发送 /改期。`),
  };
}
