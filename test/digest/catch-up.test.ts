import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";

/**
 * Catch-up after a long stop (issue 21 item 7): each missed weekly digest is handled once for
 * the week it belongs to — skipped, with a reason, when it is too stale to read — and the
 * current week's digest still goes out, on time.
 */

const MINUTE = 60_000;
let t: TestBot;
// Bound on a Tuesday; the first digest is due Monday 2026-03-09 09:00.
beforeAll(async () => {
  t = await startTestBot({ start: new Date("2026-03-03T10:00:00+08:00") });
});
afterAll(() => t.stop());

const digestsIn = (chatId: string) => t.botMessages(chatId).filter((m) => textOf(m).includes("· 周报"));

describe("a restart on the second Monday at 09:01", () => {
  it("skips the stale week with a reason and still sends this week's digest, once", async () => {
    await t.stop();
    t.clock.advance(new Date("2026-03-16T09:01:00+08:00").getTime() - t.clock.now().getTime());
    await t.restart();
    await t.settle();
    const digests = digestsIn(t.chats.branch1);
    expect(digests).toHaveLength(1);
    expect(textOf(digests[0])).not.toContain("因系统停机延迟"); // a minute late is on time
    const rows = await t.runtime.db.digest.findMany({ where: { org: { chatId: t.chats.branch1 } }, orderBy: { periodKey: "asc" } });
    expect(rows.map((r) => r.status)).toEqual(["skipped", "sent"]);
    expect(t.logs.join("")).toContain("digest skipped: more than 6 days late");
    await t.restart();
    await t.advance(60 * MINUTE);
    expect(digestsIn(t.chats.branch1)).toHaveLength(1);
    expect(digestsIn(t.chats.branch2)).toHaveLength(1);
  });
});
