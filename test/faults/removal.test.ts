import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { Outbox, type Recipient } from "../../src/app/outbox.ts";

/**
 * People and the bot leave while messages for them are still queued: those messages end as
 * failed with a reason, the secretary hears about it where there is something to do, and
 * everything else keeps flowing.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

async function orgId(chatId: string): Promise<number> {
  return (await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId } })).id;
}

/** Queues texts in one transaction and returns their outbox ids, in order. */
async function queue(items: Array<{ to: Recipient; text: string; orgId?: number }>): Promise<number[]> {
  const ids: number[] = [];
  await t.runtime.db.$transaction(async (tx) => {
    for (const item of items) {
      await new Outbox(tx, item.orgId).text(item.to, item.text);
      ids.push((await tx.outboxMessage.findFirstOrThrow({ orderBy: { id: "desc" }, select: { id: true } })).id);
    }
  });
  return ids;
}

async function rows(ids: number[]) {
  return t.runtime.db.outboxMessage.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" } });
}

const textsTo = (chatOrOpenId: string) => t.botMessages(chatOrOpenId).map((m) => textOf(m));
const failureNotices = (openId: string) => textsTo(openId).filter((x) => x.includes("【送达失败】"));

describe("leaving while messages are queued", () => {
  it("bot removed from a chat: its queued messages fail with the reason, the secretary is told, others still go out", async () => {
    const { branch1, branch2 } = t.chats;
    const b2 = await orgId(branch2);
    const gone = await queue([
      { to: { chatId: branch2 }, text: "会议通知一", orgId: b2 },
      { to: { chatId: branch2 }, text: "会议通知二", orgId: b2 },
      { to: { chatId: branch2 }, text: "会议通知三", orgId: b2 },
    ]);
    await t.runtime.db.$transaction((tx) =>
      new Outbox(tx, b2).card({ chatId: branch2 }, "notice", { title: "签到", template: "blue", lines: ["请签到"] }, { cardRef: "removal:card" }),
    );
    const cardRow = await t.runtime.db.outboxMessage.findFirstOrThrow({ where: { cardRef: "removal:card" } });
    const others = await queue([
      { to: { openId: t.people.m6.openId }, text: "徐丽，请查收本月学习材料", orgId: b2 },
      { to: { chatId: branch1 }, text: "第一支部照常通知" },
    ]);
    const removal = await t.fake.removeBotFromChat(branch2, t.people.s2.openId);
    expect(removal.status).toBe(200);
    await t.settle();

    for (const r of await rows([...gone, cardRow.id])) {
      expect(r.status).toBe("failed");
      expect(r.failReason).toBe("机器人已不在该群中");
    }
    expect((await rows(others)).map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(textsTo(t.people.m6.openId)).toContain("徐丽，请查收本月学习材料");
    expect(textsTo(branch1)).toContain("第一支部照常通知");
    const notice = failureNotices(t.people.s2.openId).at(-1) ?? "";
    expect(notice).toContain("4 条消息未能送达");
    expect(notice).toContain("发往本支部群的消息：机器人已不在该群中");
    expect((await t.runtime.db.chat.findUniqueOrThrow({ where: { chatId: branch2 } })).botPresent).toBe(false);

    // Pulled back in: it says so, and new messages reach the chat again.
    await t.fake.addBotToChat(branch2, t.people.s2.openId);
    const after = await queue([{ to: { chatId: branch2 }, text: "回来后的通知", orgId: b2 }]);
    await t.settle();
    expect((await rows(after))[0]!.status).toBe("sent");
    expect(textsTo(branch2).join("\n")).toContain("支部助手回来了");
    expect(textsTo(branch2)).toContain("回来后的通知");
  });

  it("member who left the organisation (no longer reachable in Lark): private messages fail with the reason, the secretary is told", async () => {
    const b2 = await orgId(t.chats.branch2);
    const zhu = t.people.m7;
    const saved = t.fake.users.get(zhu.openId)!;
    t.fake.users.delete(zhu.openId); // gone from the tenant: Lark answers 230013 for them now
    try {
      const gone = await queue([
        { to: { openId: zhu.openId }, text: "朱军，请提交学习心得", orgId: b2 },
        { to: { openId: zhu.openId }, text: "朱军，党费提醒", orgId: b2 },
      ]);
      const others = await queue([{ to: { openId: t.people.pr2.openId }, text: "高翔，请参加预备党员谈话", orgId: b2 }]);
      await t.settle();
      for (const r of await rows(gone)) {
        expect(r.status).toBe("failed");
        expect(r.failReason).toBe("对方不在应用的可用范围内");
      }
      expect((await rows(others))[0]!.status).toBe("sent");
      const calls = t.fake.calls.filter((c) => c.path === "/open-apis/im/v1/messages" && c.code === 230013);
      expect(calls.length).toBeGreaterThan(0);
      const notice = failureNotices(t.people.s2.openId).at(-1) ?? "";
      expect(notice).toContain("2 条消息未能送达");
      expect(notice).toContain("发往朱军的消息：对方不在应用的可用范围内");
    } finally {
      t.fake.users.set(zhu.openId, saved);
    }
  });

  it("member who left the chat: the branch's queued messages for them are withdrawn with the reason; nothing else is held up", async () => {
    const { branch1 } = t.chats;
    const b1 = await orgId(branch1);
    const yang = t.people.m3;
    const noticesBefore = failureNotices(t.people.s1.openId).length;
    const withdrawn = await queue([
      { to: { openId: yang.openId }, text: "杨帆，请参加本周党小组会", orgId: b1 },
      { to: { openId: yang.openId }, text: "杨帆，请完成民主评议自评", orgId: b1 },
    ]);
    const others = await queue([
      { to: { openId: t.people.m4.openId }, text: "黄磊，请参加本周党小组会", orgId: b1 },
      { to: { openId: yang.openId }, text: "（与本支部无关的私聊回复）" },
    ]);
    const left = await t.fake.removeUsersFromChat(branch1, [yang.openId], t.people.s1.openId);
    expect(left?.status).toBe(200);
    await t.settle();

    for (const r of await rows(withdrawn)) {
      expect(r.status).toBe("failed");
      expect(r.failReason).toBe("成员已退出本群，消息不再发送");
    }
    expect((await rows(others)).map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(textsTo(yang.openId)).not.toContain("杨帆，请参加本周党小组会");
    expect((await t.runtime.db.member.findFirstOrThrow({ where: { orgId: b1, openId: yang.openId } })).active).toBe(false);
    // They left in front of everyone: nothing for the secretary to do, so no failure notice.
    expect(failureNotices(t.people.s1.openId)).toHaveLength(noticesBefore);
    const health = await (await fetch(`${t.runtime.url}/healthz`)).json();
    expect(health.recentSendFailures.map((f: { reason: string }) => f.reason)).toContain("成员已退出本群，消息不再发送");
  });
});
