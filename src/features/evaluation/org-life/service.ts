import { randomUUID } from "node:crypto";
import type { Tx } from "../../../db/client.ts";
import { rowNumber } from "../../../app/args.ts";
import { UsageError, type OrgInfo } from "../../../app/context.ts";
import type { Actor } from "../../../app/roles.ts";
import { createRectificationItem } from "../../rectification/service.ts";
import { dayOf, localTime, yearOf } from "../time.ts";

/**
 * 组织生活会 preparation and follow-up (domain.md §2.1): anonymous opinion collection, the
 * 谈心谈话 pairs with tracking, and the problem list whose items become rectification items.
 * The meeting itself is scheduled by the meetings feature; a session can point at it.
 */

export type OpinionAbout = "branch" | "secretary" | "committee" | "other";
export const ABOUT_LABEL: Record<OpinionAbout, string> = {
  branch: "对支部班子",
  secretary: "对支部书记",
  committee: "对支委委员",
  other: "其他意见建议",
};

export function isAbout(v: unknown): v is OpinionAbout {
  return typeof v === "string" && v in ABOUT_LABEL;
}

export type Session = Awaited<ReturnType<typeof ensureSession>>;

/** This year's session of the branch, created on first use. */
export async function ensureSession(tx: Tx, org: OrgInfo, now: Date) {
  const year = yearOf(now, org.timezone);
  return tx.orgLifeSession.upsert({ where: { orgId_year: { orgId: org.id, year } }, create: { orgId: org.id, year }, update: {} });
}

export async function sessionForCard(tx: Tx, org: OrgInfo, value: unknown): Promise<Session> {
  const id = rowNumber(value);
  const session = id ? await tx.orgLifeSession.findUnique({ where: { id } }) : null;
  if (!session || session.orgId !== org.id) throw new UsageError("这张卡片已失效，请重新发送 /组织生活会 获取。");
  return session;
}

// ── 征求意见 ──

/**
 * Stores an opinion with no author and no time, under a random key, then rewrites the
 * session's opinions in key order: neither columns nor storage order say who wrote it.
 */
export async function addOpinion(tx: Tx, sessionId: number, about: OpinionAbout, text: string): Promise<number> {
  const rows = await tx.orgLifeOpinion.findMany({ where: { sessionId } });
  const all = [...rows, { id: randomUUID(), sessionId, about, text }].sort((a, b) => (a.id < b.id ? -1 : 1));
  await tx.orgLifeOpinion.deleteMany({ where: { sessionId } });
  await tx.orgLifeOpinion.createMany({ data: all });
  return all.length;
}

export async function opinionsOf(tx: Tx, sessionId: number) {
  const rows = await tx.orgLifeOpinion.findMany({ where: { sessionId }, orderBy: { id: "asc" } });
  const order: OpinionAbout[] = ["branch", "secretary", "committee", "other"];
  return order.map((about) => ({ about, label: ABOUT_LABEL[about], texts: rows.filter((r) => r.about === about).map((r) => r.text) }));
}

// ── 谈心谈话 ──

interface PairPerson {
  id: number;
  name: string;
  post: string | null;
  duty: string | null;
}

export interface TalkPair {
  a: number;
  b: number;
  kind: "secretary_member" | "committee_peer" | "committee_member" | "member_peer";
}

/**
 * The pairs the 条例 asks for (domain.md §1.1, §2.1), from the roster (ids in roster order):
 * the secretary with every committee member and member; the committee members with each other;
 * each member (no post) with one committee member other than the secretary, shared out in turn;
 * and each member with at least one fellow member (neighbours in roster order, the last of an
 * odd number with the first). Pure, so the plan and the W9 check agree on what "complete" means.
 */
