import type { Bot } from "../../app/bot.ts";
import { PermissionError, UsageError, type CommandContext, type OrgInfo } from "../../app/context.ts";
import type { IncomingMessage } from "../../app/inbound.ts";
import { toOrgInfo } from "../../app/actors.ts";
import { clip, splitMentions, echo } from "../../app/args.ts";
import { isCommittee, isSecretary, type Actor } from "../../app/roles.ts";
import type { Tx } from "../../db/client.ts";
import { answerMeeting, cancelFlow, publishMeeting, rescheduleFlow, type FlowDeps } from "./flows.ts";
import { parseScheduleArgs, requireDateTime } from "./parse.ts";
import { yearPlan } from "./plan.ts";
import {
  ALLOWED_FREQUENCIES, FREQUENCY_LABEL, FREQUENCY_WORDS, hasCommittee,
} from "./rules.ts";
import { themesCommand } from "./themes.ts";
import { formatRulesText, leaveApproverName, resetRules, saveFrequency, saveLeaveApprover, saveReminderOffsets, saveThemeDay } from "./rules-store.ts";
import {
  EXCLUSION_GROUNDS, approvalText, exclusionChoices, exclusionGroundOf, attendanceOf, attendanceOfMany, correctAttendance, createMeeting, fullMemberCount, listExclusions,
  loadMeeting, loadRules, markMakeupDone, recorderHint, meetingBySeq, parseSeq, pendingMakeups, recordExclusion, requireManage,
  resolveMember, revokeExclusion, upcomingMeetings, recentMeetings, SEQ_EXAMPLE, SCHEDULE_EXAMPLE,
  type MeetingDraft, type MeetingView,
} from "./service.ts";
import { confirmCardData, moveConfirmCardData } from "./confirm.ts";
import { formatDay, offsetLabel, parseOffset, zoned } from "./time.ts";
import { dayOf, parseDay } from "../rectification/dates.ts";
import { FINAL_LABEL, TYPE_LABEL, TYPE_WORDS, type FinalStatus, type MeetingType, type Rsvp } from "./types.ts";
import { announceData, copyRef, listLine, listSub, meetingTitle, overviewData, planData, refreshMeetingCards, typeOptions } from "./view.ts";

const GROUP = "三会一课";

/** For commands usable in a private chat too: the branch they are about. */
function requireBranch(ctx: CommandContext): OrgInfo {
  if (ctx.org?.kind === "branch") return ctx.org;
  if (ctx.org) throw new UsageError("这个命令只能在党支部群里使用。");
  throw new UsageError(
    ctx.memberships.length > 1 ? "您同时在多个组织中，请到对应的支部群里发送。" : "请在您所在的党支部群里发送，或先让书记把您拉进支部群。",
  );
}

function requireActor(ctx: CommandContext): Actor {
  if (!ctx.actor) throw new PermissionError("您不在本支部的成员名单中。");
  return ctx.actor;
}

/** The announcement (or a copy, or a personal reminder) a message replies to, if any. */
export async function meetingRepliedTo(tx: Tx, message: IncomingMessage): Promise<number | undefined> {
  const ids = [message.parentId, message.rootId].filter((x): x is string => !!x);
  if (ids.length === 0) return undefined;
  const card = await tx.sentCard.findFirst({ where: { messageId: { in: ids }, cardRef: { startsWith: "meeting:" } } });
  const id = card ? Number(card.cardRef.split(":")[1]) : NaN;
  return Number.isFinite(id) ? id : undefined;
}

/** `#12` if given, else the announcement replied to, else the one upcoming meeting expecting the person. */
async function targetMeeting(ctx: CommandContext, org: OrgInfo, actor: Actor, usage: string): Promise<{ meeting: MeetingView; rest: string[] }> {
  const seq = parseSeq(ctx.args[0]);
  if (seq !== undefined) return { meeting: await meetingBySeq(ctx.tx, org, seq), rest: ctx.args.slice(1) };
  const replied = await meetingRepliedTo(ctx.tx, ctx.message);
  const fromReply = replied ? await loadMeeting(ctx.tx, replied) : undefined;
  if (fromReply && fromReply.orgId === org.id) return { meeting: fromReply, rest: ctx.args };
  const mine = (await upcomingMeetings(ctx.tx, org.id, ctx.now)).filter((m) => m.startAt > ctx.now);
  const expecting: MeetingView[] = [];
  for (const m of mine) if ((await attendanceOf(ctx.tx, m.id)).some((r) => r.expected && r.memberId === actor.memberId)) expecting.push(m);
  if (expecting.length === 1) return { meeting: expecting[0]!, rest: ctx.args };
  if (expecting.length === 0) throw new UsageError("近期没有需要您回复的会议。发送 /会议 查看会议列表。");
  throw new UsageError(
    `近期有 ${expecting.length} 个会议，请写明编号：${expecting.map((m) => `${meetingTitle(m)}（${formatDay(m.startAt, org.timezone)}）`).join("、")}。`,
    usage.replace("#12", `#${expecting[0]!.seqNo}`),
  );
}

