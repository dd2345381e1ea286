import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { onPostgres } from "../support/database.ts";
import { openDatabase } from "../../src/db/client.ts";
import { MIGRATIONS_DIR } from "../../src/db/migrate.ts";
import { Outbox } from "../../src/app/outbox.ts";
import { REPO_ROOT } from "./support/child-bot.ts";

/**
 * `npm run backup` copies the live database while the bot keeps writing to it; the restore
 * drill puts the copy where a new machine would have it, opens it (migrating), and runs the bot on it.
 */

let t: TestBot;
let restored: TestBot | undefined;
beforeAll(async () => {
  t = await startTestBot();
});
afterAll(async () => {
  await restored?.stop();
  await t.stop();
});

function runBackup(databaseFile: string, destination: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", "backup", "--", destination], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: `file:${databaseFile}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("exit", (code) => resolve({ code, output }));
  });
}

// `npm run backup` copies the SQLite file; on PostgreSQL it points to pg_dump.
describe.skipIf(onPostgres)("online backup and restore drill", () => {
  it("backs up while the bot writes, and the restored copy opens, migrates and serves the data", async () => {
    const db = t.runtime.db;
    await t.say(t.people.s1, t.chats.branch1, "/党小组 新建 备份演练小组");
    await db.$transaction((tx) => new Outbox(tx).text({ chatId: t.chats.branch1 }, "备份前写入的标记"));
    const membersAtStart = await db.member.count();
    const dir = mkdtempSync(join(tmpdir(), "zhibu-backup-"));
    const backupFile = join(dir, "backup.db");

    // The bot keeps taking commands and queueing messages for as long as the backup runs.
    let backingUp = true;
    let writesDuringBackup = 0;
    const writer = (async () => {
      const speakers = [t.people.m1, t.people.m2, t.people.o1, t.people.x1];
      while (backingUp) {
        await t.say(speakers[writesDuringBackup % speakers.length]!, t.chats.branch1, "/成员");
        await db.$transaction((tx) => new Outbox(tx).text({ chatId: t.chats.branch2 }, `备份期间写入 ${writesDuringBackup}`));
        writesDuringBackup++;
      }
    })();
    const backup = await runBackup(t.dbFile, backupFile);
    backingUp = false;
    await writer;
    expect(backup.output).toContain(`backup written to ${backupFile}`);
    expect(backup.code).toBe(0);
    expect(writesDuringBackup).toBeGreaterThan(0);

    // Restore drill: the copy alone (no -wal/-shm files beside it) on a "new machine".
    const restoreDir = mkdtempSync(join(tmpdir(), "zhibu-restore-"));
    const restoredFile = join(restoreDir, "zhibu.db");
    copyFileSync(backupFile, restoredFile);
    expect(existsSync(`${restoredFile}-wal`)).toBe(false);
    const copy = await openDatabase(`file:${restoredFile}`); // applies any migration it lacks
    try {
      const integrity = await copy.$queryRawUnsafe<Array<{ integrity_check: string }>>("PRAGMA integrity_check");
      expect(integrity[0]!.integrity_check).toBe("ok");
      const applied = await copy.$queryRawUnsafe<Array<{ migration_name: string }>>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
      );
      const shipped = readdirSync(MIGRATIONS_DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
      expect(applied.map((m) => m.migration_name)).toEqual(shipped);
      expect(await copy.partyOrg.count()).toBe(3);
      expect(await copy.member.count()).toBe(membersAtStart);
      expect(await copy.partyGroup.count({ where: { name: "备份演练小组" } })).toBe(1);
      expect(await copy.outboxMessage.count({ where: { content: { contains: "备份前写入的标记" } } })).toBe(1);
      // Claims in flight at the backup are released in the copy: nothing waits out a lock.
      const held = { lockedUntil: { gt: new Date(0) } };
      expect(await copy.outboxMessage.count({ where: { status: "sending", ...held } })).toBe(0);
      expect(await copy.inboundEvent.count({ where: { status: "processing", ...held } })).toBe(0);
      expect(await copy.job.count({ where: { status: "running", ...held } })).toBe(0);
    } finally {
      await copy.$disconnect();
    }

    // And the bot runs on it: the restored branch answers with its members and groups.
    restored = await startTestBot({ dbFile: restoredFile });
    await restored.say(restored.people.s1, restored.chats.branch1, "/党小组");
    expect(textOf(restored.lastBotMessage(restored.chats.branch1))).toContain("备份演练小组");
    await restored.say(restored.people.m1, restored.chats.branch1, "/成员");
    expect(textOf(restored.lastBotMessage(restored.chats.branch1))).toContain("王建国");
  }, 60_000);
});
