import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, type TestBot } from "../support/harness.ts";
import { rowsWritten } from "../support/database.ts";
import type { Tx } from "../../src/db/client.ts";
import type { CardResponse } from "../../src/app/inbound.ts";
import { CARD_SIZE_LIMIT } from "../../src/app/cards.ts";
import { recordDecisions, resultsOf } from "../../src/features/evaluation/determination.ts";
import { buildWorld, memberIdOf, rolesOf, type RoleName, type World } from "./support/world.ts";
import { cardClick, groupMessage, inRolledBackTx, pressCard, sendMessage, type CardPlace } from "./support/direct.ts";
import { ACTION_REFUSALS, isRefusal } from "./support/refusals.ts";
import { ROLE_NAMES, 书记, 党员, 党委的支委, 名单上的人, 支委, 支委或党小组组长, 正式党员, 没有人 } from "./support/roles.ts";
import { reportCounts } from "./support/counts.ts";

/**
 * The authorisation matrix of issue 9 for card buttons: every registered card action × every
 * role, clicked with a value naming a real object of 机关第一党支部 (as the README's card action
 * table says: allowed or refused), then forged twice — naming 后勤服务中心党支部's object through
 * this branch's card, and naming this branch's object under the other branch's `org` — which
 * everyone must be refused: the organisations never mix. A refusal is a Chinese toast, returns
 * no card and changes nothing. Each click runs in a rolled-back transaction; the refusals are
 * then clicked once more through the real callback path.
 */

let t: TestBot;
let w: World;
beforeAll(async () => {
  t = await startTestBot();
  w = await buildWorld(t);
}, 60_000);
afterAll(() => t.stop());

/** What a card value can name, in one branch. */
interface Objects {
  org: number;
  chat: string;
  party: number;
  held: number;
  heldSeq: number;
  openRound: number;
  /** branch1: the published 2025 round; branch2 (has none): its open round. */
  finishedRound: number;
  /** A member determined 不合格 (branch1: 周敏) — branch2: 朱军, who has no result. */
  followUp: number;
  /** A full member who holds no role here (branch1: 杨帆; branch2: 朱军). */
  plainMember: number;
  plainMemberOpenId: string;
  scoreItem: number;
  session: number;
  talk: number;
  personalItem: number;
  doneItem: number;
  digest: number;
  /** branch1: 第一党小组; branch2 has no party group. */
  group?: number;
  upload: number;
}

function objects(side: "b1" | "b2"): Objects {
  const p = t.people;
  const b = w[side];
  const plain = side === "b1" ? p.m3 : p.m7;
  return {
    org: b.org, chat: b.chat, party: b.partyMeeting.id, held: b.heldMeeting.id, heldSeq: b.heldMeeting.seq, openRound: b.openRound,
    finishedRound: side === "b1" ? w.b1.finishedRound : w.b2.openRound,
    followUp: side === "b1" ? w.b1.zhouMin : memberIdOf(w, b.org, p.m7),
    plainMember: memberIdOf(w, b.org, plain), plainMemberOpenId: plain.openId,
    scoreItem: b.scoreItem, session: b.orgLifeSession, talk: b.talk, personalItem: b.personalItem.id, doneItem: b.doneItem.id, digest: b.digest,
    group: side === "b1" ? w.b1.firstGroup : undefined,
    upload: w.b1.upload, // only 陈静 has an upload waiting; named with branch2's item in the forged case
  };
}

type Place = "group" | "private" | "committee" | "unbound";

interface ActionRow {
  action: string;
  /** Which card, when one action is checked on more than one object. */
  on?: string;
  place: Place;
  value: (o: Objects) => Record<string, unknown>;
  form?: (o: Objects) => Record<string, unknown>;
  /** Who may, in the README's words; everyone else is refused. */
  allow: readonly RoleName[];
  given?: (tx: Tx) => Promise<void>;
  /**
   * The card names no object but its organisation (a blank form): there is nothing of another
   * branch to forge; a person of another branch is refused in the "own" column.
   */
  objectless?: true;
}

const run = (who: { openId: string }, chat: string, text: string) => (tx: Tx) => sendMessage(t, tx, groupMessage(chat, who, text));

async function submitted(tx: Tx) {
  for (const b of [w.b1, w.b2]) await tx.rectificationItem.update({ where: { id: b.personalItem.id }, data: { status: "submitted", submittedAt: t.clock.now() } });
}

