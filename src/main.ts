import "./core/gc-tuning.ts"; // first: before the rest of the bot is loaded
import { dialectOf } from "./db/client.ts";
import { readConfig, ConfigError } from "./core/config.ts";
import { createLogger } from "./core/log.ts";
import { runningClock } from "./core/clock.ts";
import { startRuntime } from "./runtime.ts";
import { startSandbox } from "./sandbox/index.ts";
import { prepareSandboxDatabase } from "./sandbox/database.ts";

/** Wiring only: configuration, logger, runtime, and the sandbox when there are no credentials. */
async function main() {
  let config;
  try {
    config = readConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  if (!config.lark) {
    const sandboxDb = prepareSandboxDatabase(process.env.DATABASE_URL);
    config = { ...config, databaseUrl: sandboxDb.databaseUrl };
    const where = dialectOf(config.databaseUrl) === "postgres" ? "PostgreSQL 数据库" : "本地 SQLite";
    log.info({ database: dialectOf(config.databaseUrl) }, `未配置 LARK_APP_ID：使用内置的模拟飞书开放平台（sandbox）与${where}运行 / no LARK_APP_ID: running against the embedded fake platform`);
    log.info(sandboxDb.notice);
  }
  // The sandbox's clock can be advanced from the page; it starts at BOT_CLOCK or now.
  const sandbox = config.lark ? {} : { clock: runningClock(config.clockStart ?? new Date()), ...startSandbox(log) };
  let runtime;
  try {
    runtime = await startRuntime({ config, log, ...sandbox });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
    // A second `npm start`, or another program on the port: say so plainly, not as a stack trace.
    console.error(`端口 ${config.port} 已被占用：可能已有一个支部助手（或别的程序）在运行。请先停止它，或换一个端口，例如 PORT=${config.port + 1} npm start\nport ${config.port} is already in use`);
    process.exit(1);
  }
  log.info({ url: runtime.url, mode: config.lark ? config.lark.mode : "sandbox" }, config.lark ? "zhibu-bot started" : `zhibu-bot started — open ${runtime.url}/sandbox`);
  const shutdown = async (signal: string) => {
    log.info({ signal }, "stopping");
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

void main();