// ───────────────────────────── /计划 ─────────────────────────────

async function planCommand(bot: Bot, ctx: CommandContext) {
  const org = ctx.org!;
  const word = ctx.args[0]?.replace(/年$/, "");
  const year = word ? Number(word) : zoned(ctx.now, org.timezone).year();
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError(`看不懂年份「${echo(ctx.args[0])}」。`, "/计划 2026");
  if (org.kind === "committee") {
    const children = await ctx.tx.partyOrg.findMany({ where: { parentId: org.id, kind: "branch" }, orderBy: { id: "asc" } });
    const branches = [];
    for (const c of children) branches.push({ name: c.name, plan: await yearPlan(bot, ctx.tx, toOrgInfo(c), year, ctx.now) });
    await ctx.replyCard("meeting-overview", overviewData(org, year, branches, ctx.now));
    return;
  }
  const [plan, full, rules] = await Promise.all([yearPlan(bot, ctx.tx, org, year, ctx.now), fullMemberCount(ctx.tx, org.id), loadRules(ctx.tx, org.id)]);
  await ctx.replyCard("meeting-plan", planData(org, plan, ctx.now, full, rules.themeDay));
}

// ───────────────────────────── /安排 ─────────────────────────────

async function scheduleCommand(deps: FlowDeps, ctx: CommandContext) {
  const org = ctx.org!;
  const actor = requireActor(ctx);
  const groups = await ctx.tx.partyGroup.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" } });
  if (!isCommittee(actor) && !groups.some((g) => g.leaderId === actor.memberId)) {
    throw new PermissionError("只有支委（书记、副书记、委员）或党小组组长（仅限本小组的党小组会）可以安排会议。");
  }
  if (ctx.args.length === 0) {
    const full = await fullMemberCount(ctx.tx, org.id);
    await ctx.replyCard("meeting-form", {
      orgName: org.name,
      recorderHint: await recorderHint(ctx.tx, org.id),
      color: "red",
      done: false,
      doneLines: [],
      typeOptions: typeOptions(hasCommittee(full)),
      groupOptions: groups.map((g) => ({ text: { tag: "plain_text", content: g.name }, value: String(g.id) })),
      noCommitteeNote: hasCommittee(full) ? "" : `本支部正式党员 ${full} 人，不足 7 人，不设支委会，因此类型中没有支委会。`,
      submitValue: { a: "meetings.create" },
    });
    return;
  }
  const args = parseScheduleArgs(ctx.args, ctx.mentions, ctx.now, org.timezone, groups.map((g) => g.name));
  const person = async (m?: { openId: string; name: string }) => (m ? (await resolveMember(ctx.tx, org.id, m.openId, m.name)).id : undefined);
  const draft: MeetingDraft = {
    type: args.type,
    start: args.start,
    end: args.end,
    durationMin: args.durationMin,
    place: args.place,
    topic: args.topic,
    chairId: await person(args.chair),
    recorderId: await person(args.recorder),
    lecturerId: await person(args.lecturer),
    groupId: args.groupName ? groups.find((g) => g.name === args.groupName)?.id : undefined,
  };
  if (args.naturalWords) {
    // A time read from words is shown back with its weekday; nothing is scheduled before 确认安排.
    await ctx.replyCard("meeting-confirm", await confirmCardData(ctx.tx, org, draft, args.naturalWords, actor, ctx.now));
    return;
  }
  const { meeting, notes } = await createMeeting(ctx.tx, org, draft, actor, ctx.now);
  await publishMeeting(ctx.tx, ctx.out, org, meeting, ctx.now, deps, (template, data, opts) => ctx.replyCard(template, data, opts));
  if (notes.length) await ctx.reply(notes.join("\n"));
}

