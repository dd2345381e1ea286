import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { lastText, meetingRow } from "./helpers.ts";

// Clock starts Monday 2026-03-02 09:00; the demo branches were bound then.
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
  await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-20 14:30 三楼会议室 学习贯彻全会精神");
  await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 2026-03-05 09:00 书记办公室");
});
afterAll(() => t.stop());

describe("/计划", () => {
  it("shows each required type and period, and what is still needed this period", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/计划");
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("机关第一党支部 · 2026 年组织生活计划");
    expect(text).toContain("支部党员大会");
    expect(text).toContain("第一季度 🗓️已安排#1");
    expect(text).toContain("支部委员会");
    expect(text).toContain("1月 ➖未记录　2月 ➖未记录　3月 🗓️已安排"); // before binding: not recorded, not "missing"
    expect(text).toContain("党小组会 · 第一党小组");
    expect(text).toContain("党小组会 · 第二党小组");
    expect(text).toContain("民主评议党员（年度）");
    expect(text).toContain("本期还需安排");
    expect(text).toContain("党课 · 第一季度：还没有安排");
    expect(text).not.toContain("支部委员会 · 3月");
  });

  it("marks a period missing once it passed without a meeting, and a held meeting without minutes as not yet met", async () => {
    await t.advance(new Date("2026-04-02T09:00:00+08:00").getTime() - t.clock.now().getTime());
    await t.say(t.people.m1, t.chats.branch1, "/计划");
    const text = lastText(t, t.chats.branch1);
    // Held, but nobody submitted minutes: 已召开，记录待补 — never ✅ 已落实.
    expect(text).toContain("第一季度 📝记录待补#1");
    expect(text).toContain("3月 📝记录待补　4月 ⏳待安排"); // 支委会 held in March without minutes, April due
    expect(text).toContain("✅ 已落实　📝 已召开，记录待补");
    expect(text).not.toContain("已落实#");
    expect(text).toContain("**党课**　<font color='grey'>每季度一次</font>\n第一季度 ❌缺　第二季度 ⏳待安排");
  });

  it("never shows or demands a 支委会 in a small branch", async () => {
    await t.say(t.people.s2, t.chats.branch2, "/计划 2026");
    const text = lastText(t, t.chats.branch2);
    expect(text).not.toContain("支部委员会 ");
    expect(text).toContain("不足 7 人，不设支部委员会");
    expect(text).toContain("未设党小组");
  });

  it("explains a bad year", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/计划 明年");
    expect(lastText(t, t.chats.branch1)).toContain("正确示例：/计划 2026");
  });
});

describe("/会议规则", () => {
  it("shows the rules to members, and only lets the secretary change them within the rules", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/会议规则");
    expect(lastText(t, t.chats.branch1)).toContain("支部党员大会：每季度一次");
    await t.say(t.people.m1, t.chats.branch1, "/会议规则 党课 每半年");
    expect(lastText(t, t.chats.branch1)).toContain("只有书记、副书记");
    await t.say(t.people.s1, t.chats.branch1, "/会议规则 党员大会 每年");
    expect(lastText(t, t.chats.branch1)).toContain("按规定不能少于每季度一次");
    await t.say(t.people.s1, t.chats.branch1, "/会议规则 党课 每半年");
    expect(lastText(t, t.chats.branch1)).toContain("已设置：党课每半年一次");
    await t.say(t.people.s1, t.chats.branch1, "/会议规则 主题党日 每月5日");
    expect(lastText(t, t.chats.branch1)).toContain("主题党日固定在每月 5 日");
    await t.say(t.people.m1, t.chats.branch1, "/计划");
    const plan = lastText(t, t.chats.branch1);
    expect(plan).toContain("上半年");
    expect(plan).toContain("主题党日（每月5日）");
  });

  it("uses the branch's reminder times for meetings scheduled afterwards", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/会议规则 提醒 2天 30分钟");
    expect(lastText(t, t.chats.branch1)).toContain("会前 2天、30分钟 在群里提醒");
    await t.say(t.people.s1, t.chats.branch1, "/安排 主题党日 2026-04-10 09:00 党员活动室 重温入党誓词");
    expect(lastText(t, t.chats.branch1)).toContain("固定在每月 5 日，本次安排在 10 日");
    const m = await meetingRow(t, 3, t.chats.branch1);
    const keys = (await t.runtime.db.job.findMany({ where: { key: { startsWith: `meeting:${m.id}:` } } })).map((j) => j.key);
    expect(keys).toContain(`meeting:${m.id}:v1:remind-2880`);
    expect(keys).toContain(`meeting:${m.id}:v1:remind-30`);
    expect(keys).not.toContain(`meeting:${m.id}:v1:remind-1440`);
  });
});

describe("/计划 in the committee chat", () => {
  it("shows each linked branch's current periods and this year's gaps, without ranking", async () => {
    await t.say(t.people.committeeSecretary, t.chats.committee, "/计划");
    const text = lastText(t, t.chats.committee);
    expect(text).toContain("机关党委 · 2026 年下级支部组织生活情况");
    expect(text).toContain("机关第一党支部");
    expect(text).toContain("后勤服务中心党支部");
    expect(text).toContain("支部委员会（4月）⏳待安排");
    expect(text).toContain("今年缺项：");
    expect(text).toContain("不排名");
    expect(text.indexOf("机关第一党支部")).toBeLessThan(text.indexOf("后勤服务中心党支部"));
  });
});
