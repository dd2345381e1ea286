import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, waitUntil, type TestBot } from "../support/harness.ts";

// The production receiver: LARK_MODE=websocket with credentials and LARK_DOMAIN pointing at a
// standalone fake, so src/lark/ws.ts runs the SDK's real WSClient and every event, membership
// change and card callback reaches the bot over the long connection.
let t: TestBot;
beforeAll(async () => {
  t = await startTestBot({ transport: "websocket" });
});
afterAll(() => t.stop());

const FORM = (secretary: string) => ({ kind: "branch", name: "第三党支部", category: "village_community", secretary, committee: [] });

async function health(): Promise<{ ok: boolean; mode: string; longConnection: { state: string } | null }> {
  const res = await fetch(`${t.runtime.url}/healthz`);
  return (await res.json()) as { ok: boolean; mode: string; longConnection: { state: string } | null };
}

describe("the bot over the long connection", () => {
  it("is connected, and /healthz says so", async () => {
    expect(t.fake.wsConnections()).toEqual([expect.objectContaining({ state: "ready" })]);
    const h = await health();
    expect(h.mode).toBe("websocket");
    expect(h.longConnection?.state).toBe("connected");
    expect(h.ok).toBe(true);
  });

  it("answers /帮助 sent over the long connection, through the outbox", async () => {
    const asked = await t.say(t.people.m1, t.chats.branch1, "/帮助");
    expect(t.fake.pushes.at(-1)).toMatchObject({ transport: "websocket", eventType: "im.message.receive_v1", status: 200 });
    const reply = t.lastBotMessage(t.chats.branch1)!;
    expect(reply.parentId).toBe(asked.messageId);
    expect(textOf(reply)).toContain("命令一览");
  });

  it("has one effect for a redelivered event, also across a restart", async () => {
    const before = t.botMessages(t.chats.branch1).length;
    const { delivery } = await t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: t.people.m2.openId, text: "/成员" });
    expect(delivery).toMatchObject({ transport: "websocket", status: 200 });
    await t.settle();
    const again = await t.fake.redeliver(delivery!);
    expect(again).toMatchObject({ transport: "websocket", status: 200, eventId: delivery!.eventId });
    await t.settle();
    await t.restart(); // a new WSClient connects to the same fake
    await t.fake.redeliver(delivery!);
    await t.settle();
    expect(t.botMessages(t.chats.branch1).length).toBe(before + 1);
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("成员名单");
  });

  it("received the bot-added event over the long connection and answers card clicks with their toast", async () => {
    const card = t.botMessages(t.chats.unbound).find((m) => textOf(m).includes("绑定本群"))!;
    expect(card).toBeDefined();

    const refused = await t.click(t.people.m8, card, { a: "branch.bind", chat: t.chats.unbound }, FORM(t.people.m8.openId));
    expect(refused.raw.transport).toBe("websocket");
    expect(refused.toast).toMatchObject({ type: "error" });
    expect(String((refused.toast as { content: string }).content)).toContain("只有把我拉进群的同志");

    const bound = await t.click(t.people.s3, card, { a: "branch.bind", chat: t.chats.unbound }, FORM(t.people.s3.openId));
    expect(bound.status).toBe(200);
    expect(bound.toast).toMatchObject({ type: "success" });
    expect(textOf(t.fake.message(card.messageId)!)).toContain("已绑定：第三党支部");
    expect(await t.runtime.db.partyOrg.count({ where: { chatId: t.chats.unbound } })).toBe(1);
  });

  it("reconnects after the platform drops the socket, and keeps working", async () => {
    const first = t.fake.wsConnections()[0]!;
    expect(t.fake.dropWsConnections()).toBe(1);
    const second = await t.fake.waitForWsClient(20_000);
    expect(second.id).not.toBe(first.id);
    await waitUntil(async () => (await health()).longConnection?.state === "connected", "/healthz to show the long connection again");

    const asked = await t.say(t.people.m3, t.chats.branch1, "/帮助");
    const reply = t.lastBotMessage(t.chats.branch1)!;
    expect(reply.parentId).toBe(asked.messageId);
    expect(textOf(reply)).toContain("命令一览");
  });
});
