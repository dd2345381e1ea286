import { describe, expect, it } from "vitest";
import { readConfig, ConfigError } from "../../src/core/config.ts";

describe("configuration", () => {
  it("defaults to the sandbox with no credentials", () => {
    const c = readConfig({});
    expect(c.lark).toBeNull();
    expect(c).toMatchObject({ databaseUrl: "file:./data/zhibu.db", port: 3000, timezone: "Asia/Shanghai" });
  });

  it("takes a PostgreSQL address as well as a SQLite file", () => {
    for (const url of ["postgresql://zhibu:pw@db.internal:5432/zhibu", "postgres://zhibu@localhost/zhibu?host=/run/pg"]) {
      expect(readConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it("reads a real app's settings", () => {
    const c = readConfig({ LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "s", LARK_ENCRYPT_KEY: "k", LARK_MODE: "webhook", LARK_DOMAIN: "lark" });
    expect(c.lark).toMatchObject({ appId: "cli_a1b2c3d4e5f60718", mode: "webhook", domain: "lark" });
  });

  it.each([
    [{ PORT: "abc" }, "PORT"],
    [{ LARK_MODE: "poll" }, "LARK_MODE"],
    [{ BOT_TIMEZONE: "Mars/Olympus" }, "BOT_TIMEZONE"],
    [{ BOT_CLOCK: "yesterday" }, "BOT_CLOCK"],
    [{ LARK_APP_ID: "app123" , LARK_APP_SECRET: "s"}, "LARK_APP_ID"],
    [{ LARK_APP_ID: "cli_a1b2c3d4e5f60718" }, "LARK_APP_SECRET"],
    [{ LARK_DOMAIN: "ftp://x" }, "LARK_DOMAIN"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ LARK_APP_ID: "cli_a1b2c3d4e5f60718", LARK_APP_SECRET: "s", LARK_MODE: "webhook" }, "LARK_ENCRYPT_KEY"],
  ])("names the bad variable in %j", (env, name) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(new RegExp(name));
  });
});
