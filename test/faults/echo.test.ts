import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { CARD_SIZE_LIMIT } from "../../src/app/cards.ts";

/**
 * Bounded echo (issue 21 item 3): whatever someone types, a reply quotes at most a few dozen
 * characters of it, and no reply exceeds Lark's limits — in the group, for every command and
 * argument position, a 100,000-character run (300 KB) gets a short answer.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const RUN = "党".repeat(100_000);
/** More than this many characters of the run in a reply is an echo of it. */
const ECHO_WINDOW = "党".repeat(61);

const COMMANDS = [
  "/", "/成员 ", "/角色 ", "/党小组 ", "/党小组 分配 ", "/换届 ", "/书记类型 ", "/关联 ", "/小结 ", "/预警 ", "/周报 ", "/计划 ",
  "/安排 ", "/安排 党员大会 ", "/安排 党员大会 2026-03-20 ", "/会议 ", "/改期 #1 ", "/取消 #1 ", "/参加 ", "/请假 ", "/补课 ", "/考勤 ",
  "/不计应到 ", "/会议规则 ", "/纪要 ", "/纪要 #1 ", "/导出 ", "/整改 ", "/整改 #1 ", "/整改 新建 ", "/抽查 ", "/评议 ", "/组织生活会 ", "/帮助 ",
];

describe("a 300 KB argument", () => {
  it.each(COMMANDS)("after %s is answered briefly, quoting a few dozen characters at most", async (command) => {
    const seen = new Set([...t.botMessages(t.chats.branch1), ...t.botMessages(t.people.s1.openId)].map((m) => m.messageId));
    await t.say(t.people.s1, t.chats.branch1, `${command}${RUN}`);
    const replies = [...t.botMessages(t.chats.branch1), ...t.botMessages(t.people.s1.openId)].filter((m) => !seen.has(m.messageId));
    expect(replies.length, "some answer").toBeGreaterThan(0);
    for (const reply of replies) {
      const text = textOf(reply);
      expect(text, "the answer itself reached the chat").not.toContain("送达失败");
      expect(text).not.toContain(ECHO_WINDOW);
      const bytes = Buffer.byteLength(JSON.stringify(reply.content));
      expect(bytes).toBeLessThanOrEqual(reply.msgType === "interactive" ? CARD_SIZE_LIMIT : 150 * 1024);
    }
  });
});
