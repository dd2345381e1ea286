import ExcelJS from "exceljs";
import { orgByChat } from "../../src/app/actors.ts";
import { loadRecordBook } from "../../src/features/minutes/export/book.ts";
import { meetingLedgerXlsx } from "../../src/features/minutes/export/xlsx.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import type { DemoPerson } from "../../src/sandbox/demo.ts";
import {
  advanceTo, buttonValue, cardsTitled, DAY, fieldNames, headerOf, lastCard, memberId, press, seen, submitPeer, submitSelf, toastOf, type Choice,
} from "./helpers.ts";
import { holdMeeting } from "../minutes/helpers.ts";

/**
 * A whole 民主评议 round in the demo branch (9 正式党员 incl. a committee of 4, one 预备党员,
 * one 非党员), through the fake platform: start, star scoring with a veto, self and peer
 * cards, a redelivered and a changed rating, progress, reminders, the deadline, a late
 * submission, committee determination, publication, rectification and 组织处置.
 */

let t: TestBot;
let ids: Record<string, number> & { [k in "s1" | "o1" | "x1" | "d1" | "m1" | "m2" | "m3" | "m4" | "m5" | "pr1" | "nm1"]: number };
let orgId: number;
let roundId: number;
const GRADE_CODES = ["EXCELLENT", "QUALIFIED", "BASICALLY_QUALIFIED", "UNQUALIFIED"];

beforeAll(async () => {
  t = await startTestBot();
  const p = t.people;
  ids = {} as typeof ids;
  for (const [key, person] of Object.entries({ s1: p.s1, o1: p.o1, x1: p.x1, d1: p.d1, m1: p.m1, m2: p.m2, m3: p.m3, m4: p.m4, m5: p.m5, pr1: p.pr1, nm1: p.nm1 })) {
    ids[key] = await memberId(t, t.chats.branch1, person);
  }
  orgId = (await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } })).id;
});
afterAll(() => t.stop());

const voters = () => [t.people.s1, t.people.o1, t.people.x1, t.people.d1, t.people.m1, t.people.m2, t.people.m3, t.people.m4, t.people.m5];

async function score(by: DemoPerson, target: DemoPerson, item: string, evidence: string, points?: string) {
  const card = lastCard(t, by, "评星记分 · 20");
  return press(t, by, card, "evaluation.score", { member: String(ids[keyOf(target)]), item, evidence, ...(points ? { points } : {}) });
}

function keyOf(person: DemoPerson): string {
  return Object.entries(t.people).find(([, p]) => p.openId === person.openId)![0];
}

/** The ballots of this test: x1, d1, m1, m2 get 优秀 from everyone; 孙悦 (预备) is rated by two only. */
function ballot(rater: DemoPerson) {
  return (target: number): Choice | [Choice, string] => {
    if (target === ids.pr1) return rater === t.people.s1 || rater === t.people.o1 ? "QUALIFIED" : "ABSTAIN";
    if ([ids.x1, ids.d1, ids.m1, ids.m2].includes(target)) return ["EXCELLENT", "作用发挥明显"];
    if (target === ids.m4) return "BASICALLY_QUALIFIED";
    return "QUALIFIED";
  };
}

