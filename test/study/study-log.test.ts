import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { buttonValue, lastCard, press, seen, toastOf } from "../evaluation/helpers.ts";
import { cardsWith, DAY, HOUR } from "../meetings/helpers.ts";

/** 学时 (issue #18 item 1): a private, voluntary study log; the branch sees counts only. */

let t: TestBot;
const lastText = (openId: string) => seen(t.lastBotMessage(openId));

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("logging study privately", () => {
  it("answers /学习 in the group with where to do it, and sends nothing personal there", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/学习 我的");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只在私聊里办理");
    expect(t.botMessages(t.people.m1.openId)).toHaveLength(0);
  });

  it("sends the form privately, stores one entry per card however often 记下 is pressed, and shows the year", async () => {
    await t.say(t.people.m1, "p2p", "/学习");
    const form = lastCard(t, t.people.m1, "记学习");
    expect(seen(form)).toContain("2026 年还没有学习记录，年度要求 32 学时");
    const entry = { title: "学习《中国共产党纪律处分条例》第一编", hours: "20", day: "2026-03-01 +0800", note: "" };
    const submit = buttonValue(form, "study.log")!;
    const first = await t.click(t.people.m1, form!, submit, entry);
    expect(toastOf(first)).toBe("已记下");
    expect(seen({ content: first.card } as never)).toContain("2026 年已记录 2 学时，年度要求 32 学时，还差 30 学时");
    const again = await t.click(t.people.m1, form!, submit, entry);
    expect(toastOf(again)).toBe("这条已经记下了");
    expect(await t.runtime.db.studyEntry.count()).toBe(1);
  });

  it("refuses a future day, a missing title and an unknown 学时 with what to fix, storing nothing", async () => {
    await t.say(t.people.m1, "p2p", "/学习");
    const form = lastCard(t, t.people.m1, "记学习");
    const future = await press(t, t.people.m1, form, "study.log", { title: "自学", hours: "10", day: "2026-03-09 +0800" });
    expect(toastOf(future)).toContain("不能晚于今天（3月2日）");
    expect(toastOf(await press(t, t.people.m1, form, "study.log", { title: " ", hours: "10" }))).toContain("请写上学了什么");
    expect(toastOf(await press(t, t.people.m1, form, "study.log", { title: "自学", hours: "999" }))).toContain("请选择学时");
    expect(await t.runtime.db.studyEntry.count()).toBe(1);
  });

  it("credits an attended 党课 from the sign-in, and only to those who signed in", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 党课 2026-03-03 14:30 党员活动室 主讲 @李明 学习党章", { mentions: [t.people.o1] });
    const meetingId = (await t.runtime.db.meeting.findFirstOrThrow({ where: { type: "party_lesson" } })).id;
    await t.advance(new Date("2026-03-03T14:20:00+08:00").getTime() - t.clock.now().getTime());
    const signin = cardsWith(t, t.chats.branch1, "会议签到")[0]!;
    for (const p of [t.people.m1, t.people.s1]) await t.click(p, signin, { a: "meetings.signin", m: meetingId });
    await t.advance(DAY);
    await t.say(t.people.m1, "p2p", "/学习 我的");
    const mine = lastText(t.people.m1.openId);
    expect(mine).toContain("2026 年已记录 3.5 学时，年度要求 32 学时，还差 28.5 学时");
    expect(mine).toContain("党课：学习党章 1.5 学时（按签到计入）");
    expect(mine).toContain("1. 3月1日 学习《中国共产党纪律处分条例》第一编 2 学时");
    await t.say(t.people.m2, "p2p", "/学习 我的");
    expect(lastText(t.people.m2.openId)).toContain("2026 年还没有学习记录");
    // The secretary's floor is 56.
    await t.say(t.people.s1, "p2p", "/学习 我的");
    expect(lastText(t.people.s1.openId)).toContain("年度要求 56 学时，还差 54.5 学时");
  });

  it("withdraws the member's own entry by its number, and only their own", async () => {
    await t.say(t.people.m2, "p2p", "/学习 撤销 1");
    expect(lastText(t.people.m2.openId)).toContain("您没有第 1 条学习记录");
    await t.say(t.people.m1, "p2p", "/学习 撤销 1");
    expect(lastText(t.people.m1.openId)).toContain("已撤销第 1 条");
    await t.say(t.people.m1, "p2p", "/学习 我的");
    expect(lastText(t.people.m1.openId)).toContain("2026 年已记录 1.5 学时");
  });
});

describe("what the branch sees", () => {
  it("gives the secretary counts with denominators and no names; refuses an ordinary member", async () => {
    await t.say(t.people.m3, t.chats.branch1, "/学习 统计");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toBe("抱歉，「/学习 统计」只有书记、副书记可以使用。");
    // 杨帆 logs a full year's floor in one go (four full days of training).
    for (let i = 0; i < 4; i++) {
      await t.say(t.people.m3, "p2p", "/学习");
      await press(t, t.people.m3, lastCard(t, t.people.m3, "记学习"), "study.log", { title: `党校集中培训第${i + 1}天`, hours: "80", day: `2026-02-0${i + 2} +0800` });
    }
    await t.say(t.people.s1, t.chats.branch1, "/学习 统计");
    const text = textOf(t.lastBotMessage(t.chats.branch1));
    expect(text).toContain("达到年度学时要求：1/10 人（10%）");
    expect(text).toContain("其中书记、支委（56 学时）0/4，其他党员（32 学时）1/6");
    expect(text).toContain("今年暂无任何学习记录（缺项，不等于没有学习）：7 人");
    for (const name of ["杨帆", "刘洋", "王建国"]) expect(text).not.toContain(name);
  });

  it("puts the coverage in the branch digest, as a share with its denominator, without names", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/小结");
    const digest = seen(t.lastBotMessage(t.chats.branch1));
    expect(digest).toContain("学时（2026 年累计）");
    expect(digest).toContain("达到年度学时要求 1/10 人（10%）；7 人今年暂无学习记录（缺项）");
    expect(digest).not.toContain("杨帆");
  });
});

describe("the quarterly reminder", () => {
  it("goes privately, once, only to members who opted in", async () => {
    await t.say(t.people.m1, "p2p", "/学习 提醒 开");
    expect(lastText(t.people.m1.openId)).toContain("已开启");
    await t.say(t.people.m4, "p2p", "/学习 提醒 开");
    await t.say(t.people.m4, "p2p", "/学习 提醒 关");
    await t.restart();
    await t.advance(new Date("2026-04-01T09:05:00+08:00").getTime() - t.clock.now().getTime());
    await t.advance(HOUR);
    const reminders = (p: { openId: string }) => t.botMessages(p.openId).filter((m) => textOf(m).includes("【学时提醒】"));
    expect(reminders(t.people.m1)).toHaveLength(1);
    expect(textOf(reminders(t.people.m1)[0])).toContain("2026 年已记录 1.5 学时");
    for (const p of [t.people.m4, t.people.m3, t.people.s1]) expect(reminders(p)).toHaveLength(0);
    for (const chat of [t.chats.branch1, t.chats.committee]) expect(t.botMessages(chat).some((m) => textOf(m).includes("学时提醒"))).toBe(false);
  });
});
