import { describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { onPostgres, tableNames } from "../support/database.ts";
import type { DemoPerson } from "../../src/sandbox/demo.ts";
import { holdMeeting } from "../minutes/helpers.ts";
import { advanceTo, cardsTitled, fieldNames, lastCard, memberId, press, submitPeer, submitSelf, type Choice } from "./helpers.ts";

/**
 * "No command, card, log line, export or digest reveals who rated whom."
 *
 * The same whole round runs twice. The only difference: two raters, 刘洋 and 陈静, swap their
 * ballots (grade and comment) on every other member. Every member receives the same ratings
 * in both runs, so if any output — the messages and cards on the fake platform (with their
 * history), the bot's calls, every log line, every stored row of every table (inbound events
 * with their stored answers, the outbox, jobs, the evaluation tables, rectification) — linked a
 * rater to a rating, the two runs would differ. They must be identical after removing what is
 * random by construction (message ids, tokens, uuids, wall-clock times, the HMAC keys).
 * A direct search then looks for each rater's own comments next to that rater's identity.
 */

type Observation = Record<string, string[]>;
const A_COMMENT = "评语甲：带头作用明显";
const B_COMMENT = "评语乙：学习认真";

async function runRound(swap: boolean): Promise<{ observed: Observation; markers: Map<string, string>; committee: Set<string> }> {
  const t = await startTestBot();
  try {
    const p = t.people;
    const voters = [p.s1, p.o1, p.x1, p.d1, p.m1, p.m2, p.m3, p.m4, p.m5];
    const idOf = new Map<number, DemoPerson>();
    for (const v of [...voters, p.pr1]) idOf.set(await memberId(t, t.chats.branch1, v), v);
    const [a, b] = swap ? [p.m2, p.m1] : [p.m1, p.m2];
    const markers = new Map<string, string>(); // comment → the open id of the rater who wrote it
    const ballot = (rater: DemoPerson) => (targetId: number): Choice | [Choice, string] => {
      const target = idOf.get(targetId)!;
      if (rater === a && target !== p.m1 && target !== p.m2) return ["EXCELLENT", A_COMMENT];
      if (rater === b && target !== p.m1 && target !== p.m2) return ["QUALIFIED", B_COMMENT];
      if (rater === p.m1 || rater === p.m2) return "QUALIFIED";
      const own = `评语${voters.indexOf(rater)}号`;
      markers.set(own, rater.openId);
      return target === p.pr1 && rater !== p.s1 && rater !== p.o1 ? "ABSTAIN" : ["QUALIFIED", own];
    };
    // Who wrote A_COMMENT / B_COMMENT in this run (what an output must never reveal).
    markers.set(A_COMMENT, a.openId);
    markers.set(B_COMMENT, b.openId);

    await t.say(p.s1, t.chats.branch1, "/评议 开始 2025年度民主评议 截止 2026-03-09");
    await t.say(p.d1, "p2p", "/评星");
    await press(t, p.d1, lastCard(t, p.d1, "评星记分 · 20"), "evaluation.score", { member: String(await memberId(t, t.chats.branch1, p.m5)), item: "V01", evidence: "处分决定" });
    for (const v of [...voters, p.pr1]) await submitSelf(t, v);
    // 刘洋 and 陈静 submit in the same order in both runs; only their ballots are swapped.
    for (const v of voters) if (v !== p.m3) await submitPeer(t, v, ballot(v));
    await t.say(p.s1, t.chats.branch1, "/评议 进度");
    await advanceTo(t, "2026-03-07T09:30:00+08:00");
    await advanceTo(t, "2026-03-10T00:01:00+08:00");
    for (const c of [p.s1, p.o1]) {
      for (const page of cardsTitled(t, c, "组织评定 · 第")) {
        if (c === p.o1) continue;
        const form: Record<string, unknown> = {};
        for (const name of fieldNames(page, "f_")) {
          const row = await t.runtime.db.appraisalResult.findFirstOrThrow({ where: { memberId: Number(name.slice(2)) } });
          // A case flagged for discussion gets no proposal: the committee decides it with a reason.
          form[name] = row.proposedGrade === "DISCUSS" ? "QUALIFIED" : row.proposedGrade;
          form[`r_${name.slice(2)}`] = "支委会结合平时表现评定";
        }
        await press(t, c, page, "evaluation.determine", form);
      }
    }
    await press(t, p.o1, cardsTitled(t, p.o1, "组织评定 · 2025")[0], "evaluation.materials");
    const held = await holdMeeting(t, {
      chat: t.chats.branch1, by: p.s1, command: "/安排 支委会 2026-03-10 09:00 书记办公室 民主评议组织评定",
      start: new Date("2026-03-10T09:00:00+08:00"), present: [p.s1, p.o1, p.x1, p.d1],
    });
    const published = await press(t, p.s1, cardsTitled(t, p.s1, "组织评定 · 2025")[0], "evaluation.publish", { meeting: `#${held.seqNo}` });
    expect(JSON.stringify(published.toast)).toContain("已发布");
    for (const v of [...voters, p.pr1]) await t.say(v, "p2p", "/评议 我的");
    await t.say(p.s1, t.chats.branch1, "/评议");
    const committee = new Set([p.s1, p.o1, p.x1, p.d1].map((c) => c.openId));
    return { observed: await observe(t), markers, committee };
  } finally {
    await t.stop();
  }
}

/** Replaces what is random by construction, so two runs can be compared. */
function normalize(s: string): string {
  return s
    .replace(/om_[0-9a-f]{32}/g, "om_*")
    .replace(/cli_[0-9a-f]{16}/g, "cli_*")
    .replace(/c-[0-9a-f]{40}/g, "c-*")
    .replace(/t-[0-9a-f]{40}/g, "t-*")
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, "uuid")
    // The call log cuts long bodies, sometimes inside the uuid.
    .replace(/[0-9a-f]{8}-[0-9a-f]{1,4}(-[0-9a-f]{0,12})*(?=\.\.\.)/g, "uuid")
    .replace(/\b\d+-[0-9a-f]{8}\b/g, "instance")
    .replace(/card:s:[0-9a-f]{24}/g, "card:s:*") // a hash of Lark's random id of one click
    .replace(/\b[0-9a-f]{32,64}\b/g, "hex")
    .replace(/127\.0\.0\.1:\d+/g, "host")
    .replace(/zhibu-test-[A-Za-z0-9]+/g, "tmp");
}

