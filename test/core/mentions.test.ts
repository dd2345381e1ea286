import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizeMessage } from "../../src/lark/normalize.ts";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

/**
 * Every mentioned person is kept, whatever their number (issue 21 item 5): Lark's placeholders
 * `@_user_1`, `@_user_10`, `@_user_11`… are whole keys, so removing the bot's `@_user_1` must
 * not cut the others.
 */

const BOT = "ou_bot";

function event(count: number) {
  const people = Array.from({ length: count }, (_, i) => ({ openId: `ou_p${i + 1}`, name: `同志${i + 1}` }));
  const mentions = [{ key: "@_user_1", id: { open_id: BOT }, name: "支部助手" }, ...people.map((p, i) => ({ key: `@_user_${i + 2}`, id: { open_id: p.openId }, name: p.name }))];
  const text = `@_user_1 /党小组 分配 第一党小组 ${people.map((_, i) => `@_user_${i + 2}`).join(" ")}`;
  return { people, flat: { event_id: "ev1", message: { message_id: "om1", chat_id: "oc1", chat_type: "group", message_type: "text", content: JSON.stringify({ text }), mentions } } };
}

describe("normalizing mentions", () => {
  it("keeps all 30 people mentioned after the bot, each at its own place", () => {
    const { people, flat } = event(30);
    const m = normalizeMessage(flat, BOT)!;
    expect(m.mentionsBot).toBe(true);
    expect(m.mentions.map((x) => x.openId)).toEqual(people.map((p) => p.openId));
    expect(m.text).toBe(`/党小组 分配 第一党小组 ${people.map((p) => `@${p.name}`).join(" ")}`);
    expect(m.text).not.toContain("@_user_");
  });
});

describe("a command mentioning ten people", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.stop());

  it("assigns every one of them", async () => {
    const p = t.people;
    await t.say(p.s1, t.chats.branch1, "/党小组 新建 第三党小组");
    const everyone = [p.o1, p.x1, p.d1, p.m1, p.m2, p.m3, p.m4, p.m5, p.pr1, p.s1];
    const names = everyone.map((x) => `@${x.name}`).join(" ");
    const asked = await t.say(p.s1, t.chats.branch1, `/党小组 分配 第三党小组 ${names}`, { mentionBot: true, mentions: everyone });
    const reply = textOf(t.botMessages(t.chats.branch1).find((m) => m.parentId === asked.messageId));
    for (const x of everyone) expect(reply).toContain(x.name);
    const assigned = await t.runtime.db.member.count({ where: { org: { chatId: t.chats.branch1 }, partyGroup: { name: "第三党小组" } } });
    expect(assigned).toBe(everyone.length);
  });
});
