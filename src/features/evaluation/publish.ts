import type { Tx } from "../../db/client.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import type { Actor } from "../../app/roles.ts";
import type { Outbox } from "../../lark/outbox.ts";
import { createRectificationItem } from "../rectification/service.ts";
import { receivedRatings } from "./ballots.ts";
import { allDecided, excellentWarning, refreshProposals, resultsOf, type ResultView } from "./determination.ts";
import { GRADE_LABEL, needsFollowUp } from "./grades.ts";
import { committeeOf, memberNames, patchIfFresh } from "./notify.ts";
import { catalogueOf, type Round } from "./rounds.ts";
import { sheetOf } from "./scores.ts";
import { addDays, dayOf, endOfDay } from "./time.ts";
import { DISPOSITION_LABEL, dispositionCardData, publishedCountsText, resultCardData } from "./views.ts";

const COMMENTS_ON_CARD_CHARS = 2000;

/**
 * Publication: each member privately gets their own result; the branch chat gets only the
 * number per grade; 基本合格/不合格 get a rectification item and go to the committee's
 * 组织处置 card. Runs once: the status change is the guard.
 */
export async function publishResults(tx: Tx, out: Outbox, org: OrgInfo, round: Round, by: Actor, now: Date): Promise<{ warning?: string }> {
  if (round.status === "open") throw new UsageError(`「${round.name}」还在收集评价，截止后才能评定和发布。`);
  if (round.status === "published") throw new UsageError(`「${round.name}」的评定结果已经发布过了。`);
  const catalogue = catalogueOf(round);
  await refreshProposals(tx, round, catalogue);
  const results = await resultsOf(tx, round);
  if (!allDecided(results)) {
    const missing = results.filter((r) => !r.finalGrade).map((r) => r.name);
    throw new UsageError(`还有 ${missing.length} 位同志没有评定：${missing.join("、")}。请在评定卡片上保存后再发布。`);
  }
  const { count } = await tx.appraisalRound.updateMany({ where: { id: round.id, status: "closed" }, data: { status: "published", publishedAt: now, publishedBy: by.memberId } });
  if (count !== 1) throw new UsageError(`「${round.name}」的评定结果已经发布过了。`);
  const received = await receivedRatings(tx, round.id, catalogue.minRaters);
  const today = dayOf(now, org.timezone);
  for (const r of results) {
    const rect = needsFollowUp(r.finalGrade!) ? await openRectification(tx, org, round, r, by, now, today) : undefined;
    if (!r.active) continue;
    const { sheet } = await sheetOf(tx, org.id, round.year, r.memberId, catalogue);
    const comments = received.get(r.memberId)?.comments ?? [];
    // Many long comments would not fit on a card: they then follow as a message of their own.
    const separate = comments.join("").length > COMMENTS_ON_CARD_CHARS;
    await out.card({ openId: r.openId }, "evaluation-result", resultCardData(org, round, r, sheet, separate ? [] : comments, catalogue, rect, separate));
    if (separate) await out.text({ openId: r.openId }, `「${round.name}」您收到的互评评语（匿名，${comments.length} 条）：\n${comments.map((c) => `- ${c}`).join("\n")}`);
  }
  await out.text({ chatId: org.chatId }, publishedCountsText(round, results));
  const published = await tx.appraisalRound.findUniqueOrThrow({ where: { id: round.id } });
  await sendDispositionCards(tx, out, org, published);
  const warning = excellentWarning("评定", results.filter((r) => r.finalGrade === "EXCELLENT").length, results.length);
  return { warning };
}

async function openRectification(tx: Tx, org: OrgInfo, round: Round, r: ResultView, by: Actor, now: Date, today: string) {
  if (r.rectificationItemId) return undefined;
  const grade = r.finalGrade as "BASICALLY_QUALIFIED" | "UNQUALIFIED";
  const rule = catalogueOf(round).rectification[grade];
  const due = addDays(today, rule.days);
  const item = await createRectificationItem(tx, {
    orgId: org.id,
    source: "appraisal",
    sourceRef: `appraisal:${round.id}:${r.memberId}`,
    scope: "individual",
    problem: `${rule.problem}${r.decisionReason ? `支委会意见：${r.decisionReason}` : ""}`,
    ownerMemberId: r.memberId,
    dueDate: new Date(endOfDay(due, org.timezone).getTime() - 1),
    createdBy: by.openId,
    now,
  });
  await tx.appraisalResult.update({ where: { roundId_memberId: { roundId: round.id, memberId: r.memberId } }, data: { rectificationItemId: item.id } });
  return { seqNo: item.seqNo, due };
}

