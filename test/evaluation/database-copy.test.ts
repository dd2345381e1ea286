import { copyFileSync, existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHmac } from "node:crypto";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { onPostgres } from "../support/database.ts";
import type { DemoPerson } from "../../src/sandbox/demo.ts";
import { advanceTo, buttonValue, lastCard, memberId, submitPeer, submitSelf, type Choice } from "./helpers.ts";

/**
 * Anonymity against whoever holds a copy of the database (issue 21 item 1): a host backup, a
 * snapshot or a curious administrator. The database file and its WAL are copied while the
 * round is open and again after it closes, and attacked the ways the issue names: every
 * stored string (and every 64-hex run in the raw bytes) tried as a key, the storage order,
 * timestamps, and the rows of the rating clicks. None may link a rating to its rater.
 */

let t: TestBot;
const GRADES: Choice[] = ["EXCELLENT", "QUALIFIED", "BASICALLY_QUALIFIED"];

interface Copy {
  bytes: Buffer;
  db: Database.Database;
}

/** What a backup taken now holds: the file and its write-ahead log, copied as they are. */
function copyDatabase(): Copy {
  const dir = mkdtempSync(join(tmpdir(), "zhibu-copy-"));
  const target = join(dir, "copy.db");
  copyFileSync(t.dbFile, target);
  const parts = [readFileSync(target)];
  if (existsSync(`${t.dbFile}-wal`)) {
    copyFileSync(`${t.dbFile}-wal`, `${target}-wal`);
    parts.push(readFileSync(`${target}-wal`));
  }
  return { bytes: Buffer.concat(parts), db: new Database(target, { readonly: true }) };
}

let raters: DemoPerson[];
let ids: Map<string, number>;
let roundId: number;
const keys = new Map<string, string>(); // rater open id → the ballot key on their card (Lark's side)

beforeAll(async () => {
  t = await startTestBot();
  const p = t.people;
  raters = [p.s1, p.o1, p.x1, p.d1, p.m1, p.m2, p.m3, p.m4, p.m5];
  ids = new Map();
  for (const v of [...raters, p.pr1]) ids.set(v.openId, await memberId(t, t.chats.branch1, v));
  await t.say(p.s1, t.chats.branch1, "/评议 开始 2025年度民主评议 截止 2026-03-09");
  roundId = (await t.runtime.db.appraisalRound.findFirstOrThrow()).id;
  for (const v of [...raters, p.pr1]) await submitSelf(t, v);
  // Each rater a recognisable pattern, so the test (not the attacker) knows who rated what.
  for (const [i, v] of raters.entries()) {
    const card = lastCard(t, v, "党员互评")!;
    keys.set(v.openId, String(buttonValue(card, "evaluation.peer")!.b));
    await submitPeer(t, v, (target) => [GRADES[(i + target) % 3]!, `评语${i}-${target}`]);
  }
  // One rater changes a rating on the same card: the row is replaced, not added.
  const first = raters[0]!;
  const submitted = lastCard(t, first, "互评已匿名提交")!;
  const reopened = await t.click(first, submitted, buttonValue(submitted, "evaluation.reopen")!);
  expect(JSON.stringify(reopened.card)).toContain(keys.get(first.openId)!);
}, 60_000);
afterAll(() => t.stop());

/** Every way the issue names to link a stored rating to its rater; returns the links found. */
function attack(copy: Copy): { links: number; tried: number; ratings: number } {
  const ratings = copy.db.prepare(`SELECT "ballotToken", "targetMemberId" FROM "AppraisalPeerRating" WHERE "roundId" = ?`).all(roundId) as Array<{ ballotToken: string; targetMemberId: number }>;
  const tokens = new Set(ratings.map((r) => r.ballotToken));
  // Every stored string, and every 64-hex run anywhere in the bytes (free pages, old WAL frames).
  const candidates = new Set<string>(copy.bytes.toString("latin1").match(/[0-9a-f]{64}/g) ?? []);
  const tables = copy.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>;
  for (const { name } of tables) {
    for (const row of copy.db.prepare(`SELECT * FROM "${name}"`).all() as Array<Record<string, unknown>>) {
      for (const v of Object.values(row)) if (typeof v === "string" && v.length >= 16) candidates.add(v);
    }
  }
  let links = 0;
  for (const key of candidates) {
    for (const rater of ids.values()) {
      for (const target of ids.values()) {
        // The old scheme (round secret over rater:target) and the new one (rater key over round:target).
        if (tokens.has(createHmac("sha256", key).update(`${rater}:${target}`).digest("hex"))) links++;
      }
    }
    for (const target of ids.values()) if (tokens.has(createHmac("sha256", key).update(`${roundId}:${target}`).digest("hex"))) links++;
  }
  return { links, tried: candidates.size, ratings: ratings.length };
}

