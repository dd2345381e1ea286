import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const FORM = (secretary: string, extra: Record<string, unknown> = {}) => ({
  kind: "branch",
  name: "第三党支部",
  category: "village_community",
  secretary,
  committee: [],
  ...extra,
});

describe("binding a chat as a branch", () => {
  it("posts a binding card when the bot is added to a chat", () => {
    const card = t.lastBotMessage(t.chats.unbound)!;
    expect(card.msgType).toBe("interactive");
    expect(textOf(card)).toContain("绑定本群");
  });

  it("tells members of an unbound chat how to bind before running org commands", async () => {
    await t.say(t.people.m8, t.chats.unbound, "/成员");
    expect(textOf(t.lastBotMessage(t.chats.unbound))).toContain("本群尚未绑定");
  });

  it("lets only the person who added the bot submit the card", async () => {
    const card = t.botMessages(t.chats.unbound).find((m) => textOf(m).includes("绑定本群"))!;
    const r = await t.click(t.people.m8, card, { a: "branch.bind", chat: t.chats.unbound }, FORM(t.people.m8.openId));
    expect(r.toast).toMatchObject({ type: "error" });
    expect(String((r.toast as { content: string }).content)).toContain("只有把我拉进群的同志");
    expect(await t.runtime.db.partyOrg.findUnique({ where: { chatId: t.chats.unbound } })).toBeNull();
  });

  it("refuses a branch without a category, saying what is missing", async () => {
    const card = t.botMessages(t.chats.unbound).find((m) => textOf(m).includes("绑定本群"))!;
    const r = await t.click(t.people.s3, card, { a: "branch.bind", chat: t.chats.unbound }, FORM(t.people.s3.openId, { category: undefined }));
    expect(String((r.toast as { content: string }).content)).toContain("所属领域");
  });

  it("binds with the operator's form, replaces the card, and syncs members from the chat", async () => {
    const card = t.botMessages(t.chats.unbound).find((m) => textOf(m).includes("绑定本群"))!;
    const r = await t.click(t.people.s3, card, { a: "branch.bind", chat: t.chats.unbound }, FORM(t.people.s3.openId));
    expect(r.toast).toMatchObject({ type: "success" });
    expect(textOf(t.fake.message(card.messageId)!)).toContain("已绑定：第三党支部");
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.unbound } });
    expect(org).toMatchObject({ kind: "branch", category: "village_community", name: "第三党支部" });
    const members = await t.runtime.db.member.findMany({ where: { orgId: org.id, active: true }, orderBy: { id: "asc" } });
    expect(members.map((m) => m.name).sort()).toEqual(["林海", "罗佳", "梁晨"].sort());
    expect(members.find((m) => m.openId === t.people.s3.openId)?.post).toBe("secretary");
  });

  it("answers a redelivered submit click with the same answer and binds once", async () => {
    const card = t.botMessages(t.chats.unbound).find((m) => textOf(m).includes("第三党支部"))!;
    const r = await t.click(t.people.s3, card, { a: "branch.bind", chat: t.chats.unbound }, FORM(t.people.s3.openId));
    expect(String((r.toast as { content: string }).content)).toContain("已绑定");
    expect(await t.runtime.db.partyOrg.count({ where: { chatId: t.chats.unbound } })).toBe(1);
  });

  it("keeps the roster in sync when people join and leave the chat", async () => {
    t.fake.addUser({ openId: "ou_newcomer01", name: "新同志" });
    await t.fake.addUsersToChat(t.chats.unbound, ["ou_newcomer01"], t.people.s3.openId);
    await t.fake.removeUsersFromChat(t.chats.unbound, [t.people.m9.openId], t.people.s3.openId);
    await t.settle();
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.unbound } });
    const active = await t.runtime.db.member.findMany({ where: { orgId: org.id, active: true } });
    expect(active.map((m) => m.name)).toContain("新同志");
    expect(active.map((m) => m.name)).not.toContain("梁晨");
  });

  it("pages through large chats when syncing members", async () => {
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.unbound } });
    const many = Array.from({ length: 230 }, (_, i) => `ou_bulk${String(i).padStart(5, "0")}`);
    for (const id of many) t.fake.addUser({ openId: id, name: `成员${id.slice(-3)}` });
    t.fake.chats.get(t.chats.unbound)!.members.push(...many);
    await t.fake.removeBotFromChat(t.chats.unbound, t.people.s3.openId);
    await t.fake.addBotToChat(t.chats.unbound, t.people.s3.openId); // re-added: bound chats resync
    await t.settle();
    expect(await t.runtime.db.member.count({ where: { orgId: org.id, active: true } })).toBeGreaterThanOrEqual(232);
    expect(textOf(t.lastBotMessage(t.chats.unbound))).toContain("仍绑定为「第三党支部」");
  });

  it("links a branch under a committee with the committee's link code", async () => {
    await t.say(t.people.committeeSecretary, t.chats.committee, "/关联码");
    const code = /关联码是 ([A-Z0-9]{6})/.exec(textOf(t.lastBotMessage(t.chats.committee)))![1]!;
    await t.say(t.people.s3, t.chats.unbound, `/关联 ${code}`);
    expect(textOf(t.lastBotMessage(t.chats.unbound))).toContain("已将「第三党支部」关联到上级「机关党委」");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/下级");
    expect(textOf(t.lastBotMessage(t.chats.committee))).toContain("第三党支部");
  });
});
