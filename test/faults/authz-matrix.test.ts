import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { rowsWritten } from "../support/database.ts";
import type { Tx } from "../../src/db/client.ts";
import { DEMO_CHATS, type DemoPerson } from "../../src/sandbox/demo.ts";
import { actionTable, commandTable, PERMISSION_TEXT } from "../../src/cli/commands-doc.ts";
import { buildWorld, rolesOf, type RoleName, type World } from "./support/world.ts";
import { groupMessage, inRolledBackTx, rowText, sayOverWebhook, sendMessage } from "./support/direct.ts";
import { COMMAND_REFUSALS, isRefusal, USAGE_SUFFIX } from "./support/refusals.ts";
import { coarse, ROLE_NAMES, 书记, 党员, 党委书记, 党委的党员, 党委的支委, 名单上的人, 所有人, 支委, 支委或党小组组长 } from "./support/roles.ts";
import { reportCounts } from "./support/counts.ts";

/**
 * The authorisation matrix of issue 9 for commands: every registered command (each sub-command
 * with its own rule too) × every role, sent in 机关第一党支部's chat (the committee's commands in
 * 机关党委's chat) → allowed, or refused with the bot's own words, exactly as the README's command
 * reference says. Each cell runs in a rolled-back transaction, so every cell sees the same world;
 * the refusals are then sent once more through the real webhook.
 */

let t: TestBot;
let w: World;
beforeAll(async () => {
  t = await startTestBot();
  w = await buildWorld(t);
}, 60_000);
afterAll(() => t.stop());

interface Row {
  say: string;
  /** Who may, in the README's words (support/roles.ts); everyone else is refused. */
  allow: readonly RoleName[];
  mentions?: DemoPerson[];
  /** 机关党委's chat instead of the branch's. */
  committee?: true;
  /** Done first, in the same rolled-back transaction: the state the invocation needs to succeed. */
  given?: (tx: Tx) => Promise<void>;
}

const submitted = (id: number) => async (tx: Tx) => {
  await tx.rectificationItem.update({ where: { id }, data: { status: "submitted", submittedAt: t.clock.now() } });
};

