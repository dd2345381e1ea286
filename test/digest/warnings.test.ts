import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

const DAY = 24 * 3600_000;
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const warningCards = (to: string) => t.botMessages(to).filter((m) => textOf(m).startsWith("预警") || textOf(m).includes("预警编号"));

describe("early warnings", () => {
  it("raises a secretary vacancy once, to the parent committee, and clears it when filled", async () => {
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch2 } });
    await t.runtime.db.member.updateMany({ where: { orgId: org.id, post: "secretary" }, data: { post: null } });
    await t.advance(DAY);
    await t.advance(DAY);
    const cards = warningCards(t.chats.committee).filter((m) => textOf(m).includes("书记空缺"));
    expect(cards).toHaveLength(1);
    expect(textOf(cards[0])).toContain("后勤服务中心党支部");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/预警");
    expect(textOf(t.lastBotMessage(t.chats.committee))).toContain("W16");
    await t.runtime.db.member.updateMany({ where: { orgId: org.id, openId: t.people.s2.openId }, data: { post: "secretary" } });
    await t.advance(DAY);
    const w = await t.runtime.db.earlyWarning.findFirstOrThrow({ where: { orgId: org.id, ruleId: "W16" } });
    expect(w.clearedAt).not.toBeNull();
  });

  it("tells the secretary privately about a probation ending, and keeps the name out of the group", async () => {
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
    await t.runtime.db.member.updateMany({ where: { orgId: org.id, openId: t.people.pr1.openId }, data: { probationStart: new Date(t.clock.now().getTime() - 350 * DAY) } });
    await t.advance(DAY);
    const privateCard = warningCards(t.people.s1.openId).find((m) => textOf(m).includes("孙悦"));
    expect(privateCard).toBeDefined();
    expect(t.botMessages(t.chats.branch1).some((m) => textOf(m).includes("孙悦") && textOf(m).includes("预备期"))).toBe(false);
    await t.say(t.people.m1, t.chats.branch1, "/预警");
    const listed = textOf(t.lastBotMessage(t.chats.branch1));
    expect(listed).not.toContain("孙悦");
    expect(listed).toContain("另有 1 条涉及个人的预警");
    await t.say(t.people.s1, "p2p", "/预警");
    expect(textOf(t.lastBotMessage(t.people.s1.openId))).toContain("孙悦");
  });

  it("warns about a committee term ending within six months once recorded with /换届", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/换届 2023-06-01");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("任期 3 年");
    await t.advance(DAY);
    expect(warningCards(t.people.s1.openId).some((m) => textOf(m).includes("2026年6月1日"))).toBe(true);
  });
});
