import type { Tx } from "../../db/client.ts";
import type { Outbox } from "../../app/outbox.ts";
import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext, type OrgInfo } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { renderCard } from "../../app/cards.ts";
import { attendanceOf, loadMeeting, type AttendanceView, type MeetingView } from "./service.ts";
import { formatWhen } from "./time.ts";
import { meetingTitle, refreshMeetingCards } from "./view.ts";
import type { LeaveDecision } from "./types.ts";

/**
 * 请假 with approval (issue #18 item 4): a request waits until the approver approves or declines
 * it with one click in private. The bot never decides; the decision records who made it.
 */

interface Person {
  id: number;
  openId: string;
  name: string;
}

const POST_ORDER = ["secretary", "deputy_secretary", "committee_member"];

/**
 * Who decides a member's 请假: a 党小组会's leader; else the person the branch named (/会议规则
 * 请假审批); else the secretary, the deputy secretary, another 支委 — never the requester. The
 * candidates are read once per meeting; the returned function picks for each requester.
 */
export async function leaveApprovers(tx: Tx, m: MeetingView): Promise<(requesterId: number) => Person | undefined> {
  const rules = await tx.meetingRules.findUnique({ where: { orgId: m.orgId }, select: { leaveApproverId: true } });
  const committee = await tx.member.findMany({ where: { orgId: m.orgId, active: true, post: { in: POST_ORDER } }, select: { id: true, openId: true, name: true, post: true } });
  committee.sort((a, b) => POST_ORDER.indexOf(a.post!) - POST_ORDER.indexOf(b.post!) || a.id - b.id);
  const named = async (id: number | null | undefined) => (id ? (await tx.member.findFirst({ where: { id, orgId: m.orgId, active: true }, select: { id: true, openId: true, name: true } })) ?? undefined : undefined);
  const candidates = [m.type === "party_group_meeting" ? await named(m.group?.leaderId) : undefined, await named(rules?.leaveApproverId), ...committee];
  return (requesterId) => candidates.find((c): c is Person => !!c && c.id !== requesterId);
}

export async function leaveApproverOf(tx: Tx, m: MeetingView, requesterId: number): Promise<Person | undefined> {
  return (await leaveApprovers(tx, m))(requesterId);
}

const LABEL: Record<Exclude<LeaveDecision, "pending">, string> = { approved: "已批准", declined: "未批准" };

/** The approval card of one approver for one meeting: the requests waiting for them, and those they decided. */
export async function leaveCardData(tx: Tx, org: OrgInfo, m: MeetingView, approver: Person, now: Date) {
  const rows = (await attendanceOf(tx, m.id)).filter((r) => r.expected && r.rsvp === "leave");
  const approverOf = await leaveApprovers(tx, m);
  const mine = rows.filter((r) => approverOf(r.memberId)?.id === approver.id);
  const value = (r: AttendanceView, d: LeaveDecision) => ({ a: "meetings.leave_decide", org: org.id, m: m.id, mem: r.memberId, d });
  const waiting = mine.filter((r) => r.leaveDecision === "pending");
  const decided = mine.filter((r) => r.leaveDecision === "approved" || r.leaveDecision === "declined");
  return {
    title: meetingTitle(m),
    orgName: org.name,
    when: formatWhen(m.startAt, m.endAt, org.timezone, now),
    requests: waiting.map((r) => ({ name: r.name, reason: r.leaveReason ?? "", approve: value(r, "approved"), decline: value(r, "declined") })),
    none: waiting.length === 0,
    decidedText: decided.map((r) => `${r.name}（${r.leaveReason ?? ""}）${LABEL[r.leaveDecision as "approved" | "declined"]}`).join("；"),
  };
}

/** Sends the approver the card with every request of the meeting still waiting for them. */
export async function askLeaveApproval(tx: Tx, out: Outbox, org: OrgInfo, m: MeetingView, requesterId: number, now: Date): Promise<void> {
  const approver = await leaveApproverOf(tx, m, requesterId);
  if (!approver) return;
  await out.card({ openId: approver.openId }, "meeting-leave-approval", await leaveCardData(tx, org, m, approver, now));
}

