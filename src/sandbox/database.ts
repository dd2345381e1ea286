import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";

/** Where the sandbox keeps its data unless DATABASE_URL says otherwise: never the bot's own file. */
export const SANDBOX_DATABASE_FILE = "./data/sandbox.db";

export interface SandboxDatabase {
  databaseUrl: string;
  /** What the start log says about it, in Chinese. */
  notice: string;
}

/**
 * The sandbox starts fresh on purpose: its fake platform (chats, messages) lives in memory and
 * its clock starts at BOT_CLOCK or now, so a database kept from an earlier run would hold
 * meetings in a future the clock has not reached and chats nobody remembers. Its own file is
 * cleared at every start. A DATABASE_URL given explicitly is the caller's, and left as it is.
 */
export function prepareSandboxDatabase(explicitUrl: string | undefined, file = SANDBOX_DATABASE_FILE): SandboxDatabase {
  if (explicitUrl) {
    return {
      databaseUrl: explicitUrl,
      notice: "沙盒使用 DATABASE_URL 指定的数据库，数据保留；模拟平台的聊天记录只在本次运行中保留，时钟从 BOT_CLOCK 或当前时间开始。",
    };
  }
  const existed = existsSync(file);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  mkdirSync(dirname(file), { recursive: true });
  return {
    databaseUrl: `file:${file}`,
    notice: `沙盒每次启动都从示例数据重新开始${existed ? `（上次的沙盒数据已清除：${file}）` : ""}。要保留数据，请用 DATABASE_URL 指定数据库。`,
  };
}
