import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { cardsWith, cardText } from "../meetings/helpers.ts";
import { syncWarnings, type WarningRule } from "../../src/features/digest/warnings.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { orgByChat } from "../../src/app/actors.ts";

/**
 * Issue 22 item 2: the new conditions one warning rule finds for one recipient in one run go
 * out in one card (the month benchmark sent a card per absent member to the secretary).
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const rule: WarningRule = { id: "W7", title: "党员连续缺席", evaluate: async () => new Map() };

describe("new warnings for one recipient", () => {
  it("go in one card listing each, and a condition already raised is not sent again", async () => {
    const db = t.runtime.db;
    const org = (await db.$transaction((tx) => orgByChat(tx, t.chats.branch1)))!;
    const conditions = new Map([[org.id, ["刘洋", "陈静", "杨帆"].map((name, i) => ({ subjectKey: `member:${i}`, message: `${name} 已连续 2 次无故缺席组织生活。`, audience: "secretary" as const }))]]);
    const run = () => db.$transaction((tx) => syncWarnings(tx, new Outbox(tx, org.id), rule, [org], conditions, t.clock.now()));
    expect(await run()).toMatchObject({ raised: 3 });
    await t.settle();
    const cards = cardsWith(t, t.people.s1.openId, "预警：党员连续缺席");
    expect(cards).toHaveLength(1);
    const text = cardText(cards[0]!);
    expect(text).toContain("预警：党员连续缺席（3 项）");
    for (const name of ["刘洋", "陈静", "杨帆"]) expect(text).toContain(`- ${name} 已连续 2 次无故缺席组织生活。`);
    expect(await run()).toMatchObject({ raised: 0 });
    await t.settle();
    expect(cardsWith(t, t.people.s1.openId, "预警：党员连续缺席")).toHaveLength(1);
  });
});
