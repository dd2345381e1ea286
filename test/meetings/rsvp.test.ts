import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { announcement, cardText, lastText, meetingRow, texts } from "./helpers.ts";

let t: TestBot;
let meetingId: number;
beforeAll(async () => {
  t = await startTestBot();
  await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-10 14:30 三楼会议室 学习贯彻全会精神");
  meetingId = (await meetingRow(t, 1, t.chats.branch1)).id;
});
afterAll(() => t.stop());

const card = () => cardText(announcement(t, t.chats.branch1, 1));
const rsvpOf = async (openId: string) => (await meetingRow(t, 1, t.chats.branch1)).attendance.find((a) => a.member.openId === openId);

describe("参加 / 请假 on the announcement card", () => {
  it("counts a 参加 click and patches the card for everyone", async () => {
    const result = await t.click(t.people.m1, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "attending" });
    expect(JSON.stringify(result.toast)).toContain("已记录：您将参加 #1 支部党员大会");
    expect(card()).toContain("参加 1 人 · 请假 0 人 · 未回复 9 人");
    expect((await rsvpOf(t.people.m1.openId))?.rsvp).toBe("attending");
  });

  it("counts a redelivered click once, and a second click by the same person once", async () => {
    const first = await t.click(t.people.m2, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "attending" });
    await t.fake.redeliver(first.raw);
    await t.settle();
    const again = await t.click(t.people.m2, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "attending" });
    expect(JSON.stringify(again.toast)).toContain("无需重复");
    expect(card()).toContain("参加 2 人 · 请假 0 人 · 未回复 8 人");
    const rows = (await meetingRow(t, 1, t.chats.branch1)).attendance.filter((a) => a.member.openId === t.people.m2.openId);
    expect(rows).toHaveLength(1);
  });

  it("takes 请假 with a reason from the card form, keeps it for the chair's day-before summary, and shows only the name in the group", async () => {
    await t.click(t.people.m3, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "leave" }, { reason: "到外地出差" });
    expect(card()).toContain("请假 1 人");
    expect(card()).toContain("请假：杨帆");
    expect(card()).not.toContain("到外地出差");
    // The chair hears of leave requests in one 【请假汇总】 with the first reminder (test/budget/meeting-calls.test.ts).
    expect(texts(t, t.people.s1.openId).some((x) => x.includes("【请假】杨帆"))).toBe(false);
    expect((await rsvpOf(t.people.m3.openId))?.leaveReason).toBe("到外地出差");
  });

  it("refuses 请假 without a reason and leaves the answer unchanged", async () => {
    const result = await t.click(t.people.m1, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "leave" }, { reason: "  " });
    expect(JSON.stringify(result.toast)).toContain("请假需要写明事由");
    expect((await rsvpOf(t.people.m1.openId))?.rsvp).toBe("attending");
  });

  it("lets a 预备党员 answer, and refuses someone who is not expected", async () => {
    await t.click(t.people.pr1, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "attending" });
    expect((await rsvpOf(t.people.pr1.openId))?.rsvp).toBe("attending");
    const outsider = await t.click(t.people.nm1, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "attending" });
    expect(JSON.stringify(outsider.toast)).toContain("只有党员");
  });
});

describe("answers typed in the chat", () => {
  it("takes a reply to the announcement: 请假 with its reason", async () => {
    const ann = announcement(t, t.chats.branch1, 1);
    await t.say(t.people.m4, t.chats.branch1, "请假 孩子生病住院", { parentId: ann.messageId });
    expect(lastText(t, t.chats.branch1)).toContain("已提交请假：#1 支部党员大会，待批准");
    expect((await rsvpOf(t.people.m4.openId))?.leaveReason).toBe("孩子生病住院");
    expect(card()).toContain("请假 2 人");
  });

  it("asks for a reason when a reply says only 请假, and ignores unrelated replies", async () => {
    const ann = announcement(t, t.chats.branch1, 1);
    await t.say(t.people.m5, t.chats.branch1, "请假", { parentId: ann.messageId });
    expect(lastText(t, t.chats.branch1)).toContain("请假需要写明事由");
    expect((await rsvpOf(t.people.m5.openId))?.rsvp).toBeNull();
    const before = t.botMessages(t.chats.branch1).length;
    await t.say(t.people.m5, t.chats.branch1, "会议室在几楼？", { parentId: ann.messageId });
    expect(t.botMessages(t.chats.branch1).length).toBe(before);
  });

  it("takes a reply 参加, and a /请假 command in a private chat", async () => {
    await t.say(t.people.m5, t.chats.branch1, "参加", { parentId: announcement(t, t.chats.branch1, 1).messageId });
    expect((await rsvpOf(t.people.m5.openId))?.rsvp).toBe("attending");
    await t.say(t.people.d1, "p2p", "/请假 #1 参加上级培训");
    expect(lastText(t, t.people.d1.openId)).toContain("已提交请假");
    expect((await rsvpOf(t.people.d1.openId))?.leaveReason).toBe("参加上级培训");
  });

  it("lets a /参加 without a number find the one meeting that expects the person", async () => {
    await t.say(t.people.x1, t.chats.branch1, "/参加");
    expect(lastText(t, t.chats.branch1)).toContain("已记录：您将参加 #1");
    expect(card()).toContain("未回复 2 人"); // 王建国, 李明
  });
});
