import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { buttonValue } from "../evaluation/helpers.ts";
import { announcement, cardText, cardsWith, DAY, lastText, meetingRow, texts } from "./helpers.ts";

/** 请假 with approval (issue #18 item 4): pending until the approver decides with one click in private. */

let t: TestBot;
let meetingId: number;
const approvalCards = (openId: string) => cardsWith(t, openId, "请假审批 · #1 ");
const groupCard = () => cardText(t.fake.messagesIn(t.chats.branch1).find((m) => m.messageId === announcement(t, t.chats.branch1, 1).messageId));
const row = async (openId: string) => (await meetingRow(t, 1, t.chats.branch1)).attendance.find((a) => a.member.openId === openId)!;

beforeAll(async () => {
  t = await startTestBot();
  // Tomorrow 09:00: the day-before reminder is already past, so each request reaches the approver at once.
  await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-03 09:00 三楼会议室 讨论发展党员");
  meetingId = (await t.runtime.db.meeting.findFirstOrThrow({ where: { seqNo: 1 } })).id;
});
afterAll(() => t.stop());

async function askLeave(person: { openId: string }, reason: string) {
  return t.click(person as never, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "leave" }, { reason });
}

async function decide(approver: { openId: string }, memberOpenId: string, d: "approved" | "declined", cardOf = approver) {
  const card = approvalCards(cardOf.openId).at(-1)!;
  const memberId = (await row(memberOpenId)).memberId;
  return t.click(approver as never, card, { ...buttonValue(card, "meetings.leave_decide")!, mem: memberId, d });
}

describe("a 请假 waits for the approver", () => {
  it("is pending after the request: the member is told so, the group counts 待批, the secretary gets one card in private", async () => {
    const asked = await askLeave(t.people.m1, "出差");
    expect(JSON.stringify(asked.toast)).toContain("已提交请假：#1 支部党员大会，待批准");
    expect(groupCard()).toContain("请假 1 人（待批 1）");
    expect((await row(t.people.m1.openId)).leaveDecision).toBe("pending");
    expect(approvalCards(t.people.s1.openId)).toHaveLength(1);
    expect(cardText(approvalCards(t.people.s1.openId)[0])).toContain("刘洋**　事由：出差");
    expect(cardsWith(t, t.chats.branch1, "请假审批")).toHaveLength(0);
  });

  it("is approved with one click: the card answers in place, the member hears privately, the decider is recorded", async () => {
    const other = await decide(t.people.m2, t.people.m1.openId, "approved", t.people.s1);
    expect(JSON.stringify(other.toast)).toContain("这条请假不由您审批");
    const card = approvalCards(t.people.s1.openId).at(-1)!;
    const approve = { ...buttonValue(card, "meetings.leave_decide")!, mem: (await row(t.people.m1.openId)).memberId, d: "approved" };
    const answer = await t.click(t.people.s1, card, approve);
    expect(JSON.stringify(answer.toast)).toContain("刘洋：已批准");
    expect(JSON.stringify(answer.card)).toContain("待审批的请假都已处理");
    expect(JSON.stringify(answer.card)).toContain("刘洋（出差）已批准");
    expect(lastText(t, t.people.m1.openId)).toContain("【请假已批准】王建国 批准了您 #1 支部党员大会");
    const r = await row(t.people.m1.openId);
    expect([r.leaveDecision, r.leaveDecidedBy]).toEqual(["approved", t.people.s1.openId]);
    expect(groupCard()).toContain("请假 1 人 · 未回复");
    // A second press changes nothing and sends nothing.
    await t.settle();
    const sent = t.fake.calls.length;
    const again = await t.click(t.people.s1, card, { ...approve, d: "declined" });
    expect(JSON.stringify(again.toast)).toContain("刘洋 的请假已处理（已批准）");
    expect((await row(t.people.m1.openId)).leaveDecision).toBe("approved");
    await t.settle();
    expect(t.fake.calls.length).toBe(sent);
  });

  it("is declined with one click: the member is asked to come, and without a sign-in is absent after the meeting", async () => {
    await askLeave(t.people.m3, "家里有事");
    await decide(t.people.s1, t.people.m3.openId, "declined");
    expect(lastText(t, t.people.m3.openId)).toContain("【请假未批准】王建国 没有批准您 #1 支部党员大会");
    expect((await row(t.people.m3.openId)).leaveDecision).toBe("declined");
  });

  it("goes to another 支委 when the secretary asks for leave, and to whoever the branch names", async () => {
    await askLeave(t.people.s1, "到党校学习");
    expect(cardText(approvalCards(t.people.o1.openId).at(-1))).toContain("王建国**　事由：到党校学习");
    await t.say(t.people.s1, t.chats.branch1, "/会议规则 请假审批 @刘洋", { mentions: [t.people.m1] });
    expect(lastText(t, t.chats.branch1)).toContain("请假审批人须是本支部的支委，刘洋 不是");
    await t.say(t.people.m1, t.chats.branch1, "/会议规则 请假审批 @张红", { mentions: [t.people.x1] });
    expect(lastText(t, t.chats.branch1)).toContain("只有书记、副书记可以调整会议规则");
    await t.say(t.people.s1, t.chats.branch1, "/会议规则 请假审批 @张红", { mentions: [t.people.x1] });
    expect(lastText(t, t.chats.branch1)).toContain("已设置：请假由 张红 审批");
    await t.say(t.people.s1, t.chats.branch1, "/会议规则");
    expect(lastText(t, t.chats.branch1)).toContain("- 请假审批：张红");
    await askLeave(t.people.m4, "参加培训");
    expect(cardText(approvalCards(t.people.x1.openId).at(-1))).toContain("黄磊**　事由：参加培训");
    expect(approvalCards(t.people.s1.openId).map(cardText).some((c) => c.includes("黄磊"))).toBe(false);
  });

  it("is withdrawn by answering 参加: the approver's click then says so and changes nothing", async () => {
    await t.click(t.people.m4, announcement(t, t.chats.branch1, 1), { a: "meetings.rsvp", m: meetingId, r: "attending" });
    const late = await decide(t.people.x1, t.people.m4.openId, "approved");
    expect(JSON.stringify(late.toast)).toContain("已不再请假");
    expect((await row(t.people.m4.openId)).leaveDecision).toBeNull();
  });

  it("makes the final attendance from the decisions: approved and undecided 请假, declined 缺席", async () => {
    expect(groupCard()).toContain("（待批 1）"); // 王建国's own request, waiting for 李明
    await t.advance(2 * DAY);
    expect((await row(t.people.m1.openId)).final).toBe("leave");
    expect((await row(t.people.m3.openId)).final).toBe("absent");
    expect((await row(t.people.s1.openId)).final).toBe("leave");
    expect(texts(t, t.people.m3.openId).some((x) => x.includes("请假未批准"))).toBe(true);
  });
});
