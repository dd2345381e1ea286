import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChildBot, REPO_ROOT, waitFor } from "./support/child-bot.ts";
import { DEMO_PEOPLE } from "../../src/sandbox/demo.ts";
import { encryptPayload } from "../../src/sandbox/fake-platform/index.ts";
import { Outbox } from "../../src/app/outbox.ts";

/**
 * LARK_APP_SECRET, LARK_ENCRYPT_KEY, LARK_VERIFICATION_TOKEN and the tenant access tokens
 * never show up in anything the bot prints or answers. One full run of the real process
 * (trace-level logs, faults, a token revocation, refused requests, failures, shutdown) is
 * captured whole — stdout, stderr, every message it sent, every HTTP answer — and searched.
 */

let bot: ChildBot;
beforeAll(async () => {
  bot = await ChildBot.create({ env: { LOG_LEVEL: "trace" } });
}, 60_000);
afterAll(() => bot.dispose());

async function tenantToken(): Promise<string> {
  const res = await fetch(`${bot.fake.baseUrl}/open-apis/auth/v3/tenant_access_token/internal`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ app_id: bot.creds.appId, app_secret: bot.creds.appSecret }),
  });
  return ((await res.json()) as { tenant_access_token: string }).tenant_access_token;
}

/** Each secret, and a prefix of it, so a truncated leak is caught too. */
function leaksIn(haystack: string, secrets: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (haystack.includes(value)) found.push(name);
    else if (haystack.includes(value.slice(0, 12))) found.push(`${name} (prefix)`);
  }
  return found;
}

const settled = () =>
  waitFor(async () => {
    const [events, outbox] = await Promise.all([
      bot.db.inboundEvent.count({ where: { status: { in: ["pending", "processing"] } } }),
      bot.db.outboxMessage.count({ where: { status: { in: ["pending", "sending"] } } }),
    ]);
    return events === 0 && outbox === 0;
  }, 60_000);

