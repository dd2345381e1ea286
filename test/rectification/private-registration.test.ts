import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";

/**
 * Issue 17 item 6: a personal 整改 item typed in the group. Everyone there has read the message
 * and the bot cannot take it back, so it adds nothing: the group is told only that an item was
 * registered (no name, no problem), the secretary gets the details and the registration form
 * privately, and a personal item can be registered there by form, with the branch's members to
 * pick from.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const personPickers = (m: FakeMessage) => JSON.stringify(m.content).match(/"tag":"(multi_)?select_person"[^}]*"options":\[[^\]]*\]/g) ?? [];

describe("a personal item typed in the group", () => {
  it("tells the group only that an item was registered, and the secretary the rest, privately, with the form", async () => {
    const before = t.botMessages(t.people.s1.openId).length;
    await t.say(t.people.s1, t.chats.branch1, "/整改 新增 @张红 下月底 无故缺席主题党日 措施：补学并写出书面说明", { mentions: [t.people.x1] });
    const group = textOf(t.lastBotMessage(t.chats.branch1));
    expect(group).toContain("已登记 1 项个人整改事项");
    expect(group).toContain("个人事项请私聊我登记");
    expect(group).not.toContain("张红");
    expect(group).not.toContain("缺席");
    expect(group).not.toMatch(/#\d/);

    const item = await t.runtime.db.rectificationItem.findFirstOrThrow({ where: { problem: "无故缺席主题党日" }, include: { owner: true } });
    expect(item).toMatchObject({ scope: "individual", dueOn: "2026-04-30" });
    expect(item.owner?.name).toBe("张红");

    const privately = t.botMessages(t.people.s1.openId).slice(before);
    // One private card (the note rides on the form), read as a person sees it.
    expect(privately).toHaveLength(1);
    const seen = privately.map(textOf).join("\n").replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    expect(seen).toContain(`您在群里登记了个人整改事项 #${item.seqNo}（张红）`);
    const form = privately.find((m) => textOf(m).includes("登记整改事项"));
    expect(form).toBeDefined();
    // Privately the pickers offer the branch's members (in a private chat there is nobody else to pick).
    const pickers = personPickers(form!);
    expect(pickers).toHaveLength(2);
    for (const p of pickers) expect(p).toContain(t.people.x1.openId);
  });

  it("registers a personal item from the form sent privately, and says nothing in the group", async () => {
    const groupBefore = t.botMessages(t.chats.branch1).length;
    await t.say(t.people.s1, "p2p", "/整改 新增");
    const form = t.lastBotMessage(t.people.s1.openId)!;
    expect(textOf(form)).toContain("登记整改事项");
    expect(textOf(form)).toContain("选择责任人（本支部成员）");
    const submit = JSON.stringify(form.content).match(/"value":\{"a":"rect\.create","org":(\d+)\}/);
    expect(submit).not.toBeNull();
    await t.click(t.people.s1, form, { a: "rect.create", org: Number(submit![1]) }, {
      problem: "学习笔记不完整", scope: "individual", owners: [t.people.m2.openId], due: "2026-04-15 +0800",
    });
    const item = await t.runtime.db.rectificationItem.findFirstOrThrow({ where: { problem: "学习笔记不完整" }, include: { owner: true } });
    expect(item.owner?.name).toBe("陈静");
    expect(t.botMessages(t.chats.branch1).slice(groupBefore).map(textOf).join("\n")).not.toContain("陈静");
  });

  it("teaches the private way in /帮助", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/帮助");
    const help = [...t.botMessages(t.chats.branch1), ...t.botMessages(t.people.s1.openId)].map(textOf).join("\n");
    expect(help).toContain("个人事项请私聊我发送 /整改 新增");
  });
});
