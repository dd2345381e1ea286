import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { onMeetingEnded, type MeetingEndedEvent } from "../../src/features/meetings/index.ts";
import { announcement, cardText, cardsWith, lastText, meetingRow, texts } from "./helpers.ts";

// Clock starts Monday 2026-03-02 09:00 (Beijing). #1: 党员大会 Wednesday 03-04 14:30–16:00.
let t: TestBot;
let meetingId: number;
const advanceTo = (iso: string) => t.advance(new Date(iso).getTime() - t.clock.now().getTime());
const reminders = (seq: number) => texts(t, t.chats.branch1).filter((x) => x.startsWith(`【会议提醒】#${seq} `));
const nudges = (openId: string, seq: number) => cardsWith(t, openId, `请回复 · #${seq} `);

beforeAll(async () => {
  t = await startTestBot();
  await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-04 14:30 三楼会议室 讨论发展党员");
  meetingId = (await meetingRow(t, 1, t.chats.branch1)).id;
});
afterAll(() => t.stop());

describe("reminders, sign-in and final attendance of a 党员大会", () => {
  it("records a 正式党员 left out of the 应到 count, privately", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/不计应到 @周敏 自费出国半年以上 机关党委 2026-02-10 2025年8月起在国外", { mentions: [t.people.m5] });
    expect(lastText(t, t.chats.branch1)).toBe("已私信发给您。");
    expect(lastText(t, t.people.s1.openId)).toContain("周敏（自费出国半年以上，机关党委 2026-02-10 批准）不计入党员大会应到会人数");
    const row = await t.runtime.db.quorumExclusion.findFirstOrThrow({ where: { revokedAt: null } });
    expect(row).toMatchObject({ ground: "abroad_private", approvedBy: "机关党委", approvedOn: "2026-02-10" });
    await t.say(t.people.m1, t.chats.branch1, "/不计应到 @周敏 服刑", { mentions: [t.people.m5] });
    expect(lastText(t, t.chats.branch1)).toContain("只有支委");
  });

  it("takes only the five grounds by their exact words, and only with the upper organisation's approval", async () => {
    // 公派 and three months is none of the five grounds: it must not become 自费出国半年以上.
    await t.say(t.people.s1, t.chats.branch1, "/不计应到 @刘洋 出国 公派访学3个月", { mentions: [t.people.m1] });
    const refused = lastText(t, t.chats.branch1);
    expect(refused).toContain("「出国」不是规定的五种情形之一，没有登记");
    expect(refused).toContain("1 丧失表达能力（因病等原因丧失表达能力）；2 自费出国半年以上；3 正在服刑");
    expect(refused).toContain("正确示例：/不计应到 @刘洋 自费出国半年以上 机关党委 2026-02-10");
    await t.say(t.people.s1, t.chats.branch1, "/不计应到 @刘洋 自费出国半年以上 访学", { mentions: [t.people.m1] });
    expect(lastText(t, t.chats.branch1)).toContain("须经上级党组织同意：请写明批准的上级党组织和批准日期");
    await t.say(t.people.s1, t.chats.branch1, "/不计应到 @刘洋 自费出国半年以上 机关党委 2026-12-01", { mentions: [t.people.m1] });
    expect(lastText(t, t.chats.branch1)).toContain("晚于今天");
    expect(await t.runtime.db.quorumExclusion.count({ where: { revokedAt: null } })).toBe(1); // 周敏 only
    await t.say(t.people.s1, t.chats.branch1, "/不计应到");
    expect(lastText(t, t.people.s1.openId)).toContain("- 周敏：自费出国半年以上（2025年8月起在国外），机关党委 2026-02-10 批准");
  });

  it("sends the day-before reminder once, even across a restart, and nudges only those who have not answered", async () => {
    const ann = announcement(t, t.chats.branch1, 1);
    // The notice says when sign-in opens (issue 17 item 8).
    expect(cardText(ann)).toContain("14:15–15:00，开放时群里会发签到卡片");
    await t.click(t.people.m1, ann, { a: "meetings.rsvp", m: meetingId, r: "attending" });
    await t.click(t.people.m2, ann, { a: "meetings.rsvp", m: meetingId, r: "attending" });
    await t.click(t.people.m3, ann, { a: "meetings.rsvp", m: meetingId, r: "leave" }, { reason: "出差" });
    await t.restart();
    await advanceTo("2026-03-03T14:00:00+08:00");
    expect(reminders(1)).toHaveLength(0);
    await advanceTo("2026-03-03T14:31:00+08:00");
    expect(reminders(1)).toHaveLength(1);
    expect(reminders(1)[0]).toContain("1 天后");
    expect(reminders(1)[0]).toContain("参加 2 人、请假 1 人（待批 1）、未回复 7 人");
    for (const p of [t.people.s1, t.people.o1, t.people.m4, t.people.m5, t.people.pr1]) expect(nudges(p.openId, 1)).toHaveLength(1);
    for (const p of [t.people.m1, t.people.m3, t.people.nm1]) expect(nudges(p.openId, 1)).toHaveLength(0);
    // Too few voting members said they will come (2 of 8 entitled): the chair hears privately.
    expect(texts(t, t.people.s1.openId).some((x) => x.includes("【到会人数提示】") && x.includes("应到 8 人"))).toBe(true);
    await t.restart();
    await t.advance(60_000);
    expect(reminders(1)).toHaveLength(1);
  });

  it("takes an answer on the private reminder card and patches both cards", async () => {
    const nudge = nudges(t.people.m4.openId, 1)[0]!;
    const result = await t.click(t.people.m4, nudge, { a: "meetings.rsvp", m: meetingId, r: "attending", org: (await meetingRow(t, 1, t.chats.branch1)).orgId });
    expect(JSON.stringify(result.toast)).toContain("已记录");
    const answered = cardText(t.fake.messagesIn(t.people.m4.openId).find((m) => m.messageId === nudge.messageId));
    expect(answered).toContain("您已回复：参加");
    // Its title no longer asks (issue 17 item 8).
    expect(answered).toContain("已回复参加 · #1");
    expect(answered).not.toContain("请回复 · #1");
    expect(cardText(announcement(t, t.chats.branch1, 1))).toContain("参加 3 人");
  });

  it("sends the hour-before reminder after another restart", async () => {
    await t.restart();
    await advanceTo("2026-03-04T13:31:00+08:00");
    expect(reminders(1)).toHaveLength(2);
    expect(reminders(1)[1]).toContain("1 小时后");
    // One private nudge per silent member (issue 22): the hour-before reminder names them in the group instead.
    for (const p of [t.people.s1, t.people.o1, t.people.pr1]) expect(nudges(p.openId, 1)).toHaveLength(1);
    expect(reminders(1)[1]).toMatch(/尚未回复：.*李明/);
    expect(reminders(1)[1]).not.toContain("刘洋");
  });

  it("opens the sign-in 15 minutes before: expected attendees sign in once, others cannot", async () => {
    await advanceTo("2026-03-04T14:14:00+08:00");
    expect(cardsWith(t, t.chats.branch1, "会议签到 · #1")).toHaveLength(0);
    await advanceTo("2026-03-04T14:16:00+08:00");
    const signin = cardsWith(t, t.chats.branch1, "会议签到 · #1")[0]!;
    expect(cardText(signin)).toContain("签到时间：14:15–15:00");
    for (const p of [t.people.s1, t.people.o1, t.people.x1, t.people.m1, t.people.m2, t.people.m4, t.people.pr1]) {
      const r = await t.click(p, signin, { a: "meetings.signin", m: meetingId });
      expect(JSON.stringify(r.toast)).toContain("签到成功");
    }
    const twice = await t.click(t.people.s1, signin, { a: "meetings.signin", m: meetingId });
    expect(JSON.stringify(twice.toast)).toContain("无需重复");
    const outsider = await t.click(t.people.nm1, signin, { a: "meetings.signin", m: meetingId });
    expect(JSON.stringify(outsider.toast)).toContain("只有党员");
    const progress = cardText(t.fake.messagesIn(t.chats.branch1).find((m) => m.messageId === signin.messageId));
    expect(progress).toContain("已签到 7 人");
    // A 党员大会 votes: the card shows the quorum as it fills (issue 17 item 8). 周敏 is excluded, 孙悦 is 预备党员.
    expect(progress).toContain("有表决权的正式党员已签到 6 人，应到 8 人，过半数需 5 人（已达到，可以表决）");
  });

  it("closes the sign-in 30 minutes after the start", async () => {
    await advanceTo("2026-03-04T15:01:00+08:00");
    const signin = t.fake.messagesIn(t.chats.branch1).find((m) => m.messageId === cardsWith(t, t.chats.branch1, "会议签到 · #1")[0]!.messageId)!;
    expect(cardText(signin)).toContain("签到已结束，共 7 人签到");
    const late = await t.click(t.people.d1, signin, { a: "meetings.signin", m: meetingId });
    expect(JSON.stringify(late.toast)).toContain("签到已经结束");
  });

  it("makes attendance final after the meeting: counts, quorum, 补课, private details, and the ended hook", async () => {
    const ended: MeetingEndedEvent[] = [];
    onMeetingEnded(t.runtime.bot, async (e) => {
      ended.push(e);
      await e.out.text({ chatId: e.org.chatId }, `hook saw #${e.meeting.seqNo}`);
    });
    await advanceTo("2026-03-04T16:01:00+08:00");
    const card = cardText(announcement(t, t.chats.branch1, 1));
    expect(card).toContain("会议已结束");
    expect(card).toContain("实到 7 人（正式党员 6，预备党员 1）· 请假 1 人 · 缺席 2 人（应到 10 人）");
    expect(card).toContain("到会有表决权的正式党员 6 人，超过应到 8 人的半数，可以进行表决");
    const summary = texts(t, t.chats.branch1).find((x) => x.includes("#1 支部党员大会 已结束"))!;
    expect(summary).toContain("决议须获得至少 5 票赞成");
    expect(summary).not.toContain("周敏"); // names stay out of the group
    expect(summary).toContain("不计入应到 1 人（均经上级党组织批准，名单见 /不计应到）");
    const details = texts(t, t.people.s1.openId).find((x) => x.startsWith("【考勤明细】"))!;
    expect(details).toContain("请假：杨帆（出差）");
    expect(details).toContain("缺席（未请假）：赵强、周敏");
    for (const p of [t.people.m3, t.people.d1, t.people.m5]) expect(texts(t, p.openId).some((x) => x.includes("需要补课"))).toBe(true);
    expect(texts(t, t.people.m1.openId).some((x) => x.includes("需要补课"))).toBe(false);
    const row = await meetingRow(t, 1, t.chats.branch1);
    expect(row).toMatchObject({ status: "held", entitledCount: 8, presentVoting: 6, quorumMet: true });
    expect(ended).toHaveLength(1);
    expect(ended[0]!.quorum).toMatchObject({ entitled: 8, present: 6, met: true });
    expect(texts(t, t.chats.branch1)).toContain("hook saw #1");
    await t.advance(3_600_000);
    expect(ended).toHaveLength(1);
  });

  it("tracks 补课, and lets a 支委 correct the final attendance", async () => {
    await t.say(t.people.d1, t.chats.branch1, "/补课");
    expect(lastText(t, t.people.d1.openId)).toContain("#1 支部党员大会");
    await t.say(t.people.d1, t.chats.branch1, "/补课 #1");
    expect(lastText(t, t.chats.branch1)).toContain("已登记 赵强 完成 #1 支部党员大会 的补课");
    expect((await meetingRow(t, 1, t.chats.branch1)).attendance.find((a) => a.member.openId === t.people.d1.openId)?.makeupDoneAt).not.toBeNull();
    await t.say(t.people.m1, t.chats.branch1, "/考勤 #1 @周敏 出席", { mentions: [t.people.m5] });
    expect(lastText(t, t.chats.branch1)).toContain("只有支委");
    await t.say(t.people.s1, t.chats.branch1, "/考勤 #1 @周敏 出席", { mentions: [t.people.m5] });
    expect(lastText(t, t.chats.branch1)).toContain("周敏 为出席");
    expect(cardText(announcement(t, t.chats.branch1, 1))).toContain("实到 8 人");
  });
});

