import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { cardText, lastText } from "./helpers.ts";
import { parseScheduleArgs } from "../../src/features/meetings/parse.ts";
import { LESSON_EXAMPLE, SCHEDULE_EXAMPLE } from "../../src/features/meetings/service.ts";
import { ADD_EXAMPLE } from "../../src/features/rectification/commands.ts";
import { parseDueDay, dayOf } from "../../src/features/rectification/dates.ts";
import { parseDeadline, START_EXAMPLE } from "../../src/features/evaluation/rounds.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";

/**
 * Issue 17 items 1 and 5: times the way people type them (明天 14:30, 下周五 下午3点,
 * 12月15日 15:00) are read against the bot's clock and echoed with their weekday; the meeting
 * is scheduled only on 确认安排. Examples shown to people are valid on any day they are read.
 * Test clock: Monday 2026-03-02 10:00 (Beijing).
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const meetings = () => t.runtime.db.meeting.findMany({ orderBy: { id: "asc" } });
/** The button values on a card, by button text. */
function buttons(m: FakeMessage): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.tag === "button") {
        const text = (o.text as { content: string }).content;
        out[text] = ((o.behaviors as Array<{ value: Record<string, unknown> }>)[0]!).value;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(m.content);
  return out;
}

describe("/安排 with the time in words", () => {
  it("echoes 下周五 下午3点 as the date with its weekday and schedules nothing until 确认安排", async () => {
    const before = (await meetings()).length;
    await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 下周五 下午3点 三楼会议室 学习贯彻全会精神");
    const confirm = t.lastBotMessage(t.chats.branch1)!;
    const text = cardText(confirm);
    expect(text).toContain("请确认：支部党员大会");
    expect(text).toContain("「下周五 下午3点」理解为 3月13日（周五）15:00");
    expect(text).toContain("三楼会议室");
    expect(text).not.toContain("会议通知 · #");
    expect(await meetings()).toHaveLength(before);

    await t.click(t.people.s1, confirm, buttons(confirm)["确认安排"]!);
    const after = await meetings();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)!.startAt.toISOString()).toBe(new Date("2026-03-13T15:00:00+08:00").toISOString());
    expect(t.botMessages(t.chats.branch1).some((m) => cardText(m).includes(`会议通知 · #${after.at(-1)!.seqNo} `))).toBe(true);
    const answered = cardText(t.fake.message(confirm.messageId)!);
    expect(answered).toContain(`已安排：#${after.at(-1)!.seqNo} 支部党员大会`);
    expect(answered).not.toContain("确认安排");

    // Pressed again (a second committee member, or a stale copy): still one meeting.
    await t.click(t.people.o1, confirm, buttons(confirm)["确认安排"] ?? { a: "meetings.confirm" });
    expect(await meetings()).toHaveLength(before + 1);
  });

  it("reads 明天 14:30 and 12月15日 15:00 the same way", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 明天 14:30 支部办公室");
    expect(lastText(t, t.chats.branch1)).toContain("「明天 14:30」理解为 3月3日（周二）14:30");
    await t.say(t.people.s1, t.chats.branch1, "/安排 党课 12月15日 15:00 三楼会议室 主讲 @李明 党史专题", { mentions: [t.people.o1] });
    const text = lastText(t, t.chats.branch1);
    expect(text).toContain("「12月15日 15:00」理解为 12月15日（周二）15:00");
    expect(text).toContain("主讲**：李明");
  });

  it("drops a draft on 不安排, and only for who asked or a committee member", async () => {
    const before = (await meetings()).length;
    await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 下周三 9:00-11:00 三楼会议室");
    const confirm = t.lastBotMessage(t.chats.branch1)!;
    expect(cardText(confirm)).toContain("理解为 3月11日（周三）9:00".replace("9:00", "09:00"));
    const refused = await t.click(t.people.m1, confirm, buttons(confirm)["不安排"]!);
    expect(JSON.stringify(refused)).toContain("只有发起安排的人或支委可以取消");
    await t.click(t.people.s1, confirm, buttons(confirm)["不安排"]!);
    expect(cardText(t.fake.message(confirm.messageId)!)).toContain("已取消，没有安排会议");
    expect(await meetings()).toHaveLength(before);
  });

  it("says what is missing or unreadable, with an example valid today", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 3月20日 三楼会议室");
    expect(lastText(t, t.chats.branch1)).toContain("「3月20日」只写了日期，还缺开始时间（如 3月20日 14:30）");
    await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 下下周三 14:00 三楼会议室");
    const refused = lastText(t, t.chats.branch1);
    expect(refused).toContain("看不懂日期「下下周三」");
    expect(refused).toContain("/安排 党员大会 下周五 14:30");
  });
});

