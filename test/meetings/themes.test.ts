import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { lastText } from "./helpers.ts";

/** 主题党日's theme chosen before the day, from the list the branch keeps (issue #18 item 2). */

let t: TestBot;
const say = async (who: keyof TestBot["people"], text: string) => {
  await t.say(t.people[who], t.chats.branch1, text);
  return lastText(t, t.chats.branch1);
};

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("主题党日 themes", () => {
  it("refuses a 主题党日 without a theme, saying where to write it and that the list is empty", async () => {
    const reply = await say("s1", "/安排 主题党日 2026-03-20 09:00 党员活动室");
    expect(reply).toContain("主题党日要先定主题，写在地点后面");
    expect(reply).toContain("主题库还是空的");
    expect(reply).toContain("正确示例：/安排 主题党日 下周五 09:00 党员活动室 重温入党誓词");
    expect(await t.runtime.db.meeting.count()).toBe(0);
  });

  it("lets 支委 keep the list, and offers it when the theme is missing", async () => {
    expect(await say("m1", "/主题库 新增 参观党史馆")).toContain("只有支委");
    expect(await say("x1", "/主题库 新增 重温入党誓词")).toContain("已加入主题库：重温入党誓词");
    await say("s1", "/主题库 新增 参观党史馆");
    expect(await say("s1", "/安排 主题党日 2026-03-20 09:00 党员活动室")).toContain("本支部主题库里还有：1. 重温入党誓词；2. 参观党史馆。");
  });

  it("takes a theme off the list when a 主题党日 is scheduled with it", async () => {
    await say("s1", "/安排 主题党日 2026-03-20 09:00 党员活动室 参观党史馆");
    expect((await t.runtime.db.meeting.findFirstOrThrow()).topic).toBe("参观党史馆");
    const list = await say("m1", "/主题库");
    expect(list).toContain("1. 重温入党誓词");
    expect(list).toContain("最近已用：\n参观党史馆（#1）");
    expect(await say("s1", "/主题库 删除 2")).toContain("主题库里没有第 2 个主题");
    expect(await say("s1", "/主题库 删除 1")).toContain("已从主题库删除：重温入党誓词");
  });
});