export type LeaveDecisionOutcome = { kind: "decided"; member: AttendanceView } | { kind: "already"; member: AttendanceView } | { kind: "refused"; message: string };

/** Records the approver's decision on a waiting request; a second click changes nothing. */
export async function decideLeave(tx: Tx, m: MeetingView, memberId: number, decision: "approved" | "declined", by: Person, now: Date): Promise<LeaveDecisionOutcome> {
  const row = (await attendanceOf(tx, m.id)).find((r) => r.memberId === memberId);
  if (!row || row.rsvp !== "leave") return { kind: "refused", message: "这位同志已不再请假（可能已改为参加），无需审批。" };
  if ((await leaveApproverOf(tx, m, memberId))?.id !== by.id) return { kind: "refused", message: "这条请假不由您审批。" };
  if (m.status !== "scheduled" || m.endAt <= now) return { kind: "refused", message: `${meetingTitle(m)} 已经结束，请假不能再审批；考勤如需更正请用 /考勤。` };
  if (row.leaveDecision !== "pending") return { kind: "already", member: row };
  await tx.meetingAttendance.updateMany({
    where: { meetingId: m.id, memberId, leaveDecision: "pending" },
    data: { leaveDecision: decision, leaveDecidedBy: by.openId, leaveDecidedAt: now },
  });
  return { kind: "decided", member: { ...row, leaveDecision: decision } };
}

/** 批准 / 不批准 on the approval card: the answer carries the updated card; the member is told privately. */
export async function leaveDecideAction(ctx: ActionContext): Promise<CardResponse> {
  const id = rowNumber(ctx.value.m);
  const m = id ? await loadMeeting(ctx.tx, id) : undefined;
  if (!m || m.orgId !== ctx.org?.id) throw new UsageError("找不到这次会议，卡片可能已失效。请发送 /会议 查看。");
  if (!ctx.actor) throw new UsageError("您不在本支部的成员名单中。");
  const memberId = rowNumber(ctx.value.mem);
  const decision = ctx.value.d === "approved" ? "approved" : ctx.value.d === "declined" ? "declined" : undefined;
  if (!memberId || !decision) throw new UsageError("这张卡片已失效，请等待新的请假审批卡片。");
  const me = { id: ctx.actor.memberId, openId: ctx.actor.openId, name: ctx.actor.name };
  const outcome = await decideLeave(ctx.tx, m, memberId, decision, me, ctx.now);
  if (outcome.kind === "refused") return { toast: { type: "error", content: outcome.message } };
  const card = renderCard("meeting-leave-approval", await leaveCardData(ctx.tx, ctx.org, m, me, ctx.now));
  if (outcome.kind === "already") return { toast: { type: "info", content: `${outcome.member.name} 的请假已处理（${LABEL[outcome.member.leaveDecision as "approved" | "declined"]}）` }, card };
  const title = meetingTitle(m);
  await ctx.out.text(
    { openId: outcome.member.openId },
    decision === "approved"
      ? `【请假已批准】${ctx.actor.name} 批准了您 ${title}（${formatWhen(m.startAt, m.endAt, ctx.org.timezone, ctx.now)}）的请假。会后请按通知补课。`
      : `【请假未批准】${ctx.actor.name} 没有批准您 ${title}（${formatWhen(m.startAt, m.endAt, ctx.org.timezone, ctx.now)}）的请假，请按时参加；如确有困难请直接与${ctx.actor.name}联系。未到会的会后记为缺席。`,
  );
  await refreshMeetingCards(ctx.tx, ctx.out, ctx.org, m.id, ctx.now, { onlyMember: memberId, live: true });
  return { toast: { type: "success", content: `${outcome.member.name}：${LABEL[decision]}` }, card };
}
