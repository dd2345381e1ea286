import type { Bot } from "../../app/bot.ts";
import { rowNumber } from "../../app/args.ts";
import { UsageError, type ActionContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { renderCard } from "../../app/cards.ts";
import { answerMeeting, publishMeeting, type FlowDeps } from "./flows.ts";
import { leaveDecideAction } from "./leave.ts";
import { confirmAction, confirmMoveAction, discardAction, discardMoveAction } from "./confirm.ts";
import { createMeeting, loadMeeting, resolveMember, signIn, type MeetingView } from "./service.ts";
import { formatClock, formatWhen, parsePickerDateTime } from "./time.ts";
import { isMeetingType, TYPE_LABEL } from "./types.ts";
import { meetingTitle, refreshMeetingCards } from "./view.ts";

/** Card buttons: 参加 / 请假 (announcement and private reminder), 签到, and the scheduling form. */

const toast = (type: "success" | "info" | "error", content: string): CardResponse => ({ toast: { type, content } });

async function meetingOf(ctx: ActionContext): Promise<MeetingView> {
  const id = rowNumber(ctx.value.m);
  const m = id ? await loadMeeting(ctx.tx, id) : undefined;
  if (!m || m.orgId !== ctx.org?.id) throw new UsageError("找不到这次会议，卡片可能已失效。请发送 /会议 查看。");
  return m;
}

function operator(ctx: ActionContext) {
  if (!ctx.actor) throw new UsageError("您不在本支部的成员名单中。");
  return ctx.actor;
}

async function rsvpAction(ctx: ActionContext): Promise<CardResponse> {
  const m = await meetingOf(ctx);
  const actor = operator(ctx);
  const rsvp = ctx.value.r === "leave" ? "leave" : "attending";
  const reason = typeof ctx.form.reason === "string" ? ctx.form.reason : undefined;
  const result = await answerMeeting(ctx.tx, ctx.out, ctx.org!, m, actor.memberId, rsvp, reason, ctx.now);
  return toast(result.ok ? "success" : "error", result.message);
}

async function signinAction(ctx: ActionContext): Promise<CardResponse> {
  const m = await meetingOf(ctx);
  const actor = operator(ctx);
  const result = await signIn(ctx.tx, m, actor.memberId, ctx.now, ctx.timezone);
  if (result.kind === "refused") return toast("error", result.message);
  if (result.kind === "already") return toast("info", `您已于 ${formatClock(result.at, ctx.timezone)} 签到，无需重复。`);
  await refreshMeetingCards(ctx.tx, ctx.out, ctx.org!, m, ctx.now, { onlyMember: actor.memberId, live: true }); // a sign-in leaves the meeting's row as read
  return toast("success", `签到成功：${meetingTitle(m)}`);
}

const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

async function createAction(deps: FlowDeps, ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  const actor = operator(ctx);
  const f = ctx.form;
  if (!isMeetingType(f.type)) throw new UsageError("请选择会议类型。");
  const startText = str(f.start);
  const start = startText ? parsePickerDateTime(startText, str(f.time), org.timezone) : undefined;
  if (!start) throw new UsageError("请选择会议开始时间。");
  const person = async (v: unknown) => (str(v) ? (await resolveMember(ctx.tx, org.id, str(v)!)).id : undefined);
  const duration = Number(str(f.duration));
  const groupId = rowNumber(str(f.group));
  const { meeting, notes } = await createMeeting(
    ctx.tx,
    org,
    {
      type: f.type,
      start,
      durationMin: Number.isInteger(duration) && duration > 0 ? duration : undefined,
      place: str(f.place),
      topic: str(f.topic),
      chairId: await person(f.chair),
      recorderId: await person(f.recorder),
      lecturerId: await person(f.lecturer),
      groupId,
    },
    actor,
    ctx.now,
  );
  await publishMeeting(ctx.tx, ctx.out, org, meeting, ctx.now, deps);
  const card = renderCard("meeting-form", {
    orgName: org.name,
    recorderHint: "",
    color: "green",
    done: true,
    doneLines: [`已安排 ${meetingTitle(meeting)}：${formatWhen(meeting.startAt, meeting.endAt, org.timezone, ctx.now)}${meeting.place ? `，${meeting.place}` : ""}。会议通知已发到群里。`, ...notes],
    typeOptions: [],
    groupOptions: [],
    noCommitteeNote: "",
    submitValue: {},
  });
  return { toast: { type: "success", content: `已安排 ${TYPE_LABEL[meeting.type]} #${meeting.seqNo}` }, card };
}

export function registerMeetingActions(bot: Bot, deps: FlowDeps): void {
  bot.action({ name: "meetings.rsvp", permission: "member", access: "会议通知「参加」「请假」：应到会的党员本人", run: rsvpAction });
  bot.action({ name: "meetings.signin", permission: "member", access: "会议签到卡片「签到」：应到会的党员本人，在签到时间内", run: signinAction });
  bot.action({ name: "meetings.confirm", permission: "member", access: "安排会议确认卡片「确认安排」：支委；党小组组长只能安排本小组的党小组会", run: (ctx) => confirmAction(deps, ctx) });
  bot.action({ name: "meetings.discard", permission: "member", access: "安排会议确认卡片「不安排」：发起安排的人或支委", run: discardAction });
  bot.action({ name: "meetings.confirmMove", permission: "member", access: "改期确认卡片「确认改期」：支委；党小组组长只能改期本小组的党小组会", run: (ctx) => confirmMoveAction(deps, ctx) });
  bot.action({ name: "meetings.discardMove", permission: "member", access: "改期确认卡片「不改期」：支委；党小组组长只能改期本小组的党小组会", run: discardMoveAction });
  bot.action({ name: "meetings.leave_decide", permission: "member", access: "请假审批卡片「批准」「不批准」：审批人（党小组会为组长；支部指定的审批人；否则书记，书记本人请假时为副书记或其他支委）", run: leaveDecideAction });
  bot.action({ name: "meetings.create", permission: "member", access: "安排会议表单「安排会议」：支委；党小组组长只能安排本小组的党小组会", run: (ctx) => createAction(deps, ctx) });
}
