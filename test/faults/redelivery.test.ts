import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { mulberry32 } from "../../src/sandbox/fake-platform/faults.ts";
import type { DeliveryResult } from "../../src/sandbox/fake-platform/index.ts";
import { reportCounts, shuffled } from "./support/counts.ts";

/**
 * Lark delivers at least once: here every event comes three more times, shuffled, some of the
 * copies concurrently and some after a restart. Each still has exactly one effect.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const random = mulberry32(9001);

/** Posts the copies a few at a time (Lark retries in parallel too). */
async function redeliverAll(copies: DeliveryResult[]): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < copies.length; i += 4) {
    const batch = await Promise.all(copies.slice(i, i + 4).map((d) => t.fake.redeliver(d)));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

describe("every event redelivered three times, shuffled, across a restart", () => {
  it("has one effect per event", async () => {
    const { people: P, chats: C } = t;
    const events: DeliveryResult[] = [];
    const commandIds: string[] = [];
    const speak = async (sender: string, where: { chatId: string } | "p2p", text: string) => {
      const target = where === "p2p" ? { p2pOpenId: sender } : where;
      const { message, delivery } = await t.fake.sendUserMessage({ ...target, senderOpenId: sender, text });
      commandIds.push(message.messageId);
      events.push(delivery!);
    };
    for (const p of [P.s1, P.o1, P.m1, P.pr1, P.nm1]) {
      await speak(p.openId, { chatId: C.branch1 }, "/成员");
      await speak(p.openId, { chatId: C.branch1 }, "/党小组");
    }
    for (const p of [P.s2, P.m6, P.pr2]) await speak(p.openId, { chatId: C.branch2 }, "/帮助");
    await speak(P.committeeSecretary.openId, { chatId: C.committee }, "/下级");
    for (const p of [P.m2, P.m3, P.s3]) await speak(p.openId, "p2p", "/帮助");
    await speak(P.m4.openId, { chatId: C.branch1 }, "/不存在");
    t.fake.addUser({ openId: "ou_redeliver_new", name: "新同志" });
    events.push((await t.fake.addUsersToChat(C.branch1, ["ou_redeliver_new"], P.s1.openId))!);
    events.push((await t.fake.removeUsersFromChat(C.branch2, [P.m7.openId], P.s2.openId))!);
    const bindingCardsBefore = t.botMessages(C.unbound).length; // the sandbox added the bot at start
    events.push(await t.fake.addBotToChat(C.unbound, P.s3.openId));
    expect(events.every((e) => e.status === 200)).toBe(true);

    const copies = shuffled([...events, ...events, ...events], random);
    const third = Math.floor(copies.length / 3);
    const statuses = await redeliverAll(copies.slice(0, third)); // before the originals are processed
    await t.settle();
    statuses.push(...(await redeliverAll(copies.slice(third, 2 * third))));
    await t.restart();
    statuses.push(...(await redeliverAll(copies.slice(2 * third))));
    await t.settle();
    expect(statuses.every((s) => s === 200)).toBe(true);

    // One reply per command.
    const botMessages = t.fake.messages.filter((m) => m.sender === "bot");
    for (const id of commandIds) expect(botMessages.filter((m) => m.parentId === id), `replies to ${id}`).toHaveLength(1);
    // One binding card for the one "bot added".
    expect(t.botMessages(C.unbound)).toHaveLength(bindingCardsBefore + 1);
    expect(textOf(t.lastBotMessage(C.unbound))).toContain("绑定");
    // Membership changes applied once (and still applied).
    expect(await t.runtime.db.member.count({ where: { openId: "ou_redeliver_new" } })).toBe(1);
    expect((await t.runtime.db.member.findFirstOrThrow({ where: { openId: P.m7.openId } })).active).toBe(false);
    // One stored row per event, all done.
    const rows = await t.runtime.db.inboundEvent.findMany({ where: { eventType: { not: "card.action.trigger" } } });
    expect(rows.filter((r) => r.status !== "done")).toEqual([]);
    expect(rows.filter((r) => events.some((e) => r.eventId === e.eventId))).toHaveLength(events.length);

    // A card click, redelivered three times (once after a restart): one binding, the same answer.
    const card = t.lastBotMessage(C.unbound)!;
    const form = { kind: "branch", name: "第三党支部", category: "gov_institution", secretary: P.s3.openId, committee: [] };
    const first = await t.fake.clickCard({ messageId: card.messageId, operatorOpenId: P.s3.openId, value: { a: "branch.bind", chat: C.unbound }, formValue: form });
    expect((first.toast as { type: string }).type).toBe("success");
    const again = [await t.fake.redeliver(first.raw), await t.fake.redeliver(first.raw)];
    await t.restart();
    again.push(await t.fake.redeliver(first.raw));
    await t.settle();
    for (const r of again) expect((r.body as { toast: unknown }).toast).toEqual(first.toast);
    expect(await t.runtime.db.partyOrg.count({ where: { chatId: C.unbound } })).toBe(1);
    expect(await t.runtime.db.job.count({ where: { key: { startsWith: `sync:${C.unbound}:` } } })).toBe(1);

    reportCounts("redelivery", {
      events: events.length + 1,
      eventsRedelivered: copies.length + again.length,
      restartsDuringRedelivery: 2,
      extraEffects: 0,
    });
  });
});