// ───────────────────────────── /会议 ─────────────────────────────

async function meetingsCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const seq = parseSeq(ctx.args[0]);
  if (ctx.args[0] && seq === undefined) throw new UsageError(`看不懂会议编号「${echo(ctx.args[0])}」。`, SEQ_EXAMPLE);
  if (seq !== undefined) {
    const m = await meetingBySeq(ctx.tx, org, seq);
    const rows = await attendanceOf(ctx.tx, m.id);
    await ctx.replyCard("meeting-announce", announceData(org, m, rows, ctx.now), { cardRef: copyRef(m.id, ctx.message.messageId) });
    return;
  }
  const [upcoming, recent] = await Promise.all([upcomingMeetings(ctx.tx, org.id, ctx.now), recentMeetings(ctx.tx, org.id, ctx.now)]);
  const attendance = await attendanceOfMany(ctx.tx, [...upcoming, ...recent].map((m) => m.id));
  const line = (m: MeetingView) => ({ line: listLine(org, m, ctx.now), sub: listSub(m, attendance.get(m.id) ?? [], ctx.now) });
  await ctx.replyCard("meeting-list", { orgName: org.name, upcoming: upcoming.map(line), recent: recent.map(line) });
}

// ───────────────────────────── /改期, /取消 ─────────────────────────────

const RESCHEDULE_EXAMPLE = "/改期 #12 下周五 14:30";
const CANCEL_EXAMPLE = "/取消 #12 与上级会议冲突，另行通知";

async function rescheduleCommand(deps: FlowDeps, ctx: CommandContext) {
  const org = ctx.org!;
  const seq = parseSeq(ctx.args[0]);
  if (seq === undefined) throw new UsageError("缺少会议编号（如 #12）。发送 /会议 查看编号。", RESCHEDULE_EXAMPLE);
  const m = await meetingBySeq(ctx.tx, org, seq);
  requireManage(ctx.actor, m.type, m.group?.leaderId ?? null);
  const time = requireDateTime(ctx.args, 1, ctx.now, org.timezone, RESCHEDULE_EXAMPLE.replace("#12", `#${seq}`));
  if (time.natural) {
    // A time read from words is shown back with its weekday; nothing moves before 确认改期.
    const words = ctx.args.slice(1, 1 + time.consumed).join(" ");
    await ctx.replyCard("meeting-confirm", await moveConfirmCardData(ctx.tx, org, m, time.start, time.end, words, ctx.now));
    return;
  }
  const moved = await rescheduleFlow(ctx.tx, ctx.out, org, m, time.start, time.end, ctx.now, ctx.message.senderOpenId, deps);
  await ctx.reply(`已将 ${meetingTitle(moved)} 改到 ${formatDay(moved.startAt, org.timezone)}${zoned(moved.startAt, org.timezone).format("HH:mm")}，已通知应到人员并更新通知卡片。`);
}

async function cancelCommand(deps: FlowDeps, ctx: CommandContext) {
  const org = ctx.org!;
  const seq = parseSeq(ctx.args[0]);
  if (seq === undefined) throw new UsageError("缺少会议编号（如 #12）。发送 /会议 查看编号。", CANCEL_EXAMPLE);
  const reason = ctx.args.slice(1).join(" ").trim();
  if (!reason) throw new UsageError("取消会议需要写明原因。", CANCEL_EXAMPLE.replace("#12", `#${seq}`));
  const m = await meetingBySeq(ctx.tx, org, seq);
  requireManage(ctx.actor, m.type, m.group?.leaderId ?? null);
  await cancelFlow(ctx.tx, ctx.out, org, m, clip(reason, 200), ctx.now, ctx.message.senderOpenId, deps);
  await ctx.reply(`已取消 ${meetingTitle(m)}，已通知应到人员并更新通知卡片。`);
}

// ───────────────────────────── /参加, /请假 ─────────────────────────────

const LEAVE_EXAMPLE = "/请假 #12 出差";

async function answerCommand(rsvp: Rsvp, ctx: CommandContext) {
  const org = requireBranch(ctx);
  const actor = requireActor(ctx);
  const { meeting, rest } = await targetMeeting(ctx, org, actor, rsvp === "leave" ? LEAVE_EXAMPLE : "/参加 #12");
  const reason = rest.join(" ").trim();
  if (rsvp === "leave" && !reason) throw new UsageError("请假需要写明事由。", LEAVE_EXAMPLE.replace("#12", `#${meeting.seqNo}`));
  const result = await answerMeeting(ctx.tx, ctx.out.forOrg(org.id), org, meeting, actor.memberId, rsvp, reason, ctx.now);
  await ctx.reply(result.message);
}

