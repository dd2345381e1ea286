import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import { cardUpdatable, type Outbox } from "../../app/outbox.ts";
import { receivedRatings } from "./ballots.ts";
import { resultsOf } from "./determination.ts";
import { catalogueOf, issueBallotKey, pageCount, participantsOf, peerTargets, type Participant, type Round } from "./rounds.ts";
import { determinationPageData, determinationPages, determinationSummaryData, peerCardData, selfCardData } from "./views.ts";

/** Sending and refreshing the evaluation cards (always private: open ids, never a group). */

/**
 * Updates a sent card if Lark still allows it. A stale card is not an error worth telling
 * the secretary about: the person can ask for a fresh one (/评议 评定, /组织生活会 谈心).
 */
export async function patchIfFresh(tx: Tx, out: Outbox, cardRef: string, template: string, data: Record<string, unknown>): Promise<boolean> {
  const sent = await tx.sentCard.findUnique({ where: { cardRef } });
  // Lark's window runs on real time, like the sender's record of when the card went out.
  if (sent && !cardUpdatable(sent.sentAt, new Date())) return false;
  return out.patchCard(cardRef, template, data);
}

export async function committeeOf(tx: Tx, orgId: number) {
  return tx.member.findMany({ where: { orgId, active: true, post: { not: null } }, orderBy: { id: "asc" } });
}

export async function memberNames(tx: Tx, orgId: number): Promise<Map<number, string>> {
  const rows = await tx.member.findMany({ where: { orgId }, select: { id: true, name: true } });
  return new Map(rows.map((m) => [m.id, m.name]));
}

export const PEER_CARD_KEPT =
  "您已经提交过互评。为保证匿名，能修改您评价的钥匙只在您原来的互评卡片上，系统没有保存：如需修改，请在原来的互评卡片上点「修改本页评价」。";

/**
 * The self-assessment card and, for voters, every page of the peer card with a fresh ballot
 * key — unless the rater has submitted a page, whose key lives only on the earlier card.
 * The peer cards' outbox rows are erased once sent: the key must not stay in the database.
 */
export async function sendParticipantCards(tx: Tx, out: Outbox, org: OrgInfo, round: Round, p: Participant, participants: Participant[]): Promise<void> {
  const own = await tx.appraisalSelfAssessment.findUnique({ where: { roundId_memberId: { roundId: round.id, memberId: p.memberId } } });
  await out.card({ openId: p.openId }, "evaluation-self", selfCardData(org, round, p, own));
  if (!p.voter) return;
  const key = await issueBallotKey(tx, round.id, p.memberId);
  if (!key) return out.text({ openId: p.openId }, PEER_CARD_KEPT);
  const pages = pageCount(peerTargets(participants, p.memberId).length);
  for (let page = 1; page <= pages; page++) {
    await out.card({ openId: p.openId }, "evaluation-peer", peerCardData(org, round, p, participants, page, key), { erase: true });
  }
}

function summaryRef(round: Round, memberId: number): string {
  return `eval:${round.id}:det:${memberId}:summary`;
}

function pageRef(round: Round, memberId: number, page: number): string {
  return `eval:${round.id}:det:${memberId}:p${page}`;
}

async function determinationData(tx: Tx, org: OrgInfo, round: Round) {
  const catalogue = catalogueOf(round);
  const [results, participants, names, selves] = await Promise.all([
    resultsOf(tx, round),
    participantsOf(tx, round.id),
    memberNames(tx, org.id),
    tx.appraisalSelfAssessment.findMany({ where: { roundId: round.id }, select: { memberId: true, grade: true } }),
  ]);
  const selfGrades = new Map(selves.map((s) => [s.memberId, s.grade]));
  const pages = determinationPages(results);
  return {
    summary: determinationSummaryData(org, round, results, participants, catalogue),
    page: (n: number) => determinationPageData(org, round, results, n, selfGrades, names, catalogue),
    pages,
  };
}

/** Sends the committee's determination cards privately to each committee member (or one). */
export async function sendDeterminationCards(tx: Tx, out: Outbox, org: OrgInfo, round: Round, onlyMemberId?: number): Promise<number> {
  const data = await determinationData(tx, org, round);
  const committee = (await committeeOf(tx, org.id)).filter((m) => onlyMemberId === undefined || m.id === onlyMemberId);
  for (const m of committee) {
    await out.card({ openId: m.openId }, "evaluation-determine-summary", data.summary, { cardRef: summaryRef(round, m.id) });
    for (let n = 1; n <= data.pages; n++) {
      await out.card({ openId: m.openId }, "evaluation-determine", data.page(n), { cardRef: pageRef(round, m.id, n) });
    }
  }
  return committee.length;
}

/** Brings every committee member's determination cards up to date, except the one being answered. */
export async function refreshDeterminationCards(tx: Tx, out: Outbox, org: OrgInfo, round: Round, skip?: { memberId: number; card: "summary" | number }) {
  const data = await determinationData(tx, org, round);
  for (const m of await committeeOf(tx, org.id)) {
    if (!(skip?.memberId === m.id && skip.card === "summary")) await patchIfFresh(tx, out, summaryRef(round, m.id), "evaluation-determine-summary", data.summary);
    for (let n = 1; n <= data.pages; n++) {
      if (skip?.memberId === m.id && skip.card === n) continue;
      await patchIfFresh(tx, out, pageRef(round, m.id, n), "evaluation-determine", data.page(n));
    }
  }
  return data;
}

/** Text messages stay far below Lark's 150 KB limit: material is split between blocks. */
const TEXT_CHUNK_CHARS = 12_000;

/** Packs blocks into as few messages as fit, never splitting a block. */
export function packText(header: string, blocks: string[]): string[] {
  const messages: string[] = [];
  let current = header;
  let inCurrent = 0;
  for (const b of blocks) {
    if (inCurrent > 0 && current.length + b.length + 2 > TEXT_CHUNK_CHARS) {
      messages.push(current);
      current = `${header}（续）`;
      inCurrent = 0;
    }
    current += `\n\n${b}`;
    inCurrent++;
  }
  messages.push(current);
  return messages;
}

/** All self-assessments and (at or above the threshold) anonymous comments, as private text messages. */
export async function materialsText(tx: Tx, round: Round): Promise<string[]> {
  const catalogue = catalogueOf(round);
  const participants = await participantsOf(tx, round.id);
  const selves = new Map((await tx.appraisalSelfAssessment.findMany({ where: { roundId: round.id } })).map((s) => [s.memberId, s]));
  const received = await receivedRatings(tx, round.id, catalogue.minRaters);
  const blocks = participants.map((p) => {
    const self = selves.get(p.memberId);
    const comments = received.get(p.memberId)?.comments ?? [];
    return [
      `【${p.name}】`,
      `自评材料：${self ? self.summary : "未提交（缺项）"}`,
      comments.length ? `互评评语（匿名）：\n${comments.map((c) => `- ${c}`).join("\n")}` : `互评评语：无（或收到的评价不足 ${catalogue.minRaters} 份，不显示）`,
    ].join("\n");
  });
  return packText(`「${round.name}」自评材料和互评评语（仅支委可见，请勿转发）`, blocks);
}
