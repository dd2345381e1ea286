import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { announcement, cardText, cardsWith, lastText, meetingRow, texts } from "./helpers.ts";

// The test clock starts on Monday 2026-03-02 09:00 (Beijing).
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("/安排 by command", () => {
  it("announces a 党员大会 with time, place, topic, chair, expected attendees and live counts", async () => {
    const asked = await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-10 14:30 三楼会议室 学习贯彻全会精神");
    const card = announcement(t, t.chats.branch1, 1);
    expect(card.parentId).toBe(asked.messageId);
    const text = cardText(card);
    expect(text).toContain("会议通知 · #1 支部党员大会");
    expect(text).toContain("3月10日（周二）14:30–16:00");
    expect(text).toContain("三楼会议室");
    expect(text).toContain("学习贯彻全会精神");
    expect(text).toContain("王建国"); // the secretary chairs by default
    expect(text).toMatch(/记录人\*\*\s*李明/); // the 组织委员 records unless someone is named
    // The scheduler is told who records, and that it is the default — before anyone relies on it.
    expect(lastText(t, t.chats.branch1)).toContain("记录人：李明（未指定时默认由组织委员记录，未设组织委员的由书记记录）");
    expect(lastText(t, t.chats.branch1)).not.toContain("不足 3 天");
    expect(text).toContain("全体党员（含预备党员） 10 人"); // 9 正式 + 1 预备, not the 非党员
    expect(text).toContain("参加 0 人 · 请假 0 人 · 未回复 10 人");
    const row = await meetingRow(t, 1, t.chats.branch1);
    expect(row.attendance.filter((a) => a.expected)).toHaveLength(10);
    expect(row.attendance.some((a) => a.member.openId === t.people.nm1.openId)).toBe(false);
  });

  it("explains a time in the past, with an example", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 党课 2026-03-01 14:30 会议室 主讲 @李明", { mentions: [t.people.o1] });
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("已经过去了");
    expect(text).toContain("正确示例：/安排");
  });

  it("refuses an overlap with another meeting of the branch, naming it", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 主题党日 2026-03-10 15:00 党员活动室");
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("与已安排的 #1 支部党员大会");
    expect(text).toContain("时间重叠");
  });

  it("refuses a 支委会 in a branch with fewer than 7 正式党员", async () => {
    await t.say(t.people.s2, t.chats.branch2, "/安排 支委会 2026-03-11 09:00 办公室");
    const text = lastText(t, t.chats.branch2);
    expect(text).toContain("不足 7 人");
    expect(text).toContain("不设支部委员会");
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch2 } });
    expect(await t.runtime.db.meeting.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("requires a lecturer for a 党课", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 党课 2026-03-12 15:00 三楼会议室 党史专题");
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("党课需要指定主讲人");
    expect(text).toContain("主讲 @");
  });

  it("lets only the committee schedule, and says who may", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/安排 党员大会 2026-03-20 14:30 会议室");
    expect(lastText(t, t.chats.branch1)).toContain("只有支委");
  });

  it("explains an unknown meeting type", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 茶话会 2026-03-20 14:30");
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("不认识会议类型「茶话会」");
    expect(text).toContain("党员大会、支委会、党小组会、党课、主题党日、组织生活会");
  });

  it("schedules a 党小组会 for the named group, expecting only that group", async () => {
    await t.say(t.people.o1, t.chats.branch1, "/安排 党小组会 2026-03-11 19:00 第一党小组 活动室 学习讨论");
    const card = announcement(t, t.chats.branch1, 2);
    expect(cardText(card)).toContain("#2 党小组会（第一党小组）");
    expect(cardText(card)).toContain("第一党小组成员 4 人"); // 李明 (leader) + 刘洋, 陈静, 杨帆
  });
});

describe("/安排 by form", () => {
  it("sends a form, and submitting it posts the announcement and closes the form", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排");
    const form = cardsWith(t, t.chats.branch1, "安排会议")[0]!;
    expect(cardText(form)).toContain("主讲人");
    const missing = await t.click(t.people.s1, form, { a: "meetings.create" }, { type: "party_lesson", start: "2026-03-12 15:00 +0800", place: "三楼会议室" });
    expect(JSON.stringify(missing.toast)).toContain("党课需要指定主讲人");
    const result = await t.click(t.people.s1, form, { a: "meetings.create" }, {
      type: "party_lesson",
      start: "2026-03-12 15:00 +0800",
      duration: "120",
      place: "https://vc.feishu.cn/j/123456",
      topic: "党史专题",
      lecturer: t.people.x1.openId,
      recorder: t.people.d1.openId,
    });
    expect(JSON.stringify(result.toast)).toContain("已安排 党课 #3");
    const done = t.fake.messagesIn(t.chats.branch1).find((m) => m.messageId === form.messageId)!;
    expect(cardText(done)).toContain("已安排 #3 党课");
    const card = cardText(announcement(t, t.chats.branch1, 3));
    expect(card).toContain("主讲人");
    expect(card).toContain("张红");
    expect(card).toContain("赵强");
    expect(card).toContain("15:00–17:00");
  });

  it("does not offer a 支委会 to a branch without a committee", async () => {
    await t.say(t.people.s2, t.chats.branch2, "/安排");
    const form = cardsWith(t, t.chats.branch2, "安排会议")[0]!;
    const types = JSON.stringify(form.content);
    expect(types).toContain("branch_general_meeting");
    expect(types).not.toContain("branch_committee_meeting");
  });
});

