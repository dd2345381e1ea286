import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Db } from "../../src/db/client.ts";
import { planCacheStats } from "../../src/db/plan-cache.ts";

/**
 * The query-plan cache (src/db/plan-cache.ts) on a database of its own. The whole suite runs
 * with ZHIBU_PLAN_CACHE_VERIFY=1, so every cached plan is also compared with a fresh one; here
 * the results themselves are checked for the shapes the cache must get right.
 */

let db: Db;
let orgId: number;
beforeAll(async () => {
  db = await openDatabase(`file:${join(mkdtempSync(join(tmpdir(), "zhibu-plan-")), "plan.db")}`);
  await db.chat.create({ data: { chatId: "oc_plan", name: "计划缓存测试群", addedAt: new Date() } });
  orgId = (await db.partyOrg.create({ data: { kind: "branch", name: "计划缓存测试支部", chatId: "oc_plan", timezone: "Asia/Shanghai", boundBy: "ou_plan0", boundAt: new Date() } })).id;
  for (let i = 0; i < 5; i++) {
    await db.member.create({ data: { orgId, openId: `ou_plan${i}`, name: `成员${i}`, memberClass: i === 4 ? "probationary" : "full", joinedAt: new Date(Date.UTC(2020, 0, 1 + i)) } });
  }
});
afterAll(() => db.$disconnect());

describe("query plans cached by shape", () => {
  it("answers each query of one shape with its own values, from one compiled plan", async () => {
    const before = planCacheStats();
    const names = [];
    for (let i = 0; i < 5; i++) names.push((await db.member.findFirst({ where: { orgId, openId: `ou_plan${i}` } }))?.name);
    expect(names).toEqual(["成员0", "成员1", "成员2", "成员3", "成员4"]);
    expect(planCacheStats().hits - before.hits).toBeGreaterThanOrEqual(4);
  });

  it("keeps dates, lists, counts and pages right across one shape", async () => {
    const joinedAfter = (day: number) => db.member.findMany({ where: { orgId, joinedAt: { gt: new Date(Date.UTC(2020, 0, day)) } }, select: { openId: true }, orderBy: { id: "asc" } });
    expect((await joinedAfter(3)).map((m) => m.openId)).toEqual(["ou_plan3", "ou_plan4"]);
    expect((await joinedAfter(1)).map((m) => m.openId)).toEqual(["ou_plan1", "ou_plan2", "ou_plan3", "ou_plan4"]);
    const inList = (ids: string[]) => db.member.count({ where: { openId: { in: ids } } });
    expect(await inList(["ou_plan0", "ou_plan1"])).toBe(2);
    expect(await inList(["ou_plan2", "nobody"])).toBe(1);
    const page = (take: number, skip: number) => db.member.findMany({ where: { orgId }, take, skip, orderBy: { id: "asc" }, select: { openId: true } });
    expect((await page(2, 0)).map((m) => m.openId)).toEqual(["ou_plan0", "ou_plan1"]);
    expect((await page(1, 3)).map((m) => m.openId)).toEqual(["ou_plan3"]);
  });

  it("plans an upsert by whether its key equals what it creates, as Prisma does", async () => {
    // Equal: Prisma's compiler turns it into INSERT … ON CONFLICT; then one that differs.
    const same = await db.member.upsert({
      where: { orgId_openId: { orgId, openId: "ou_plan9" } },
      create: { orgId, openId: "ou_plan9", name: "新成员", memberClass: "full", joinedAt: new Date() },
      update: { name: "改名" },
    });
    expect(same.name).toBe("新成员");
    const again = await db.member.upsert({
      where: { orgId_openId: { orgId, openId: "ou_plan9" } },
      create: { orgId, openId: "ou_plan9", name: "新成员", memberClass: "full", joinedAt: new Date() },
      update: { name: "改名" },
    });
    expect(again).toMatchObject({ id: same.id, name: "改名" });
  });

  it("leaves a shape uncached when the compiler changes its values (contains → LIKE %…%)", async () => {
    const before = planCacheStats();
    const like = (text: string) => db.member.findMany({ where: { orgId, name: { contains: text } }, select: { openId: true }, orderBy: { id: "asc" } });
    expect((await like("成员3")).map((m) => m.openId)).toEqual(["ou_plan3"]);
    expect((await like("成员")).length).toBe(5);
    expect(planCacheStats().uncacheable - before.uncacheable).toBeGreaterThanOrEqual(1);
  });

  it("runs a batch of queries from one tick with their own plans", async () => {
    const found = await Promise.all([0, 1, 2].map((i) => db.member.findUnique({ where: { orgId_openId: { orgId, openId: `ou_plan${i}` } } })));
    expect(found.map((m) => m?.name)).toEqual(["成员0", "成员1", "成员2"]);
    const [a, b] = await db.$transaction([
      db.member.update({ where: { orgId_openId: { orgId, openId: "ou_plan0" } }, data: { name: "甲" } }),
      db.member.update({ where: { orgId_openId: { orgId, openId: "ou_plan1" } }, data: { name: "乙" } }),
    ]);
    expect([a.name, b.name]).toEqual(["甲", "乙"]);
  });
});
