import { createHash } from "node:crypto";
import type { JobContext } from "../../app/jobs.ts";
import { attendanceOf, loadMeeting } from "./service.ts";
import { meetingTitle } from "./view.ts";

/**
 * The Feishu calendar, as a port: the Lark gateway implements it (src/lark/gateway.ts) and the
 * runtime passes it in only when LARK_CALENDAR=on. Calls happen in a job, outside transactions.
 */
export interface CalendarEventData {
  summary: string;
  description: string;
  startAt: Date;
  endAt: Date;
  timezone: string;
  location?: string;
}

export interface MeetingCalendar {
  /** Creates an event on the bot's primary calendar (idempotent per key); returns its id. */
  createCalendarEvent(data: CalendarEventData, idempotencyKey: string): Promise<string>;
  updateCalendarEvent(eventId: string, data: CalendarEventData): Promise<void>;
  /** Deletes the event; an event already gone counts as done. */
  cancelCalendarEvent(eventId: string): Promise<void>;
  addCalendarAttendees(eventId: string, openIds: string[]): Promise<void>;
}

export const CALENDAR_JOB = "meetings.calendar";

/** Stable per branch chat and meeting number, so a retried create never makes a second event. */
function idempotencyKey(chatId: string, seqNo: number): string {
  return `zhibu-${createHash("sha256").update(`${chatId}#${seqNo}`).digest("hex").slice(0, 26)}`;
}

/** Brings the calendar event in line with the meeting as it is now (created, moved or cancelled). */
export async function calendarSyncJob(ctx: JobContext, calendar: MeetingCalendar): Promise<void> {
  const meeting = await loadMeeting(ctx.db, Number(ctx.payload.meetingId));
  if (!meeting) return;
  const org = await ctx.db.partyOrg.findUniqueOrThrow({ where: { id: meeting.orgId } });
  if (meeting.status === "cancelled") {
    if (meeting.calendarEventId) await calendar.cancelCalendarEvent(meeting.calendarEventId);
    return;
  }
  const data: CalendarEventData = {
    summary: `${org.name} ${meetingTitle(meeting)}`,
    description: [
      meeting.topic ? `主题：${meeting.topic}` : "",
      meeting.chair ? `主持人：${meeting.chair.name}` : "",
      meeting.lecturer ? `主讲人：${meeting.lecturer.name}` : "",
      "请在支部群的会议通知卡片上回复参加或请假。",
    ].filter(Boolean).join("\n"),
    startAt: meeting.startAt,
    endAt: meeting.endAt,
    timezone: org.timezone,
    location: meeting.place ?? undefined,
  };
  let eventId = meeting.calendarEventId;
  if (eventId) await calendar.updateCalendarEvent(eventId, data);
  else eventId = await calendar.createCalendarEvent(data, idempotencyKey(org.chatId, meeting.seqNo));
  const invitees = (await attendanceOf(ctx.db, meeting.id)).filter((r) => r.expected).map((r) => r.openId);
  if (invitees.length) await calendar.addCalendarAttendees(eventId, invitees);
  await ctx.commit(async (tx) => {
    await tx.meeting.updateMany({ where: { id: meeting.id, calendarEventId: null }, data: { calendarEventId: eventId } });
  });
}