describe("opening a round", () => {
  it("refuses /评议 开始 to an ordinary member, saying who may", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/评议 开始 2025年度民主评议");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有书记、副书记可以使用");
    expect(await t.runtime.db.appraisalRound.count()).toBe(0);
  });

  it("rejects a deadline that is not a date, with an example", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/评议 开始 2025年度民主评议 截止 下周");
    const text = textOf(t.lastBotMessage(t.chats.branch1));
    expect(text).toContain("截止日期「下周」看不懂");
    expect(text).toContain("正确示例：/评议 开始");
  });

  it("opens the round: an announcement in the group, private cards to each member by their role", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/评议 开始 2025年度民主评议 截止 2026-03-09");
    const announce = t.lastBotMessage(t.chats.branch1)!;
    const text = seen(announce);
    expect(text).toContain("民主评议党员 · 2025年度民主评议");
    expect(text).toContain("2026年3月9日（周一）23:59");
    expect(text).toContain("正式党员 9 人");
    expect(text).toContain("预备党员 1 人：个人自评、接受评议，不参加互评");
    expect(text).toContain("匿名承诺");
    const round = await t.runtime.db.appraisalRound.findFirstOrThrow();
    roundId = round.id;
    expect(round).toMatchObject({ status: "open", year: 2025, category: "gov_institution" });
    for (const v of voters()) {
      expect(cardsTitled(t, v, "个人自评")).toHaveLength(1);
      const peer = lastCard(t, v, "党员互评")!;
      // Everyone else in the round, 预备党员 included, never oneself or the 非党员.
      expect(fieldNames(peer, "g_")).toHaveLength(9);
      expect(fieldNames(peer, "g_")).not.toContain(`g_${ids[keyOf(v)]}`);
      expect(fieldNames(peer, "g_")).not.toContain(`g_${ids.nm1}`);
    }
    expect(cardsTitled(t, t.people.pr1, "个人自评")).toHaveLength(1);
    expect(cardsTitled(t, t.people.pr1, "党员互评")).toHaveLength(0);
    expect(t.botMessages(t.people.nm1.openId)).toHaveLength(0);
    const jobs = await t.runtime.db.job.findMany({ where: { key: { startsWith: `evaluation:` } }, orderBy: { runAt: "asc" } });
    expect(jobs.map((j) => j.key)).toEqual([
      `evaluation:remind:${roundId}:2026-03-09:2026-03-07`,
      `evaluation:remind:${roundId}:2026-03-09:2026-03-09`,
      `evaluation:close:${roundId}:${new Date("2026-03-10T00:00:00+08:00").getTime()}`,
    ]);
  });

  it("refuses a second round while one is running", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/评议 开始 再来一轮");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("「2025年度民主评议」还在进行中");
  });
});

describe("评星晋级: the committee records items privately", () => {
  it("sends the scoring card privately; the group only gets a pointer", async () => {
    await t.say(t.people.o1, t.chats.branch1, "/评星");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已私信发给您");
    const card = lastCard(t, t.people.o1, "评星记分 · 20");
    expect(seen(card)).toContain("基础分 80 分，加分合计最多 +20 分");
    expect(JSON.stringify(card!.content)).toContain("GOV-B1"); // the 机关事业单位 items on top of the common ones
  });

  it("refuses /评星 to an ordinary member", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/评星");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有支委");
  });

  it("records bonus items with evidence, applies the item cap, and needs points for a range item", async () => {
    const noPoints = await score(t.people.o1, t.people.x1, "B02", "先锋岗承诺全部兑现");
    expect(toastOf(noPoints)).toContain("2～5 分之间");
    for (const target of [t.people.x1, t.people.d1, t.people.m1, t.people.m2]) {
      const by = target === t.people.x1 || target === t.people.d1 ? t.people.s1 : t.people.o1;
      if (!lastCard(t, by, "评星记分 · 20")) await t.say(by, "p2p", "/评星");
      expect(toastOf(await score(by, target, "B01", "3月党课记录"))).toBe("已记录");
      await score(by, target, "B01", "6月党课记录");
      await score(by, target, "B01", "9月党课记录"); // over the +6 cap of this item
      await score(by, target, "B02", "先锋岗承诺全部兑现", "5");
      await score(by, target, "B04", "局表彰文件", "5");
    }
    await t.say(t.people.s1, "p2p", "/评星 @张红", { mentions: [t.people.x1] });
    const sheet = seen(lastCard(t, t.people.s1, "评星记分 · 张红"));
    expect(sheet).toContain("★★★★★ 96 分（基础 80 ＋加分 16 －减分 0）");
    expect(sheet).toContain("讲党课或领学：3 次，+6 分（已达本项上限）");
    expect(sheet).toContain("佐证：3月党课记录");
  });

  it("records deductions and a veto flag, and refuses scoring oneself", async () => {
    for (let i = 0; i < 3; i++) await score(t.people.o1, t.people.m4, "D01", `第${i + 1}次无故缺席党员大会（考勤记录）`);
    await t.say(t.people.d1, "p2p", "/评星");
    expect(toastOf(await score(t.people.d1, t.people.m5, "V01", "党委处分决定（2025）3号"))).toBe("已记录");
    const card = lastCard(t, t.people.o1, "评星记分 · 20")!;
    const self = await t.click(t.people.o1, card, buttonValue(card, "evaluation.score")!, {
      member: String(ids.o1), item: "B01", evidence: "自己讲的党课",
    });
    expect(toastOf(self)).toContain("不能给自己记分");
    const m5 = await t.runtime.db.appraisalScoreItem.findMany({ where: { memberId: ids.m5 } });
    expect(m5).toEqual([expect.objectContaining({ kind: "veto", points: 0, recordedBy: ids.d1, evidence: "党委处分决定（2025）3号" })]);
  });

  it("shows a member their own sheet privately, with evidence", async () => {
    await t.say(t.people.m4, t.chats.branch1, "/评议 我的");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toBe("已私信发给您。");
    const mine = seen(lastCard(t, t.people.m4, "我的民主评议"));
    expect(mine).toContain("★★☆☆☆ 71 分（基础 80 ＋加分 0 －减分 9）");
    expect(mine).toContain("第1次无故缺席党员大会");
    expect(mine).toContain("个人自评：未提交");
  });
});