// ───────────────────────────── /补课 ─────────────────────────────

async function makeupCommand(ctx: CommandContext) {
  const org = requireBranch(ctx);
  const actor = requireActor(ctx);
  const seq = parseSeq(ctx.args[0]);
  if (seq === undefined) {
    const owed = await pendingMakeups(ctx.tx, actor.memberId);
    const text = owed.length
      ? `您有 ${owed.length} 次会议需要补课：\n${owed.map((o) => `- #${o.seqNo} ${TYPE_LABEL[o.type]}（${formatDay(o.startAt, org.timezone)}）${o.topic ? `：${o.topic}` : ""}`).join("\n")}\n补学完成后发送 /补课 #编号。`
      : "您目前没有需要补课的会议。";
    await privately(ctx, text);
    return;
  }
  const m = await meetingBySeq(ctx.tx, org, seq);
  const { people } = splitMentions(ctx.args.slice(1), ctx.mentions);
  if (people.length && !isCommittee(actor)) throw new PermissionError("只有支委可以为其他同志登记补课。");
  const targets = people.length ? await Promise.all(people.map((p) => resolveMember(ctx.tx, org.id, p.openId, p.name))) : [{ id: actor.memberId, name: actor.name }];
  const lines: string[] = [];
  for (const t of targets) {
    const r = await markMakeupDone(ctx.tx, m, t.id, ctx.now);
    lines.push(r === "done" ? `已登记 ${t.name} 完成 ${meetingTitle(m)} 的补课。` : r === "already" ? `${t.name} 的补课之前已登记。` : `${t.name} 不需要补 ${meetingTitle(m)}。`);
  }
  await ctx.reply(lines.join("\n"));
}

/** Personal figures go to the person privately; in a group the reply only says so. */
async function privately(ctx: CommandContext, text: string) {
  if (ctx.message.chatType === "p2p") await ctx.reply(text);
  else {
    await ctx.out.text({ openId: ctx.message.senderOpenId }, text);
    await ctx.reply("已私信发给您。");
  }
}

// ───────────────────────────── /考勤 ─────────────────────────────

const ATTENDANCE_EXAMPLE = "/考勤 #12 @刘洋 出席";
const FINAL_WORDS: Record<string, FinalStatus> = { 出席: "present", 到会: "present", 请假: "leave", 缺席: "absent" };

async function attendanceCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const seq = parseSeq(ctx.args[0]);
  if (seq === undefined) throw new UsageError("缺少会议编号（如 #12）。", ATTENDANCE_EXAMPLE);
  const m = await meetingBySeq(ctx.tx, org, seq);
  const { people, words } = splitMentions(ctx.args.slice(1), ctx.mentions);
  if (people.length === 0) {
    const rows = (await attendanceOf(ctx.tx, m.id)).filter((r) => r.expected);
    const status = (r: (typeof rows)[number]) =>
      r.final ? FINAL_LABEL[r.final] + (r.final === "leave" && r.leaveReason ? `（${r.leaveReason}）` : "") + (r.makeupRequired ? (r.makeupDoneAt ? "，已补课" : "，待补课") : "")
        : r.signedInAt ? "已签到" : r.rsvp === "attending" ? "回复参加" : r.rsvp === "leave" ? `请假（${r.leaveReason ?? ""}）` : "未回复";
    await privately(ctx, `【考勤】${meetingTitle(m)}（${formatDay(m.startAt, org.timezone)}）\n${rows.map((r) => `- ${r.name}：${status(r)}`).join("\n")}`);
    return;
  }
  const final = FINAL_WORDS[words[0] ?? ""];
  if (!final) throw new UsageError(`${words[0] ? `不认识「${echo(words[0])}」。` : "缺少考勤结果。"}可选：出席、请假、缺席。`, ATTENDANCE_EXAMPLE);
  for (const p of people) {
    const member = await resolveMember(ctx.tx, org.id, p.openId, p.name);
    await correctAttendance(ctx.tx, m, member.id, final, ctx.message.senderOpenId);
  }
  await refreshMeetingCards(ctx.tx, ctx.out, org, m.id, ctx.now);
  await ctx.reply(`已更正 ${meetingTitle(m)} 的考勤：${people.map((p) => p.name).join("、")} 为${FINAL_LABEL[final]}。`);
}

