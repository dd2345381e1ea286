import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { meetingRow } from "./helpers.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ env: { LARK_CALENDAR: "on" } });
});
afterAll(() => t.stop());

const seconds = (iso: string) => String(new Date(iso).getTime() / 1000);

describe("meetings on the Feishu calendar (LARK_CALENDAR=on)", () => {
  it("creates an event with the expected attendees invited", async () => {
    await t.say(t.people.o1, t.chats.branch1, "/安排 党小组会 2026-03-11 19:00 第一党小组 活动室 学习讨论");
    const [event] = t.fake.calendarEvents;
    expect(t.fake.calendarEvents).toHaveLength(1);
    expect(event!.data.summary).toBe("机关第一党支部 #1 党小组会（第一党小组）");
    expect((event!.data.start_time as { timestamp: string }).timestamp).toBe(seconds("2026-03-11T19:00:00+08:00"));
    expect(event!.attendees.map((a) => a.user_id).sort()).toEqual([t.people.o1, t.people.m1, t.people.m2, t.people.m3].map((p) => p.openId).sort());
    expect((await meetingRow(t, 1, t.chats.branch1)).calendarEventId).toBe(event!.eventId);
  });

  it("moves the event when the meeting is rescheduled, and deletes it when cancelled", async () => {
    await t.say(t.people.o1, t.chats.branch1, "/改期 #1 2026-03-12 19:30");
    expect(t.fake.calendarEvents).toHaveLength(1);
    expect((t.fake.calendarEvents[0]!.data.start_time as { timestamp: string }).timestamp).toBe(seconds("2026-03-12T19:30:00+08:00"));
    await t.say(t.people.o1, t.chats.branch1, "/取消 #1 组长出差");
    expect(t.fake.calendarEvents[0]!.deleted).toBe(true);
  });
});
