import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { toOrgInfo } from "../../src/app/actors.ts";
import { periodContaining } from "../../src/features/digest/periods.ts";
import { bindOrg, syncMembers } from "../../src/features/branches/service.ts";
import type { Tx } from "../../src/db/client.ts";

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

/** Adds `n` branches with ten members and a held meeting each, straight through the services. */
async function addBranches(from: number, n: number) {
  const now = t.clock.now();
  await t.runtime.db.$transaction(async (tx) => {
    for (let i = from; i < from + n; i++) {
      const chatId = `oc_bulk_${i}`;
      await tx.chat.create({ data: { chatId, name: `支部${i}`, addedAt: now } });
      const people = Array.from({ length: 10 }, (_, k) => ({ openId: `ou_b${i}_${k}`, name: `成员${i}-${k}` }));
      const { org } = await bindOrg(tx, { chatId, kind: "branch", name: `支部${i}`, category: "gov_institution", secretary: people[0]!, committee: [], boundBy: people[0]!.openId, timezone: "Asia/Shanghai", now });
      await syncMembers(tx, org.id, people, now);
      await tx.meeting.create({
        data: { orgId: org.id, seqNo: 1, type: "party_lesson", status: "held", startAt: new Date(now.getTime() - 86_400_000), endAt: new Date(now.getTime() - 82_800_000), topic: "学习", createdBy: people[0]!.openId, createdAt: now, updatedAt: now, heldAt: now },
      });
    }
  });
}

/** Runs every digest section for all branches and counts the database round trips. */
async function queriesForAllBranches(): Promise<{ queries: number; branches: number }> {
  let queries = 0;
  const counting = t.runtime.db.$extends({
    query: {
      async $allOperations({ model, operation, args, query }) {
        queries++;
        if (process.env.DEBUG_QUERIES) console.log(model, operation);
        return query(args);
      },
    },
  });
  const orgs = (await t.runtime.db.partyOrg.findMany({ where: { kind: "branch" } })).map(toOrgInfo);
  const period = periodContaining(t.clock.now(), "Asia/Shanghai", "week");
  await t.runtime.features.sections.collect(counting as unknown as Tx, orgs, period, t.clock.now());
  return { queries, branches: orgs.length };
}

describe("digest computation", () => {
  it("takes the same number of queries for 12 branches as for 42: no query per branch, member or meeting", async () => {
    await addBranches(0, 10);
    const small = await queriesForAllBranches();
    await addBranches(10, 30);
    const large = await queriesForAllBranches();
    expect(large.branches).toBe(small.branches + 30);
    expect(large.queries).toBe(small.queries);
    expect(small.queries).toBeLessThan(40);
  });
});