// ───────────────────────────── /不计应到 ─────────────────────────────

const EXCLUDE_EXAMPLE = "/不计应到 @刘洋 自费出国半年以上 机关党委 2026-02-10 2025年9月起在国外";

async function exclusionCommand(ctx: CommandContext) {
  const org = requireBranch(ctx);
  const actor = requireActor(ctx);
  if (!isCommittee(actor)) throw new PermissionError("只有支委可以登记不计入应到人数的党员。");
  const { people, words } = splitMentions(ctx.args, ctx.mentions);
  if (people.length === 0) {
    const list = await listExclusions(ctx.tx, org.id);
    await privately(
      ctx,
      (list.length
        ? `不计入应到会人数的正式党员（${list.length} 人）：\n${list.map((e) => `- ${e.name}：${EXCLUSION_GROUNDS[e.ground]}${e.note ? `（${e.note}）` : ""}，${approvalText(e)}，${formatDay(e.recordedAt, org.timezone)}登记`).join("\n")}`
        : "目前没有不计入应到会人数的党员。") +
        `\n依据：经上级党组织同意并经支部党员大会通过，以下五种情形的正式党员可不计入应到会人数（登记时用原词或序号）：${exclusionChoices()}。\n登记（情形、批准的上级党组织和日期、说明）：${EXCLUDE_EXAMPLE}\n撤销：/不计应到 撤销 @成员`,
    );
    return;
  }
  const member = await resolveMember(ctx.tx, org.id, people[0]!.openId, people[0]!.name);
  if (words[0] === "撤销") {
    const revoked = await revokeExclusion(ctx.tx, member.id, ctx.message.senderOpenId, ctx.now);
    await privately(ctx, revoked ? `已撤销：${member.name} 恢复计入应到会人数。` : `${member.name} 本来就计入应到会人数。`);
    return;
  }
  const ground = exclusionGroundOf(words[0] ?? "");
  if (!ground) {
    throw new UsageError(`${words[0] ? `「${echo(words[0])}」不是规定的五种情形之一，没有登记。` : "缺少情形。"}请用原词或序号：${exclusionChoices()}。公派出国、出国不满半年等不属于这五种情形，仍计入应到。`, EXCLUDE_EXAMPLE);
  }
  const approval = approvalOf(words.slice(1), dayOf(ctx.now, org.timezone));
  await recordExclusion(ctx.tx, org.id, member.id, ground, approval, approval.note, ctx.message.senderOpenId, ctx.now);
  await privately(ctx, `已登记：${member.name}（${EXCLUSION_GROUNDS[ground]}，${approval.by} ${approval.on} 批准）不计入党员大会应到会人数。此后的会议通知、纪要表决和周报在应到人数旁都会注明。`);
}

/** "机关党委 2026-02-10 说明…": the approving organisation, the day it approved, then a note. */
function approvalOf(words: string[], today: string): { by: string; on: string; note: string } {
  const at = words.findIndex((w) => parseDay(w) !== undefined);
  const by = words.slice(0, Math.max(at, 0)).join(" ").trim();
  if (at < 0 || !by) throw new UsageError("不计入应到会人数须经上级党组织同意：请写明批准的上级党组织和批准日期。", EXCLUDE_EXAMPLE);
  const on = parseDay(words[at]!)!;
  if (on > today) throw new UsageError(`批准日期 ${on} 晚于今天，请写已经批准的日期。`, EXCLUDE_EXAMPLE);
  return { by, on, note: words.slice(at + 1).join(" ") };
}

// ───────────────────────────── /会议规则 ─────────────────────────────

const RULES_EXAMPLE = "/会议规则 主题党日 每月5日";

const APPROVER_EXAMPLE = "/会议规则 请假审批 @张红";

