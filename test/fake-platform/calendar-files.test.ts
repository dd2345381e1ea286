import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { axiosFailure, seedGroup, startPlatform, type Setup } from "./helpers.ts";

describe("fake platform: calendar and uploads", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await startPlatform();
    seedGroup(s.platform);
  });
  afterEach(() => s.platform.close());

  it("serves the SDK's calendar.primary (a POST) and creates events idempotently with attendees", async () => {
    const primary = await s.client.calendar.v4.calendar.primary({ params: { user_id_type: "open_id" } });
    const calendarId = primary.data?.calendars?.[0]?.calendar?.calendar_id ?? "";
    expect(calendarId).toBe(s.platform.botCalendarId);
    const create = () =>
      s.client.calendar.v4.calendarEvent.create({
        path: { calendar_id: calendarId },
        params: { idempotency_key: "meeting-2025-03" },
        data: {
          summary: "三月主题党日",
          start_time: { timestamp: "1741831200", timezone: "Asia/Shanghai" },
          end_time: { timestamp: "1741838400", timezone: "Asia/Shanghai" },
        },
      });
    const first = await create();
    const second = await create();
    const eventId = first.data?.event?.event_id ?? "";
    expect(second.data?.event?.event_id).toBe(eventId);
    expect(s.platform.calendarEvents).toHaveLength(1);
    const attendees = await s.client.calendar.v4.calendarEventAttendee.create({
      path: { calendar_id: calendarId, event_id: eventId },
      params: { user_id_type: "open_id" },
      data: { attendees: [{ type: "user", user_id: "ou_user_001" }, { type: "chat", chat_id: "oc_group1" }], need_notification: true },
    });
    expect(attendees.data?.attendees?.map((a) => a.type)).toEqual(["user", "chat"]);
    expect(s.platform.calendarEvents[0]?.attendees.map((a) => a.user_id ?? a.chat_id)).toEqual(["ou_user_001", "oc_group1"]);
    await s.client.calendar.v4.calendarEvent.patch({ path: { calendar_id: calendarId, event_id: eventId }, data: { summary: "改期" } });
    expect(s.platform.calendarEvents[0]?.data.summary).toBe("改期");
    await s.client.calendar.v4.calendarEvent.delete({ path: { calendar_id: calendarId, event_id: eventId } });
    expect(s.platform.calendarEvents[0]?.deleted).toBe(true);
  });

  it("rejects millisecond timestamps in calendar events", async () => {
    const failure = await axiosFailure(
      s.client.calendar.v4.calendarEvent.create({
        path: { calendar_id: s.platform.botCalendarId },
        data: { start_time: { timestamp: "1741831200000" }, end_time: { timestamp: "1741838400000" } },
      }),
    );
    expect(failure.data.code).toBe(190002);
    expect(s.platform.calendarEvents).toHaveLength(0);
  });

  it("accepts multipart uploads from im.v1.file.create and im.v1.image.create", async () => {
    const bytes = Buffer.from("会议纪要\n".repeat(100));
    const file = await s.client.im.v1.file.create({ data: { file_type: "stream", file_name: "纪要.txt", file: bytes } });
    expect(file?.file_key).toMatch(/^file_v3_/);
    const stored = s.platform.files.get(file?.file_key ?? "");
    expect(stored).toMatchObject({ kind: "file", name: "纪要.txt", size: bytes.length, fileType: "stream" });
    const image = await s.client.im.v1.image.create({ data: { image_type: "message", image: Buffer.from([0x89, 0x50, 0x4e, 0x47]) } });
    expect(image?.image_key).toMatch(/^img_v3_/);
    expect(s.platform.files.get(image?.image_key ?? "")?.size).toBe(4);
  });
});