describe("/会议, /改期 and /取消", () => {
  it("lists upcoming meetings with their numbers and counts", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/会议");
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("#1 支部党员大会");
    expect(text).toContain("#3 党课");
    expect(text).toContain("未回复 10");
  });

  it("reschedules: new reminders, a patched card, the group and every expected attendee told", async () => {
    const before = await t.runtime.db.job.findMany({ where: { key: { startsWith: "meeting:" }, status: "pending" } });
    const meeting = await meetingRow(t, 1, t.chats.branch1);
    expect(before.some((j) => j.key.startsWith(`meeting:${meeting.id}:v1:`))).toBe(true);
    await t.say(t.people.s1, t.chats.branch1, "/改期 #1 2026-03-13 09:00");
    expect(lastText(t, t.chats.branch1)).toContain("已将 #1 支部党员大会 改到 3月13日（周五）09:00");
    const card = cardText(announcement(t, t.chats.branch1, 1));
    expect(card).toContain("3月13日（周五）09:00–10:30");
    expect(card).toContain("已改期（原定 3月10日（周二）14:30）");
    expect(texts(t, t.chats.branch1).some((x) => x.includes("【会议改期】#1 支部党员大会"))).toBe(true);
    expect(texts(t, t.people.m5.openId).some((x) => x.includes("【会议改期】"))).toBe(true);
    const jobs = await t.runtime.db.job.findMany({ where: { key: { startsWith: `meeting:${meeting.id}:` } } });
    expect(jobs.filter((j) => j.key.includes(":v1:")).every((j) => j.status === "cancelled")).toBe(true);
    expect(jobs.filter((j) => j.key.includes(":v2:") && j.status === "pending").length).toBeGreaterThanOrEqual(4);
  });

  it("refuses a reschedule onto another meeting, and a reschedule by an ordinary member", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/改期 #1 2026-03-12 15:30");
    expect(lastText(t, t.chats.branch1)).toContain("与已安排的 #3 党课");
    await t.say(t.people.m2, t.chats.branch1, "/改期 #1 2026-03-20 09:00");
    expect(lastText(t, t.chats.branch1)).toContain("只有支委");
  });

  it("cancels with a required reason, patching the card and telling everyone", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/取消 #3");
    expect(lastText(t, t.chats.branch1)).toContain("取消会议需要写明原因");
    await t.say(t.people.s1, t.chats.branch1, "/取消 #3 主讲人临时出差，另行安排");
    const card = cardText(announcement(t, t.chats.branch1, 3));
    expect(card).toContain("会议已取消：主讲人临时出差，另行安排");
    expect(card).not.toContain("请假事由");
    expect(texts(t, t.people.m1.openId).some((x) => x.includes("【会议取消】") && x.includes("主讲人临时出差"))).toBe(true);
    const meeting = await meetingRow(t, 3, t.chats.branch1);
    expect(await t.runtime.db.job.count({ where: { key: { startsWith: `meeting:${meeting.id}:` }, status: "pending" } })).toBe(0);
    await t.say(t.people.s1, t.chats.branch1, "/改期 #3 2026-03-20 09:00");
    expect(lastText(t, t.chats.branch1)).toContain("已经取消了");
  });

  it("answers /会议 #N with a copy of the card that is kept up to date too", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/会议 #1");
    const copy = t.lastBotMessage(t.chats.branch1)!;
    expect(cardText(copy)).toContain("会议通知 · #1 支部党员大会");
    await t.click(t.people.m1, copy, { a: "meetings.rsvp", m: (await meetingRow(t, 1, t.chats.branch1)).id, r: "attending" });
    const updated = t.fake.messagesIn(t.chats.branch1).find((m) => m.messageId === copy.messageId)!;
    expect(cardText(updated)).toContain("参加 1 人");
    expect(cardText(announcement(t, t.chats.branch1, 1))).toContain("参加 1 人");
    await t.say(t.people.m1, t.chats.branch1, "/会议 #99");
    expect(lastText(t, t.chats.branch1)).toContain("没有编号为 #99 的会议");
  });
});

describe("the recorder and the notice period", () => {
  it("says on the form who records when nobody is chosen, and warns when the notice is under 3 days", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排");
    expect(cardText(t.lastBotMessage(t.chats.branch1))).toContain("记录人**（不选则为组织委员 李明）");
    await t.say(t.people.s2, t.chats.branch2, "/安排");
    expect(cardText(t.lastBotMessage(t.chats.branch2))).toContain("不选则为书记");
    await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 2026-03-03 19:00 书记办公室 研究发展党员工作");
    const reply = lastText(t, t.chats.branch1);
    expect(reply).toMatch(/提示：距开会不足 3 天（(约 )?\d+ (天|小时|分钟)后开会）。组织生活一般应提前 3 天通知/);
    expect(reply).toMatch(/建议用 \/改期 #\d+ 推后/);
  });

});