describe("self-assessment and anonymous peer ratings", () => {
  it("takes every self-assessment, 预备党员 included", async () => {
    for (const p of [...voters(), t.people.pr1]) {
      const result = await submitSelf(t, p);
      expect(toastOf(result)).toBe("自评已提交");
    }
    expect(await t.runtime.db.appraisalParticipant.count({ where: { roundId, selfDone: true } })).toBe(10);
  });

  it("stores each rating without its rater; the answer echoes no grade", async () => {
    for (const v of voters()) {
      if (v === t.people.m3) continue; // 杨帆 has not rated yet
      const result = await submitPeer(t, v, ballot(v));
      expect(toastOf(result)).toBe("已匿名提交，截止前可以修改");
      const answer = JSON.stringify(result.card);
      for (const code of GRADE_CODES) expect(answer).not.toContain(code);
      expect(answer).not.toMatch(/优秀|基本合格|不合格/);
    }
    const columns = Object.keys((await t.runtime.db.appraisalPeerRating.findFirstOrThrow()) as object);
    expect(columns.sort()).toEqual(["ballotToken", "comment", "grade", "roundId", "targetMemberId"]);
    // 8 raters × 9 targets, minus the 6 who said "不了解" about 孙悦.
    expect(await t.runtime.db.appraisalPeerRating.count({ where: { roundId } })).toBe(8 * 9 - 6);
  });

  it("counts a redelivered submission once and answers it the same way", async () => {
    const before = await t.runtime.db.appraisalPeerRating.count({ where: { roundId } });
    await t.click(t.people.m2, lastCard(t, t.people.m2, "互评已匿名提交")!, buttonValue(lastCard(t, t.people.m2, "互评已匿名提交"), "evaluation.reopen")!);
    const result = await submitPeer(t, t.people.m2, ballot(t.people.m2));
    const again = await t.fake.redeliver(result.raw);
    await t.settle();
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).toContain("已匿名提交");
    expect(await t.runtime.db.appraisalPeerRating.count({ where: { roundId } })).toBe(before);
  });

  it("lets a rater change a rating before the deadline: it replaces the earlier one", async () => {
    const excellentForM4 = () => t.runtime.db.appraisalPeerRating.count({ where: { roundId, targetMemberId: ids.m4, grade: "EXCELLENT" } });
    expect(await excellentForM4()).toBe(0);
    const submitted = lastCard(t, t.people.m1, "互评已匿名提交");
    await press(t, t.people.m1, submitted, "evaluation.reopen");
    expect(headerOf(t.botMessages(t.people.m1.openId).find((m) => m.messageId === submitted!.messageId)!)).toContain("党员互评");
    await submitPeer(t, t.people.m1, (id) => (id === ids.m4 ? "EXCELLENT" : ballot(t.people.m1)(id)));
    expect(await excellentForM4()).toBe(1);
    expect(await t.runtime.db.appraisalPeerRating.count({ where: { roundId, targetMemberId: ids.m4 } })).toBe(7);
    // … and back, so the numbers below stay simple.
    await press(t, t.people.m1, lastCard(t, t.people.m1, "互评已匿名提交"), "evaluation.reopen");
    await submitPeer(t, t.people.m1, ballot(t.people.m1));
    expect(await excellentForM4()).toBe(0);
  });

  it("refuses a 预备党员's or 非党员's attempt to rate or fill in", async () => {
    await t.say(t.people.nm1, t.chats.branch1, "/评议 填写");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有党员可以使用");
    const card = lastCard(t, t.people.s1, "互评已匿名提交")!;
    const forged = await t.click(t.people.pr1, card, { a: "evaluation.peer", org: orgId, r: roundId, p: 1 }, {});
    expect(toastOf(forged)).toContain("预备党员没有表决权");
  });
});

