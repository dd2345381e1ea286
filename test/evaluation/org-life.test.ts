import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { buttonValue, cardsTitled, lastCard, memberId, press, seen, toastOf } from "./helpers.ts";

/** 组织生活会 preparation: anonymous opinions, 谈心谈话 pairs, and the problem list after the meeting. */

let t: TestBot;
let orgId: number;
const OPINION_1 = "支委会研究问题前征求党员意见不够，建议会前公布议题";
const OPINION_2 = "党课形式单一，建议请老党员讲身边故事";
const OPINION_3 = "希望支部多组织志愿服务";

beforeAll(async () => {
  t = await startTestBot();
  orgId = (await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } })).id;
});
afterAll(() => t.stop());

describe("征求意见 (anonymous)", () => {
  it("refuses an ordinary member, then sends every person on the roster an opinion card privately", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/组织生活会 征求意见");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有支委");
    await t.say(t.people.x1, t.chats.branch1, "/组织生活会 征求意见");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("征求意见卡片已私信发给每位同志（11 人");
    for (const p of [t.people.s1, t.people.m1, t.people.pr1, t.people.nm1]) expect(cardsTitled(t, p, "征求意见（匿名）")).toHaveLength(1);
  });

  it("stores opinions without their author, takes several from one person, and counts a redelivery once", async () => {
    const first = await press(t, t.people.nm1, lastCard(t, t.people.nm1, "征求意见"), "orglife.opinion", { about: "branch", text: OPINION_1 });
    expect(toastOf(first)).toBe("已匿名提交，谢谢");
    expect(JSON.stringify(first.card)).not.toContain(OPINION_1);
    await t.fake.redeliver(first.raw);
    await t.settle();
    const card = t.botMessages(t.people.m1.openId).find((m) => seen(m).includes("征求意见"))!;
    await press(t, t.people.m1, card, "orglife.opinion", { about: "other", text: OPINION_2 });
    const again = t.botMessages(t.people.m1.openId).find((m) => m.messageId === card.messageId)!;
    await press(t, t.people.m1, again, "orglife.opinion_form");
    await press(t, t.people.m1, t.botMessages(t.people.m1.openId).find((m) => m.messageId === card.messageId), "orglife.opinion", { about: "secretary", text: OPINION_3 });
    const rows = await t.runtime.db.orgLifeOpinion.findMany();
    expect(rows).toHaveLength(3);
    expect(Object.keys(rows[0]!).sort()).toEqual(["about", "id", "sessionId", "text"]);
    const events = await t.runtime.db.inboundEvent.findMany({ where: { payload: { contains: "orglife.opinion" } } });
    for (const e of events) for (const text of [OPINION_1, OPINION_2, OPINION_3]) expect(JSON.stringify(e)).not.toContain(text);
    for (const text of [OPINION_1, OPINION_2, OPINION_3]) expect(t.logs.join("")).not.toContain(text);
  });

  it("shows the committee the opinions privately, without who wrote them", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/组织生活会 意见");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toBe("已收到 3 条意见，内容已私信发给您。");
    const text = textOf(t.lastBotMessage(t.people.s1.openId));
    expect(text).toContain(`【对支部班子】${OPINION_1}`);
    expect(text).toContain(OPINION_3);
    for (const name of ["郑爽", "刘洋"]) expect(text).not.toContain(name);
  });
});

