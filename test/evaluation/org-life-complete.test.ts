import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { cardsTitled, lastCard, memberId, press, seen, toastOf } from "./helpers.ts";
import { holdMeeting } from "../minutes/helpers.ts";
import { DAY } from "../meetings/helpers.ts";

/**
 * 组织生活会, complete (issue #18 item 3): 对照检查材料 before, 整改承诺 after — private, the
 * branch sees who has submitted and never the text — the report to the committee, and the
 * 回头看 three months later.
 */

let t: TestBot;
const MATERIAL = "理论学习不够系统，满足于读文件，联系实际不够";
const COMMITMENT = "每月精读一篇原著，六月底前在党小组会上交流体会";
const lastGroup = () => textOf(t.lastBotMessage(t.chats.branch1));

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("对照检查材料", () => {
  it("goes privately to every party member (not to others) when a 支委 asks; the group hears only that it went", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/组织生活会 对照检查");
    expect(lastGroup()).toContain("只有支委");
    await t.say(t.people.x1, t.chats.branch1, "/组织生活会 对照检查");
    expect(lastGroup()).toContain("对照检查材料卡片已私信发给每位党员（10 人）");
    for (const p of [t.people.s1, t.people.m2, t.people.pr1]) expect(cardsTitled(t, p, "对照检查材料")).toHaveLength(1);
    expect(cardsTitled(t, t.people.nm1, "对照检查材料")).toHaveLength(0);
    await t.say(t.people.x1, t.chats.branch1, "/组织生活会 对照检查");
    expect(lastGroup()).toContain("已经发过了，已提交 0/10 人");
  });

  it("keeps the member's text for the member; the branch sees a count, the secretary privately who has not submitted", async () => {
    const first = await press(t, t.people.m2, lastCard(t, t.people.m2, "对照检查材料"), "orglife.statement", { text: "初稿" });
    expect(toastOf(first)).toBe("已提交对照检查材料");
    await press(t, t.people.m2, lastCard(t, t.people.m2, "对照检查材料"), "orglife.statement", { text: MATERIAL });
    expect((await t.runtime.db.orgLifeStatement.findMany()).map((s) => s.text)).toEqual([MATERIAL]);
    await t.say(t.people.m3, t.chats.branch1, "/组织生活会");
    expect(lastGroup()).toContain("对照检查材料：已提交 1/10 人");
    await t.say(t.people.o1, t.chats.branch1, "/组织生活会 未交");
    expect(lastGroup()).toContain("只有书记、副书记");
    await t.say(t.people.s1, t.chats.branch1, "/组织生活会 未交");
    expect(lastGroup()).toBe("提交情况已私信发给您。");
    const names = textOf(t.lastBotMessage(t.people.s1.openId));
    expect(names).toContain("对照检查材料：已提交 1/10 人；未提交：王建国、");
    expect(names).not.toContain("陈静");
    expect(names).toContain("整改承诺：卡片尚未发出");
    for (const chat of [t.chats.branch1, t.people.s1.openId, t.chats.committee]) expect(t.botMessages(chat).map(textOf).join("")).not.toContain(MATERIAL);
  });
});

describe("after the meeting: 整改承诺, the report, the 回头看", () => {
  it("refuses to report a meeting not yet held", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/组织生活会 报告");
    expect(lastGroup()).toContain("还没有召开");
  });

  it("reports to the committee chat with preparation, the problem list's counts and its items; personal items by number", async () => {
    const { s1, o1, x1, d1, m1, m2, m3 } = t.people;
    await holdMeeting(t, {
      chat: t.chats.branch1, by: s1, command: "/安排 组织生活会 2026-03-05 14:30 三楼会议室 年度组织生活会",
      start: new Date("2026-03-05T14:30:00+08:00"), present: [s1, o1, x1, d1, m1, m2, m3],
    });
    await t.say(s1, t.chats.branch1, "/组织生活会 问题清单");
    await press(t, s1, lastCard(t, s1, "问题清单"), "orglife.problem", {
      problem: "支委会会前征求意见不够", scope: "branch", owner: String(await memberId(t, t.chats.branch1, s1)), measure: "支委会议题会前三天在群里公布", due: "2026-04-30 +0800",
    });
    await press(t, s1, lastCard(t, s1, "问题清单"), "orglife.problem", {
      problem: "理论学习满足于读文件", scope: "individual", owner: String(await memberId(t, t.chats.branch1, m2)), measure: "每月精读一篇原著", due: "2026-06-30 +0800",
    });
    await t.say(x1, t.chats.branch1, "/组织生活会 整改承诺");
    await press(t, m2, lastCard(t, m2, "整改承诺"), "orglife.statement", { text: COMMITMENT });
    await t.say(s1, t.chats.branch1, "/组织生活会 报告");
    expect(lastGroup()).toContain("已向机关党委报告 2026 年组织生活会情况");
    const report = seen(t.botMessages(t.chats.committee).filter((m) => seen(m).includes("组织生活会报告 · 机关第一党支部")).at(-1));
    expect(report).toContain("会议：#1（3月5日），实到 7 人");
    expect(report).toContain("对照检查材料 1/10 人提交");
    expect(report).toContain("问题清单：2 条（支部班子 1 条，党员个人 1 条）；整改承诺 1/10 人提交");
    expect(report).toMatch(/#\d+ 支委会会前征求意见不够（王建国，/);
    expect(report).toMatch(/#\d+ 党员个人整改事项（/);
    for (const secret of [MATERIAL, COMMITMENT, "理论学习满足于读文件", "陈静"]) expect(report).not.toContain(secret);
  });

  it("three months later tells the committee and the secretary which items are still open", async () => {
    const branchItem = await t.runtime.db.rectificationItem.findFirstOrThrow({ where: { scope: "branch", source: "org_life_meeting" } });
    await t.runtime.db.rectificationItem.update({ where: { id: branchItem.id }, data: { status: "done", closedAt: t.clock.now() } });
    for (let week = 0; week < 14; week++) await t.advance(7 * DAY);
    const lookbacks = t.botMessages(t.chats.committee).map(textOf).filter((x) => x.includes("【整改回头看】"));
    expect(lookbacks).toHaveLength(1);
    expect(lookbacks[0]).toContain("整改事项 2 项：已完成 1 项，未完成 1 项");
    expect(lookbacks[0]).toContain("党员个人整改事项");
    expect(lookbacks[0]).not.toContain("理论学习满足于读文件");
    expect(textOf(t.botMessages(t.people.s1.openId).filter((m) => textOf(m).includes("【整改回头看】")).at(-1))).toContain("未完成 1 项");
  });
});
