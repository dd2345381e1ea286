import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), "golden");
let t: TestBot;

/** Compares with the stored golden text; UPDATE_GOLDEN=1 rewrites it (review the diff). */
function golden(name: string, actual: string) {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

// Monday 2026-03-02 10:00: a week of organisational life, then the next Monday's digest.
beforeAll(async () => {
  t = await startTestBot();
  const { s1, o1, x1, d1, m1, m3, m4, pr1, m2 } = t.people;
  await t.say(s1, t.chats.branch1, "/安排 党课 2026-03-04 15:00 三楼会议室 主讲 @李明 学习新修订的党章", { mentions: [o1] });
  await t.say(s1, t.chats.branch1, "/安排 党员大会 2026-03-12 14:30 三楼会议室 讨论预备党员转正");
  await t.say(m2, t.chats.branch1, "/请假 #1 出差");
  await t.advance(2 * DAY + 4 * HOUR + 50 * 60_000); // Wednesday 14:50, sign-in open
  const signin = t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("会议签到 · #1")).at(-1)!;
  for (const p of [s1, o1, x1, d1, m1, m3, pr1]) await t.click(p, signin, { a: "meetings.signin", m: 1 });
  await t.say(s1, t.chats.branch1, "/整改 新增 支部 @王建国 2026-03-06 会议记录归档不及时 措施：会后七日内归档", { mentions: [s1] });
  await t.advance(5 * DAY - 5 * HOUR - 49 * 60_000); // Monday 09:01
});
afterAll(() => t.stop());

describe("the weekly digest of a seeded branch", () => {
  it("reads as expected: obligations with denominators, substance, follow-through, 缺项 where data is missing", () => {
    const digest = t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("· 周报")).at(-1)!;
    golden("branch1-week10.txt", textOf(digest));
  });

  it("puts every line under a heading (issue 17 item 10: the held meetings read as stray lines under the obligations)", () => {
    const digest = textOf(t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("· 周报")).at(-1)!);
    expect(digest).toMatch(/\*\*本期召开的会议\*\*\n<font color='default'>&#35;1 党课 3月4日（周三）「学习新修订的党章」/);
  });

  it("names nobody with a personal figure and ranks nothing", () => {
    const digest = textOf(t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("· 周报")).at(-1)!);
    expect(digest).not.toMatch(/第\s*\d+\s*名|排行|积分/);
    expect(digest).not.toContain("刘洋"); // a member's attendance is never named in the group
  });

  it("rolls the branches up for the committee, attention first, indicators grouped by secretary type", () => {
    const digest = t.botMessages(t.chats.committee).filter((m) => textOf(m).includes("下级支部周报")).at(-1)!;
    golden("committee-week10.txt", textOf(digest));
  });
});