describe("progress and reminders", () => {
  it("shows the secretary who has not finished — privately, and never what anyone rated", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/评议 进度");
    const groupReply = textOf(t.lastBotMessage(t.chats.branch1));
    expect(groupReply).toContain("已完成 9/10 人");
    expect(groupReply).not.toContain("杨帆");
    const progress = seen(lastCard(t, t.people.s1, "评议进度"));
    expect(progress).toContain("党员互评：8/9 人");
    expect(progress).toContain("杨帆：未完成互评");
    expect(progress).not.toMatch(/优秀|基本合格|不合格/);
  });

  it("reports progress in the branch's summary as counts only", async () => {
    await t.say(t.people.m2, t.chats.branch1, "/小结");
    const summary = seen(t.lastBotMessage(t.chats.branch1));
    expect(summary).toContain("民主评议「2025年度民主评议」进行中：已完成 9/10 人");
    expect(summary).not.toContain("杨帆");
  });

  it("refuses progress to an ordinary member", async () => {
    await t.say(t.people.m2, t.chats.branch1, "/评议 进度");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有书记、副书记");
  });

  it("reminds only those who have not finished, before the deadline, once per reminder day", async () => {
    await advanceTo(t, "2026-03-07T09:30:00+08:00"); // the first reminder day
    const reminder = t.botMessages(t.people.m3.openId).filter((m) => textOf(m).includes("【民主评议提醒】"));
    expect(reminder).toHaveLength(1);
    expect(textOf(reminder[0])).toContain("您还没有完成：党员互评");
    expect(t.botMessages(t.people.m1.openId).some((m) => textOf(m).includes("【民主评议提醒】"))).toBe(false);
    await t.restart();
    await t.settle();
    expect(t.botMessages(t.people.m3.openId).filter((m) => textOf(m).includes("【民主评议提醒】"))).toHaveLength(1);
  });
});

describe("the deadline", () => {
  it("closes collection at the deadline: counts to the group, determination cards to the committee", async () => {
    await advanceTo(t, "2026-03-10T00:01:00+08:00"); // just after the deadline
    const round = await t.runtime.db.appraisalRound.findUniqueOrThrow({ where: { id: roundId } });
    expect(round.status).toBe("closed");
    const closing = textOf(t.lastBotMessage(t.chats.branch1));
    expect(closing).toContain("已于 2026年3月9日（周一）23:59 截止");
    expect(closing).toContain("党员互评 8/9 人完成");
    for (const c of [t.people.s1, t.people.o1, t.people.x1, t.people.d1]) {
      expect(cardsTitled(t, c, "组织评定 ·").length).toBe(3); // a summary and two pages of 8
    }
    expect(cardsTitled(t, t.people.m1, "组织评定")).toHaveLength(0);
  });

  it("refuses a late submission clearly and records nothing", async () => {
    const before = await t.runtime.db.appraisalPeerRating.count({ where: { roundId } });
    const late = await submitPeer(t, t.people.m3, ballot(t.people.m3));
    expect(toastOf(late)).toBe("「2025年度民主评议」已于 2026年3月9日（周一）23:59 截止，这次提交没有被记录。如有特殊情况，请联系支部书记。");
    expect(await t.runtime.db.appraisalPeerRating.count({ where: { roundId } })).toBe(before);
    expect((await t.runtime.db.appraisalParticipant.findUniqueOrThrow({ where: { roundId_memberId: { roundId, memberId: ids.m3 } } })).peerDone).toBe(false);
  });

  it("drops the ratings of a member below the anonymity threshold and shows their peer result as 缺项", async () => {
    expect(await t.runtime.db.appraisalPeerRating.count({ where: { roundId, targetMemberId: ids.pr1 } })).toBe(0);
    const pr1 = await t.runtime.db.appraisalResult.findUniqueOrThrow({ where: { roundId_memberId: { roundId, memberId: ids.pr1 } } });
    expect(pr1).toMatchObject({ raterCount: 2, peerCounts: null, proposedGrade: "QUALIFIED" });
    const page2 = seen(cardsTitled(t, t.people.s1, "组织评定 · 第 2/2 页")[0]);
    expect(page2).toContain("孙悦");
    expect(page2).toContain("互评：参评不足 3 人，为保护匿名不显示（缺项）");
  });
});