/** The plain member of each branch asked leave from its 党员大会; it waits for the secretary. */
async function plainMemberAsksLeave(tx: Tx) {
  for (const side of ["b1", "b2"] as const) {
    const o = objects(side);
    await tx.meetingAttendance.updateMany({ where: { meetingId: o.party, memberId: o.plainMember }, data: { rsvp: "leave", leaveReason: "出差", leaveDecision: "pending" } });
  }
}

/** A study entry of branch 2's member, logged from the card key the forged clicks name. */
async function otherMembersStudy(tx: Tx) {
  const member = memberIdOf(w, w.b2.org, t.people.m7);
  await tx.studyEntry.create({ data: { orgId: w.b2.org, memberId: member, seqNo: 1, year: 2026, studiedOn: "2026-03-01", title: "自学党章", tenths: 10, cardKey: `${w.b2.org}.authz-study`, createdAt: t.clock.now() } });
}

/** Both branches' 党员大会 open for sign-in: it starts in five minutes. */
async function signInOpen(tx: Tx) {
  const start = t.clock.now().getTime() + 5 * 60_000;
  for (const b of [w.b1, w.b2]) await tx.meeting.update({ where: { id: b.partyMeeting.id }, data: { startAt: new Date(start), endAt: new Date(start + 3600_000) } });
}

/** Each branch's member without a role joined recently and is 待确认. */
async function pendingPlain(tx: Tx) {
  for (const [b, person] of [[w.b1, t.people.m3], [w.b2, t.people.m7]] as const) {
    await tx.member.update({ where: { id: memberIdOf(w, b.org, person) }, data: { memberClass: "pending" } });
  }
}

/** The held 党员大会 of each branch had a quorum (so a 组织处置 finding may name it). */
async function quorate(tx: Tx) {
  for (const b of [w.b1, w.b2]) await tx.meeting.update({ where: { id: b.heldMeeting.id }, data: { quorumMet: true } });
}

async function closedRound(tx: Tx) {
  await run(t.people.s1, w.b1.chat, "/评议 结束 确认")(tx);
}

async function decidedRound(tx: Tx) {
  await closedRound(tx);
  const round = await tx.appraisalRound.findUniqueOrThrow({ where: { id: w.b1.openRound } });
  const decisions = (await resultsOf(tx, round)).map((r) => ({ memberId: r.memberId, grade: "QUALIFIED" as const, reason: "支委会结合平时表现评定" }));
  await recordDecisions(tx, round, decisions, memberIdOf(w, w.b1.org, t.people.s1), t.clock.now());
}

function everyone(o: Objects, prefix: string, answer: string): Record<string, string> {
  return Object.fromEntries([...w.memberIds.entries()].filter(([k]) => k.startsWith(`${o.org}:`)).map(([, id]) => [`${prefix}${id}`, answer]));
}

