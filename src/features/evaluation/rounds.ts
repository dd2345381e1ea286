import type { Tx } from "../../db/client.ts";
import { rowNumber, echo } from "../../app/args.ts";
import type { AppraisalRound } from "../../generated/prisma/client.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import { roleLabel, type MemberClass, type Post } from "../../app/roles.ts";
import { isCategory, loadCatalogue, parseStoredCatalogue, type Catalogue } from "./catalogue.ts";
import { ballotCheckOf, newBallotKey } from "./ballots.ts";
import { addDays, dayOf, deadlineLabel, endOfDay, parseDueDay, yearOf } from "./time.ts";

export type Round = AppraisalRound;
export const PEER_PAGE_SIZE = 10;
export const DEFAULT_ROUND_DAYS = 14;
export const START_EXAMPLE = "/评议 开始 2025年度民主评议 截止 下月底";

export interface Participant {
  memberId: number;
  openId: string;
  name: string;
  memberClass: MemberClass;
  post: Post | null;
  active: boolean;
  /** Full members rate others; 预备党员 have no vote (domain.md §1.4). */
  voter: boolean;
  selfDone: boolean;
  peerDone: boolean;
  peerPagesDone: number[];
}

export function finished(p: Participant): boolean {
  return p.selfDone && (!p.voter || p.peerDone);
}

export function roleTag(p: Pick<Participant, "memberClass" | "post">): string {
  return roleLabel({ memberClass: p.memberClass, post: p.post });
}

export function catalogueOf(round: Round): Catalogue {
  return parseStoredCatalogue(round.rules);
}

export function roundDeadlineLabel(round: Round, org: Pick<OrgInfo, "timezone">): string {
  return deadlineLabel(round.deadline, org.timezone);
}

/** The round people mean by "the current one": the open or closed-but-unpublished round, else none. */
export async function activeRound(tx: Tx, orgId: number): Promise<Round | null> {
  return tx.appraisalRound.findFirst({ where: { orgId, status: { in: ["open", "closed"] } }, orderBy: { id: "desc" } });
}

export async function latestRound(tx: Tx, orgId: number): Promise<Round | null> {
  return tx.appraisalRound.findFirst({ where: { orgId }, orderBy: { id: "desc" } });
}

/** The round a card names (value.r), checked against the card's organisation. */
export async function roundForCard(tx: Tx, orgId: number, value: unknown): Promise<Round> {
  const id = rowNumber(value);
  const round = id ? await tx.appraisalRound.findUnique({ where: { id } }) : null;
  if (!round || round.orgId !== orgId) throw new UsageError("这张评议卡片已失效，请发送 /评议 填写 重新获取。");
  return round;
}

export interface OpenRoundInput {
  org: OrgInfo;
  openedBy: number;
  name: string;
  deadlineText?: string;
  now: Date;
}

function appraisalYear(name: string, now: Date, tz: string): number {
  const m = /(20\d{2})/.exec(name);
  return m ? Number(m[1]) : yearOf(now, tz);
}

/** Parses "截止 下月底" / "截止 2026-03-20" (or a bare date); defaults to two weeks from today. */
export function parseDeadline(text: string | undefined, now: Date, tz: string): Date {
  const today = dayOf(now, tz);
  if (!text) return endOfDay(addDays(today, DEFAULT_ROUND_DAYS), tz);
  const day = parseDueDay(text, now, tz);
  if (!day) throw new UsageError(`截止日期「${echo(text)}」看不懂，请写成 下月底、下周五、12月31日 或 年-月-日。`, START_EXAMPLE);
  if (day < today) throw new UsageError(`截止日期 ${day} 已经过去，请给今天或以后的日期。`, START_EXAMPLE);
  return endOfDay(day, tz);
}

/** Opens a round: stores the catalogue and lists who takes part. */
export async function openRound(tx: Tx, input: OpenRoundInput): Promise<{ round: Round; participants: Participant[] }> {
  const { org, now } = input;
  const name = input.name.trim();
  if (!name) throw new UsageError("请给这次评议起个名称。", START_EXAMPLE);
  if (name.length > 30) throw new UsageError("评议名称最多 30 个字。", START_EXAMPLE);
  if (!isCategory(org.category)) throw new UsageError("本支部还没有设置所属领域（机关事业单位 / 村（社区） / 两新组织），评议项目按领域确定。请书记重新绑定或联系管理员设置。");
  const running = await activeRound(tx, org.id);
  if (running) {
    throw new UsageError(
      running.status === "open"
        ? `「${running.name}」还在进行中（截止 ${roundDeadlineLabel(running, org)}）。同一时间只能进行一轮评议。`
        : `「${running.name}」已截止但评定结果还没有发布。请支委会完成评定（/评议 评定）后再开始新一轮。`,
    );
  }
  if (await tx.appraisalRound.findUnique({ where: { orgId_name: { orgId: org.id, name } } })) {
    throw new UsageError(`已经有一轮名为「${name}」的评议，请换一个名称。`, START_EXAMPLE);
  }
  const deadline = parseDeadline(input.deadlineText, now, org.timezone);
  const members = await tx.member.findMany({
    where: { orgId: org.id, active: true, memberClass: { in: ["full", "probationary"] } },
    orderBy: { id: "asc" },
  });
  const voters = members.filter((m) => m.memberClass === "full");
  if (voters.length < 2) throw new UsageError("本支部正式党员不足 2 人，无法开展互评。请先用 /成员 核对名单。");
  const round = await tx.appraisalRound.create({
    data: {
      orgId: org.id,
      name,
      year: appraisalYear(name, now, org.timezone),
      category: org.category,
      rules: JSON.stringify(loadCatalogue(org.category)),
      status: "open",
      deadline,
      openedBy: input.openedBy,
      openedAt: now,
    },
  });
  await tx.appraisalParticipant.createMany({
    data: members.map((m) => ({ roundId: round.id, memberId: m.id, voter: m.memberClass === "full" })),
  });
  return { round, participants: await participantsOf(tx, round.id) };
}