/** Each member on the card has a form; a few per card keeps every card well under 30 KB. */
const DISPOSE_PER_CARD = 6;

function dispositionRef(round: Round, memberId: number, card: number): string {
  return `eval:${round.id}:dispose:${memberId}:${card}`;
}

/** The 组织处置 cards' data, one per group of members. */
async function dispositionCards(tx: Tx, org: OrgInfo, round: Round) {
  const results = (await resultsOf(tx, round)).filter((r) => r.finalGrade && needsFollowUp(r.finalGrade));
  const names = await memberNames(tx, org.id);
  const history = await tx.appraisalDisposition.findMany({ where: { roundId: round.id }, orderBy: { id: "asc" } });
  const items = await tx.rectificationItem.findMany({ where: { id: { in: results.map((r) => r.rectificationItemId ?? 0) } }, select: { id: true, seqNo: true } });
  const seq = new Map(items.map((i) => [i.id, i.seqNo]));
  const cards = [];
  for (let i = 0; i < results.length; i += DISPOSE_PER_CARD) {
    cards.push(dispositionCardData(org, round, results.slice(i, i + DISPOSE_PER_CARD), history, names, seq));
  }
  return cards;
}

/** The 组织处置 cards, privately to each committee member; nothing is sent when nobody needs one. */
export async function sendDispositionCards(tx: Tx, out: Outbox, org: OrgInfo, round: Round, onlyMemberId?: number): Promise<boolean> {
  const cards = await dispositionCards(tx, org, round);
  if (!cards.length) return false;
  for (const m of await committeeOf(tx, org.id)) {
    if (onlyMemberId !== undefined && m.id !== onlyMemberId) continue;
    for (const [i, data] of cards.entries()) await out.card({ openId: m.openId }, "evaluation-disposition", data, { cardRef: dispositionRef(round, m.id, i) });
  }
  return true;
}

export async function recordDisposition(
  tx: Tx, out: Outbox, org: OrgInfo, round: Round, input: { memberId: number; outcome: string; note: string; by: Actor; now: Date },
) {
  if (round.status !== "published") throw new UsageError("评定结果发布后才能记录组织处置。");
  const result = (await resultsOf(tx, round)).find((r) => r.memberId === input.memberId);
  if (!result?.finalGrade || !needsFollowUp(result.finalGrade)) throw new UsageError("只有评定为基本合格或不合格的同志需要记录组织处置。");
  const allowed = result.memberClass === "probationary"
    ? ["extend_probation", "cancel_probation", "no_action"]
    : ["correction_period", "advise_withdrawal", "removal", "no_action"];
  if (!allowed.includes(input.outcome)) {
    throw new UsageError(result.memberClass === "probationary"
      ? "预备党员不适用劝其退党、除名，请选择延长预备期、取消预备党员资格或不作组织处置。"
      : "请选择处理结果：限期改正、劝其退党、除名或不作组织处置。");
  }
  await tx.appraisalDisposition.create({
    data: { roundId: round.id, memberId: input.memberId, outcome: input.outcome, note: input.note || null, recordedBy: input.by.memberId, recordedAt: input.now },
  });
  const cards = await dispositionCards(tx, org, round);
  const index = cards.findIndex((c) => c.members.some((m) => m.memberId === input.memberId));
  const data = cards[index]!;
  for (const m of await committeeOf(tx, org.id)) {
    if (m.id !== input.by.memberId) await patchIfFresh(tx, out, dispositionRef(round, m.id, index), "evaluation-disposition", data);
  }
  return { data, label: `${result.name}：${DISPOSITION_LABEL[input.outcome]}`, grade: GRADE_LABEL[result.finalGrade] };
}