/** The expectations, one line per button, in the words of the README's card action table. */
function matrix(): ActionRow[] {
  const p = t.people;
  return [
    { action: "roster.classify", place: "private", value: () => ({}), form: (o) => ({ [`class_${o.plainMember}`]: "full" }), allow: 书记, given: pendingPlain },
    { action: "branch.bind", place: "unbound", value: () => ({ chat: t.chats.unbound }), form: () => ({ kind: "branch", name: "第三党支部", category: "gov_institution", secretary: p.s3.openId }), allow: 没有人 }, // only 林海, who added the bot
    { action: "meetings.rsvp", place: "group", value: (o) => ({ m: o.party, r: "attending" }), allow: 党员 },
    { action: "meetings.rsvp", on: "请假", place: "group", value: (o) => ({ m: o.party, r: "leave" }), form: () => ({ reason: "出差" }), allow: 党员 },
    { action: "meetings.signin", place: "group", value: (o) => ({ m: o.party }), allow: 党员, given: signInOpen },
    { action: "meetings.leave_decide", place: "private", value: (o) => ({ m: o.party, mem: o.plainMember, d: "approved" }), allow: 书记, given: plainMemberAsksLeave }, // the secretary approves
    { action: "meetings.create", place: "group", value: () => ({}), form: (o) => ({ type: "party_group_meeting", start: "2026-03-19 +0800", time: "14:30", place: "二楼小会议室", topic: "学习党章", group: String(o.group ?? 0), chair: o.group ? "" : p.m6.openId }), allow: 支委或党小组组长 },
    { action: "meetings.confirm", place: "group", value: (o) => ({ t: "party_group_meeting", s: "2026-03-19T06:30:00.000Z", p: "二楼小会议室", o: "学习党章", g: o.group ?? 0, c: o.group ? undefined : w.memberIds.get(`${o.org}:${p.m6.openId}`), by: p.s1.openId }), allow: 支委或党小组组长 },
    { action: "meetings.discard", place: "group", value: (o) => ({ t: "branch_general_meeting", s: "2026-03-19T06:30:00.000Z", c: o.plainMember, by: p.s1.openId }), allow: 支委 }, // 王建国 asked; 支委 may drop it too
    { action: "meetings.confirmMove", place: "group", value: (o) => ({ m: o.party, rev: 1, s: "2026-03-25T01:00:00.000Z", e: "2026-03-25T02:30:00.000Z", by: p.s1.openId }), allow: 支委 },
    { action: "meetings.discardMove", place: "group", value: (o) => ({ m: o.party, rev: 1, s: "2026-03-25T01:00:00.000Z", e: "2026-03-25T02:30:00.000Z", by: p.s1.openId }), allow: 支委 },
    { action: "minutes.form", place: "private", value: (o) => ({ op: "save", m: o.held }), form: () => ({ place: "三楼会议室", agenda: "学习贯彻全会精神" }), allow: 书记 }, // 李明 records; 书记 may write
    { action: "minutes.confirm", place: "group", value: (o) => ({ m: o.held, v: 1 }), allow: 书记 },
    { action: "evaluation.self", place: "private", value: (o) => ({ r: o.openRound }), form: () => ({ summary: "认真学习，按时参加组织生活。", grade: "QUALIFIED" }), allow: 党员 },
    { action: "evaluation.peer", place: "private", value: (o) => ({ r: o.openRound, p: 1 }), form: (o) => everyone(o, "g_", "QUALIFIED"), allow: 正式党员 },
    { action: "evaluation.reopen", place: "private", value: (o) => ({ r: o.openRound, k: "self" }), allow: 党员 },
    { action: "evaluation.score", place: "private", value: () => ({}), form: (o) => ({ member: String(o.plainMember), item: "D01", points: "1", evidence: "考勤记录" }), allow: 支委 },
    { action: "evaluation.unscore", place: "private", value: (o) => ({ i: o.scoreItem }), allow: 支委 },
    { action: "evaluation.determine", place: "private", value: (o) => ({ r: o.openRound, p: 1 }), form: (o) => ({ ...everyone(o, "f_", "QUALIFIED"), ...everyone(o, "r_", "支委会评定") }), allow: 支委, given: closedRound },
    { action: "evaluation.publish", place: "private", value: (o) => ({ r: o.openRound }), form: (o) => ({ meeting: `#${o.heldSeq}` }), allow: 书记, given: async (tx) => { await decidedRound(tx); await quorate(tx); } },
    { action: "evaluation.materials", place: "private", value: (o) => ({ r: o.finishedRound }), allow: 支委 },
    { action: "evaluation.dispose", place: "private", value: (o) => ({ r: o.finishedRound, m: o.followUp }), form: (o) => ({ [`step_${o.followUp}`]: "finding", [`outcome_${o.followUp}`]: "correction_period", [`due_${o.followUp}`]: "2026-09-30 +0800", [`meeting_${o.followUp}`]: `#${o.heldSeq}`, [`note_${o.followUp}`]: "限期半年改正" }), allow: 支委, given: quorate },
    { action: "orglife.opinion", place: "private", value: (o) => ({ s: o.session }), form: () => ({ about: "branch", text: "希望多组织实地学习。" }), allow: 名单上的人 },
    { action: "orglife.opinion_form", place: "private", value: (o) => ({ s: o.session }), allow: 名单上的人 },
    { action: "orglife.talk", place: "private", value: (o) => ({ t: o.talk }), allow: ["书记", "委员", "正式党员"] }, // the pair (王建国, 陈静), or 支委
    { action: "orglife.statement", place: "private", value: (o) => ({ s: o.session, k: "material" }), form: () => ({ text: "理论学习不够系统" }), allow: 党员 },
    { action: "orglife.problem", place: "private", value: (o) => ({ s: o.session }), form: (o) => ({ scope: "individual", owner: String(o.plainMember), problem: "学习笔记不完整", measure: "每月补写学习心得", due: "2026-04-30 +0800" }), allow: 支委 },
    // The foreign case names a card key branch 2's 朱军 already used: it must not show their entry.
    { action: "study.log", place: "private", value: (o) => ({ k: `${o.org}.authz-study` }), form: () => ({ title: "自学党章", hours: "10", day: "2026-03-01 +0800" }), allow: 党员, given: otherMembersStudy },
    { action: "study.form", place: "private", value: () => ({}), allow: 党员, objectless: true },
    { action: "rect.create", place: "group", value: (o) => ({ org: o.org }), form: (o) => ({ problem: "学习记录不全", scope: "individual", owners: [o.plainMemberOpenId], due: "2026-04-30 +0800" }), allow: 支委 },
    { action: "rect.progress", place: "private", value: (o) => ({ item: o.personalItem }), form: () => ({ note: "已补写 2 月学习心得" }), allow: ["正式党员"] }, // the owner, 陈静
    { action: "rect.evidence", place: "private", value: (o) => ({ item: o.personalItem }), form: () => ({ note: "https://example.com/学习心得" }), allow: ["正式党员"] },
    { action: "rect.submit", place: "private", value: (o) => ({ item: o.personalItem }), form: () => ({ note: "已补写学习心得" }), allow: ["正式党员"] },
    { action: "rect.accept", place: "private", value: (o) => ({ item: o.personalItem }), form: () => ({ comment: "整改到位" }), allow: 书记, given: submitted }, // no verifier named: 书记
    { action: "rect.accept", on: "已销号的事项", place: "private", value: (o) => ({ item: o.doneItem }), allow: 书记 }, // 王建国 verified it
    { action: "rect.return", place: "private", value: (o) => ({ item: o.personalItem }), form: () => ({ comment: "请结合本人问题" }), allow: 书记, given: submitted },
    { action: "rect.publish", place: "private", value: (o) => ({ item: o.personalItem, pub: true }), allow: 支委 },
    { action: "rect.attach", place: "private", value: (o) => ({ item: o.personalItem, ev: o.upload }), allow: ["正式党员"] }, // 陈静 sent the file
    { action: "spotcheck.verdict", place: "committee", value: (o) => ({ sc: w.committee.spotCheck, item: o.doneItem, v: "true", p: 0 }), allow: 党委的支委 },
    { action: "spotcheck.finding", place: "committee", value: (o) => ({ sc: w.committee.spotCheck, branch: o.org, p: 0 }), form: (o) => ({ [`finding_${o.org}`]: "三会一课记录齐全", [`result_${o.org}`]: "ok" }), allow: 党委的支委 },
    { action: "digest.note", place: "private", value: (o) => ({ d: o.digest }), form: () => ({ note: "本周大家辛苦了。" }), allow: 书记 },
  ];
}