export async function participantsOf(tx: Tx, roundId: number): Promise<Participant[]> {
  const rows = await tx.appraisalParticipant.findMany({ where: { roundId }, orderBy: { memberId: "asc" } });
  const members = await tx.member.findMany({ where: { id: { in: rows.map((r) => r.memberId) } } });
  const byId = new Map(members.map((m) => [m.id, m]));
  return rows.flatMap((r) => {
    const m = byId.get(r.memberId);
    if (!m) return [];
    return [{
      memberId: m.id,
      openId: m.openId,
      name: m.name,
      memberClass: m.memberClass as MemberClass,
      post: (m.post as Post | null) ?? null,
      active: m.active,
      voter: r.voter,
      selfDone: r.selfDone,
      peerDone: r.peerDone,
      peerPagesDone: r.peerPagesDone ? r.peerPagesDone.split(",").map(Number) : [],
    }];
  });
}

/** Everyone a rater rates, in a stable order (so page N always holds the same people). */
export function peerTargets(participants: Participant[], raterMemberId: number): Participant[] {
  return participants.filter((p) => p.memberId !== raterMemberId);
}

export function pageCount(targets: number): number {
  return Math.max(1, Math.ceil(targets / PEER_PAGE_SIZE));
}

export function pageOf<T>(items: T[], page: number, size = PEER_PAGE_SIZE): T[] {
  return items.slice((page - 1) * size, page * size);
}

/**
 * Refuses a submission the round no longer accepts, saying so plainly: the bot clock is
 * compared with the deadline, so a click after it is never recorded.
 */
export function assertAccepting(round: Round, org: OrgInfo, now: Date): void {
  if (round.status !== "open" || now.getTime() >= round.deadline.getTime()) {
    throw new UsageError(`「${round.name}」已于 ${roundDeadlineLabel(round, org)} 截止，这次提交没有被记录。如有特殊情况，请联系支部书记。`);
  }
}

export async function participantOf(tx: Tx, round: Round, memberId: number | undefined) {
  const row = memberId === undefined ? null : await tx.appraisalParticipant.findUnique({ where: { roundId_memberId: { roundId: round.id, memberId } } });
  if (!row) throw new UsageError(`您不在「${round.name}」的参评名单中（参评名单在评议开始时按正式党员和预备党员确定）。如有疑问请联系支部书记。`);
  return row;
}

/**
 * A fresh ballot key for a rater's peer card, or undefined when ratings may already exist under
 * the key of an earlier card: that key is not stored anywhere, so those ratings can be changed
 * only on that card (a new key would add a second ballot beside the first).
 */
export async function issueBallotKey(tx: Tx, roundId: number, memberId: number): Promise<string | undefined> {
  const key = newBallotKey();
  const { count } = await tx.appraisalParticipant.updateMany({
    where: { roundId, memberId, voter: true, peerPagesDone: "" },
    data: { ballotCheck: ballotCheckOf(key) },
  });
  return count === 1 ? key : undefined;
}

/** Whether a card's ballot key is the one issued to this rater. */
export function holdsBallotKey(row: { ballotCheck: string | null }, key: string): boolean {
  return row.ballotCheck !== null && row.ballotCheck === ballotCheckOf(key);
}

export async function markSelfDone(tx: Tx, roundId: number, memberId: number): Promise<void> {
  await tx.appraisalParticipant.update({ where: { roundId_memberId: { roundId, memberId } }, data: { selfDone: true } });
}

export async function markPeerPageDone(tx: Tx, roundId: number, memberId: number, page: number, pages: number): Promise<void> {
  const row = await tx.appraisalParticipant.findUniqueOrThrow({ where: { roundId_memberId: { roundId, memberId } } });
  const done = new Set(row.peerPagesDone ? row.peerPagesDone.split(",").map(Number) : []);
  done.add(page);
  const list = [...done].sort((a, b) => a - b);
  await tx.appraisalParticipant.update({
    where: { roundId_memberId: { roundId, memberId } },
    data: { peerPagesDone: list.join(","), peerDone: list.length >= pages },
  });
}

export async function extendDeadline(tx: Tx, round: Round, org: OrgInfo, text: string | undefined, now: Date): Promise<Round> {
  if (round.status !== "open") throw new UsageError(`「${round.name}」已经截止，不能再改截止日期。`);
  if (!text) throw new UsageError("缺少新的截止日期。", "/评议 延期 下月底");
  const deadline = parseDeadline(text, now, org.timezone);
  return tx.appraisalRound.update({ where: { id: round.id }, data: { deadline } });
}
