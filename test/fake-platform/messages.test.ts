import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { axiosFailure, card2, seedGroup, startPlatform, textContent, TOKEN_PATH, type Setup } from "./helpers.ts";

describe("fake platform: messages through the real SDK", () => {
  let s: Setup;
  beforeEach(async () => {
    s = await startPlatform();
    seedGroup(s.platform);
  });
  afterEach(() => s.platform.close());

  it("fetches a tenant token, then creates a message with it", async () => {
    const res = await s.client.im.v1.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_group1", msg_type: "text", content: textContent("大家好") },
    });
    expect(res.code).toBe(0);
    expect(res.data?.message_id).toMatch(/^om_[0-9a-f]{32}$/);
    expect(res.data?.chat_id).toBe("oc_group1");
    expect(res.data?.body?.content).toBe(textContent("大家好"));
    expect(s.platform.calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ["POST", TOKEN_PATH, 200],
      ["POST", "/open-apis/im/v1/messages", 200],
    ]);
    const [stored] = s.platform.messagesIn("oc_group1");
    expect(stored).toMatchObject({ sender: "bot", chatType: "group", msgType: "text", content: { text: "大家好" }, deleted: false });
  });

  it("rejects calls without or with a bad bearer token", async () => {
    const missing = await fetch(`${s.baseUrl}/open-apis/bot/v3/info`);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ code: 99991661 });
    const bad = await fetch(`${s.baseUrl}/open-apis/bot/v3/info`, { headers: { authorization: "Bearer t-nope" } });
    expect(await bad.json()).toMatchObject({ code: 99991663 });
  });

  it("returns the original message for a repeated uuid and counts one delivery", async () => {
    const send = () =>
      s.client.im.v1.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: "oc_group1", msg_type: "text", content: textContent("提醒"), uuid: "remind-42" },
      });
    const first = await send();
    const second = await send();
    expect(second.data?.message_id).toBe(first.data?.message_id);
    expect(s.platform.deliveries.get("remind-42")).toBe(1);
    expect(s.platform.messagesIn("oc_group1")).toHaveLength(1);
  });

  it("patches a shared card and keeps the content history", async () => {
    const created = await s.client.im.v1.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_group1", msg_type: "interactive", content: JSON.stringify(card2("报名中")) },
    });
    const messageId = created.data?.message_id ?? "";
    const patched = await s.client.im.v1.message.patch({ path: { message_id: messageId }, data: { content: JSON.stringify(card2("已截止")) } });
    expect(patched.code).toBe(0);
    const message = s.platform.message(messageId);
    expect(message?.content).toEqual(card2("已截止"));
    expect(message?.history).toEqual([card2("报名中")]);
  });

  it("refuses to patch a 1.0 card that did not opt into update_multi", async () => {
    const oldCard = { header: { title: { tag: "plain_text", content: "v1" } }, elements: [] };
    const created = await s.client.im.v1.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_group1", msg_type: "interactive", content: JSON.stringify(oldCard) },
    });
    const failure = await axiosFailure(
      s.client.im.v1.message.patch({ path: { message_id: created.data?.message_id ?? "" }, data: { content: JSON.stringify(card2("x")) } }),
    );
    expect(failure.status).toBe(400);
    expect(failure.data.code).toBe(230099);
    expect(s.platform.message(created.data?.message_id ?? "")?.content).toEqual(oldCard);
  });

  it("answers 230002 when the bot is not in the chat, and stores nothing", async () => {
    s.platform.addChat({ chatId: "oc_elsewhere", name: "别的群", members: ["ou_user_000"], botIn: false });
    const failure = await axiosFailure(
      s.client.im.v1.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: "oc_elsewhere", msg_type: "text", content: textContent("hi") },
      }),
    );
    expect(failure.status).toBe(400);
    expect(failure.data).toMatchObject({ code: 230002, msg: "Bot/User can NOT be out of the chat." });
    expect(s.platform.messagesIn("oc_elsewhere")).toHaveLength(0);
  });

  it("validates content: non-JSON content, oversized cards, unknown users", async () => {
    const create = (data: Record<string, unknown>, type: "chat_id" | "open_id" = "chat_id") =>
      axiosFailure(s.client.im.v1.message.create({ params: { receive_id_type: type }, data: data as never }));
    expect((await create({ receive_id: "oc_group1", msg_type: "text", content: "not json" })).data.code).toBe(230001);
    const huge = card2("x".repeat(31 * 1024));
    expect((await create({ receive_id: "oc_group1", msg_type: "interactive", content: JSON.stringify(huge) })).data.code).toBe(230025);
    // Over 200 components (text objects are not components) is refused however small the card.
    const crowded = (n: number) => ({ schema: "2.0", body: { elements: Array.from({ length: n }, () => ({ tag: "markdown", content: "·", text: { tag: "plain_text", content: "" } })) } });
    expect((await create({ receive_id: "oc_group1", msg_type: "interactive", content: JSON.stringify(crowded(201)) })).data.code).toBe(230099);
    const full = await s.client.im.v1.message.create({ params: { receive_id_type: "chat_id" }, data: { receive_id: "oc_group1", msg_type: "interactive", content: JSON.stringify(crowded(200)) } });
    expect(full.code).toBe(0);
    expect((await create({ receive_id: "ou_ghost", msg_type: "text", content: textContent("hi") }, "open_id")).data.code).toBe(230013);
  });

  it("sends direct messages into a stable p2p chat and replies keep parent/root ids", async () => {
    const dm = await s.client.im.v1.message.create({
      params: { receive_id_type: "open_id" },
      data: { receive_id: "ou_user_001", msg_type: "text", content: textContent("私信") },
    });
    expect(dm.data?.chat_id).toBe("oc_p2p_ou_user_001");
    const reply = await s.client.im.v1.message.reply({
      path: { message_id: dm.data?.message_id ?? "" },
      data: { msg_type: "text", content: textContent("回复") },
    });
    expect(reply.data).toMatchObject({ parent_id: dm.data?.message_id, root_id: dm.data?.message_id, chat_id: "oc_p2p_ou_user_001" });
    expect(s.platform.messagesIn("ou_user_001").map((m) => m.receiveOpenId)).toEqual(["ou_user_001", "ou_user_001"]);
    const readBack = await s.client.im.v1.message.get({ path: { message_id: reply.data?.message_id ?? "" } });
    expect(readBack.data?.items?.[0]?.body?.content).toBe(textContent("回复"));
  });

  it("buzzes members of the chat and reports outsiders; recall marks the message deleted", async () => {
    const sent = await s.client.im.v1.message.create({
      params: { receive_id_type: "chat_id" },
      data: { receive_id: "oc_group1", msg_type: "text", content: textContent("交党费") },
    });
    const id = sent.data?.message_id ?? "";
    const buzz = await s.client.im.v1.message.urgentApp({
      path: { message_id: id },
      params: { user_id_type: "open_id" },
      data: { user_id_list: ["ou_user_000", "ou_stranger"] },
    });
    expect(buzz.data?.invalid_user_id_list).toEqual(["ou_stranger"]);
    expect(s.platform.message(id)?.urgentFor).toEqual(["ou_user_000"]);
    await s.client.im.v1.message.delete({ path: { message_id: id } });
    expect(s.platform.message(id)?.deleted).toBe(true);
    const again = await axiosFailure(s.client.im.v1.message.delete({ path: { message_id: id } }));
    expect(again.data.code).toBe(230011);
  });

  it("refuses to patch a card older than 14 days by the fake clock", async () => {
    let now = new Date("2025-03-01T08:00:00+08:00");
    const aged = await startPlatform({ now: () => now });
    try {
      seedGroup(aged.platform);
      const created = await aged.client.im.v1.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: "oc_group1", msg_type: "interactive", content: JSON.stringify(card2("旧")) },
      });
      now = new Date(now.getTime() + 15 * 24 * 3600 * 1000);
      const failure = await axiosFailure(
        aged.client.im.v1.message.patch({ path: { message_id: created.data?.message_id ?? "" }, data: { content: JSON.stringify(card2("新")) } }),
      );
      expect(failure.data.code).toBe(230031);
    } finally {
      await aged.platform.close();
    }
  });
});