describe("组织评定: the bot proposes, the committee decides", () => {
  it("proposes by the catalogue's rules, explained on the card, and warns when 优秀 exceed one third", async () => {
    const results = await t.runtime.db.appraisalResult.findMany({ where: { roundId } });
    const proposed = Object.fromEntries(results.map((r) => [r.memberId, r.proposedGrade]));
    // A veto or low stars only flag the case for discussion: no grade below 合格 is ever proposed.
    expect(proposed[ids.m5]).toBe("DISCUSS"); // veto, whatever the score
    expect(proposed[ids.m4]).toBe("DISCUSS"); // two stars
    expect(results.every((r) => ["EXCELLENT", "QUALIFIED", "DISCUSS"].includes(r.proposedGrade))).toBe(true);
    for (const k of ["x1", "d1", "m1", "m2"]) expect(proposed[ids[k]!]).toBe("EXCELLENT");
    expect(results.every((r) => r.finalGrade === null)).toBe(true); // nobody is labelled by the bot
    const summary = seen(cardsTitled(t, t.people.s1, "组织评定 · 2025")[0]);
    expect(summary).toContain("建议：优秀 4 人 · 合格 4 人 · 待支委会讨论 2 人（助手不建议基本合格、不合格）");
    expect(summary).toContain("建议为优秀的有 4 人，超过参评党员（10 人）的三分之一（最多 3 人）");
    expect(summary).toContain("有一票否决项：不提出等次建议");
    expect(summary).not.toContain("建议评为不合格");
    const page1 = seen(cardsTitled(t, t.people.s1, "组织评定 · 第 1/2 页")[0]);
    expect(page1).toContain("互评（7 人）：优秀 7 人");
    expect(page1).toContain("评星为两星及以下");
    expect(page1).toContain("建议：不提建议，待支委会讨论");
    const page2 = seen(cardsTitled(t, t.people.s1, "组织评定 · 第 2/2 页")[0]);
    expect(page2).toContain("周敏");
    expect(page2).toContain("否决项：本年度受到党纪处分");
  });

  it("raises the ≤ 1/3 warning (W11) for the committee without naming anyone", async () => {
    await t.advance(DAY);
    const warning = t.botMessages(t.people.o1.openId).filter((m) => seen(m).includes("W11"));
    expect(warning).toHaveLength(1);
    expect(seen(warning[0])).toContain("超过参评党员的三分之一");
    for (const name of ["张红", "刘洋", "陈静", "赵强"]) expect(seen(warning[0])).not.toContain(name);
    expect(t.botMessages(t.people.m3.openId).some((m) => seen(m).includes("W11"))).toBe(false);
  });

  it("requires a reason to differ from the proposal, then saves and updates the other committee members' cards", async () => {
    const page1 = cardsTitled(t, t.people.s1, "组织评定 · 第 1/2 页")[0]!;
    const form: Record<string, unknown> = {};
    for (const name of fieldNames(page1, "f_")) {
      const id = Number(name.slice(2));
      const row = await t.runtime.db.appraisalResult.findUniqueOrThrow({ where: { roundId_memberId: { roundId, memberId: id } } });
      form[name] = id === ids.m1 ? "QUALIFIED" : id === ids.m4 ? "BASICALLY_QUALIFIED" : row.proposedGrade;
    }
    const refused = await press(t, t.people.s1, page1, "evaluation.determine", form);
    expect(toastOf(refused)).toContain("刘洋：评定等次与建议不同，请在「评定理由」里写明理由");
    expect(await t.runtime.db.appraisalResult.count({ where: { roundId, finalGrade: { not: null } } })).toBe(0);
    const withM1 = { ...form, [`r_${ids.m1}`]: "支委会研究：优秀名额不超过三分之一" };
    const undiscussed = await press(t, t.people.s1, page1, "evaluation.determine", withM1);
    expect(toastOf(undiscussed)).toContain("黄磊：这位同志的情况待支委会讨论，请在「评定理由」里写明讨论结论");
    expect(await t.runtime.db.appraisalResult.count({ where: { roundId, finalGrade: { not: null } } })).toBe(0);
    const saved = await press(t, t.people.s1, page1, "evaluation.determine", { ...withM1, [`r_${ids.m4}`]: "多次无故缺席党小组会，经谈话已认识不足" });
    expect(toastOf(saved)).toBe("已保存第 1 页的评定");
    expect(await t.runtime.db.appraisalResult.count({ where: { roundId, finalGrade: { not: null } } })).toBe(8);
    const othersPage = t.botMessages(t.people.o1.openId).find((m) => headerOf(m).includes("组织评定 · 第 1/2 页"))!;
    expect(othersPage.updated).toBe(true);
    expect(seen(othersPage)).toContain("已评定为「合格」（王建国），理由：支委会研究：优秀名额不超过三分之一");
  });

  it("refuses to publish before everyone is determined", async () => {
    const summary = cardsTitled(t, t.people.s1, "组织评定 · 2025")[0];
    const result = await press(t, t.people.s1, summary, "evaluation.publish", { meeting: "#1" });
    expect(toastOf(result)).toContain("还有 2 位同志没有评定");
    expect((await t.runtime.db.appraisalRound.findUniqueOrThrow({ where: { id: roundId } })).status).toBe("closed");
  });

  it("sends the committee member the self-assessments and anonymous comments privately", async () => {
    await press(t, t.people.d1, cardsTitled(t, t.people.d1, "组织评定 · 2025")[0], "evaluation.materials");
    const text = textOf(t.lastBotMessage(t.people.d1.openId));
    expect(text).toContain("【张红】");
    expect(text).toContain("作用发挥明显");
    expect(text).toContain("【孙悦】");
  });

  it("publishes: results privately to each member, only counts to the group; 基本合格 gets help, 不合格 needs a written reason and opens nothing", async () => {
    const page2 = cardsTitled(t, t.people.o1, "组织评定 · 第 2/2 页")[0]!;
    const form: Record<string, unknown> = {};
    for (const name of fieldNames(page2, "f_")) {
      const id = Number(name.slice(2));
      form[name] = id === ids.m5 ? "UNQUALIFIED" : (await t.runtime.db.appraisalResult.findUniqueOrThrow({ where: { roundId_memberId: { roundId, memberId: id } } })).proposedGrade;
    }
    expect(toastOf(await press(t, t.people.o1, page2, "evaluation.determine", form))).toContain("周敏：评定为不合格须写明理由");
    form[`r_${ids.m5}`] = "支委会核实：本年度受党纪处分后仍无故不参加组织生活";
    expect(toastOf(await press(t, t.people.o1, page2, "evaluation.determine", form))).toBe("已保存第 2 页的评定");
    // A body decides: only the secretary publishes, naming the quorate 支委会 that determined the results.
    const summary = cardsTitled(t, t.people.s1, "组织评定 · 2025")[0];
    expect(toastOf(await press(t, t.people.o1, cardsTitled(t, t.people.o1, "组织评定 · 2025")[0], "evaluation.publish", { meeting: "#1" }))).toBe("只有书记、副书记可以进行此操作。");
    expect(toastOf(await press(t, t.people.s1, summary, "evaluation.publish", { meeting: "" }))).toContain("请填写作出决定的支委会");
    const held = await holdMeeting(t, {
      chat: t.chats.branch1, by: t.people.s1, command: "/安排 支委会 2026-03-11 09:00 书记办公室 民主评议组织评定",
      start: new Date("2026-03-11T09:00:00+08:00"), present: [t.people.s1, t.people.o1, t.people.x1, t.people.d1],
    });
    const before = t.botMessages(t.chats.branch1).length;
    const result = await press(t, t.people.s1, summary, "evaluation.publish", { meeting: `#${held.seqNo}` });
    expect(toastOf(result)).toContain("已发布");
    expect(await t.runtime.db.appraisalRound.findUniqueOrThrow({ where: { id: roundId } })).toMatchObject({ decidedMeetingNo: held.seqNo, decidedMeetingType: "branch_committee_meeting", publishedBy: ids.s1 });
    const group = t.botMessages(t.chats.branch1).slice(before).map(textOf).join("\n");
    expect(group).toContain(`评定结果已由支委会 #${held.seqNo}（3月11日（周三））评定`);
    // One 基本合格 and one 不合格 in a branch of ten: counts would point at them, so they are withheld.
    expect(group).toContain("全支部参评 10 人：各等次人数：缺项（有的等次不足 3 人，在群里公布人数可能让人推断出是谁");
    expect(group).not.toMatch(/不合格 1 人|基本合格 1 人/);
    for (const name of ["周敏", "黄磊", "张红", "刘洋"]) expect(group).not.toContain(name);
    const m5 = seen(lastCard(t, t.people.m5, "民主评议结果"));
    expect(m5).toContain("等次是 **不合格**");
    expect(m5).toContain(`经支委会 #${held.seqNo}（3月11日（周三））评定`);
    expect(m5).not.toContain("整改事项");
    expect(m5).toContain("是否作组织处置、如何处置，须经支委会、上级党委、支部党员大会等程序依规决定");
    expect(seen(lastCard(t, t.people.m4, "民主评议结果"))).toContain("指出不足、帮助改进。已为您建立整改事项");
    expect(seen(lastCard(t, t.people.m1, "民主评议结果"))).toContain("评定理由：支委会研究：优秀名额不超过三分之一");
    expect(seen(lastCard(t, t.people.x1, "民主评议结果"))).toContain("互评（7 人）：优秀 7 人");
    expect(seen(lastCard(t, t.people.pr1, "民主评议结果"))).toContain("参评不足 3 人");
    const items = await t.runtime.db.rectificationItem.findMany({ where: { orgId, source: "appraisal" }, orderBy: { id: "asc" } });
    // Only 基本合格 gets a rectification item; no correction period is invented for 不合格.
    expect(items.map((i) => [i.ownerId, i.scope])).toEqual([[ids.m4, "individual"]]);
    expect(items[0]!.dueOn).toBe("2026-06-09"); // published 3月11日 + 90 days, from the catalogue
    expect(await t.runtime.db.appraisalDisposition.count({ where: { roundId } })).toBe(0); // no disposal opened by itself

    // The 2025 台账's 民主评议 sheet (issue 16 item 2): counts once published, the deciding meeting, nobody's name.
    const org = (await t.runtime.db.$transaction((tx) => orgByChat(tx, t.chats.branch1)))!;
    const book = await loadRecordBook(t.runtime.db, org, 2025, t.clock.now());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await meetingLedgerXlsx(book)) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet("民主评议")!;
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    const row = (sheet.getRow(3).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("状态")).toBe("已公布");
    expect(cell("参评人数")).toBe(await t.runtime.db.appraisalParticipant.count({ where: { roundId } }));
    expect(cell("不合格")).toBe(1);
    expect(cell("基本合格")).toBe(1);
    expect(cell("评定会议")).toBe(`#${held.seqNo} 支部委员会`);
    const everything = JSON.stringify(sheet.getSheetValues());
    for (const name of ["周敏", "黄磊", "张红", "刘洋"]) expect(everything).not.toContain(name);
  });

  it("offers 组织处置 only for 不合格, as a procedure recorded step by step against the deciding meetings", async () => {
    const card = lastCard(t, t.people.d1, "组织处置程序");
    const text = seen(card);
    expect(text).toContain("周敏");
    expect(text).not.toContain("黄磊"); // 基本合格: 指出不足、帮助改进, never a disposal
    expect(text).toContain("○ 支委会初步认定，提出处置意见");
    expect(text).toContain("本年度已受党纪处分"); // V01: no second disposal for the same matter
    const value = (m: number) => ({ a: "evaluation.dispose", org: orgId, r: roundId, m });
    const basic = await t.click(t.people.d1, card!, value(ids.m4), { [`step_${ids.m4}`]: "finding", [`outcome_${ids.m4}`]: "correction_period" });
    expect(toastOf(basic)).toContain("组织处置只适用于评定为不合格的同志");
    const f = (extra: Record<string, string>) => ({ [`step_${ids.m5}`]: "finding", [`outcome_${ids.m5}`]: "correction_period", ...extra });
    const early = await t.click(t.people.d1, card!, value(ids.m5), { [`step_${ids.m5}`]: "vote" });
    expect(toastOf(early)).toContain("请按程序先记录「支委会初步认定，提出处置意见」");
    expect(toastOf(await t.click(t.people.d1, card!, value(ids.m5), f({ [`due_${ids.m5}`]: "2027-03-31 +0800" })))).toContain("不因同一问题再作组织处置");
    const note = { [`note_${ids.m5}`]: "处分之外的问题：全年无故不参加组织生活" };
    expect(toastOf(await t.click(t.people.d1, card!, value(ids.m5), f(note)))).toContain("限期改正须由支部确定改正期限");
    const withNote = f({ [`due_${ids.m5}`]: "2027-03-31 +0800", ...note });
    expect(toastOf(await t.click(t.people.d1, card!, value(ids.m5), withNote))).toContain("请填写作出决定的支委会");
    const held = await holdMeeting(t, {
      chat: t.chats.branch1, by: t.people.s1, command: "/安排 支委会 2026-03-13 14:30 三楼会议室 研究组织处置意见",
      start: new Date("2026-03-13T14:30:00+08:00"), present: [t.people.s1, t.people.o1, t.people.x1, t.people.d1],
    });
    const ok = await t.click(t.people.d1, card!, value(ids.m5), { ...withNote, [`meeting_${ids.m5}`]: `#${held.seqNo}` });
    expect(toastOf(ok)).toBe("已记录：周敏：支委会初步认定，提出处置意见（限期改正）");
    const rows = await t.runtime.db.appraisalDisposition.findMany({ where: { roundId } });
    expect(rows).toEqual([expect.objectContaining({ memberId: ids.m5, step: "finding", outcome: "correction_period", meetingNo: held.seqNo, dueOn: "2027-03-31", recordedBy: ids.d1 })]);
    // A 党员大会 vote needs a 党员大会, not the 支委会; the pre-review comes first anyway.
    const wrong = await t.click(t.people.d1, card!, value(ids.m5), { [`step_${ids.m5}`]: "prereview", [`note_${ids.m5}`]: "党委 3 月 16 日预审同意" });
    expect(toastOf(wrong)).toBe("已记录：周敏：上级党委预审");
    const vote = await t.click(t.people.d1, card!, value(ids.m5), { [`step_${ids.m5}`]: "vote", [`meeting_${ids.m5}`]: `#${held.seqNo}` });
    expect(toastOf(vote)).toContain("不是支部党员大会");
    const others = seen(lastCard(t, t.people.s1, "组织处置程序"));
    expect(others).toContain(`✓ 支委会初步认定，提出处置意见：`);
    expect(others).toContain(`会议 #${held.seqNo}，处置意见：限期改正（改正期限至 2027-03-31）（赵强记录）`);
    expect(others).toContain("○ 支部党员大会讨论表决");
  });

  it("locks the published results; new score entries go to the next year", async () => {
    const page = t.botMessages(t.people.o1.openId).find((m) => headerOf(m).includes("组织评定 · 第 1/2 页"))!;
    expect(seen(page)).toContain("评定结果已发布，不能再修改");
    const again = await t.click(t.people.s1, cardsTitled(t, t.people.s1, "组织评定 · 第 2/2 页")[0]!, { a: "evaluation.determine", org: orgId, r: roundId, p: 2 }, {});
    expect(toastOf(again)).toContain("已经发布");
    await t.say(t.people.o1, "p2p", "/评星");
    expect(headerOf(lastCard(t, t.people.o1, "评星记分 · 20")!)).toBe("评星记分 · 2026 年度");
  });
});

