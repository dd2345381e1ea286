import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prepareSandboxDatabase, SANDBOX_DATABASE_FILE } from "../../src/sandbox/database.ts";
import { readConfig } from "../../src/core/config.ts";

/**
 * Issue 17 item 2: the sandbox's chats live in memory and its clock starts at BOT_CLOCK or now,
 * so it starts from the demo data on purpose every time, in its own file, and says so. A
 * database named in DATABASE_URL is never cleared.
 */
describe("the sandbox's database at start", () => {
  it("is its own file, cleared at every start, with a notice that says so", () => {
    const file = join(mkdtempSync(join(tmpdir(), "zhibu-sandbox-")), "data", "sandbox.db");
    const first = prepareSandboxDatabase(undefined, file);
    expect(first.databaseUrl).toBe(`file:${file}`);
    expect(first.notice).toContain("沙盒每次启动都从示例数据重新开始");
    expect(first.notice).not.toContain("已清除");
    for (const suffix of ["", "-wal", "-shm"]) writeFileSync(file + suffix, "from the last run");
    const second = prepareSandboxDatabase(undefined, file);
    expect(second.notice).toContain(`上次的沙盒数据已清除：${file}`);
    for (const suffix of ["", "-wal", "-shm"]) expect(existsSync(file + suffix)).toBe(false);
  });

  it("leaves a database named in DATABASE_URL alone, and says what persists", () => {
    const file = join(mkdtempSync(join(tmpdir(), "zhibu-sandbox-")), "mine.db");
    writeFileSync(file, "keep me");
    const kept = prepareSandboxDatabase(`file:${file}`);
    expect(kept.databaseUrl).toBe(`file:${file}`);
    expect(existsSync(file)).toBe(true);
    expect(kept.notice).toContain("数据保留");
  });

  it("never defaults to the bot's own database file", () => {
    const botDefault = readConfig({}).databaseUrl;
    expect(`file:${SANDBOX_DATABASE_FILE}`).not.toBe(botDefault);
  });
});