describe("谈心谈话", () => {
  it("pairs the secretary with everyone, the committee members with each other, each member with a 支委 and a fellow member, privately to each", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/组织生活会 谈心");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("共 21 对");
    // 王建国 × 9; 李明–张红, 李明–赵强, 张红–赵强; each of the 6 members with a 支委; 3 pairs of members.
    expect(await t.runtime.db.heartTalk.count()).toBe(21);
    expect(seen(lastCard(t, t.people.m1, "谈心谈话"))).toContain("与 王建国（书记）**：未谈");
    const o1 = seen(lastCard(t, t.people.o1, "谈心谈话"));
    expect(o1).toContain("与 王建国（书记）");
    expect(o1).toContain("与 张红（宣传委员）");
    expect(o1).toContain("与 赵强（纪检委员）");
    expect(seen(lastCard(t, t.people.s1, "谈心谈话安排"))).toContain("共 21 对，已谈 0 对");
    expect(t.botMessages(t.people.nm1.openId).some((m) => seen(m).includes("谈心谈话"))).toBe(false);
  });

  it("marks a talk as held by either party, updates the other party's card, and ignores a second mark", async () => {
    const card = lastCard(t, t.people.m1, "谈心谈话 · 刘洋");
    const value = buttonValue(card, "orglife.talk")!;
    const stranger = await t.click(t.people.m2, card!, value);
    expect(toastOf(stranger)).toContain("只有谈话双方或支委可以标记");
    expect(toastOf(await t.click(t.people.m1, card!, value))).toBe("已标记为已谈");
    expect(toastOf(await t.click(t.people.m1, card!, value))).toBe("这次谈话已经标记过了");
    const secretaryCard = lastCard(t, t.people.s1, "谈心谈话 · 王建国")!;
    expect(secretaryCard.updated).toBe(true);
    expect(seen(secretaryCard)).toMatch(/与 刘洋\*\*：已谈（3月2日 \d\d:\d\d，刘洋标记）/);
    await t.say(t.people.m3, t.chats.branch1, "/组织生活会");
    const status = textOf(t.lastBotMessage(t.chats.branch1));
    expect(status).toContain("谈心谈话：已谈 1/21 对");
    expect(status).toContain("征求意见：已收到 3 条（匿名）");
  });
});

describe("问题清单 after the meeting", () => {
  it("lets the meeting's recorder (and the committee) record problems; others are refused", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 组织生活会 2026-03-20 14:30 三楼会议室 年度组织生活会 记录 @刘洋", { mentions: [t.people.m1] });
    const meeting = await t.runtime.db.meeting.findFirstOrThrow({ where: { orgId, type: "org_life_meeting" } });
    await t.say(t.people.m2, t.chats.branch1, "/组织生活会 问题清单");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有支委或本次组织生活会的记录人");
    await t.say(t.people.m1, t.chats.branch1, "/组织生活会 问题清单");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已私信发给您");
    expect(seen(lastCard(t, t.people.m1, "问题清单"))).toContain(`关联会议：第 ${meeting.seqNo} 号`);
  });

  it("turns each problem into a rectification item with measure, owner and deadline", async () => {
    const m3 = await memberId(t, t.chats.branch1, t.people.m3);
    const card = lastCard(t, t.people.m1, "问题清单");
    const missing = await press(t, t.people.m1, card, "orglife.problem", { problem: "理论学习满足于读文件", scope: "individual", owner: String(m3), measure: "每月精读一篇原著" });
    expect(toastOf(missing)).toContain("请选择整改期限");
    const ok = await press(t, t.people.m1, card, "orglife.problem", {
      problem: "理论学习满足于读文件，联系实际不够", scope: "individual", owner: String(m3), measure: "每月精读一篇原著并在党小组会上交流", due: "2026-06-30 +0800",
    });
    expect(toastOf(ok)).toMatch(/^已生成整改事项 #\d+$/);
    const s1 = await memberId(t, t.chats.branch1, t.people.s1);
    await press(t, t.people.m1, lastCard(t, t.people.m1, "问题清单"), "orglife.problem", {
      problem: "支委会会前征求意见不够", scope: "branch", owner: String(s1), measure: "支委会议题会前三天在群里公布", long_term: true,
    });
    const items = await t.runtime.db.rectificationItem.findMany({ where: { orgId, source: "org_life_meeting" }, orderBy: { id: "asc" } });
    const meeting = await t.runtime.db.meeting.findFirstOrThrow({ where: { orgId, type: "org_life_meeting" } });
    expect(items).toEqual([
      expect.objectContaining({ scope: "individual", ownerId: m3, dueOn: "2026-06-30", measures: "每月精读一篇原著并在党小组会上交流", sourceRef: `meeting:${meeting.id}` }),
      expect.objectContaining({ scope: "branch", ownerId: s1, longTerm: true, dueOn: null }),
    ]);
    const list = seen(lastCard(t, t.people.m1, "问题清单"));
    expect(list).toContain("个人｜杨帆：理论学习满足于读文件，联系实际不够 → 每月精读一篇原著并在党小组会上交流（期限 2026-06-30）");
    expect(list).toContain("支部班子｜王建国");
    // The owner hears about it privately from the rectification feature.
    expect(t.botMessages(t.people.m3.openId).some((m) => seen(m).includes("理论学习满足于读文件"))).toBe(true);
    expect(t.botMessages(t.chats.branch1).some((m) => seen(m).includes("理论学习满足于读文件"))).toBe(false);
  });
});