describe("/改期 with the time in words", () => {
  it("echoes the new time with its weekday and moves the meeting only on 确认改期", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 2026-03-10 14:30 支部办公室");
    const m = (await meetings()).at(-1)!;
    const sentBefore = t.botMessages(t.chats.branch1).length;
    await t.say(t.people.s1, t.chats.branch1, `/改期 #${m.seqNo} 下周四 下午3点`);
    const confirm = t.lastBotMessage(t.chats.branch1)!;
    const text = cardText(confirm);
    expect(text).toContain(`请确认改期：#${m.seqNo} 支部委员会`);
    expect(text).toContain("「下周四 下午3点」理解为 3月12日（周四）15:00");
    expect(text).toContain("原定");
    expect((await t.runtime.db.meeting.findUnique({ where: { id: m.id } }))!.startAt.toISOString()).toBe(m.startAt.toISOString());
    expect(t.botMessages(t.chats.branch1).length).toBe(sentBefore + 1);

    // Only a committee member (or the 党小组 leader for a 党小组会) may confirm a move.
    const refused = await t.click(t.people.m1, confirm, buttons(confirm)["确认改期"]!);
    expect(JSON.stringify(refused)).toContain("只有支委");
    await t.click(t.people.s1, confirm, buttons(confirm)["确认改期"]!);
    const moved = (await t.runtime.db.meeting.findUnique({ where: { id: m.id } }))!;
    expect(moved.startAt.toISOString()).toBe(new Date("2026-03-12T15:00:00+08:00").toISOString());
    expect(t.botMessages(t.chats.branch1).some((x) => cardText(x).includes("【会议改期】"))).toBe(true);
    expect(cardText(t.fake.message(confirm.messageId)!)).toContain(`已改期：#${m.seqNo} 支部委员会`);

    // Pressed again: nothing moves twice, no second announcement.
    const announcements = t.botMessages(t.chats.branch1).filter((x) => cardText(x).includes("【会议改期】")).length;
    await t.click(t.people.o1, confirm, buttons(confirm)["确认改期"] ?? { a: "meetings.confirmMove" });
    expect(t.botMessages(t.chats.branch1).filter((x) => cardText(x).includes("【会议改期】")).length).toBe(announcements);
  });

  it("moves at once when the time is written as digits, and 不改期 leaves the meeting where it was", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 2026-03-17 14:30 支部办公室");
    const m = (await meetings()).at(-1)!;
    await t.say(t.people.s1, t.chats.branch1, `/改期 #${m.seqNo} 明天 16:00`);
    const confirm = t.lastBotMessage(t.chats.branch1)!;
    await t.click(t.people.s1, confirm, buttons(confirm)["不改期"]!);
    expect(cardText(t.fake.message(confirm.messageId)!)).toContain("没有改期");
    expect((await t.runtime.db.meeting.findUnique({ where: { id: m.id } }))!.startAt.toISOString()).toBe(m.startAt.toISOString());
    await t.say(t.people.s1, t.chats.branch1, `/改期 #${m.seqNo} 2026-03-18 09:00`);
    expect(lastText(t, t.chats.branch1)).toContain("已将");
    expect((await t.runtime.db.meeting.findUnique({ where: { id: m.id } }))!.startAt.toISOString()).toBe(new Date("2026-03-18T09:00:00+08:00").toISOString());
  });
});

describe("examples people are shown", () => {
  const tz = "Asia/Shanghai";
  // Any day they may be read on: today, half a year on, the last day of a year, years later.
  const days = ["2026-03-02T10:00:00+08:00", "2026-09-15T20:00:00+08:00", "2026-12-31T23:00:00+08:00", "2029-02-28T08:00:00+08:00"].map((d) => new Date(d));

  it("schedule meetings in the future whenever they are read", () => {
    for (const now of days) {
      for (const example of [SCHEDULE_EXAMPLE, LESSON_EXAMPLE]) {
        const args = example.split(" ").slice(1);
        const parsed = parseScheduleArgs(args, [{ openId: "ou_x", name: "李明" }], now, tz, []);
        expect(parsed.start.getTime(), `${example} read on ${now.toISOString()}`).toBeGreaterThan(now.getTime());
      }
    }
  });

  it("give 整改 and 评议 deadlines of today or later whenever they are read", () => {
    for (const now of days) {
      const due = parseDueDay(ADD_EXAMPLE.split(" ")[3]!, now, tz);
      expect(due! >= dayOf(now, tz), `${ADD_EXAMPLE} read on ${now.toISOString()}`).toBe(true);
      const deadline = START_EXAMPLE.split("截止 ")[1]!;
      expect(parseDeadline(deadline, now, tz).getTime()).toBeGreaterThan(now.getTime());
    }
  });

  it("carry no fixed dates in /帮助's scheduling and deadline examples", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/帮助");
    const help = t.botMessages(t.chats.branch1).concat(t.botMessages(t.people.s1.openId)).map(cardText).join("\n");
    for (const command of ["/安排", "/改期", "/整改 新增", "/评议 开始"]) {
      for (const line of help.split("\n").filter((l) => l.includes(command))) expect(line, line).not.toMatch(/20\d\d-\d\d-\d\d/);
    }
  });
});
