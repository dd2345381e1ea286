import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { dayjs, zoned } from "../../src/core/time.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { familyChunks } from "../../src/features/digest/jobs.ts";
import type { OrgInfo } from "../../src/app/context.ts";

/**
 * The paths the committee-scale benchmarks (bench/README.md) changed: one connection shared
 * safely, events stored in groups, the sender with thousands of waiting targets, the time-zone
 * conversion, and the digest's chunks.
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("one SQLite connection for the whole bot", () => {
  it("keeps a write made outside a transaction when another transaction rolls back meanwhile", async () => {
    const db = t.runtime.db;
    let outside: Promise<unknown> = Promise.resolve();
    await expect(
      db.$transaction(async (tx) => {
        await tx.job.create({ data: { key: "scale:inside", kind: "k", runAt: new Date(), createdAt: new Date() } });
        outside = db.job.create({ data: { key: "scale:outside", kind: "k", runAt: new Date(), createdAt: new Date() } });
        await new Promise((r) => setTimeout(r, 20));
        throw new Error("the handler failed");
      }),
    ).rejects.toThrow("the handler failed");
    await outside;
    const keys = (await db.job.findMany({ where: { key: { startsWith: "scale:" } }, select: { key: true } })).map((j) => j.key);
    expect(keys).toEqual(["scale:outside"]);
  });
});

describe("events stored in groups", () => {
  it("stores a burst of pushes and their redeliveries once each, and answers every push 200", async () => {
    const before = await t.runtime.db.inboundEvent.count();
    const sent = await Promise.all(Array.from({ length: 24 }, (_, i) => t.fake.sendUserMessage({ chatId: t.chats.branch2, senderOpenId: t.people.s2.openId, text: `大家好，第 ${i} 条` })));
    const again = await Promise.all(sent.slice(0, 8).map((s) => t.fake.redeliver(s.delivery!)));
    expect([...sent.map((s) => s.delivery!.status), ...again.map((d) => d.status)].every((s) => s === 200)).toBe(true);
    expect((await t.runtime.db.inboundEvent.count()) - before).toBe(24);
  });
});

describe("the sender with thousands of targets waiting", () => {
  it("attempts them (their ids are read in slices, below the database's parameter limit)", async () => {
    await t.runtime.db.$transaction(async (tx) => {
      const out = new Outbox(tx);
      for (let i = 0; i < 1200; i++) await out.text({ chatId: `oc_gone_${i}` }, "你好");
    });
    const { attempted } = await t.runtime.sender.drainOnce();
    expect(attempted).toBeGreaterThan(0);
    await t.runtime.db.outboxMessage.updateMany({ where: { target: { startsWith: "oc_gone_" } }, data: { status: "failed" } });
  });
});

describe("time zones", () => {
  it("converts exactly as the dayjs timezone plugin does, in zones with and without summer time", () => {
    const pluginTz = (dayjs.prototype as unknown as { pluginTz: (this: unknown, zone: string) => ReturnType<typeof zoned> }).pluginTz;
    const start = Date.parse("2024-01-01T00:00:00Z");
    for (const tz of ["Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu"]) {
      for (let i = 0; i < 400; i++) {
        const at = new Date(start + Math.floor(i * 79_193_173.7) + (i % 7) * 123);
        const a = pluginTz.call(dayjs(at), tz);
        const b = zoned(at, tz);
        expect(b.format("YYYY-MM-DD HH:mm:ss.SSS Z")).toBe(a.format("YYYY-MM-DD HH:mm:ss.SSS Z"));
        expect(b.valueOf()).toBe(a.valueOf());
        expect(b.startOf("day").valueOf()).toBe(a.startOf("day").valueOf());
      }
    }
  });
});

describe("digest chunks", () => {
  const org = (id: number, kind: "branch" | "committee", parentId: number | null): OrgInfo => ({ id, kind, name: `${id}`, category: null, chatId: `oc_${id}`, parentId, timezone: "Asia/Shanghai" });

  it("keeps each committee with its branches and never exceeds the size otherwise", () => {
    const orgs = [org(1, "committee", null), org(2, "committee", null), ...Array.from({ length: 150 }, (_, i) => org(10 + i, "branch", i % 2 ? 1 : 2)), ...Array.from({ length: 30 }, (_, i) => org(500 + i, "branch", null))];
    const chunks = familyChunks(orgs, 100);
    expect(chunks.flat().map((o) => o.id).sort((a, b) => a - b)).toEqual(orgs.map((o) => o.id).sort((a, b) => a - b));
    for (const committee of [1, 2]) {
      const home = chunks.find((c) => c.some((o) => o.id === committee))!;
      expect(orgs.filter((o) => o.parentId === committee).every((o) => home.includes(o))).toBe(true);
    }
    expect(chunks.every((c) => c.length <= 100 || c.some((o) => o.kind === "committee"))).toBe(true);
  });
});

describe("events processed several to a transaction", () => {
  it("keeps the others of a batch when one fails: each is answered once, the failing one is retried on its own", async () => {
    t.runtime.bot.command({
      name: "测试故障", aliases: [], summary: "测试用", usage: "/测试故障", example: "/测试故障", permission: "anyone", scope: "any", group: "测试",
      run: async () => {
        throw new Error("the handler broke");
      },
    });
    const texts = ["/帮助", "/成员", "/测试故障", "/会议", "/计划"];
    const sent: Array<Awaited<ReturnType<TestBot["fake"]["sendUserMessage"]>>> = [];
    for (const text of texts) sent.push(await t.fake.sendUserMessage({ chatId: t.chats.branch1, senderOpenId: t.people.s1.openId, text }));
    await t.settle();
    const replies = t.botMessages(t.chats.branch1);
    const answered = (s: (typeof sent)[number]) => replies.filter((m) => m.parentId === s.message.messageId).length;
    expect(sent.map(answered)).toEqual([1, 1, 0, 1, 1]);
    const failing = await t.runtime.db.inboundEvent.findFirst({ where: { payload: { contains: sent[2]!.message.messageId } } });
    expect(failing).toMatchObject({ status: "pending", attempts: 1 });
    expect(failing!.lastError).toContain("the handler broke");
    const done = await t.runtime.db.inboundEvent.count({ where: { status: "done", OR: [0, 1, 3, 4].map((i) => ({ payload: { contains: sent[i]!.message.messageId } })) } });
    expect(done).toBe(4);
  });
});
