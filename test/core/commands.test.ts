import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("commands in a bound branch chat", () => {
  it("answers /帮助 with the help card listing commands with examples", async () => {
    const asked = await t.say(t.people.m1, t.chats.branch1, "/帮助");
    const reply = t.lastBotMessage(t.chats.branch1)!;
    expect(reply.parentId).toBe(asked.messageId);
    expect(reply.msgType).toBe("interactive");
    const text = textOf(reply);
    expect(text).toContain("命令一览");
    expect(text).toContain("/成员");
    expect(text).toContain("示例：/角色 @张三 预备党员");
  });

  it("treats an @mention of the bot like a slash command", async () => {
    await t.say(t.people.m1, t.chats.branch1, "成员", { mentionBot: true });
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("成员名单");
  });

  it("explains an unknown command and shows an example", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/开会吧");
    const text = textOf(t.lastBotMessage(t.chats.branch1));
    expect(text).toContain("没有「/开会吧」这个命令");
    expect(text).toContain("/帮助");
  });

  it("refuses a secretary-only command to an ordinary member, saying who may", async () => {
    await t.say(t.people.m1, t.chats.branch1, "/角色 @孙悦 正式党员", { mentions: [t.people.pr1] });
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有书记、副书记可以使用");
    const sun = await t.runtime.db.member.findFirst({ where: { openId: t.people.pr1.openId } });
    expect(sun?.memberClass).toBe("probationary");
  });

  it("lets the secretary change a role, and rejects bad arguments with an example", async () => {
    // The 预备期 counts from the admission date the secretary enters, not from the day of /角色.
    await t.say(t.people.s1, t.chats.branch1, "/角色 @刘洋 预备党员", { mentions: [t.people.m1] });
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("请写明 刘洋 被支部党员大会接收为预备党员的日期");
    await t.say(t.people.s1, t.chats.branch1, "/角色 @刘洋 预备党员 2025-11-20", { mentions: [t.people.m1] });
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已将 刘洋 设为预备党员。\n预备期从 2025-11-20 算起");
    const m1 = await t.runtime.db.member.findFirstOrThrow({ where: { openId: t.people.m1.openId, org: { chatId: t.chats.branch1 } } });
    expect(m1.probationStart?.toISOString()).toBe(new Date("2025-11-20T00:00:00+08:00").toISOString());
    await t.say(t.people.s1, t.chats.branch1, "/角色 @刘洋 大官", { mentions: [t.people.m1] });
    const text = textOf(t.lastBotMessage(t.chats.branch1));
    expect(text).toContain("不认识身份「大官」");
    expect(text).toContain("正确示例：/角色 @张三 预备党员");
    await t.say(t.people.s1, t.chats.branch1, "/角色 @刘洋 正式党员", { mentions: [t.people.m1] });
  });

  it("does not count a redelivered message twice", async () => {
    const before = t.botMessages(t.chats.branch1).length;
    const { delivery } = await t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: t.people.m2.openId, text: "/成员" });
    await t.settle();
    await t.fake.redeliver(delivery!);
    await t.restart();
    await t.fake.redeliver(delivery!);
    await t.settle();
    expect(t.botMessages(t.chats.branch1).length).toBe(before + 1);
  });

  it("answers in the private chat: commands without a slash work, chatter gets a hint", async () => {
    await t.say(t.people.m2, "p2p", "帮助");
    expect(textOf(t.lastBotMessage(t.people.m2.openId))).toContain("命令一览");
    await t.say(t.people.m2, "p2p", "谢谢你");
    expect(textOf(t.lastBotMessage(t.people.m2.openId))).toContain("发送 /帮助 查看全部命令");
  });

  it("applies the same roles in a private chat, and tells a stranger where commands work", async () => {
    await t.say(t.people.m2, "p2p", "/角色 @刘洋 预备党员");
    expect(textOf(t.lastBotMessage(t.people.m2.openId))).toContain("只有书记、副书记可以使用");
    t.fake.addUser({ openId: "ou_stranger01", name: "路人" });
    await t.say("ou_stranger01", "p2p", "/成员");
    expect(textOf(t.lastBotMessage("ou_stranger01"))).toContain("只能在已绑定的党支部或党委群里使用");
  });
});

describe("who is speaking, in which organisation", () => {
  it("answers a member of several organisations as the member of this chat's one", async () => {
    await t.say(t.people.s2, t.chats.branch2, "/成员");
    const text = textOf(t.lastBotMessage(t.chats.branch2));
    expect(text).toContain("后勤服务中心党支部");
    expect(text).toContain(t.people.m6.name);
    expect(text).not.toContain(t.people.m1.name);
  });

  it("treats a member of another branch as an outsider in this chat, not as unbound", async () => {
    // 刘洋 (机关第一党支部) is in 后勤服务中心党支部's chat but not on its roster (e.g. transferred out).
    await t.fake.addUsersToChat(t.chats.branch2, [t.people.m1.openId], t.people.s2.openId);
    await t.settle();
    const branch2 = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch2 } });
    await t.runtime.db.member.updateMany({ where: { orgId: branch2.id, openId: t.people.m1.openId }, data: { active: false } });
    await t.say(t.people.m1, t.chats.branch2, "/成员");
    const text = textOf(t.lastBotMessage(t.chats.branch2));
    expect(text).toContain("抱歉，「/成员」只有党员可以使用");
    expect(text).not.toContain("尚未绑定");
  });
});
