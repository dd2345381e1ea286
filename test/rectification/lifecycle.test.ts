import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { buttonValue, createFromFeature, itemRow, lastCard, memberIdOf, orgIdOf, press, seen, toastOf } from "./helpers.ts";

let t: TestBot;
let branch1: number;
beforeAll(async () => {
  t = await startTestBot();
  branch1 = await orgIdOf(t, t.chats.branch1);
});
afterAll(() => t.stop());

describe("an item recorded by hand, carried to a verified close", () => {
  let itemId: number;

  it("records `/整改 新增 @负责人 <date> <问题>` from a 支委 and tells the owner privately, not the group", async () => {
    const { m1, s1 } = t.people;
    await t.say(s1, t.chats.branch1, "/整改 新增 @刘洋 2026-04-30 学习笔记不完整 措施：每月补写学习心得", { mentions: [m1] });
    const reply = textOf(t.lastBotMessage(t.chats.branch1));
    expect(reply).toContain("已登记 1 项个人整改事项");
    expect(reply).toContain("群里就不会出现姓名和问题");
    expect(reply).not.toContain("学习笔记不完整");
    const card = lastCard(t, m1.openId, "整改事项 #1");
    expect(textOf(card)).toContain("学习笔记不完整");
    expect(textOf(card)).toContain("每月补写学习心得");
    expect(textOf(card)).toContain("4月30日");
    const row = await t.runtime.db.rectificationItem.findFirstOrThrow({ where: { orgId: branch1, seqNo: 1 } });
    expect(row).toMatchObject({ source: "manual", scope: "individual", status: "pending", dueOn: "2026-04-30", disclosure: "private" });
    itemId = row.id;
  });

  it("refuses the command to an ordinary member and explains who may", async () => {
    await t.say(t.people.m2, t.chats.branch1, "/整改 新增 @刘洋 2026-04-30 测试", { mentions: [t.people.m1] });
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有支委");
    expect(await t.runtime.db.rectificationItem.count({ where: { orgId: branch1 } })).toBe(1);
  });

  it("rejects a bad date with an example", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/整改 新增 @刘洋 过几天 学习笔记", { mentions: [t.people.m1] });
    const text = textOf(t.lastBotMessage(t.chats.branch1));
    expect(text).toContain("「过几天」不是有效的期限");
    expect(text).toContain("正确示例：/整改 新增");
  });

  it("attaches an image the owner sends privately to their only open item, and says so", async () => {
    const { message } = await t.fake.sendUserImage({ p2pOpenId: t.people.m1.openId, senderOpenId: t.people.m1.openId, fileName: "心得.jpg" });
    await t.settle();
    const reply = t.lastBotMessage(t.people.m1.openId)!;
    expect(reply.parentId).toBe(message.messageId);
    expect(textOf(reply)).toContain("已将图片作为佐证附到整改事项 #1");
    const row = await itemRow(t, itemId);
    expect(row.evidence).toHaveLength(1);
    expect(row.evidence[0]!.imageKey).toMatch(/^img_/);
    expect(row.status).toBe("in_progress");
  });

  it("does not let the owner close their own item: submitting makes it 待验收 and the verifier gets the evidence", async () => {
    const card = lastCard(t, t.people.m1.openId, "整改事项 #1");
    expect(buttonValue(card, "rect.submit")).toBeDefined();
    expect(buttonValue(card, "rect.accept")).toBeUndefined();
    await t.say(t.people.m1, "p2p", "/整改 #1 通过 已完成");
    expect(textOf(t.lastBotMessage(t.people.m1.openId))).toContain("责任人不能验收自己的整改事项");
    const result = await press(t, t.people.m1, card, "rect.submit", { note: "已补写 2 月学习心得" });
    expect(toastOf(result)).toContain("已提交验收");
    expect((await itemRow(t, itemId)).status).toBe("submitted");
    const verifyCard = lastCard(t, t.people.s1.openId, "整改事项 #1");
    expect(textOf(verifyCard)).toContain("刘洋 已提交整改完成情况");
    expect(textOf(verifyCard)).toContain("刘洋 3月");
    expect(textOf(verifyCard)).toContain("已补写 2 月学习心得");
  });

  it("refuses acceptance from someone who is not the verifier", async () => {
    const verifyCard = lastCard(t, t.people.s1.openId, "整改事项 #1");
    const value = buttonValue(verifyCard, "rect.accept")!;
    const result = await t.click(t.people.m2, verifyCard!, value, { comment: "" });
    expect(toastOf(result)).toContain("由王建国验收");
    expect((await itemRow(t, itemId)).status).toBe("submitted");
  });

  it("closes it when the verifier accepts, tells the owner, and keeps every step in the history", async () => {
    const verifyCard = lastCard(t, t.people.s1.openId, "整改事项 #1");
    const result = await press(t, t.people.s1, verifyCard, "rect.accept", { comment: "心得与问题对应，同意销号" });
    expect(toastOf(result)).toContain("已验收通过");
    const row = await itemRow(t, itemId);
    expect(row.status).toBe("done");
    expect(row.closedBy).toBe(t.people.s1.openId);
    expect(row.events.map((e) => e.action)).toEqual(["created", "evidence", "evidence", "submitted", "accepted"]);
    expect(row.events.at(-1)).toMatchObject({ actorName: "王建国", fromStatus: "submitted", toStatus: "done", comment: "心得与问题对应，同意销号" });
    expect(textOf(t.lastBotMessage(t.people.m1.openId))).toContain("已验收通过，销号");
    const pending = await t.runtime.db.job.count({ where: { key: { startsWith: `rect:${itemId}:` }, status: "pending" } });
    expect(pending).toBe(0);
  });
});

