import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { holdMeeting } from "../minutes/helpers.ts";
import { DAY } from "./helpers.ts";

/**
 * 补课 for every type the rules ask it for, and the 自行脱党 early notice (issue 14 item 9):
 * 周敏 misses every meeting from March; after 3 months the secretary hears privately, after 6
 * the rule's case is named — to the secretary only, never in the group, never deciding anything.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot(); // Monday 2 March 2026; the demo branches were bound then
});
afterAll(() => t.stop());

const everyoneBut周敏 = () => [t.people.s1, t.people.o1, t.people.x1, t.people.d1, t.people.m1, t.people.m2, t.people.m3, t.people.m4, t.people.pr1];
const privately = (openId: string, needle: string) => t.botMessages(openId).map(textOf).filter((x) => x.includes(needle));

describe("补课 and the 自行脱党 notice", () => {
  it("asks an absentee of a 主题党日 or 党小组会 to make it up, as for 党课 and 党员大会", async () => {
    const day = await holdMeeting(t, {
      chat: t.chats.branch1, by: t.people.s1, command: "/安排 主题党日 2026-03-05 14:30 党员活动室 参观党史馆",
      start: new Date("2026-03-05T14:30:00+08:00"), present: everyoneBut周敏(),
    });
    expect(privately(t.people.m5.openId, `#${day.seqNo} 主题党日`).some((x) => x.includes("需要补课"))).toBe(true);
    const att = await t.runtime.db.meetingAttendance.findFirstOrThrow({ where: { meetingId: day.id, member: { openId: t.people.m5.openId } } });
    expect(att).toMatchObject({ final: "absent", makeupRequired: true });
    const group = await holdMeeting(t, {
      chat: t.chats.branch1, by: t.people.s1, command: "/安排 党小组会 2026-03-12 19:00 二楼小会议室 学习党章 第一党小组",
      start: new Date("2026-03-12T19:00:00+08:00"), present: [t.people.m1],
    });
    const owed = await t.runtime.db.meetingAttendance.findMany({ where: { meetingId: group.id, final: "absent" } });
    expect(owed.length).toBeGreaterThan(0);
    expect(owed.every((a) => a.makeupRequired)).toBe(true);
  });

  it("tells the secretary privately after 3 months without organisational life, and names the rule's case at 6", async () => {
    for (const month of ["04", "05"]) {
      await holdMeeting(t, {
        chat: t.chats.branch1, by: t.people.s1, command: `/安排 党员大会 2026-${month}-10 14:30 三楼会议室 学习`,
        start: new Date(`2026-${month}-10T14:30:00+08:00`), present: everyoneBut周敏(),
      });
    }
    await t.advance(new Date("2026-05-30T12:00:00+08:00").getTime() - t.clock.now().getTime());
    expect(privately(t.people.s1.openId, "【自行脱党预警】周敏")).toHaveLength(0); // not yet 3 months
    await t.advance(2 * DAY);
    const notice = privately(t.people.s1.openId, "【自行脱党预警】周敏");
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain("已连续 3 个月没有参加组织生活");
    expect(notice[0]).toContain("请及早找其谈心谈话");
    for (const where of [t.chats.branch1, t.people.m5.openId, t.people.m1.openId]) expect(privately(where, "自行脱党")).toHaveLength(0);
    expect(privately(t.people.s1.openId, "【自行脱党预警】").some((x) => x.includes("刘洋"))).toBe(false); // attended
    await t.advance(new Date("2026-09-01T12:00:00+08:00").getTime() - t.clock.now().getTime());
    const rule = privately(t.people.s1.openId, "【自行脱党提示】周敏");
    expect(rule).toHaveLength(1);
    expect(rule[0]).toContain("由支部党员大会讨论决定除名，并报上级党组织批准");
    expect(rule[0]).toContain("助手只提醒，不作认定");
    expect(privately(t.chats.branch1, "自行脱党")).toHaveLength(0);
  }, 120_000);
});