type Variant = "own" | "foreignObject" | "foreignOrg";

/** Where the click happens and what its value says, for each variant. */
function forge(row: ActionRow, variant: Variant): { place: CardPlace; value: Record<string, unknown>; form?: Record<string, unknown> } {
  const own = objects("b1");
  const named = variant === "foreignObject" ? objects("b2") : own;
  const value: Record<string, unknown> = { a: row.action, ...row.value(named) };
  const form = row.form?.(named);
  const orgOf = variant === "foreignOrg" ? w.b2.org : w.b1.org;
  switch (row.place) {
    case "group":
      if (variant === "foreignOrg") value.org = w.b2.org; // a group card of this chat claiming the other branch
      else if ("org" in value) value.org = w.b1.org;
      return { place: { chat: w.b1.chat }, value, form };
    case "private":
      value.org = orgOf;
      return { place: { privately: true }, value, form };
    case "committee":
      // The committee's card clicked in a branch chat, or claiming a branch as its organisation.
      if (variant === "foreignOrg") value.org = w.b1.org;
      return { place: { chat: variant === "foreignObject" ? w.b1.chat : w.committee.chat }, value, form };
    case "unbound":
      return { place: { chat: variant === "own" ? t.chats.unbound : w.b1.chat }, value: variant === "foreignOrg" ? { ...value, org: w.b2.org } : value, form };
  }
}

interface Cell {
  row: ActionRow;
  role: RoleName;
  variant: Variant;
  response: CardResponse;
  refused: boolean;
}


/** The ballot key on the peer card a person received for a round (only their card holds it). */
function ballotKeyOf(openId: string, roundId: unknown): string | undefined {
  for (const m of t.fake.messages) {
    if (m.sender !== "bot" || m.msgType !== "interactive") continue;
    const key = /"a":"evaluation\.peer"[^}]*"r":(\d+)[^}]*"b":"([0-9a-f]{64})"/.exec(JSON.stringify(m.content));
    if (key && Number(key[1]) === roundId && m.receiveOpenId === openId) return key[2];
  }
  return undefined;
}