describe("the card form", () => {
  it("gives 支委 a form and records a branch-level item from it, shown in the group", async () => {
    const { s1, o1 } = t.people;
    await t.say(s1, t.chats.branch1, "/整改");
    const form = t.lastBotMessage(t.chats.branch1);
    expect(textOf(form)).toContain("登记整改事项");
    const result = await press(t, s1, form, "rect.create", {
      problem: "三会一课记录不规范，缺少表决情况",
      measures: "组织委员每次会后核对记录",
      scope: "branch",
      source: "self_check",
      owners: [o1.openId],
      due: "2026-04-15 +0800",
      long_term: false,
    });
    expect(toastOf(result)).toContain("已登记整改事项 #2");
    const row = await t.runtime.db.rectificationItem.findFirstOrThrow({ where: { orgId: branch1, seqNo: 2 }, include: { owner: true, verifier: true } });
    expect(row).toMatchObject({ scope: "branch", source: "self_check", disclosure: "branch", dueOn: "2026-04-15" });
    expect(row.owner?.name).toBe("李明");
    expect(row.verifier?.name).toBe("王建国");
    expect(textOf(lastCard(t, o1.openId, "整改事项 #2"))).toContain("三会一课记录不规范");
    expect(textOf(t.fake.message(form!.messageId))).toContain("已登记整改事项 #2");
    await t.say(t.people.m3, t.chats.branch1, "/整改 列表");
    const list = seen(t.lastBotMessage(t.chats.branch1));
    expect(list).toContain("#2");
    expect(list).toContain("三会一课记录不规范");
    expect(list).toContain("未完成 1");
  });
});

