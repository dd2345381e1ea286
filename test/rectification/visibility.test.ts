import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { buttonValue, createFromFeature, itemRow, lastCard, memberIdOf, orgIdOf, press, seen, toastOf } from "./helpers.ts";

let t: TestBot;
let branch1: number;
let personal: { id: number; seqNo: number };
let second: { id: number; seqNo: number };
let branchLevel: { id: number; seqNo: number };

beforeAll(async () => {
  t = await startTestBot();
  branch1 = await orgIdOf(t, t.chats.branch1);
  const owner = await memberIdOf(t, t.chats.branch1, t.people.m1.openId);
  personal = await createFromFeature(t, { orgId: branch1, source: "org_life_meeting", scope: "individual", problem: "理论学习不够深入", ownerMemberId: owner, dueDate: new Date("2026-04-30T00:00:00+08:00"), createdBy: t.people.s1.openId });
  second = await createFromFeature(t, { orgId: branch1, source: "appraisal", scope: "individual", problem: "志愿服务参加较少", ownerMemberId: owner, dueDate: new Date("2026-05-15T00:00:00+08:00"), createdBy: "bot" });
  branchLevel = await createFromFeature(t, { orgId: branch1, source: "org_life_meeting", scope: "branch", problem: "主题党日形式单一", createdBy: t.people.s1.openId });
});
afterAll(() => t.stop());

describe("who sees what", () => {
  it("shows only branch-level items in the group, with the personal ones as a count", async () => {
    await t.say(t.people.m2, t.chats.branch1, "/整改 列表");
    const list = seen(t.lastBotMessage(t.chats.branch1));
    expect(list).toContain("主题党日形式单一");
    expect(list).toContain("未完成的个人整改事项 2 项");
    expect(list).not.toContain("理论学习不够深入");
    expect(list).not.toContain("刘洋");
    const row = await itemRow(t, branchLevel.id);
    expect(row.dueOn).toBe("2026-04-01"); // no deadline given: 30 days
    expect(row.events[0]!.comment).toBe("未给期限，默认 30 天");
  });

  it("answers `/整改 #n` for a personal item privately, and refuses those who may not see it", async () => {
    await t.say(t.people.m1, t.chats.branch1, `/整改 #${personal.seqNo}`);
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("详情已私信发送给您");
    expect(textOf(t.lastBotMessage(t.people.m1.openId))).toContain("理论学习不够深入");
    await t.say(t.people.m2, t.chats.branch1, `/整改 #${personal.seqNo}`);
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("是个人事项，未在支部公开");
    await t.say(t.people.m2, "p2p", `/整改 #${personal.seqNo}`);
    expect(textOf(t.lastBotMessage(t.people.m2.openId))).toContain("没有找到您可以查看的整改事项");
    expect(t.botMessages(t.chats.branch1).map((m) => textOf(m)).join("\n")).not.toContain("理论学习不够深入");
  });

  it("shows a branch-level item in the group read-only", async () => {
    await t.say(t.people.m2, t.chats.branch1, `/整改 #${branchLevel.seqNo}`);
    const card = t.lastBotMessage(t.chats.branch1);
    expect(textOf(card)).toContain("主题党日形式单一");
    expect(buttonValue(card, "rect.submit")).toBeUndefined();
    expect(buttonValue(card, "rect.accept")).toBeUndefined();
  });

  it("sends `/整改 列表 我的` privately", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/整改 列表 我的");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已私信发送给您");
    const mine = seen(t.lastBotMessage(t.people.m1.openId));
    expect(mine).toContain("理论学习不够深入");
    expect(mine).toContain("志愿服务参加较少");
    expect(mine).toContain("未完成 2 项");
  });

  it("lets the committee publish a personal item to the branch, and not an ordinary member", async () => {
    await t.say(t.people.o1, "p2p", `/整改 #${second.seqNo}`);
    const card = t.lastBotMessage(t.people.o1.openId)!;
    const value = buttonValue(card, "rect.publish")!;
    expect(value).toMatchObject({ pub: true });
    const denied = await t.click(t.people.m1, card, value);
    expect(toastOf(denied)).toContain("只有支委可以操作");
    const result = await t.click(t.people.o1, card, value);
    expect(toastOf(result)).toContain("已在支部公开");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("经支委决定，公开整改事项");
    await t.say(t.people.m2, t.chats.branch1, "/整改 列表");
    expect(seen(t.lastBotMessage(t.chats.branch1))).toContain("志愿服务参加较少");
    expect((await itemRow(t, second.id)).events.at(-1)).toMatchObject({ action: "published", actorName: "李明" });
  });
});