describe("catching up after downtime", () => {
  it("sends only the closest reminder when several fell due while the bot was down", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 主题党日 2026-03-06 10:00 党员活动室 志愿服务");
    // The clock moves while nothing runs; the restarted bot then catches up.
    t.clock.advance(new Date("2026-03-06T09:40:00+08:00").getTime() - t.clock.now().getTime());
    await t.restart();
    expect(reminders(2)).toHaveLength(1);
    expect(reminders(2)[0]).toContain("20 分钟后");
    // A 主题党日 does not vote: its sign-in card has no quorum line.
    await advanceTo("2026-03-06T09:46:00+08:00");
    const signin = cardsWith(t, t.chats.branch1, "会议签到 · #2")[0]!;
    expect(cardText(signin)).toContain("已签到 0 人");
    expect(cardText(signin)).not.toContain("过半数");
  });
});

describe("quorum of a 支委会", () => {
  it("records that half the committee is not a quorum", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 2026-03-09 09:00 书记办公室 研究发展对象");
    const id = (await meetingRow(t, 3, t.chats.branch1)).id;
    await advanceTo("2026-03-09T08:50:00+08:00");
    const signin = cardsWith(t, t.chats.branch1, "会议签到 · #3")[0]!;
    await t.click(t.people.s1, signin, { a: "meetings.signin", m: id });
    await t.click(t.people.o1, signin, { a: "meetings.signin", m: id });
    await advanceTo("2026-03-09T10:01:00+08:00");
    expect(cardText(announcement(t, t.chats.branch1, 3))).toContain("到会支委 2 人，未超过支委总数 4 人的半数");
    expect(await meetingRow(t, 3, t.chats.branch1)).toMatchObject({ quorumMet: false, entitledCount: 4, presentVoting: 2 });
  });
});
