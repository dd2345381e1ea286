import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { drawSample, type Frame } from "../../src/features/rectification/spotcheck/draw.ts";
import { buttonValue, createFromFeature, DAY, itemRow, lastCard, memberIdOf, orgIdOf, press, seen, toastOf } from "./helpers.ts";

let t: TestBot;
let branch1: number;
let branch2: number;
const closed: Record<string, number> = {};

/** An item from a feature, carried to 已完成 by its owner and the branch secretary in chat. */
async function closeItem(chat: string, owner: { openId: string }, secretary: { openId: string }, problem: string) {
  const orgId = await orgIdOf(t, chat);
  const { id, seqNo } = await createFromFeature(t, {
    orgId, source: "org_life_meeting", scope: "individual", problem,
    ownerMemberId: await memberIdOf(t, chat, owner.openId), dueDate: new Date("2026-03-31T00:00:00+08:00"), createdBy: secretary.openId,
  });
  await t.say(owner.openId, "p2p", `/整改 #${seqNo} 提交 已整改：${problem}`);
  await t.say(secretary.openId, "p2p", `/整改 #${seqNo} 通过`);
  expect((await itemRow(t, id)).status).toBe("done");
  closed[problem] = id;
}

beforeAll(async () => {
  t = await startTestBot();
  branch1 = await orgIdOf(t, t.chats.branch1);
  branch2 = await orgIdOf(t, t.chats.branch2);
  // Two strata: the second branch is a community branch.
  await t.runtime.db.partyOrg.update({ where: { id: branch2 }, data: { category: "village_community" } });
  const { s1, s2, m1, m2, m3, m6 } = t.people;
  await closeItem(t.chats.branch1, m1, s1, "学习笔记不完整");
  await closeItem(t.chats.branch1, m2, s1, "发言提纲准备不充分");
  await closeItem(t.chats.branch1, m3, s1, "党费交纳不及时");
  await closeItem(t.chats.branch2, m6, s2, "参加主题党日次数不足");
  // A 党员大会 held this quarter, with no minutes recorded (rows as the meetings feature keeps them).
  const at = t.clock.now();
  await t.runtime.db.meeting.create({
    data: { orgId: branch1, seqNo: 1, type: "branch_general_meeting", status: "held", startAt: new Date(at.getTime() + 3600_000), endAt: new Date(at.getTime() + 7200_000), heldAt: new Date(at.getTime() + 7200_000), createdBy: s1.openId, createdAt: at, updatedAt: at },
  });
  await t.advance(DAY);
});
afterAll(() => t.stop());