/** /会议规则 请假审批 @某人 | 书记: who approves 请假 (issue #18 item 4). */
async function setLeaveApprover(ctx: CommandContext, org: OrgInfo) {
  const { people, words } = splitMentions(ctx.args.slice(1), ctx.mentions);
  const by = ctx.message.senderOpenId;
  if (!people.length && (words[0] === "书记" || words[0] === "默认")) {
    await saveLeaveApprover(ctx.tx, org.id, null, by, ctx.now);
    await ctx.reply("已设置：请假由书记审批（党小组会由组长审批）。");
    return;
  }
  if (people.length !== 1) throw new UsageError("请 @ 一位审批人，或写“书记”恢复由书记审批。", APPROVER_EXAMPLE);
  const member = await ctx.tx.member.findFirst({ where: { orgId: org.id, openId: people[0]!.openId, active: true } });
  if (!member || !member.post) throw new UsageError(`请假审批人须是本支部的支委，${people[0]!.name} 不是。`, APPROVER_EXAMPLE);
  await saveLeaveApprover(ctx.tx, org.id, member.id, by, ctx.now);
  await ctx.reply(`已设置：请假由 ${member.name} 审批（党小组会仍由组长审批；${member.name} 本人请假时由书记或其他支委审批）。`);
}

async function rulesCommand(ctx: CommandContext) {
  const org = ctx.org!;
  if (ctx.args.length === 0) {
    await ctx.reply(formatRulesText(await loadRules(ctx.tx, org.id), hasCommittee(await fullMemberCount(ctx.tx, org.id)), await leaveApproverName(ctx.tx, org.id)));
    return;
  }
  if (!isSecretary(ctx.actor)) throw new PermissionError("只有书记、副书记可以调整会议规则。发送 /会议规则 可查看当前规则。");
  const [what, ...values] = ctx.args;
  const by = ctx.message.senderOpenId;
  if (what === "默认" || what === "恢复默认") {
    await resetRules(ctx.tx, org.id, by, ctx.now);
    await ctx.reply("已恢复默认会议规则。");
    return;
  }
  if (what === "请假审批") {
    await setLeaveApprover(ctx, org);
    return;
  }
  if (what === "提醒") {
    if (values[0] === "关" || values[0] === "关闭") {
      await saveReminderOffsets(ctx.tx, org.id, [], by, ctx.now);
      await ctx.reply("已关闭会前群提醒（签到仍照常开放）。");
      return;
    }
    const offsets = values.map(parseOffset);
    if (offsets.length === 0 || offsets.some((o) => o === undefined || o > 7 * 1440)) {
      throw new UsageError("请写提前多久提醒，如 1天、2小时、30分钟（最多 7 天），可写多个。", "/会议规则 提醒 1天 1小时");
    }
    await saveReminderOffsets(ctx.tx, org.id, offsets as number[], by, ctx.now);
    await ctx.reply(`已设置：会前 ${(offsets as number[]).sort((a, b) => b - a).map(offsetLabel).join("、")} 在群里提醒（对之后安排的会议生效）。`);
    return;
  }
  const type: MeetingType | undefined = what ? TYPE_WORDS[what] : undefined;
  if (!type) throw new UsageError(`看不懂「${echo(what)}」。可调整：会议类型的频次、主题党日日期、提醒时间。`, RULES_EXAMPLE);
  const dayMatch = type === "theme_party_day" ? /^(?:每月)?(\d{1,2})[日号]$/.exec(values[0] ?? "") : null;
  if (dayMatch) {
    const day = Number(dayMatch[1]);
    if (day < 1 || day > 28) throw new UsageError("主题党日请选每月 1–28 日中的一天（每个月都有）。", RULES_EXAMPLE);
    await saveThemeDay(ctx.tx, org.id, day, by, ctx.now);
    await ctx.reply(`已设置：主题党日固定在每月 ${day} 日。`);
    return;
  }
  const frequency = FREQUENCY_WORDS[values[0] ?? ""];
  const allowed = ALLOWED_FREQUENCIES[type];
  if (!frequency) throw new UsageError(`请写频次：${allowed.map((f) => FREQUENCY_LABEL[f].replace("一次", "")).join("、")}。`, `/会议规则 ${what} ${FREQUENCY_LABEL[allowed[0]!].replace("一次", "")}`);
  if (!allowed.includes(frequency)) {
    throw new UsageError(
      `${TYPE_LABEL[type]}按规定不能少于${FREQUENCY_LABEL[allowed[allowed.length - 1]!]}，可选：${allowed.map((f) => FREQUENCY_LABEL[f]).join("、")}。`,
    );
  }
  await saveFrequency(ctx.tx, org.id, type, frequency, by, ctx.now);
  await ctx.reply(`已设置：${TYPE_LABEL[type]}${FREQUENCY_LABEL[frequency]}。发送 /计划 查看调整后的年度计划。`);
}

