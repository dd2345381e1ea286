import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientDialect } from "../../src/db/client.ts";
import { onPostgres } from "../support/database.ts";
import { startTestBot, type TestBot } from "../support/harness.ts";

describe("the database pass", () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(async () => t?.stop());

  it("runs the bot on the database the pass names", async () => {
    expect(clientDialect(t.runtime.db)).toBe(onPostgres ? "postgres" : "sqlite");
    expect(t.databaseUrl).toMatch(onPostgres ? /^postgresql:\/\// : /^file:/);
    await t.say(t.people.s1, t.chats.branch1, "/帮助");
    expect(t.lastBotMessage(t.chats.branch1)).toBeDefined();
  });
});
