import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
let t: TestBot;
// Sunday 2026-03-01 20:00 (Asia/Shanghai): the first digest is due Monday 09:00.
beforeAll(async () => {
  t = await startTestBot({ start: new Date("2026-03-01T20:00:00+08:00") });
});
afterAll(() => t.stop());

const digestsIn = (chatId: string) => t.botMessages(chatId).filter((m) => textOf(m).includes("· 周报"));
const committeeDigests = () => t.botMessages(t.chats.committee).filter((m) => textOf(m).includes("下级支部周报"));

describe("weekly digests", () => {
  it("invites the secretary to add a line at 08:30 and posts the note with the digest at 09:00", async () => {
    await t.advance(12.5 * HOUR + 60_000); // Monday 08:31
    const invite = t.botMessages(t.people.s1.openId).find((m) => textOf(m).includes("本周周报 09:00 发出"));
    expect(invite).toBeDefined();
    expect(digestsIn(t.chats.branch1)).toHaveLength(0);
    const digestId = (invite!.content as any).body.elements.find((e: any) => e.tag === "form").elements.find((e: any) => e.tag === "button").behaviors[0].value.d;
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
    const r = await t.click(t.people.s1, invite!, { a: "digest.note", org: org.id, d: digestId }, { note: "本周请大家完成第一季度学习。" });
    expect(r.toast).toMatchObject({ type: "success" });
    await t.advance(30 * 60_000); // 09:01
    const digests = digestsIn(t.chats.branch1);
    expect(digests).toHaveLength(1);
    expect(textOf(digests[0])).toContain("书记寄语");
    expect(textOf(digests[0])).toContain("本周请大家完成第一季度学习。");
    expect(textOf(digests[0])).toContain("第9周");
  });

  it("refuses a note from someone who is not the secretary", async () => {
    const invite = t.botMessages(t.people.s1.openId).find((m) => textOf(m).includes("本周周报"))!;
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
    const r = await t.click(t.people.m1, invite, { a: "digest.note", org: org.id, d: 1 }, { note: "冒充" });
    expect(r.toast).toMatchObject({ type: "error" });
  });

  it("closes the invitation's form when it is pressed after the digest went out, at no API cost", async () => {
    const invite = t.botMessages(t.people.s1.openId).find((m) => textOf(m).includes("本周周报 09:00 发出"))!;
    expect(textOf(invite)).toContain("发出后这张卡片不再接受寄语");
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
    const digestId = (invite.content as any).body.elements.find((e: any) => e.tag === "form").elements.find((e: any) => e.tag === "button").behaviors[0].value.d;
    const calls = t.fake.calls.length;
    const r = await t.click(t.people.s1, invite, { a: "digest.note", org: org.id, d: digestId }, { note: "晚了一步" });
    // The test clock jumped to 09:01 before the job ran: it went out then.
    expect(r.toast).toMatchObject({ type: "info", content: "本期周报已于 09:01 发出，不能再添加寄语" });
    const closed = t.fake.message(invite.messageId)!;
    expect(textOf(closed)).toContain("本期周报已于 09:01 发出，您的寄语已在最上方");
    expect(JSON.stringify(closed.content)).not.toContain('"tag":"form"');
    await t.settle();
    expect(t.fake.calls.slice(calls).filter((c) => c.path.startsWith("/open-apis/im/"))).toHaveLength(0);
  });

  it("sends the committee its roll-up of linked branches", () => {
    const digests = committeeDigests();
    expect(digests).toHaveLength(1);
    const text = textOf(digests[0]);
    expect(text).toContain("共 2 个支部");
  });

  it("sends exactly one digest per chat per week across a restart at the scheduled minute", async () => {
    await t.advance(7 * DAY - 60_000); // next Monday 09:00 exactly
    await t.restart();
    await t.advance(60_000);
    await t.restart();
    expect(digestsIn(t.chats.branch1)).toHaveLength(2);
    expect(digestsIn(t.chats.branch2)).toHaveLength(2);
    expect(committeeDigests()).toHaveLength(2);
  });

  it("after downtime sends the missed digest once, marked late, and never repeats it", async () => {
    await t.stop();
    t.clock.advance(7 * DAY + 5 * HOUR); // down over the next Monday 09:00
    await t.restart();
    const digests = digestsIn(t.chats.branch1);
    expect(digests).toHaveLength(3);
    expect(textOf(digests.at(-1))).toContain("因系统停机延迟");
    await t.restart();
    await t.advance(HOUR);
    expect(digestsIn(t.chats.branch1)).toHaveLength(3);
  });

  it("can be paused and resumed by the committee, and members cannot change it", async () => {
    await t.say(t.people.m6, t.chats.branch2, "/周报 暂停");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("只有支委");
    await t.say(t.people.s2, t.chats.branch2, "/周报 暂停");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("已暂停本群周报");
    const before = digestsIn(t.chats.branch2).length;
    await t.advance(7 * DAY);
    expect(digestsIn(t.chats.branch2)).toHaveLength(before);
    expect(digestsIn(t.chats.branch1).length).toBeGreaterThan(3);
    await t.say(t.people.s2, t.chats.branch2, "/周报 恢复");
    await t.advance(7 * DAY);
    expect(digestsIn(t.chats.branch2)).toHaveLength(before + 1);
  });

  it("answers /小结 for a period on demand and explains a bad period", async () => {
    await t.say(t.people.m2, t.chats.branch1, "/小结 本年");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("年度工作报告");
    // A month's 小结 does not sign off as the weekly digest (issue 17 item 10).
    await t.say(t.people.m2, t.chats.branch1, "/小结 本月");
    const month = textOf(t.lastBotMessage(t.chats.branch1));
    expect(month).toContain("本工作小结只反映是否达到组织生活的基本要求");
    expect(month).not.toContain("周报只反映");
    await t.say(t.people.m2, t.chats.branch1, "/小结 上辈子");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("不认识时段「上辈子」");
  });
});
