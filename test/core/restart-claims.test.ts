import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { ensureJob } from "../../src/app/jobs.ts";

/**
 * A graceful stop (SIGTERM/SIGINT → runtime.stop) releases what the instance still holds
 * claimed — a message being sent, an event being processed, a job running — so the restarted
 * process (or another instance) takes them at once instead of waiting out the lease
 * (issue 15 item 3: a minutes form arrived a minute late after a restart).
 */

let t: TestBot;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("a graceful restart", () => {
  it("sends a message the stopped instance had claimed before its lease runs out, and runs its claimed job", async () => {
    await t.runtime.db.$transaction(async (tx) => {
      await new Outbox(tx).text({ chatId: t.chats.branch1 }, "重启前认领的消息");
      await ensureJob(tx, { key: "claimed:before-restart", kind: "digest.warnings", runAt: t.clock.now() });
    });
    const lease = new Date(Date.now() + 15_000);
    const claimedBy = t.runtime.instanceId;
    // Claimed by this instance, as a stop in the middle of its work leaves them.
    await t.runtime.db.outboxMessage.updateMany({ where: { content: { contains: "重启前认领" } }, data: { status: "sending", lockedBy: claimedBy, lockedUntil: lease, attempts: 1 } });
    await t.runtime.db.job.updateMany({ where: { key: "claimed:before-restart" }, data: { status: "running", lockedBy: claimedBy, lockedUntil: lease, attempts: 1 } });
    await t.restart();
    const row = await t.runtime.db.outboxMessage.findFirstOrThrow({ where: { content: { contains: "重启前认领" } } });
    expect(row.status).toBe("sent");
    expect(row.sentAt!.getTime()).toBeLessThan(lease.getTime()); // not after waiting out the old claim
    expect(t.botMessages(t.chats.branch1).filter((m) => textOf(m) === "重启前认领的消息")).toHaveLength(1);
    expect((await t.runtime.db.job.findUniqueOrThrow({ where: { key: "claimed:before-restart" } })).status).toBe("done");
    expect(t.logs.join("")).toContain("released claims on stop");
  });
});