describe("secrets stay secret", () => {
  it("never appear in logs, replies or HTTP answers of a full run", async () => {
    const P = DEMO_PEOPLE;
    const answers: string[] = [];
    const tokens = [await tenantToken()];
    await bot.start();
    const say = async (sender: string, chatId: string | "p2p", text: string, mentionBot = false) => {
      const r = await bot.fake.sendUserMessage({ ...(chatId === "p2p" ? { p2pOpenId: sender } : { chatId }), senderOpenId: sender, text, mentionBot });
      answers.push(JSON.stringify(r.delivery?.body ?? ""));
    };

    // Ordinary use, refusals and mistakes.
    await say(P.m1.openId, "oc_demo_branch1", "/帮助");
    await say(P.m1.openId, "oc_demo_branch1", "成员", true);
    await say(P.m1.openId, "oc_demo_branch1", "/角色 @孙悦 正式党员");
    await say(P.s1.openId, "oc_demo_branch1", "/角色 大官");
    await say(P.nm1.openId, "oc_demo_branch1", "/成员");
    await say(P.m8.openId, "p2p", "/成员");
    await say(P.m2.openId, "p2p", "/没有这个命令 token secret");
    // A card: the bot joins a chat, the wrong person and then the right one fill the form.
    await bot.fake.addBotToChat("oc_demo_branch3", P.s3.openId);
    await settled();
    const card = bot.fake.messagesIn("oc_demo_branch3").find((m) => m.sender === "bot" && m.msgType === "interactive")!;
    const form = { kind: "branch", name: "第三党支部", category: "gov_institution", secretary: P.s3.openId };
    for (const operator of [P.m8.openId, P.s3.openId]) {
      const click = await bot.fake.clickCard({ messageId: card.messageId, operatorOpenId: operator, value: { a: "branch.bind", chat: "oc_demo_branch3" }, formValue: form });
      answers.push(JSON.stringify(click.raw.body));
    }
    // Refused requests.
    for (const opts of [{ signatureOverride: "0".repeat(64) }, { unsigned: true }, { timestamp: "1" }]) {
      const r = await bot.fake.signedRequest("/lark/events", JSON.stringify({ encrypt: encryptPayload('{"schema":"2.0"}', bot.creds.encryptKey) }), opts);
      answers.push(JSON.stringify(r.body));
    }
    const wrongKey = await bot.fake.signedRequest("/lark/events", JSON.stringify({ encrypt: encryptPayload("{}", "another-key") }));
    answers.push(JSON.stringify(wrongKey.body));
    const challenge = await bot.fake.challenge("c1");
    answers.push(JSON.stringify(challenge.body));
    // Lark failing, rate limiting, and revoking the token mid-run.
    bot.fake.setRandomFaults({ serverErrorRate: 0.3, rateLimitRate: 0.1, seed: 7 });
    for (const p of [P.m3, P.m4, P.m5]) await say(p.openId, "p2p", "/帮助");
    bot.fake.revokeTokens();
    await say(P.o1.openId, "oc_demo_branch1", "/党小组");
    await settled();
    bot.fake.setRandomFaults(null);
    tokens.push(await tenantToken());
    // Messages that fail for good (the bot was removed), which the secretary is told about.
    const branch2 = await bot.db.partyOrg.findUniqueOrThrow({ where: { chatId: "oc_demo_branch2" } });
    bot.fake.chats.get("oc_demo_branch2")!.botIn = false;
    await bot.db.$transaction((tx) => new Outbox(tx, branch2.id).text({ chatId: "oc_demo_branch2" }, "发不出去的通知"));
    await settled();
    answers.push(await (await fetch(`${bot.url}/healthz`)).text());
    await bot.stop(); // graceful shutdown logs too

    // A start with a broken configuration prints its complaint — without the secret.
    const misconfigured = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? "", LARK_APP_ID: "not-an-app-id", LARK_APP_SECRET: bot.creds.appSecret, LARK_ENCRYPT_KEY: bot.creds.encryptKey, LARK_MODE: "webhook", PORT: "0" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      child.stderr.on("data", (d: Buffer) => (out += d.toString()));
      child.on("exit", (code) => resolve(`${out}\nexit ${code}`));
    });
    expect(misconfigured).toContain("LARK_APP_ID");
    expect(misconfigured).toContain("exit 2");

    const output = bot.allOutput();
    mkdirSync("test-output", { recursive: true });
    writeFileSync("test-output/secrets-run-output.log", output);
    expect(output.split("\n").length).toBeGreaterThan(10);
    const sent = bot.fake.messages.filter((m) => m.sender === "bot").map((m) => JSON.stringify(m.content)).join("\n");
    // The run really went through the paths that could leak.
    expect(output).toContain("webhook request refused");
    expect(output).toContain("outbox send will be retried");
    expect(output).toContain("failed permanently");
    expect(bot.fake.calls.some((c) => c.code === 99991663)).toBe(true);
    expect(sent).toContain("只有书记、副书记可以使用");
    expect(sent).toContain("【送达失败】");

    const secrets: Record<string, string> = {
      LARK_APP_SECRET: bot.creds.appSecret,
      LARK_ENCRYPT_KEY: bot.creds.encryptKey,
      LARK_VERIFICATION_TOKEN: bot.creds.verificationToken,
      ...Object.fromEntries(tokens.map((tok, i) => [`tenant_access_token #${i + 1}`, tok])),
    };
    expect(leaksIn(output, secrets), "in the bot's stdout/stderr").toEqual([]);
    expect(leaksIn(misconfigured, secrets), "in the configuration error").toEqual([]);
    expect(leaksIn(sent, secrets), "in messages the bot sent").toEqual([]);
    expect(leaksIn(answers.join("\n"), secrets), "in HTTP answers").toEqual([]);
  }, 120_000);
});