async function runCell(row: ActionRow, role: RoleName, variant: Variant): Promise<Cell> {
  const who = rolesOf(t)[role];
  const { place, value, form } = forge(row, variant);
  // A rater's own card carries their ballot key; a click without it is a forged card.
  if (row.action === "evaluation.peer") value.b = ballotKeyOf(who.openId, value.r);
  const { result } = await inRolledBackTx(t, async (tx) => {
    await row.given?.(tx);
    const [before, floor] = [await rowsWritten(tx), (await tx.outboxMessage.aggregate({ _max: { id: true } }))._max.id ?? 0];
    const response = await pressCard(t, tx, cardClick(place, who, value, form));
    return { response, wrote: (await rowsWritten(tx)) - before, queued: await tx.outboxMessage.count({ where: { id: { gt: floor } } }) };
  });
  const { response, wrote, queued } = result;
  const name = `${who.name}（${role}） ${row.action}${row.on ? `（${row.on}）` : ""} ${variant}`;
  const toast = response.toast?.content ?? "";
  expect(response.toast ?? response.card, `${name}: an answer`).toBeDefined();
  if (response.toast) expect(toast, `${name}: a Chinese toast`).toMatch(/[\u4e00-\u9fff]/);
  if (response.card) expect(Buffer.byteLength(JSON.stringify(response.card)), `${name}: card size`).toBeLessThanOrEqual(CARD_SIZE_LIMIT);
  const refused = response.toast?.type === "error" && isRefusal(toast, ACTION_REFUSALS);
  if (refused || variant !== "own") {
    // Refused, or the other branch's object rejected: nothing shown, nothing sent, nothing written.
    expect(response.toast?.type, `${name}: ${toast}`).toBe("error");
    expect(response.card, `${name}: no card with a refusal`).toBeUndefined();
    expect(queued, `${name}: nothing sent`).toBe(0);
    expect(wrote, `${name}: nothing written`).toBe(0);
  }
  return { row, role, variant, response, refused };
}

describe("authorisation matrix: card actions × roles", () => {
  const cells: Cell[] = [];

  it("has an expectation for every registered card action", () => {
    const covered = new Set(matrix().map((r) => r.action));
    expect(t.runtime.bot.allActions().map((a) => a.name).filter((n) => !covered.has(n)), "card actions without a line in the matrix").toEqual([]);
  });

  it("allows or refuses each role on this branch's objects as the table says, and nobody across branches", async () => {
    const wrong: string[] = [];
    for (const row of matrix()) {
      for (const role of ROLE_NAMES) {
        for (const variant of ["own", "foreignObject", "foreignOrg"] as const) {
          if (row.objectless && variant !== "own") continue;
          const cell = await runCell(row, role, variant);
          cells.push(cell);
          const mayAct = variant === "own" && row.allow.includes(role);
          const toast = cell.response.toast;
          const describe = `${role} ${row.action}${row.on ? `（${row.on}）` : ""} ${variant}: ${toast?.type} ${toast?.content}`;
          if (mayAct && (cell.refused || toast?.type === "error")) wrong.push(`expected to succeed — ${describe}`);
          if (!mayAct && variant === "own" && !cell.refused) wrong.push(`expected a refusal — ${describe}`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(t.logs.join("")).not.toContain("card action failed");
  }, 120_000);

  it("gives the same refusals through the real callback path", async () => {
    const cardIn = (target: string) => t.botMessages(target).find((m) => m.msgType === "interactive");
    const sample = cells.filter((c) => c.refused && !c.row.given && c.variant !== "foreignObject");
    let clicked = 0;
    for (const cell of sample) {
      const who = rolesOf(t)[cell.role];
      const { place, value, form } = forge(cell.row, cell.variant);
      const card = "chat" in place ? cardIn(place.chat) : cardIn(who.openId);
      if (!card) continue; // nobody sent this person a private card to click on
      const answer = await t.fake.clickCard({ messageId: card.messageId, operatorOpenId: who.openId, value, formValue: form });
      if (answer.status === 0) continue; // no answer at all (a kept-alive socket closed under the fake): Lark shows its own error
      expect(answer.status).toBe(200);
      expect((answer.toast as CardResponse["toast"])?.content, `${cell.role} ${cell.row.action} ${cell.variant}`).toBe(cell.response.toast?.content);
      clicked++;
    }
    await t.settle();
    expect(clicked).toBeGreaterThan(100);
    expect(t.logs.join("")).not.toContain("card action failed");
    reportCounts("authz-actions", {
      buttons: matrix().length,
      cells: cells.length,
      allowed: cells.filter((c) => c.variant === "own" && !c.refused).length,
      refusedByRole: cells.filter((c) => c.variant === "own" && c.refused).length,
      refusedAcrossBranches: cells.filter((c) => c.variant !== "own").length,
      refusalsOverCallback: clicked,
    });
  }, 120_000);
});