export function requiredPairs(members: Array<{ id: number; post: string | null }>): TalkPair[] {
  const secretary = members.find((m) => m.post === "secretary") ?? members.find((m) => m.post === "deputy_secretary");
  if (!secretary) return [];
  const pairs: TalkPair[] = [];
  for (const m of members) if (m.id !== secretary.id) pairs.push({ a: secretary.id, b: m.id, kind: "secretary_member" });
  const committee = members.filter((m) => m.post && m.id !== secretary.id);
  for (let i = 0; i < committee.length; i++) {
    for (let j = i + 1; j < committee.length; j++) pairs.push({ a: committee[i]!.id, b: committee[j]!.id, kind: "committee_peer" });
  }
  const ordinary = members.filter((m) => !m.post);
  if (committee.length) ordinary.forEach((m, i) => pairs.push({ a: committee[i % committee.length]!.id, b: m.id, kind: "committee_member" }));
  for (let i = 0; i + 1 < ordinary.length; i += 2) pairs.push({ a: ordinary[i]!.id, b: ordinary[i + 1]!.id, kind: "member_peer" });
  if (ordinary.length % 2 === 1 && ordinary.length > 1) pairs.push({ a: ordinary[0]!.id, b: ordinary.at(-1)!.id, kind: "member_peer" });
  return pairs;
}

export const pairKey = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);

export async function talkRoster(tx: Tx, orgId: number) {
  return tx.member.findMany({ where: { orgId, active: true, memberClass: { in: ["full", "probationary"] } }, orderBy: { id: "asc" }, select: { id: true, post: true } });
}

/** Plans the required pairs for the session; pairs already planned or held are kept. */
export async function planTalks(tx: Tx, org: OrgInfo, session: Session, now: Date): Promise<number> {
  const pairs = requiredPairs(await talkRoster(tx, org.id));
  if (!pairs.length) throw new UsageError("本支部还没有书记，无法安排谈心谈话。请先用 /角色 设置书记。");
  const existing = new Set((await tx.heartTalk.findMany({ where: { sessionId: session.id }, select: { aMemberId: true, bMemberId: true } })).map((t) => pairKey(t.aMemberId, t.bMemberId)));
  for (const p of pairs.filter((x) => !existing.has(pairKey(x.a, x.b)))) {
    await tx.heartTalk.upsert({
      where: { sessionId_aMemberId_bMemberId: { sessionId: session.id, aMemberId: p.a, bMemberId: p.b } },
      create: { sessionId: session.id, aMemberId: p.a, bMemberId: p.b, kind: p.kind },
      update: {},
    });
  }
  await tx.orgLifeSession.update({ where: { id: session.id }, data: { talksPlannedAt: session.talksPlannedAt ?? now } });
  return pairs.length;
}

export interface TalkView {
  id: number;
  a: PairPerson;
  b: PairPerson;
  doneAt: Date | null;
  markedBy: string | null;
}

export async function talksOf(tx: Tx, sessionId: number): Promise<TalkView[]> {
  const rows = await tx.heartTalk.findMany({ where: { sessionId }, orderBy: { id: "asc" } });
  const people = await tx.member.findMany({ where: { id: { in: rows.flatMap((r) => [r.aMemberId, r.bMemberId, r.markedBy ?? 0]) } } });
  const byId = new Map(people.map((m) => [m.id, { id: m.id, name: m.name, post: m.post, duty: m.committeeDuty }]));
  return rows.map((r) => ({ id: r.id, a: byId.get(r.aMemberId)!, b: byId.get(r.bMemberId)!, doneAt: r.doneAt, markedBy: r.markedBy ? byId.get(r.markedBy)?.name ?? null : null }));
}

/** Marks a talk as held; either party or a committee member may. Marking twice changes nothing. */
export async function markTalkDone(tx: Tx, org: OrgInfo, talkId: number | undefined, actor: Actor, now: Date) {
  const talk = talkId ? await tx.heartTalk.findUnique({ where: { id: talkId } }) : null;
  const session = talk ? await tx.orgLifeSession.findUnique({ where: { id: talk.sessionId } }) : null;
  if (!talk || !session || session.orgId !== org.id) throw new UsageError("找不到这次谈话安排，请重新发送 /组织生活会 谈心。");
  const party = talk.aMemberId === actor.memberId || talk.bMemberId === actor.memberId;
  if (!party && !actor.post) throw new UsageError("只有谈话双方或支委可以标记。");
  if (!talk.doneAt) await tx.heartTalk.update({ where: { id: talk.id }, data: { doneAt: now, markedBy: actor.memberId } });
  return { session, already: !!talk.doneAt };
}

// ── 问题清单 ──

export interface NewProblem {
  org: OrgInfo;
  session: Session;
  scope: "branch" | "individual";
  problem: string;
  measure: string;
  ownerMemberId: number;
  dueOn?: string;
  longTerm: boolean;
  by: Actor;
  now: Date;
}