describe("items from other features", () => {
  const sources = [
    { source: "org_life_meeting", sourceRef: "orglife:2026", problem: "开展批评不够深入，辣味不足" },
    { source: "appraisal", sourceRef: "appraisal:1:17", problem: "民主评议为基本合格：学习不够系统" },
    { source: "minutes", sourceRef: "meeting:3", problem: "落实支部党员大会决定：完成党员信息采集" },
  ] as const;

  for (const s of sources) {
    it(`carries an item from ${s.source} to 已完成`, async () => {
      const { m3, s1 } = t.people;
      const { id, seqNo } = await createFromFeature(t, {
        orgId: branch1, source: s.source, sourceRef: s.sourceRef, scope: "individual", problem: s.problem,
        ownerMemberId: await memberIdOf(t, t.chats.branch1, m3.openId), dueDate: new Date("2026-04-30T00:00:00+08:00"), createdBy: "bot",
      });
      const assigned = lastCard(t, m3.openId, `整改事项 #${seqNo}`);
      expect(textOf(assigned)).toContain(s.problem);
      await t.say(m3, "p2p", `/整改 #${seqNo} 佐证 https://example.com/evidence/${seqNo}`);
      expect(textOf(t.lastBotMessage(m3.openId))).toContain(`已将链接作为佐证附到整改事项 #${seqNo}`);
      await t.say(m3, "p2p", `/整改 #${seqNo} 提交`);
      expect(textOf(t.lastBotMessage(m3.openId))).toContain("已提交验收");
      await press(t, s1, lastCard(t, s1.openId, `整改事项 #${seqNo}`), "rect.accept", { comment: "" });
      const row = await itemRow(t, id);
      expect(row).toMatchObject({ status: "done", source: s.source, sourceRef: s.sourceRef });
      expect(row.events[0]).toMatchObject({ action: "created", actorName: "支部助手" });
    });
  }
});

describe("a returned item", () => {
  it("goes back to the owner with the verifier's comment and closes after resubmission", async () => {
    const { m4, s1 } = t.people;
    const { id, seqNo } = await createFromFeature(t, {
      orgId: branch1, source: "org_life_meeting", scope: "individual", problem: "联系群众不够主动",
      ownerMemberId: await memberIdOf(t, t.chats.branch1, m4.openId), dueDate: new Date("2026-05-10T00:00:00+08:00"), createdBy: s1.openId,
    });
    await press(t, m4, lastCard(t, m4.openId, `整改事项 #${seqNo}`), "rect.submit", { note: "已走访 2 户群众" });
    const returnResult = await press(t, s1, lastCard(t, s1.openId, `整改事项 #${seqNo}`), "rect.return", { comment: "" });
    expect(toastOf(returnResult)).toContain("退回时请填写意见");
    expect((await itemRow(t, id)).status).toBe("submitted");
    await press(t, s1, lastCard(t, s1.openId, `整改事项 #${seqNo}`), "rect.return", { comment: "走访记录没有写明解决了什么问题" });
    expect((await itemRow(t, id)).status).toBe("returned");
    const back = lastCard(t, m4.openId, `整改事项 #${seqNo}`);
    expect(textOf(back)).toContain("验收人退回了本事项：走访记录没有写明解决了什么问题");
    expect(textOf(back)).toContain("退回");
    await press(t, m4, back, "rect.submit", { note: "补充：协调解决了楼道照明问题" });
    await press(t, s1, lastCard(t, s1.openId, `整改事项 #${seqNo}`), "rect.accept", { comment: "同意" });
    const row = await itemRow(t, id);
    expect(row.status).toBe("done");
    expect(row.events.map((e) => `${e.action}:${e.toStatus ?? ""}`)).toEqual([
      "created:pending", "evidence:in_progress", "submitted:submitted", "returned:returned", "evidence:in_progress", "submitted:submitted", "accepted:done",
    ]);
  });
});

describe("several owners", () => {
  it("records one item per @owner, with the verifier named after 验收", async () => {
    const { s1, m2, m3, d1 } = t.people;
    await t.say(s1, t.chats.branch1, "/整改 新增 @陈静 @杨帆 验收 @赵强 2026-05-01 学习笔记未按时提交", { mentions: [m2, m3, d1] });
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已登记 2 项个人整改事项");
    const rows = await t.runtime.db.rectificationItem.findMany({ where: { orgId: branch1, problem: "学习笔记未按时提交" }, include: { owner: true, verifier: true }, orderBy: { seqNo: "asc" } });
    expect(rows.map((r) => [r.owner?.name, r.verifier?.name])).toEqual([["陈静", "赵强"], ["杨帆", "赵强"]]);
    expect(textOf(t.lastBotMessage(d1.openId))).toContain("您是「机关第一党支部」整改事项");
  });
});
