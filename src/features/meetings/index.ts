import type { Bot } from "../../app/bot.ts";
import { registerMeetingActions } from "./actions.ts";
import { CALENDAR_JOB, calendarSyncJob, type MeetingCalendar } from "./calendar.ts";
import { registerMeetingCommands } from "./commands.ts";
import { registerMeetingJobs } from "./jobs.ts";
import { registerMeetingReplies } from "./replies.ts";
import { meetingSections } from "./digest.ts";
import { MEETING_WARNING_RULES } from "./warnings.ts";
import { appraisalStatusProvider } from "./hooks.ts";
import type { DigestSections, WarningRules } from "../digest/index.ts";

/**
 * 三会一课: plans, scheduling, answers, reminders, sign-in, attendance and quorum.
 * For other features: see hooks.ts (onMeetingEnded, setAppraisalStatus), plan.ts (branchPlan,
 * yearPlan), rules.ts (periods, frequencies, buildPlan), quorum.ts (checkMotion …) and
 * service.ts (meetingQuorum, attendanceOf, loadMeeting, meetingBySeq).
 */
export function registerMeetings(bot: Bot, opts: { calendar?: MeetingCalendar; sections?: DigestSections; warnings?: WarningRules } = {}): void {
  opts.sections?.register(meetingSections(() => appraisalStatusProvider(bot)));
  for (const rule of MEETING_WARNING_RULES) opts.warnings?.register(rule);
  const deps = { calendar: !!opts.calendar };
  registerMeetingCommands(bot, deps);
  registerMeetingActions(bot, deps);
  registerMeetingReplies(bot);
  registerMeetingJobs(bot);
  const calendar = opts.calendar;
  // Registered even when the calendar is off, so jobs left from a run with it on finish quietly.
  bot.job(CALENDAR_JOB, async (ctx) => {
    if (calendar) await calendarSyncJob(ctx, calendar);
    else ctx.log.info("calendar disabled (LARK_CALENDAR); meeting calendar sync skipped");
  });
}

export { onMeetingEnded, setAppraisalStatus, type MeetingEndedEvent } from "./hooks.ts";
export { branchPlan, plansFor, yearPlan } from "./plan.ts";
export { checkMotion, majorityOf, quorumMet, quorumSentence } from "./quorum.ts";
export { buildPlan, effectiveRules, hasCommittee, periodAt, periodsOf } from "./rules.ts";
export { attendanceOf, countAttendance, loadMeeting, meetingBySeq, meetingQuorum } from "./service.ts";
