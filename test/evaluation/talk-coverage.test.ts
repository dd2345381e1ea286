import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { buttonValue, DAY, lastCard, seen } from "./helpers.ts";

/** W9: from 1 October the secretary hears, privately, about 谈心谈话 not arranged or not all held. */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ start: new Date("2026-09-30T09:00:00+08:00") });
});
afterAll(() => t.stop());

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

  it("clears once every pair has talked", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/组织生活会 谈心");
    for (const person of [t.people.s1, t.people.o1, t.people.x1]) {
      for (;;) {
        const card = lastCard(t, person, `谈心谈话 · ${person.name}`);
        const value = buttonValue(card, "orglife.talk");
        if (!value) break;
        await t.click(person, card!, value);
      }
    }
    expect(await t.runtime.db.heartTalk.count({ where: { doneAt: null } })).toBe(0);
    await t.advance(DAY);
    const warning = await t.runtime.db.earlyWarning.findFirstOrThrow({ where: { ruleId: "W9" } });
    expect(warning.clearedAt).not.toBeNull();
  });
});