/** The expectations, one line per invocation, in the words of the README's 谁可以用 column. */
function matrix(): Row[] {
  const p = t.people;
  const { partyMeeting: party, groupMeeting: group, heldMeeting: held, personalItem: mine, doneItem: done } = w.b1;
  const run = (who: DemoPerson, text: string) => (tx: Tx) => sendMessage(t, tx, groupMessage(w.b1.chat, who, text));
  return [
    // 支部与成员
    { say: "/帮助", allow: 所有人 },
    { say: "/绑定", allow: 所有人 },
    { say: "/成员", allow: 党员 },
    { say: "/角色 @孙悦 预备党员 2025-12-01", mentions: [p.pr1], allow: 书记 },
    { say: "/党小组", allow: 党员 },
    { say: "/党小组 分配 第一党小组 @陈静", mentions: [p.m2], allow: 支委 },
    { say: "/换届 2024-06-01", allow: 书记 },
    { say: "/书记类型 兼职 非一把手", allow: 书记 },
    { say: `/关联 ${w.b1.linkCode}`, allow: 书记 },
    { say: "/关联码", committee: true, allow: 党委的支委 },
    { say: "/下级", committee: true, allow: 党委的党员 },
    { say: "/用量", committee: true, allow: 党委书记 },
    { say: "/成员", committee: true, allow: 党委的党员 },
    { say: "/角色 @吴涛 正式党员", committee: true, mentions: [p.s2], allow: 党委书记 },
    // 三会一课
    { say: "/计划 2026", allow: 党员 },
    { say: "/计划 2026", committee: true, allow: 党委的党员 },
    { say: "/安排", allow: 支委或党小组组长 },
    { say: "/安排 党员大会 2026-03-25 14:30 三楼会议室 学习党章", allow: 支委 },
    { say: "/安排 党小组会 2026-03-19 14:30 二楼小会议室 学习党章 第一党小组", allow: 支委或党小组组长 },
    { say: "/会议", allow: 党员 },
    { say: `/会议 #${party.seq}`, allow: 党员 },
    { say: `/改期 #${party.seq} 2026-03-27 14:30`, allow: 支委 },
    { say: `/改期 #${group.seq} 2026-03-13 14:30`, allow: 支委或党小组组长 },
    { say: `/取消 #${party.seq} 与上级会议冲突，另行通知`, allow: 支委 },
    { say: `/取消 #${group.seq} 与上级会议冲突，另行通知`, allow: 支委或党小组组长 },
    { say: `/参加 #${party.seq}`, allow: 党员 },
    { say: `/请假 #${party.seq} 出差`, allow: 党员 },
    { say: "/补课", allow: 党员 },
    { say: `/补课 #${held.seq} @陈静`, mentions: [p.m2], allow: 支委 },
    { say: `/考勤 #${held.seq}`, allow: 支委 },
    { say: "/不计应到", allow: 支委 },
    { say: "/主题库", allow: 党员 },
    { say: "/主题库 新增 重温入党誓词", allow: 支委 },
    { say: "/会议规则 请假审批 书记", allow: 书记 },
    { say: "/会议规则", allow: 党员 },
    { say: "/会议规则 主题党日 每月5日", allow: 书记 },
    // 周报与预警
    { say: "/小结 本月", allow: 党员 },
    { say: "/小结 本月", committee: true, allow: 党委的党员 },
    { say: "/预警", allow: 党员 },
    { say: "/预警", committee: true, allow: 党委的党员 },
    { say: "/周报", allow: 支委 },
    { say: "/周报", committee: true, allow: 党委的支委 },
    // 会议记录 (李明 records #held; 王建国 may write and confirm)
    { say: "/纪要", allow: 党员 },
    { say: `/纪要 #${held.seq}`, allow: 党员 },
    { say: `/纪要 #${held.seq} 版本`, allow: 党员 },
    { say: `/纪要 #${held.seq} 确认`, allow: 书记 },
    { say: `/纪要 #${held.seq} 更正`, allow: 书记, given: run(p.s1, `/纪要 #${held.seq} 确认`) },
    { say: "/导出 2026", allow: 支委 },
    { say: "/导出 2026", committee: true, allow: 党委的支委 },
    // 民主评议 (2026 round open)
    { say: "/评议", allow: 所有人 },
    { say: "/评议 开始 2027年度民主评议", allow: 书记, given: async (tx) => void (await tx.appraisalRound.update({ where: { id: w.b1.openRound }, data: { status: "published" } })) },
    { say: "/评议 进度", allow: 书记 },
    { say: "/评议 延期 2026-04-10", allow: 书记 },
    { say: "/评议 结束", allow: 书记 },
    { say: "/评议 填写", allow: 党员 },
    { say: "/评议 我的", allow: 党员 },
    { say: "/评议 评定", allow: 支委, given: run(p.s1, "/评议 结束 确认") },
    // 处置 is about the latest round: here the finished 2025 round, as if 2026 had not begun.
    { say: "/评议 处置", allow: 支委, given: async (tx) => void (await tx.appraisalRound.delete({ where: { id: w.b1.openRound } })) },
    { say: "/评星", allow: 支委 },
    { say: "/评星 @杨帆", mentions: [p.m3], allow: 支委 },
    // 学时: in a group a member is told to use the private chat (not refused); counts for the secretary
    { say: "/学习", allow: 党员 },
    { say: "/学习 统计", allow: 书记 },
    // 组织生活会
    { say: "/组织生活会", allow: 所有人 },
    { say: "/组织生活会 征求意见", allow: 支委 },
    { say: "/组织生活会 提意见", allow: 名单上的人 },
    { say: "/组织生活会 意见", allow: 支委 },
    { say: "/组织生活会 对照检查", allow: 支委 },
    { say: "/组织生活会 整改承诺", allow: 支委 },
    { say: "/组织生活会 未交", allow: 书记 },
    { say: "/组织生活会 谈心", allow: 支委 },
    { say: "/组织生活会 问题清单", allow: 支委 },
    { say: `/组织生活会 会议 ${w.b1.orgLifeMeeting.seq}`, allow: 支委 },
    // 整改 (#mine: 陈静's personal item, 书记 verifies; #done: branch-level, closed)
    { say: "/整改", allow: 所有人 },
    { say: "/整改 列表", allow: 所有人 },
    { say: "/整改 列表 我的", allow: 所有人 },
    { say: `/整改 #${done.seq}`, allow: 所有人 },
    { say: `/整改 #${mine.seq}`, allow: ["书记", "委员", "正式党员", "党委书记", "党委委员"] }, // the owner, 支委, the committee's 支委
    { say: `/整改 #${mine.seq} 历史`, allow: ["书记", "委员", "正式党员", "党委书记", "党委委员"] },
    { say: "/整改 新增 @周敏 2026-05-31 学习笔记不完整 措施：每月补写学习心得", mentions: [p.m5], allow: 支委 },
    { say: `/整改 #${mine.seq} 进展 已补写 2 月学习心得`, allow: ["正式党员"] }, // the owner
    { say: `/整改 #${mine.seq} 佐证 https://example.com/学习心得`, allow: ["正式党员"] },
    { say: `/整改 #${mine.seq} 提交 已补写学习心得`, allow: ["正式党员"] },
    { say: `/整改 #${mine.seq} 通过 整改到位`, allow: 书记, given: submitted(mine.id) }, // the verifier: 书记 (none named)
    { say: `/整改 #${mine.seq} 退回 心得未结合本人问题`, allow: 书记, given: submitted(mine.id) },
    { say: `/整改 #${mine.seq} 期限 2026-05-31`, allow: 支委 },
    { say: `/整改 #${mine.seq} 公开`, allow: 支委 },
    { say: "/整改 设置", allow: 所有人 },
    { say: "/整改 设置 提醒 7,3,1", allow: 书记 },
    // 抽查
    { say: "/抽查 列表", committee: true, allow: 党委的支委 },
    { say: `/抽查 复现 ${w.committee.spotCheckSeq}`, committee: true, allow: 党委的支委 },
    { say: "/抽查 50% 2026Q1", committee: true, allow: 党委的支委 },
  ];
}