function checkNoTrail(copy: Copy): void {
  // No ballot key anywhere in the bytes: not in the outbox that sent the cards, not in a click's record, not in free pages or the WAL.
  for (const [rater, key] of keys) expect(copy.bytes.includes(Buffer.from(key)), `the ballot key of ${rater}`).toBe(false);
  // Storage order says nothing: the table has no rowid, its rows sit in key order.
  expect(() => copy.db.prepare(`SELECT rowid FROM "AppraisalPeerRating"`).all()).toThrow();
  const { sql } = copy.db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'AppraisalPeerRating'`).get() as { sql: string };
  expect(sql).toMatch(/WITHOUT ROWID/); // its b-tree is ordered by (round, token): no insertion order survives
  // No time on a rating or on who has submitted.
  for (const table of ["AppraisalPeerRating", "AppraisalParticipant"]) {
    const columns = (copy.db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name);
    expect(columns.filter((c) => /At$|time|date/i.test(c)), table).toEqual([]);
  }
  // The rating clicks' records name nobody: no open id, no message that carried a card.
  const clicks = copy.db.prepare(`SELECT * FROM "InboundEvent" WHERE "payload" LIKE '%evaluation.peer%' OR "payload" LIKE '%evaluation.reopen%'`).all() as Array<Record<string, unknown>>;
  expect(clicks.length).toBeGreaterThanOrEqual(raters.length);
  const cardMessages = t.fake.messages.filter((m) => m.sender === "bot" && m.msgType === "interactive").map((m) => m.messageId);
  for (const row of clicks) {
    const text = JSON.stringify(row);
    for (const r of raters) expect(text).not.toContain(r.openId);
    for (const m of cardMessages) expect(text).not.toContain(m);
    expect(text).not.toMatch(/EXCELLENT|QUALIFIED|评语/);
  }
}

// Reads SQLite's files, pages and WAL. PostgreSQL's heap files are another matter (README, Anonymity).
describe.skipIf(onPostgres)("a copy of the database", () => {
  it("taken while the round is open links no rating to its rater", () => {
    const copy = copyDatabase();
    const found = attack(copy);
    expect(found.ratings).toBe(raters.length * raters.length); // each of 9 rated the 8 others and the 预备党员
    expect(found.tried).toBeGreaterThan(10);
    expect(found.links).toBe(0);
    checkNoTrail(copy);
    copy.db.close();
  });

  it("accepts ratings only with the rater's own card: a forged key is refused, a new card is not issued over submitted ratings", async () => {
    const rater = raters[2]!;
    const card = lastCard(t, rater, "互评已匿名提交")!;
    const forged = await t.click(rater, card, { ...buttonValue(card, "evaluation.reopen")!, b: "a".repeat(64) });
    expect(JSON.stringify(forged.toast)).toContain("这张互评卡片已失效");
    const before = await t.runtime.db.appraisalPeerRating.count();
    const cards = t.botMessages(rater.openId).filter((m) => m.msgType === "interactive").length;
    await t.say(rater, "p2p", "/评议 填写");
    // The self-assessment card comes again; no second peer card, so no second key.
    expect(t.botMessages(rater.openId).filter((m) => JSON.stringify(m.content).includes("evaluation.peer"))).toHaveLength(0);
    expect(t.botMessages(rater.openId).filter((m) => m.msgType === "interactive").length).toBe(cards + 1);
    expect(JSON.stringify(t.lastBotMessage(rater.openId)?.content)).toContain("能修改您评价的钥匙只在您原来的互评卡片上");
    expect(await t.runtime.db.appraisalPeerRating.count()).toBe(before);
  });

  it("taken after the round closed links none either", async () => {
    await advanceTo(t, "2026-03-10T00:01:00+08:00");
    expect((await t.runtime.db.appraisalRound.findUniqueOrThrow({ where: { id: roundId } })).status).toBe("closed");
    const copy = copyDatabase();
    const found = attack(copy);
    expect(found.ratings).toBeGreaterThan(0);
    expect(found.links).toBe(0);
    checkNoTrail(copy);
    copy.db.close();
  });

  it("is what the test could break with the keys the cards hold (the attack has power)", () => {
    const copy = copyDatabase();
    const tokens = new Set((copy.db.prepare(`SELECT "ballotToken" FROM "AppraisalPeerRating"`).all() as Array<{ ballotToken: string }>).map((r) => r.ballotToken));
    const [rater, key] = [...keys][1]!;
    const own = [...ids.values()].filter((target) => target !== ids.get(rater) && tokens.has(createHmac("sha256", key).update(`${roundId}:${target}`).digest("hex")));
    expect(own.length).toBe(raters.length); // with the rater's card, their nine ratings are found
    copy.db.close();
  });
});