describe("evidence sent in the chat", () => {
  it("asks which item when the owner has several open, and attaches it where they choose", async () => {
    const { message } = await t.fake.sendUserFile({ p2pOpenId: t.people.m1.openId, senderOpenId: t.people.m1.openId, fileName: "志愿服务记录.pdf" });
    await t.settle();
    const ask = t.lastBotMessage(t.people.m1.openId)!;
    expect(ask.parentId).toBe(message.messageId);
    expect(textOf(ask)).toContain("这份文件附到哪个整改事项");
    const choice = JSON.parse(JSON.stringify(ask.content).match(/\{"a":"rect\.attach"[^}]*"item":(\d+)[^}]*\}/g)!.find((v) => v.includes(`"item":${second.id}`))!);
    const result = await t.click(t.people.m1, ask, choice);
    expect(toastOf(result)).toContain(`已将文件「志愿服务记录.pdf」作为佐证附到整改事项 #${second.seqNo}`);
    expect((await itemRow(t, second.id)).evidence.map((e) => e.fileName)).toEqual(["志愿服务记录.pdf"]);
    expect((await itemRow(t, personal.id)).evidence).toHaveLength(0);
    const again = await t.click(t.people.m1, ask, choice);
    expect(toastOf(again)).toContain("已附到整改事项");
  });

  it("attaches a file sent in reply to an item's reminder card to that item", async () => {
    const card = lastCard(t, t.people.m1.openId, `整改事项 #${personal.seqNo}`)!;
    await t.fake.sendUserImage({ p2pOpenId: t.people.m1.openId, senderOpenId: t.people.m1.openId, parentId: card.messageId });
    await t.settle();
    expect(textOf(t.lastBotMessage(t.people.m1.openId))).toContain(`已将图片作为佐证附到整改事项 #${personal.seqNo}`);
  });

  it("takes a group upload only when it replies to an item card, and only from someone who may report", async () => {
    const before = t.botMessages(t.chats.branch1).length;
    await t.fake.sendUserImage({ chatId: t.chats.branch1, senderOpenId: t.people.m2.openId });
    await t.settle();
    expect(t.botMessages(t.chats.branch1).length).toBe(before); // an ordinary photo in the group is not ours
    await t.say(t.people.m2, t.chats.branch1, `/整改 #${branchLevel.seqNo}`);
    const card = t.lastBotMessage(t.chats.branch1)!;
    await t.fake.sendUserImage({ chatId: t.chats.branch1, senderOpenId: t.people.m2.openId, parentId: card.messageId });
    await t.settle();
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有责任人或支委可以为整改事项");
    await t.fake.sendUserImage({ chatId: t.chats.branch1, senderOpenId: t.people.s1.openId, parentId: card.messageId });
    await t.settle();
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain(`已将图片作为佐证附到整改事项 #${branchLevel.seqNo}`);
    expect((await itemRow(t, branchLevel.id)).evidence).toHaveLength(1);
  });

  it("answers an upload from someone with no open items instead of dropping it", async () => {
    await t.fake.sendUserFile({ p2pOpenId: t.people.m5.openId, senderOpenId: t.people.m5.openId, fileName: "照片.zip" });
    await t.settle();
    expect(textOf(t.lastBotMessage(t.people.m5.openId))).toContain("没有未完成的整改事项");
  });

  it("attaches a redelivered upload once", async () => {
    const { delivery } = await t.fake.sendUserImage({ p2pOpenId: t.people.m1.openId, senderOpenId: t.people.m1.openId, parentId: lastCard(t, t.people.m1.openId, `整改事项 #${personal.seqNo}`)!.messageId });
    await t.settle();
    await t.fake.redeliver(delivery!);
    await t.settle();
    expect((await itemRow(t, personal.id)).evidence).toHaveLength(2);
  });

  it("requires evidence before submitting, and accepts a link as evidence", async () => {
    const { o1 } = t.people;
    const item = await createFromFeature(t, { orgId: branch1, source: "minutes", scope: "individual", problem: "未按时报送学习材料", ownerMemberId: await memberIdOf(t, t.chats.branch1, o1.openId), dueDate: new Date("2026-04-10T00:00:00+08:00"), createdBy: "bot" });
    const card = lastCard(t, o1.openId, "未按时报送学习材料")!;
    // Said on the card before anyone presses: no 确认提交？ dialog that ends in a refusal (issue 17 item 9).
    const submitButton = (c: unknown) => JSON.stringify(c).match(/\{"tag":"button","name":"submit_btn"[^]*?"behaviors"/)?.[0] ?? "";
    expect(textOf(card)).toContain("提交验收前至少要有一份佐证材料");
    expect(textOf(card)).toContain("「记录进展」只写进处理记录；「作为佐证材料」会交给验收人核验");
    expect(submitButton(card.content)).not.toContain("confirm");
    const refused = await press(t, o1, card, "rect.submit", { note: "" });
    expect(toastOf(refused)).toContain("提交验收前请至少提供一份佐证材料");
    await press(t, o1, card, "rect.evidence", { note: "https://docs.example.com/study/3" });
    const withEvidence = t.fake.message(card.messageId)!;
    expect(submitButton(withEvidence.content)).toContain("确认提交？");
    expect(textOf(withEvidence)).not.toContain("提交验收前至少要有一份佐证材料");
    // A link ends its line: Chinese text glued to it would be taken into the URL (issue 17 item 10).
    expect(textOf(withEvidence)).toMatch(/· 链接 https:\/\/docs\.example\.com\/study\/3(\n|$)/);
    const row = await itemRow(t, item.id);
    expect(row.evidence[0]).toMatchObject({ kind: "link", content: "https://docs.example.com/study/3" });
    expect(row.status).toBe("in_progress");
  });
});
