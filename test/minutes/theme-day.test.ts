import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { component, formCard, holdMeeting, submitForm, toastOf } from "./helpers.ts";

/**
 * 主题党日 with substance (issue #18 item 2): the record has the "六有" — 主题, 方案, 签到, 记录,
 * 照片, 后续 — and the digest counts the day as held only once that record is in.
 */

let t: TestBot;
const digest = () => textOf(t.lastBotMessage(t.chats.branch1));

beforeAll(async () => {
  t = await startTestBot();
  const { s1, o1, x1, d1, m1, m2 } = t.people;
  await holdMeeting(t, {
    chat: t.chats.branch1, by: s1, command: "/安排 主题党日 2026-03-05 09:00 红色教育基地 重温入党誓词",
    start: new Date("2026-03-05T09:00:00+08:00"), present: [s1, o1, x1, d1, m1, m2],
  });
});
afterAll(() => t.stop());

describe("the 主题党日 record", () => {
  it("asks the recorder for the theme, the plan, the material and the photos on the form", () => {
    const form = formCard(t, t.people.o1)!;
    expect(textOf(form)).toContain("活动主题（有主题）");
    expect(component(form, "agenda")?.default_value).toBe("重温入党誓词");
    for (const field of ["t_plan", "t_material", "t_photos"]) expect(component(form, field), field).toBeDefined();
  });

  it("is refused without the plan, the photos and a follow-up, saying which of the 六有 is missing; the digest does not count the day", async () => {
    const result = await submitForm(t, t.people.o1, formCard(t, t.people.o1), "submit", { d1: "参观红色教育基地，全体党员重温入党誓词，交流体会。" });
    expect(toastOf(result)).toContain("还不能提交：有 3 处");
    const card = JSON.stringify(result.card);
    for (const missing of ["活动方案（主题党日「六有」：有方案）", "活动照片链接", "后续事项（主题党日「六有」：有后续"]) expect(card).toContain(missing);
    await t.say(t.people.s1, t.chats.branch1, "/小结 本月");
    expect(digest()).toContain("主题党日：已召开，但考勤或会议记录待补");
    expect(digest()).not.toContain("✓ 已落实（1 次）");
  });

  it("is taken with all six, shows them in the record, and the digest counts the day as held", async () => {
    const result = await submitForm(t, t.people.o1, formCard(t, t.people.o1), "submit", {
      d1: "参观红色教育基地，全体党员重温入党誓词，交流体会。",
      t_plan: "9:00 集合；9:30 参观展馆；10:30 重温入党誓词；11:00 交流发言",
      t_photos: "https://example.feishu.cn/drive/folder/photos1 https://example.feishu.cn/file/2",
      a1_text: "每位党员写一篇参观体会", a1_owner: t.people.x1.openId, a1_due: "2026-03-20",
    });
    expect(toastOf(result)).toContain("已提交");
    const stored = await t.runtime.db.minutesVersion.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(JSON.parse(stored.content).themeDay).toEqual({
      plan: "9:00 集合；9:30 参观展馆；10:30 重温入党誓词；11:00 交流发言",
      materialUrl: null,
      photos: ["https://example.feishu.cn/drive/folder/photos1", "https://example.feishu.cn/file/2"],
    });
    await t.say(t.people.m3, t.chats.branch1, "/纪要 #1");
    const record = textOf(t.lastBotMessage(t.people.m3.openId));
    expect(record).toContain("活动方案与材料");
    expect(record).toContain("活动照片：https://example.feishu.cn/drive/folder/photos1");
    await t.say(t.people.s1, t.chats.branch1, "/小结 本月");
    expect(digest()).not.toContain("主题党日：已召开，但考勤或会议记录待补");
    expect(digest()).toContain("主题党日 | 3月：要求 1 次 | ✓ 已落实（1 次）");
  });
});