describe("a superior spot-check", () => {
  it("is for 支委 of a committee chat only", async () => {
    await t.say(t.people.s1, t.chats.committee, "/抽查 50% 2026Q1");
    expect(textOf(t.lastBotMessage(t.chats.committee))).toContain("只有支委");
    await t.say(t.people.s1, t.chats.branch1, "/抽查 50%");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只能在已绑定的党委（总支）群里使用");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/抽查 半数");
    expect(textOf(t.lastBotMessage(t.chats.committee))).toContain("「半数」不是有效的比例");
    expect(await t.runtime.db.spotCheck.count()).toBe(0);
  });

  it("draws a stratified sample with a recorded seed, posts a review card with each branch's records, and tells the sampled branches", async () => {
    await t.say(t.people.committeeSecretary, t.chats.committee, "/抽查 50% 2026Q1");
    const card = t.lastBotMessage(t.chats.committee)!;
    const text = seen(card);
    expect(text).toContain("整改抽查 #1 · 2026年第一季度");
    expect(text).toContain("抽样框：2 个领域、2 个支部、4 项验收销号的事项");
    const sc = await t.runtime.db.spotCheck.findFirstOrThrow({ include: { branches: { orderBy: { drawOrder: "asc" } }, items: { orderBy: { drawOrder: "asc" } } } });
    expect(sc.seed).toMatch(/^[0-9a-f]{16}$/);
    expect(text).toContain(`随机种子 ${sc.seed}`);
    // one branch from each stratum; ceil(50% × 3) = 2 of branch 1's items, 1 of branch 2's
    expect(sc.branches.map((b) => b.orgId).sort()).toEqual([branch1, branch2].sort());
    const items = await t.runtime.db.rectificationItem.findMany({ where: { id: { in: sc.items.map((i) => i.itemId) } } });
    expect(items.filter((i) => i.orgId === branch1)).toHaveLength(2);
    expect(items.filter((i) => i.orgId === branch2)).toHaveLength(1);
    // the records: meetings held vs required from the meetings plan (缺项 before records began), minutes, evidence
    expect(text).toContain("机关第一党支部");
    expect(text).toContain("（村（社区））");
    expect(text).toContain("支部党员大会：已落实 0/1 期，1 期已召开但考勤或记录待补"); // no minutes yet: not met
    expect(text).toContain("会议记录：已召开 1 次，记录已确认 0、待书记确认 0、缺 1");
    expect(text).toContain("缺项（绑定前无记录）");
    expect(text).toContain("会议记录：本期没有已召开的会议"); // 后勤服务中心党支部
    expect(text).toMatch(/佐证 1 份（文字说明 1）：已整改：/);
    // sampled branches are told
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("本支部被抽中，抽查已完成的整改事项 2 项");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("抽查 #1");
    expect(textOf(t.lastBotMessage(t.people.s1.openId))).toMatch(/抽查 #1 抽到本支部的整改事项：#\d、#\d/);
  });

  it("is reproduced from its seed: by the bot on request and by anyone with the frame", async () => {
    await t.say(t.people.committeeOfficer, t.chats.committee, "/抽查 复现 1");
    const reply = textOf(t.lastBotMessage(t.chats.committee));
    expect(reply).toContain("与原始记录完全一致 ✓");
    const sc = await t.runtime.db.spotCheck.findFirstOrThrow({ include: { branches: { orderBy: { drawOrder: "asc" } }, items: { orderBy: { drawOrder: "asc" } } } });
    const again = drawSample(JSON.parse(sc.frame) as Frame, sc.ratioPct, sc.seed);
    expect(again.branches.map((b) => b.orgId)).toEqual(sc.branches.map((b) => b.orgId));
    expect(again.branches.flatMap((b) => b.items)).toEqual(sc.items.map((i) => i.itemId));
    // a record whose seed was altered afterwards no longer reproduces
    const recorded = JSON.stringify(again);
    const forged = Array.from({ length: 50 }, (_, i) => `forged${i}`).find((seed) => JSON.stringify(drawSample(JSON.parse(sc.frame) as Frame, sc.ratioPct, seed)) !== recorded)!;
    await t.runtime.db.spotCheck.update({ where: { id: sc.id }, data: { seed: forged } });
    await t.say(t.people.committeeOfficer, t.chats.committee, "/抽查 复现 1");
    const tampered = textOf(t.lastBotMessage(t.chats.committee));
    await t.runtime.db.spotCheck.update({ where: { id: sc.id }, data: { seed: sc.seed } });
    expect(tampered).toContain("与原始记录不一致 ✗");
  });

  it("records a verdict per item; 不实 reopens the item and tells its owner", async () => {
    const card = reviewCard();
    const sc = await t.runtime.db.spotCheck.findFirstOrThrow({ include: { items: { orderBy: { drawOrder: "asc" } } } });
    const [first, second] = sc.items;
    const denied = await t.click(t.people.s1, card!, { a: "spotcheck.verdict", sc: sc.id, item: first!.itemId, v: "true" });
    expect(toastOf(denied)).toContain("只有支委");
    const ok = await t.click(t.people.committeeOfficer, card!, buttonValueFor(card!, first!.itemId, "true"));
    expect(toastOf(ok)).toContain("属实");
    const bad = await t.click(t.people.committeeOfficer, card!, buttonValueFor(card!, second!.itemId, "false"));
    expect(toastOf(bad)).toContain("已重新打开整改");
    const reopened = await itemRow(t, second!.itemId);
    expect(reopened.status).toBe("returned");
    expect(reopened.events.map((e) => e.action).slice(-2)).toEqual(["spot_checked", "reopened"]);
    const owner = await t.runtime.db.member.findUniqueOrThrow({ where: { id: reopened.ownerId! } });
    expect(seen(lastCard(t, owner.openId, `整改事项 #${reopened.seqNo}`))).toContain("上级抽查 #1 认定整改不实");
    expect(await t.runtime.db.job.count({ where: { key: { startsWith: `rect:${reopened.id}:r` }, status: "pending" } })).toBeGreaterThan(0);
    const updated = seen(t.fake.message(card!.messageId));
    expect(updated).toContain("核验结论：**属实**");
    expect(updated).toContain("已核验事项 2/3");
  });

  it("turns a branch finding into a branch-level item for that branch, verified by the reviewer", async () => {
    const card = reviewCard()!;
    const sc = await t.runtime.db.spotCheck.findFirstOrThrow();
    const value = findingValue(card, branch2);
    const result = await t.click(t.people.committeeOfficer, card, value, {
      [`finding_${branch2}`]: "主题党日记录只有照片，没有学习内容",
      [`result_${branch2}`]: "issue",
      [`due_${branch2}`]: "2026-04-30 +0800",
    });
    expect(toastOf(result)).toContain("登记为该支部整改事项 #2");
    const item = await t.runtime.db.rectificationItem.findFirstOrThrow({ where: { orgId: branch2, source: "superior_check" }, include: { owner: true, verifier: true } });
    expect(item).toMatchObject({ scope: "branch", sourceRef: `spotcheck:${sc.id}`, dueOn: "2026-04-30", disclosure: "branch" });
    expect(item.owner?.name).toBe("吴涛");
    expect(item.verifier?.name).toBe("何平");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("已登记为本支部整改事项 #2");
    // the branch secretary reports, the committee reviewer closes it
    await t.say(t.people.s2, "p2p", "/整改 #2 提交 补充了学习内容记录");
    const verify = lastCard(t, t.people.committeeOfficer.openId, "整改事项 #2");
    await press(t, t.people.committeeOfficer, verify, "rect.accept", { comment: "已核实" });
    expect((await itemRow(t, item.id)).status).toBe("done");
    const again = await t.click(t.people.committeeOfficer, card, value, { [`finding_${branch2}`]: "再记一次", [`result_${branch2}`]: "ok" });
    expect(toastOf(again)).toContain("不能重复提交");
  });
});

function reviewCard() {
  return t.botMessages(t.chats.committee).filter((m) => textOf(m).includes("整改抽查 #1")).at(-1);
}

function buttonValueFor(card: Parameters<typeof buttonValue>[0], itemId: number, v: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  JSON.stringify(card!.content, (_k, val: unknown) => {
    const o = val as Record<string, unknown> | null;
    if (o && typeof o === "object" && o.a === "spotcheck.verdict" && o.item === itemId && o.v === v) found = o;
    return val;
  });
  if (!found) throw new Error(`no verdict button ${v} for item ${itemId}`);
  return found;
}

function findingValue(card: Parameters<typeof buttonValue>[0], orgId: number): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  JSON.stringify(card!.content, (_k, val: unknown) => {
    const o = val as Record<string, unknown> | null;
    if (o && typeof o === "object" && o.a === "spotcheck.finding" && o.branch === orgId) found = o;
    return val;
  });
  if (!found) throw new Error(`no finding form for branch ${orgId}`);
  return found;
}