type Verdict = "allowed" | "refused";

/** Rows written so far (a refusal writes only its reply). */
const changes = (tx: Tx) => rowsWritten(tx);

interface Cell {
  row: Row;
  role: RoleName;
  verdict: Verdict;
  answer: string;
}

function commandOf(say: string) {
  const name = say.slice(1).split(/\s/)[0]!;
  const def = t.runtime.bot.commands.get(name.toLowerCase());
  if (!def) throw new Error(`no command for ${say}`);
  return def;
}

async function runCell(row: Row, role: RoleName): Promise<Cell> {
  const who = rolesOf(t)[role];
  const chat = row.committee ? w.committee.chat : w.b1.chat;
  const message = groupMessage(chat, who, row.say, row.mentions);
  const { result, queued: all } = await inRolledBackTx(t, async (tx) => {
    await row.given?.(tx);
    const [floor, before] = [(await tx.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0, await changes(tx)];
    await sendMessage(t, tx, message);
    return { floor, wrote: (await changes(tx)) - before };
  });
  const queued = all.filter((q) => q.id > result.floor);
  const replies = queued.filter((q) => q.replyTo === message.messageId);
  const answer = (replies.length ? replies : queued).map(rowText).join("\n");
  const cellName = `${who.name}（${role}）: ${row.say}`;
  expect(queued.length, `${cellName} gets an answer`).toBeGreaterThan(0);
  const refused = replies.length === 1 && replies[0]!.msgType === "text" && isRefusal(rowText(replies[0]!), COMMAND_REFUSALS);
  if (refused) {
    // A refusal is all that happens: no card, no message to anyone else.
    expect(queued, `${cellName}: nothing but the refusal`).toHaveLength(1);
    expect(result.wrote, `${cellName}: nothing written but the reply`).toBe(1);
    expect(answer).toMatch(/[\u4e00-\u9fff]/);
  } else {
    for (const q of queued.filter((q) => q.msgType === "text")) {
      expect(isRefusal(rowText(q), COMMAND_REFUSALS), `${cellName}: ${rowText(q)}`).toBe(false);
    }
    expect(answer, `${cellName}: a usage error instead of the command's answer`).not.toMatch(USAGE_SUFFIX);
  }
  return { row, role, verdict: refused ? "refused" : "allowed", answer };
}

describe("authorisation matrix: commands × roles", () => {
  let cells: Cell[] = [];

  it("has an expectation for every registered command, consistent with the README's reference", () => {
    const rows = matrix();
    const covered = new Set(rows.map((r) => commandOf(r.say).name));
    const missing = t.runtime.bot.allCommands().filter((c) => !covered.has(c.name)).map((c) => `/${c.name}`);
    expect(missing, "commands without a line in the matrix").toEqual([]);
    for (const row of rows) {
      const def = commandOf(row.say);
      const core = coarse(def.permission, row.committee ? "committee" : "branch");
      // Finer rules only narrow the coarse permission; a command without 细则 in the README is exactly its coarse permission.
      for (const role of row.allow) expect(core, `${row.say}: ${role} is beyond ${PERMISSION_TEXT[def.permission]}`).toContain(role);
      if (!def.access) expect([...row.allow].sort(), `${row.say}: the README says only ${PERMISSION_TEXT[def.permission]}`).toEqual([...core].sort());
    }
    // The README shows what the code registers (npm run docs:commands).
    const readme = readFileSync("README.md", "utf8");
    expect(readme.includes(commandTable(t.runtime.bot)), "README's command table is stale: npm run docs:commands").toBe(true);
    expect(readme.includes(actionTable(t.runtime.bot)), "README's card action table is stale: npm run docs:commands").toBe(true);
  });

  it("allows or refuses each role exactly as the table says", async () => {
    const wrong: string[] = [];
    for (const row of matrix()) {
      for (const role of ROLE_NAMES) {
        const cell = await runCell(row, role);
        cells.push(cell);
        const expected: Verdict = row.allow.includes(role) ? "allowed" : "refused";
        if (cell.verdict !== expected) wrong.push(`${role} ${row.say}${row.committee ? "（党委群）" : ""}: expected ${expected}, got ${cell.verdict}: ${cell.answer.slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(t.logs.join("")).not.toMatch(/event processing (failed|will be retried)/);
  }, 120_000);

  it("gives the same refusals through the real webhook", async () => {
    // Only people in the chat can type in it (the fake platform, like Lark, refuses the others).
    const inChat = (c: Cell) => DEMO_CHATS.find((x) => x.chatId === (c.row.committee ? w.committee.chat : w.b1.chat))!.people.some((x) => x.openId === rolesOf(t)[c.role].openId);
    const refusals = cells.filter((c) => c.verdict === "refused" && !c.row.given && inChat(c));
    // One refused role per invocation (refusals change nothing, so the world stays as it was).
    const sample = [...new Map(refusals.map((c) => [`${c.row.say}|${c.row.committee}`, c])).values()];
    for (const cell of sample) {
      const chat = cell.row.committee ? w.committee.chat : w.b1.chat;
      const sent = await sayOverWebhook(t, rolesOf(t)[cell.role], chat, cell.row.say, cell.row.mentions);
      const replies = t.botMessages(chat).filter((m) => m.parentId === sent.messageId);
      expect(replies, `${cell.role}: ${cell.row.say}`).toHaveLength(1);
      const reply = textOf(replies[0]);
      expect(reply, `${cell.role}: ${cell.row.say}`).toBe(cell.answer);
    }
    expect(sample.length).toBeGreaterThan(40);
    reportCounts("authz-commands", {
      invocations: matrix().length,
      cells: cells.length,
      allowed: cells.filter((c) => c.verdict === "allowed").length,
      refused: cells.filter((c) => c.verdict === "refused").length,
      refusalsOverWebhook: sample.length,
    });
  }, 60_000);
});
