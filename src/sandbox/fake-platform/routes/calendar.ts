import { createHash } from "node:crypto";
import type { PlatformContext } from "../context.ts";
import { ApiError } from "../errors.ts";
import { isRecord, ok, str, type ApiRequest, type ApiResponse, type Router } from "../http.ts";
import { newCalendarEventId, randomHex } from "../ids.ts";
import type { FakeAttendee, FakeCalendarEvent } from "../types.ts";

/** The bot's primary calendar id: stable per app, shaped like Feishu's. */
export function botCalendarId(appId: string): string {
  return `feishu.cn_${createHash("sha256").update(appId).digest("hex").slice(0, 22)}@group.calendar.feishu.cn`;
}

const invalid = (detail: string): ApiError => new ApiError(400, 190002, `invalid parameters in request: ${detail}`);

export function registerCalendarRoutes(router: Router, ctx: PlatformContext): void {
  const primary = (): ApiResponse => ok({ calendars: [{ calendar: calendarView(ctx), user_id: ctx.opts.botOpenId }] });
  // The SDK's calendar.v4.calendar.primary is a POST; GET is accepted too for hand-written calls.
  router.on("POST", "/open-apis/calendar/v4/calendars/primary", primary);
  router.on("GET", "/open-apis/calendar/v4/calendars/primary", primary);
  const events = "/open-apis/calendar/v4/calendars/:calendar_id/events";
  router.on("POST", events, (req) => createEvent(ctx, req));
  router.on("GET", `${events}/:event_id`, (req) => ok({ event: eventView(requireEvent(ctx, req)) }));
  router.on("PATCH", `${events}/:event_id`, (req) => patchEvent(ctx, req));
  router.on("DELETE", `${events}/:event_id`, (req) => deleteEvent(ctx, req));
  router.on("POST", `${events}/:event_id/attendees`, (req) => addAttendees(ctx, req));
}

function calendarView(ctx: PlatformContext): Record<string, unknown> {
  return {
    calendar_id: botCalendarId(ctx.opts.appId),
    summary: ctx.opts.botName,
    description: "",
    permissions: "private",
    color: -1,
    type: "primary",
    summary_alias: "",
    is_deleted: false,
    is_third_party: false,
    role: "owner",
  };
}

function requireCalendar(ctx: PlatformContext, calendarId: string | undefined): string {
  if (calendarId !== botCalendarId(ctx.opts.appId)) throw new ApiError(400, 191001, "invalid calendar_id");
  return calendarId;
}

function createEvent(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const calendarId = requireCalendar(ctx, req.params.calendar_id);
  const key = req.query.get("idempotency_key") ?? undefined;
  const existing = key ? ctx.world.calendarEvents.find((e) => e.calendarId === calendarId && e.idempotencyKey === key) : undefined;
  if (existing) return ok({ event: eventView(existing) });
  checkTimes(req.body);
  const event: FakeCalendarEvent = {
    eventId: newCalendarEventId(),
    calendarId,
    idempotencyKey: key,
    data: { ...req.body },
    attendees: [],
    deleted: false,
    createTime: ctx.nowMs(),
  };
  ctx.world.calendarEvents.push(event);
  ctx.world.emit({ kind: "calendar", id: event.eventId });
  return ok({ event: eventView(event) });
}

function requireEvent(ctx: PlatformContext, req: ApiRequest): FakeCalendarEvent {
  const calendarId = requireCalendar(ctx, req.params.calendar_id);
  const event = ctx.world.calendarEvents.find((e) => e.calendarId === calendarId && e.eventId === req.params.event_id);
  if (!event || event.deleted) throw new ApiError(400, 193001, "event not found");
  return event;
}

function patchEvent(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const event = requireEvent(ctx, req);
  const merged = { ...event.data, ...req.body };
  checkTimes(merged);
  event.data = merged;
  ctx.world.emit({ kind: "calendar", id: event.eventId });
  return ok({ event: eventView(event) });
}

function deleteEvent(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const event = requireEvent(ctx, req);
  event.deleted = true;
  ctx.world.emit({ kind: "calendar", id: event.eventId });
  return ok({});
}

function addAttendees(ctx: PlatformContext, req: ApiRequest): ApiResponse {
  const event = requireEvent(ctx, req);
  const idType = req.query.get("user_id_type") ?? "open_id";
  const list = req.body.attendees;
  if (!Array.isArray(list) || list.length === 0) throw invalid("attendees is required");
  const added = list.map((raw) => toAttendee(ctx, raw, idType));
  for (const a of added) {
    const same = event.attendees.find((x) => x.type === a.type && x.user_id === a.user_id && x.chat_id === a.chat_id);
    if (!same) event.attendees.push(a);
  }
  ctx.world.emit({ kind: "calendar", id: event.eventId });
  return ok({ attendees: added.map((a) => attendeeView(ctx, a)) });
}

function toAttendee(ctx: PlatformContext, raw: unknown, idType: string): FakeAttendee {
  if (!isRecord(raw)) throw invalid("attendee must be an object");
  const base = { attendee_id: `user_${randomHex(8)}`, rsvp_status: "needs_action", is_optional: raw.is_optional === true };
  if (raw.type === "user") {
    const user = ctx.world.findUser(str(raw.user_id) ?? "", idType);
    if (!user) throw invalid(`unknown user ${String(raw.user_id)}`);
    return { ...base, type: "user", user_id: user.openId };
  }
  if (raw.type === "chat") {
    if (!ctx.world.chats.has(str(raw.chat_id) ?? "")) throw invalid(`unknown chat ${String(raw.chat_id)}`);
    return { ...base, type: "chat", chat_id: str(raw.chat_id), attendee_id: `chat_${randomHex(8)}` };
  }
  if (raw.type === "third_party") return { ...base, type: "third_party", third_party_email: str(raw.third_party_email) };
  throw invalid(`unsupported attendee type ${String(raw.type)}`);
}

/** Feishu wants `timestamp` in SECONDS (string); a millisecond value is the classic mistake, so reject it. */
function checkTimes(data: Record<string, unknown>): void {
  const seconds = ["start_time", "end_time"].map((field) => {
    const t = data[field];
    if (!isRecord(t)) throw invalid(`${field} is required`);
    if (t.date !== undefined) return Date.parse(String(t.date)) / 1000;
    const ts = str(t.timestamp);
    if (!ts || !/^\d{1,10}$/.test(ts)) throw invalid(`${field}.timestamp must be a string of seconds`);
    return Number(ts);
  });
  const [start = 0, end = 0] = seconds;
  if (end < start) throw invalid("end_time is before start_time");
}

function eventView(e: FakeCalendarEvent): Record<string, unknown> {
  return {
    ...e.data,
    event_id: e.eventId,
    organizer_calendar_id: e.calendarId,
    status: e.deleted ? "cancelled" : "confirmed",
    create_time: String(Math.floor(e.createTime / 1000)),
  };
}

function attendeeView(ctx: PlatformContext, a: FakeAttendee): Record<string, unknown> {
  const name = a.user_id ? ctx.world.users.get(a.user_id)?.name : a.chat_id ? ctx.world.chats.get(a.chat_id)?.name : undefined;
  return { ...a, is_organizer: false, is_external: false, display_name: name ?? "" };
}