/** Records a problem and opens its rectification item (same transaction). */
export async function addProblem(tx: Tx, input: NewProblem): Promise<{ seqNo: number }> {
  const { org, session } = input;
  if (!input.problem.trim()) throw new UsageError("请写明具体问题（要具体到人和事，不要泛泛而谈）。");
  if (!input.measure.trim()) throw new UsageError("请写明整改措施。");
  if (!input.dueOn && !input.longTerm) throw new UsageError("请选择整改期限，或勾选「长期坚持」。");
  const today = dayOf(input.now, org.timezone);
  if (input.dueOn && input.dueOn < today) throw new UsageError(`整改期限 ${input.dueOn} 已经过去，请选今天或以后的日期。`);
  const meeting = await linkedMeeting(tx, org, session);
  const row = await tx.orgLifeProblem.create({
    data: {
      sessionId: session.id, scope: input.scope, problem: input.problem.trim(), measure: input.measure.trim(), ownerMemberId: input.ownerMemberId,
      dueOn: input.longTerm ? null : input.dueOn ?? null, longTerm: input.longTerm, createdBy: input.by.memberId, createdAt: input.now,
    },
  });
  const item = await createRectificationItem(tx, {
    orgId: org.id,
    source: "org_life_meeting",
    sourceRef: meeting ? `meeting:${meeting.id}` : `orglife:${session.id}:${row.id}`,
    scope: input.scope,
    problem: row.problem,
    measures: row.measure,
    ownerMemberId: input.ownerMemberId,
    dueDate: row.dueOn ? localTime(row.dueOn, "12:00", org.timezone) : null,
    longTerm: row.longTerm,
    createdBy: input.by.openId,
    now: input.now,
  });
  await tx.orgLifeProblem.update({ where: { id: row.id }, data: { rectificationItemId: item.id } });
  return { seqNo: item.seqNo };
}

export async function problemsOf(tx: Tx, sessionId: number) {
  const rows = await tx.orgLifeProblem.findMany({ where: { sessionId }, orderBy: { id: "asc" } });
  const items = await tx.rectificationItem.findMany({ where: { id: { in: rows.map((r) => r.rectificationItemId ?? 0) } }, select: { id: true, seqNo: true } });
  const owners = await tx.member.findMany({ where: { id: { in: rows.map((r) => r.ownerMemberId) } }, select: { id: true, name: true } });
  const seq = new Map(items.map((i) => [i.id, i.seqNo]));
  const names = new Map(owners.map((o) => [o.id, o.name]));
  return rows.map((r) => ({ ...r, seqNo: r.rectificationItemId ? seq.get(r.rectificationItemId) : undefined, ownerName: names.get(r.ownerMemberId) ?? "" }));
}

/** The year's 组织生活会 in the meetings feature: the one linked by number, else the latest. */
export async function linkedMeeting(tx: Tx, org: OrgInfo, session: Session) {
  if (session.meetingNo) return tx.meeting.findUnique({ where: { orgId_seqNo: { orgId: org.id, seqNo: session.meetingNo } } });
  const from = localTime(`${session.year}-01-01`, "00:00", org.timezone);
  const to = localTime(`${session.year + 1}-01-01`, "00:00", org.timezone);
  return tx.meeting.findFirst({ where: { orgId: org.id, type: "org_life_meeting", status: { not: "cancelled" }, startAt: { gte: from, lt: to } }, orderBy: { startAt: "desc" } });
}

export async function linkMeeting(tx: Tx, org: OrgInfo, session: Session, text: string | undefined) {
  const no = rowNumber((text ?? "").replace(/^[#第]/, "").replace(/次$/, ""));
  if (!no) throw new UsageError("请写会议编号。", "/组织生活会 会议 12");
  const meeting = await tx.meeting.findUnique({ where: { orgId_seqNo: { orgId: org.id, seqNo: no } } });
  if (!meeting) throw new UsageError(`本支部没有编号为 ${no} 的会议。`, "/组织生活会 会议 12");
  if (meeting.type !== "org_life_meeting") throw new UsageError(`第 ${no} 号会议不是组织生活会。`, "/组织生活会 会议 12");
  await tx.orgLifeSession.update({ where: { id: session.id }, data: { meetingNo: no } });
  return meeting;
}