export function registerMeetingCommands(bot: Bot, deps: FlowDeps): void {
  bot
    .command({ name: "计划", aliases: ["plan"], group: GROUP, summary: "查看全年三会一课计划与完成情况（党委群：各下级支部情况）", usage: "/计划 [年份]", example: "/计划 2026", permission: "member", scope: "org", run: (ctx) => planCommand(bot, ctx) })
    .command({ name: "安排", aliases: ["schedule"], group: GROUP, summary: "安排会议（不带参数则发出填写表单）", usage: "/安排 <类型> <时间，如 下周五 14:30> [地点] [主题…] [主持 @成员] [记录 @成员] [主讲 @成员]", example: SCHEDULE_EXAMPLE, permission: "member", scope: "branch", access: "支委；党小组组长只能安排本小组的党小组会", run: (ctx) => scheduleCommand(deps, ctx) })
    .command({ name: "会议", aliases: ["meetings"], group: GROUP, summary: "查看近期会议；带编号则显示该会议的通知卡片", usage: "/会议 [#编号]", example: "/会议 #12", permission: "member", scope: "branch", run: meetingsCommand })
    .command({ name: "改期", aliases: ["reschedule"], group: GROUP, summary: "会议改期并通知应到人员", usage: "/改期 #编号 <新时间，如 下周五 14:30>", example: RESCHEDULE_EXAMPLE, permission: "member", scope: "branch", access: "支委；党小组组长只能改期本小组的党小组会", run: (ctx) => rescheduleCommand(deps, ctx) })
    .command({ name: "取消", aliases: ["cancel"], group: GROUP, summary: "取消会议并通知应到人员", usage: "/取消 #编号 <原因>", example: CANCEL_EXAMPLE, permission: "member", scope: "branch", access: "支委；党小组组长只能取消本小组的党小组会", run: (ctx) => cancelCommand(deps, ctx) })
    .command({ name: "参加", aliases: ["attend"], group: GROUP, summary: "回复参加会议（也可点通知卡片或回复通知）", usage: "/参加 [#编号]", example: "/参加 #12", permission: "member", scope: "any", access: "本人，只能回复本人应参加的会议", run: (ctx) => answerCommand("attending", ctx) })
    .command({ name: "请假", aliases: ["leave"], group: GROUP, summary: "请假并写明事由", usage: "/请假 [#编号] <事由>", example: LEAVE_EXAMPLE, permission: "member", scope: "any", access: "本人，只能回复本人应参加的会议", run: (ctx) => answerCommand("leave", ctx) })
    .command({ name: "补课", aliases: ["makeup"], group: GROUP, summary: "查看或登记补课（支委可为他人登记）", usage: "/补课 [#编号] [@成员]", example: "/补课 #12", permission: "member", scope: "any", access: "查看、登记本人补课：党员；为他人登记：支委", run: makeupCommand })
    .command({ name: "考勤", aliases: ["attendance"], group: GROUP, summary: "查看会议考勤明细（私信），或会后更正考勤", usage: "/考勤 #编号 [@成员 出席|请假|缺席]", example: ATTENDANCE_EXAMPLE, permission: "committee", scope: "branch", run: attendanceCommand })
    .command({ name: "不计应到", aliases: ["exclude"], group: GROUP, summary: "登记不计入党员大会应到人数的党员（五种情形）", usage: "/不计应到 [@成员 <情形> <批准的上级党组织> <批准日期> [说明] | 撤销 @成员]", example: EXCLUDE_EXAMPLE, permission: "committee", scope: "any", run: exclusionCommand })
    .command({ name: "主题库", aliases: ["themes"], group: GROUP, summary: "主题党日的主题库：查看，支委新增、删除（安排主题党日时须先定主题）", usage: "/主题库 [新增 <主题> | 删除 <编号>]", example: "/主题库 新增 重温入党誓词，参观党史馆", permission: "member", scope: "branch", access: "查看：党员；新增、删除：支委", run: themesCommand })
    .command({ name: "会议规则", aliases: ["rules"], group: GROUP, summary: "查看或调整会议频次、主题党日日期、提醒时间、请假审批人", usage: "/会议规则 [<类型> <频次> | 主题党日 每月N日 | 提醒 1天 1小时 | 请假审批 @支委 | 默认]", example: RULES_EXAMPLE, permission: "member", scope: "branch", access: "查看：党员；调整：书记、副书记", run: rulesCommand });
}
