import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { announcement, cardText, meetingRow, texts } from "../meetings/helpers.ts";

/**
 * Issue 22 item 3: near the monthly budget the bot sheds what can wait — live-count PATCHes and
 * digest invites — while notices keep going, the clicker still sees the newest state in the
 * click's answer, and the committee's secretary is told once, privately.
 * A budget of 30 calls: by Monday 2 March 10:00 the month's pace passes it within a few calls.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ env: { LARK_MONTHLY_CALL_BUDGET: "30" } });
});
afterAll(() => t.stop());

const patchesOf = (messageId: string) => t.fake.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/messages/${messageId}`)).length;

describe("near the monthly budget", () => {
  it("still sends the notice, sheds the live PATCH of an answer typed in the chat, and the next click shows the newest state", async () => {
    const { s1, m1, m2 } = t.people;
    await t.say(s1, t.chats.branch1, "/安排 党员大会 2026-03-12 14:30 三楼会议室 学习党章");
    await t.say(s1, t.chats.branch1, "/帮助");
    const ann = announcement(t, t.chats.branch1, 1);
    await t.say(m1, t.chats.branch1, "/参加 #1");
    expect(patchesOf(ann.messageId)).toBe(0);
    const shed = await t.runtime.db.outboxMessage.findMany({ where: { status: "shed" } });
    expect(shed.map((r) => r.kind)).toEqual(["patch"]);
    const meetingId = (await meetingRow(t, 1, t.chats.branch1)).id;
    const answer = await t.click(m2, ann, { a: "meetings.rsvp", m: meetingId, r: "attending" });
    expect(cardText({ msgType: "interactive", content: answer.card } as never)).toContain("参加 2 人");
    expect(cardText(t.fake.message(ann.messageId)!)).toContain("参加 2 人");
  });

  it("tells the committee's secretary once, privately, what is left out", async () => {
    await t.say(t.people.m3, t.chats.branch1, "/参加 #1");
    await t.settle();
    const notices = texts(t, t.people.committeeSecretary.openId).filter((x) => x.includes("【API 用量提醒】"));
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("每月额度 30 次");
    expect(notices[0]).toContain("不再实时更新卡片上的回复和签到人数");
    expect(texts(t, t.chats.committee).some((x) => x.includes("API 用量"))).toBe(false);
  });
});