/** Wall-clock columns and random keys; everything else (bot-clock times included) is compared. */
const DROP_COLUMN = /(At|Until)$|^(uuid|ballotToken|secret|lockedBy|attempts|linkCode)$/;
/**
 * On PostgreSQL the bot's transactions run in parallel, so which of two unrelated rows got the
 * lower id, and which call reached the fake first, differ from run to run: there each output is
 * compared as a multiset (sorted), without row ids. On SQLite everything is compared in order.
 */
const ROW_ID = onPostgres ? /^id$/ : /^$/;
const DROP_LOG_FIELD = ["time", "pid", "hostname", "instanceId", "retryInMs", "database", "fakePlatform", "url"];

async function observe(t: TestBot): Promise<Observation> {
  const observed: Observation = {};
  const add = (kind: string, records: string[]) => {
    observed[kind] = records.map(normalize).sort();
  };
  const chats = new Map<string, string[]>();
  for (const m of t.fake.messages.filter((x) => x.sender === "bot")) {
    const key = m.chatId ?? "";
    chats.set(key, [...(chats.get(key) ?? []), JSON.stringify({ type: m.msgType, content: m.content, history: m.history, deleted: m.deleted })]);
  }
  // Per chat, in the order the chat shows them.
  for (const [chat, messages] of chats) observed[`chat:${chat}`] = messages.map(normalize);
  add("calls", t.fake.calls.map((c) => JSON.stringify({ method: c.method, path: c.path, status: c.status, code: c.code, body: c.body })));
  add("logs", t.logs.flatMap((line) => line.split("\n").filter(Boolean)).map((line) => {
    const entry = JSON.parse(line) as Record<string, unknown>;
    for (const f of DROP_LOG_FIELD) delete entry[f];
    return JSON.stringify(entry);
  }));
  for (const name of await tableNames(t.runtime.db)) {
    const rows = await t.runtime.db.$queryRawUnsafe<Array<Record<string, unknown>>>(`SELECT * FROM "${name}"`);
    add(`table:${name}`, rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => !DROP_COLUMN.test(k) && !ROW_ID.test(k))), (_k, v) => (typeof v === "bigint" ? Number(v) : v))));
  }
  return observed;
}

function firstDifference(x: Observation, y: Observation): string | undefined {
  for (const kind of new Set([...Object.keys(x), ...Object.keys(y)])) {
    const a = x[kind] ?? [];
    const b = y[kind] ?? [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) {
        // From a little before the first character that differs.
        let at = 0;
        while (at < (a[i]?.length ?? 0) && a[i]![at] === b[i]?.[at]) at++;
        const from = Math.max(0, at - 200);
        return `${kind} #${i} at ${at}:\n  run 1: …${a[i]?.slice(from, at + 400)}\n  run 2: …${b[i]?.slice(from, at + 400)}`;
      }
    }
  }
  return undefined;
}

describe("anonymity of peer ratings", () => {
  it("no output of a whole round changes when two raters swap their ballots, and no rater's identity sits next to their ratings", async () => {
    const first = await runRound(false);
    const second = await runRound(true);

    // The test has power: the ballots really differ, and the outputs hold the ratings at all.
    expect(first.markers.get(A_COMMENT)).not.toBe(second.markers.get(A_COMMENT));
    const everything = JSON.stringify(first.observed);
    expect(everything).toContain(A_COMMENT);
    expect(everything).toContain(B_COMMENT);
    expect(everything).toContain("EXCELLENT");

    expect(firstDifference(first.observed, second.observed)).toBeUndefined();

    // Direct search: no single record pairs a rater's open id or name with a comment that rater
    // wrote. Committee members' private chats hold multi-person material (all comments under
    // each target's name), covered by the comparison above.
    const names = new Map(Object.values((await import("../../src/sandbox/demo.ts")).DEMO_PEOPLE).map((x) => [x.openId, x.name]));
    const leaks: string[] = [];
    for (const [kind, records] of Object.entries(first.observed)) {
      const chat = kind.startsWith("chat:oc_p2p_") ? kind.slice("chat:oc_p2p_".length) : undefined;
      if (chat && first.committee.has(chat)) continue;
      for (const record of records) {
        const toCommittee = [...first.committee].some((c) => record.includes(`"target":"${c}"`) || record.includes(`receive_id\\":\\"${c}`));
        if (toCommittee) continue;
        for (const [comment, rater] of first.markers) {
          if (record.includes(comment) && (record.includes(rater) || record.includes(names.get(rater)!))) leaks.push(`${kind}: ${record.slice(0, 300)}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
