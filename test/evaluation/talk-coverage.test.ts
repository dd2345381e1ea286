import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { buttonValue, DAY, lastCard, seen } from "./helpers.ts";

/** W9: from 1 October the secretary hears, privately, about 谈心谈话 not arranged or not all held. */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ start: new Date("2026-09-30T09:00:00+08:00") });
});
afterAll(() => t.stop());

/** Branch 1's W9 (branch 2 has its own). */
const branch1W9 = async () => {
  const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch1 } });
  return t.runtime.db.earlyWarning.findFirstOrThrow({ where: { ruleId: "W9", orgId: org.id } });
};
const w9 = (openId: string) => t.botMessages(openId).filter((m) => seen(m).includes("W9"));

describe("谈心谈话 coverage warning", () => {
  it("is quiet in September and raised on 1 October to the secretary only", async () => {
    expect(w9(t.people.s1.openId)).toHaveLength(0);
    await t.advance(DAY);
    expect(w9(t.people.s1.openId)).toHaveLength(1);
    expect(seen(w9(t.people.s1.openId)[0])).toContain("今年还没有安排谈心谈话");
    expect(w9(t.chats.branch1)).toHaveLength(0);
    expect(w9(t.people.m1.openId)).toHaveLength(0);
  });

  const talkAll = async (people: typeof t.people[keyof typeof t.people][]) => {
    for (const person of people) {
      for (;;) {
        const card = lastCard(t, person, `谈心谈话 · ${person.name}`);
        const value = buttonValue(card, "orglife.talk");
        if (!value) break;
        await t.click(person, card!, value);
      }
    }
  };

  it("plans every pair the rules list: 书记↔each, 支委↔支委, 支委↔党员, 党员↔党员", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/组织生活会 谈心");
    const kinds = await t.runtime.db.heartTalk.groupBy({ by: ["kind"], _count: { _all: true } });
    const count = Object.fromEntries(kinds.map((k) => [k.kind, k._count._all]));
    // 10 党员 (9 正式, 1 预备): 书记 with 9 others; 3 other 支委 among themselves; 6 members each with a 支委; 6 members paired.
    expect(count).toEqual({ secretary_member: 9, committee_peer: 3, committee_member: 6, member_peer: 3 });
    const m5 = seen(lastCard(t, t.people.m5, "谈心谈话 · 周敏"));
    expect(m5).toMatch(/王建国/);
  });

  it("stays raised while only the secretary's and the committee's own pairs are done", async () => {
    await talkAll([t.people.s1, t.people.o1, t.people.x1]);
    await t.advance(DAY);
    const warning = await branch1W9();
    expect(warning.clearedAt).toBeNull();
    expect(await t.runtime.db.heartTalk.count({ where: { doneAt: null, kind: "member_peer" } })).toBeGreaterThan(0);
  });

  it("clears once every required pair has talked", async () => {
    await talkAll([t.people.d1, t.people.m1, t.people.m2, t.people.m3, t.people.m4, t.people.m5, t.people.pr1]);
    expect(await t.runtime.db.heartTalk.count({ where: { doneAt: null } })).toBe(0);
    await t.advance(DAY);
    const warning = await branch1W9();
    expect(warning.clearedAt).not.toBeNull();
  });
});
