import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { axiosFailure, seedGroup, startPlatform, type Setup } from "./helpers.ts";

describe("fake platform: chats, members, contacts", () => {
  let s: Setup;
  let members: string[];
  beforeEach(async () => {
    s = await startPlatform();
    members = seedGroup(s.platform, "oc_big", 250);
  });
  afterEach(() => s.platform.close());

  it("pages 250 members with page_size 100 (100 + 100 + 50)", async () => {
    const seen: string[] = [];
    const pages: number[] = [];
    let pageToken: string | undefined;
    for (;;) {
      const res = await s.client.im.v1.chatMembers.get({
        path: { chat_id: "oc_big" },
        params: { member_id_type: "open_id", page_size: 100, page_token: pageToken },
      });
      const items = res.data?.items ?? [];
      pages.push(items.length);
      seen.push(...items.map((i) => i.member_id ?? ""));
      expect(res.data?.member_total).toBe(250);
      if (!res.data?.has_more) break;
      pageToken = res.data.page_token;
    }
    expect(pages).toEqual([100, 100, 50]);
    expect(seen).toEqual(members);
  });

  it("serves the SDK's getWithIterator and the default page size of 20", async () => {
    const sizes: number[] = [];
    for await (const page of await s.client.im.v1.chatMembers.getWithIterator({ path: { chat_id: "oc_big" }, params: { member_id_type: "open_id" } })) {
      sizes.push(page?.items?.length ?? 0);
    }
    expect(sizes).toHaveLength(13);
    expect(sizes.slice(0, 12).every((n) => n === 20)).toBe(true);
    expect(sizes[12]).toBe(10);
  });

  it("answers 232011 for members of a chat without the bot, and rejects page_size > 100", async () => {
    s.platform.addChat({ chatId: "oc_nobot", name: "无机器人", members: ["ou_user_000"], botIn: false });
    const notIn = await axiosFailure(s.client.im.v1.chatMembers.get({ path: { chat_id: "oc_nobot" }, params: { member_id_type: "open_id" } }));
    expect(notIn.data.code).toBe(232011);
    const tooBig = await axiosFailure(s.client.im.v1.chatMembers.get({ path: { chat_id: "oc_big" }, params: { page_size: 500 } }));
    expect(tooBig.data.code).toBe(99992402);
  });

  it("returns chat info, bot info and users; 41050 for unknown users", async () => {
    const chat = await s.client.im.v1.chat.get({ path: { chat_id: "oc_big" } });
    expect(chat.data).toMatchObject({ name: "第一党支部", user_count: "250", owner_id: members[0] });
    const bot = (await s.client.request({ method: "GET", url: "/open-apis/bot/v3/info" })) as { bot: { open_id: string; app_name: string } };
    expect(bot.bot).toMatchObject({ open_id: s.platform.options.botOpenId, app_name: "支部助手" });
    const user = await s.client.contact.v3.user.get({ path: { user_id: "ou_user_007" }, params: { user_id_type: "open_id" } });
    expect(user.data?.user).toMatchObject({ open_id: "ou_user_007", name: "成员7" });
    const unknown = await axiosFailure(s.client.contact.v3.user.get({ path: { user_id: "ou_nobody" }, params: { user_id_type: "open_id" } }));
    expect(unknown.data.code).toBe(41050);
  });

  it("lists only the chats the bot is in", async () => {
    s.platform.addChat({ chatId: "oc_nobot", name: "无机器人", members: ["ou_user_000"], botIn: false });
    s.platform.addChat({ chatId: "oc_small", name: "小组", members: ["ou_user_000"] });
    const res = await s.client.im.v1.chat.list({ params: { page_size: 1 } });
    expect(res.data?.items?.map((c) => c.chat_id)).toEqual(["oc_big"]);
    expect(res.data?.has_more).toBe(true);
    const next = await s.client.im.v1.chat.list({ params: { page_size: 1, page_token: res.data?.page_token } });
    expect(next.data?.items?.map((c) => c.chat_id)).toEqual(["oc_small"]);
    expect(next.data?.has_more).toBe(false);
  });

  it("answers unknown /open-apis paths with a JSON 404 and records the call", async () => {
    const failure = await axiosFailure(s.client.request({ method: "GET", url: "/open-apis/does/not/exist" }));
    expect(failure.status).toBe(404);
    expect(failure.data.code).toBe(404);
    expect(s.platform.calls.at(-1)).toMatchObject({ method: "GET", path: "/open-apis/does/not/exist", status: 404 });
  });
});