describe("a small branch, a new deadline and an early close", () => {
  let small: number;

  it("warns at the start that peer results will stay hidden with fewer than 4 正式党员", async () => {
    await t.say(t.people.s2, t.chats.branch2, "/评议 开始 2025年度民主评议 截止 2026-03-13");
    const text = seen(t.lastBotMessage(t.chats.branch2));
    expect(text).toContain("本支部正式党员 3 人，每位同志最多收到 2 份互评，少于 3 份时不显示互评结果");
    small = (await t.runtime.db.appraisalRound.findFirstOrThrow({ where: { name: "2025年度民主评议", status: "open" } })).id;
  });

  it("moves the deadline: old reminders are cancelled, new ones keyed by the new deadline", async () => {
    await t.say(t.people.m6, t.chats.branch2, "/评议 延期 2026-03-20");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("只有书记、副书记");
    await t.say(t.people.s2, t.chats.branch2, "/评议 延期 2026-03-20");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("截止时间调整为 2026年3月20日（周五）23:59");
    const pending = await t.runtime.db.job.findMany({ where: { key: { startsWith: `evaluation:` }, status: "pending", payload: { contains: `"roundId":${small}` } }, orderBy: { runAt: "asc" } });
    expect(pending.map((j) => j.key)).toEqual([
      `evaluation:remind:${small}:2026-03-20:2026-03-18`,
      `evaluation:remind:${small}:2026-03-20:2026-03-20`,
      `evaluation:close:${small}:${new Date("2026-03-21T00:00:00+08:00").getTime()}`,
    ]);
  });

  it("re-sends a member's cards on /评议 填写", async () => {
    const before = cardsTitled(t, t.people.m6, "党员互评").length;
    await t.say(t.people.m6, "p2p", "/评议 填写");
    expect(cardsTitled(t, t.people.m6, "党员互评")).toHaveLength(before + 1);
  });

  it("closes early only after confirmation; the secretary of a branch without committee determines", async () => {
    await t.say(t.people.s2, t.chats.branch2, "/评议 结束");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("请发送：/评议 结束 确认");
    expect((await t.runtime.db.appraisalRound.findUniqueOrThrow({ where: { id: small } })).status).toBe("open");
    await t.say(t.people.s2, t.chats.branch2, "/评议 结束 确认");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("已由书记提前结束");
    expect((await t.runtime.db.appraisalRound.findUniqueOrThrow({ where: { id: small } })).status).toBe("closed");
    expect(cardsTitled(t, t.people.s2, "组织评定 · 2025")).toHaveLength(1);
    expect(await t.runtime.db.job.count({ where: { key: { startsWith: `evaluation:` }, status: "pending", payload: { contains: `"roundId":${small}` } } })).toBe(0);
  });
});
