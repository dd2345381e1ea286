import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { announcement, cardText, cardsWith, meetingRow } from "../meetings/helpers.ts";

/**
 * Issue 22 item 2: a free Feishu tenant has 10,000 API calls a month for all its apps, so the bot
 * spends a call only where a person sees a difference. A click's own change goes back in the
 * click's answer (free); a PATCH that would show what the card already shows is not sent.
 * Test clock: Monday 2026-03-02 10:00 (Beijing).
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const patchesOf = (messageId: string) => t.fake.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/messages/${messageId}`)).length;
const allPatches = () => t.fake.calls.filter((c) => c.method === "PATCH" && /\/messages\/[^/]+$/.test(c.path)).length;

describe("a click on a card", () => {
  it("gets the card's new state in its answer, and the card is not PATCHed", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-04 14:30 三楼会议室 学习党章");
    await t.settle();
    const ann = announcement(t, t.chats.branch1, 1);
    const meetingId = (await meetingRow(t, 1, t.chats.branch1)).id;
    const before = patchesOf(ann.messageId);
    const answer = await t.click(t.people.m1, ann, { a: "meetings.rsvp", m: meetingId, r: "attending" });
    await t.settle();
    expect(JSON.stringify(answer.toast)).toContain("已记录");
    expect(answer.card, "the answer carries the updated card").toBeDefined();
    expect(cardText(t.fake.message(ann.messageId)!)).toMatch(/参加\D*1/);
    expect(patchesOf(ann.messageId)).toBe(before);
  });

  it("a second 参加 from the same person is answered with the same card and sends nothing", async () => {
    await t.settle();
    const ann = announcement(t, t.chats.branch1, 1);
    const meetingId = (await meetingRow(t, 1, t.chats.branch1)).id;
    const calls = t.fake.calls.length;
    const rows = await t.runtime.db.outboxMessage.count({ where: { status: { not: "answered" } } });
    const again = await t.click(t.people.m1, ann, { a: "meetings.rsvp", m: meetingId, r: "attending" });
    await t.settle();
    expect(again.toast).toBeDefined();
    expect(await t.runtime.db.outboxMessage.count({ where: { status: { not: "answered" } } })).toBe(rows);
    expect(t.fake.calls.length).toBe(calls);
  });
});

describe("a change that shows nothing new", () => {
  it("sends no PATCH: signing in changes the sign-in card (in the answer), not the notice", async () => {
    await t.advance(2 * 24 * 3600_000 + 4 * 3600_000 + 20 * 60_000); // Wednesday 14:20, sign-in open
    await t.settle();
    const signin = cardsWith(t, t.chats.branch1, "会议签到 · #1")[0]!;
    const meetingId = (await meetingRow(t, 1, t.chats.branch1)).id;
    const before = allPatches();
    const answer = await t.click(t.people.m1, signin, { a: "meetings.signin", m: meetingId });
    await t.settle();
    expect(JSON.stringify(answer.toast)).toContain("签到成功");
    expect(cardText(t.fake.message(signin.messageId)!)).toContain("已签到 1 人");
    expect(allPatches()).toBe(before);
  });
});
