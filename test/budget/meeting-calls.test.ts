import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { announcement, cardText, cardsWith, DAY, HOUR, meetingRow, texts } from "../meetings/helpers.ts";

/**
 * Issue 22 item 2, measured by `npm run bench:month`: calls the meeting life cycle spent where
 * nobody saw a difference. Test clock: Monday 2026-03-02 10:00 (Beijing).
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const patchesOf = (messageId: string) => t.fake.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/messages/${messageId}`));

describe("calls around a meeting", () => {
  it("does not PATCH private reminder cards when the meeting ends", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 支委会 2026-03-04 14:30 支部办公室 研究三月工作");
    const seq = (await t.runtime.db.meeting.findFirstOrThrow({ orderBy: { id: "desc" } })).seqNo;
    await t.advance(DAY + 5 * HOUR); // Tuesday 15:00: the day-before reminder went out
    const nudges = cardsWith(t, t.people.x1.openId, `请回复 · #${seq} `);
    expect(nudges.length).toBe(1);
    for (const step of [22, 1, 1, 1, 1]) await t.advance(step * HOUR); // Wednesday 16:00: held, attendance final
    expect((await meetingRow(t, seq, t.chats.branch1)).status).toBe("held");
    expect(nudges.length).toBe(1);
    expect(patchesOf(nudges[0]!.messageId)).toHaveLength(0);
  });

  it("does not PATCH a notice Lark can no longer update (sent over 14 days before), and reports nothing to the secretary", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/安排 党员大会 2026-03-25 14:30 三楼会议室 学习党章");
    const m = await t.runtime.db.meeting.findFirstOrThrow({ orderBy: { id: "desc" } });
    const ann = announcement(t, t.chats.branch1, m.seqNo);
    const failuresBefore = texts(t, t.people.s1.openId).filter((x) => x.includes("送达失败")).length;
    for (let day = 0; day < 23; day++) await t.advance(DAY); // the meeting ends on the 25th, 21 days after the notice
    expect((await meetingRow(t, m.seqNo, t.chats.branch1)).status).toBe("held");
    expect(patchesOf(ann.messageId).filter((c) => c.status !== 200 || c.code !== 0)).toEqual([]);
    expect(texts(t, t.people.s1.openId).filter((x) => x.includes("送达失败")).length).toBe(failuresBefore);
  });
});

describe("leave requests", () => {
  it("reach the approver on one card the day before, and a card per request after that", async () => {
    const { s1, m3, m4, m1 } = t.people;
    const approvals = () => cardsWith(t, s1.openId, `请假审批 · #${seq} `).map(cardText);
    await t.say(s1, t.chats.branch1, "/安排 党员大会 2026-05-08 14:30 三楼会议室 讨论发展党员");
    const m = await t.runtime.db.meeting.findFirstOrThrow({ orderBy: { id: "desc" } });
    const seq = m.seqNo;
    const ann = announcement(t, t.chats.branch1, seq);
    await t.click(m3, ann, { a: "meetings.rsvp", m: m.id, r: "leave" }, { reason: "到外地出差" });
    await t.click(m4, ann, { a: "meetings.rsvp", m: m.id, r: "leave" }, { reason: "参加培训" });
    expect(approvals()).toEqual([]);
    while (t.clock.now().getTime() < new Date("2026-05-07T15:00:00+08:00").getTime()) await t.advance(6 * HOUR);
    expect(approvals()).toHaveLength(1);
    expect(approvals()[0]).toContain("杨帆**　事由：到外地出差");
    expect(approvals()[0]).toContain("黄磊**　事由：参加培训");
    await t.click(m1, ann, { a: "meetings.rsvp", m: m.id, r: "leave" }, { reason: "家中有事" });
    expect(approvals()).toHaveLength(2);
    expect(approvals()[1]).toContain("刘洋**　事由：家中有事");
  });
});
