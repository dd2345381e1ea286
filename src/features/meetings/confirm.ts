import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext, type OrgInfo } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { isCommittee, type Actor } from "../../app/roles.ts";
import type { Tx } from "../../db/client.ts";
import { renderCard } from "../../lark/cards.ts";
import { publishMeeting, type FlowDeps } from "./flows.ts";
import { checkDraft, createMeeting, draftEnd, type MeetingDraft } from "./service.ts";
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
  const year = zoned(draft.start, org.timezone).year() !== zoned(now, org.timezone).year() ? `${zoned(draft.start, org.timezone).year()}年` : "";
  const value = toValue(draft, actor.openId);
  return {
    title: `请确认：${TYPE_LABEL[draft.type]}`,
    color: "blue",
    rows: await detailRows(tx, org, draft, end, now),
    understood: `「${words}」理解为 ${year}${formatDay(draft.start, org.timezone)}${formatClock(draft.start, org.timezone)}。`,
    pending: true,
    doneLine: "",
    confirmValue: { a: "meetings.confirm", org: org.id, ...value },
    cancelValue: { a: "meetings.discard", org: org.id, ...value },
  };
}

function answeredCard(title: string, color: string, rows: Row[], doneLine: string) {
  return renderCard("meeting-confirm", { title, color, rows, understood: "", pending: false, doneLine, confirmValue: {}, cancelValue: {} });
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
