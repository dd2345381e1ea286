import type { Tx } from "../../db/client.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import type { Actor } from "../../app/roles.ts";
import type { Outbox } from "../../app/outbox.ts";
import { createRectificationItem } from "../rectification/service.ts";
import { receivedRatings } from "./ballots.ts";
import { allDecided, excellentWarning, refreshProposals, resultsOf, type ResultView } from "./determination.ts";
import { catalogueOf, type Round } from "./rounds.ts";
import { sheetOf } from "./scores.ts";
import { addDays, dayOf, endOfDay } from "./time.ts";
import { publishedCountsText, resultCardData } from "./views.ts";
import { sendDispositionCards } from "./disposal.ts";
import { quorateMeeting } from "./deciding-meeting.ts";

const COMMENTS_ON_CARD_CHARS = 2000;

/**
 * Publication: each member privately gets their own result; the branch chat gets only the
 * number per grade; 基本合格 gets a rectification item (指出不足、帮助改进); 不合格 goes to the
 * committee's 组织处置 checklist, which opens nothing by itself. Runs once: the status change is the guard.
 */
export async function publishResults(tx: Tx, out: Outbox, org: OrgInfo, round: Round, by: Actor, now: Date, meetingText: string): Promise<{ warning?: string }> {
  if (round.status === "open") throw new UsageError(`「${round.name}」还在收集评价，截止后才能评定和发布。`);
  if (round.status === "published") throw new UsageError(`「${round.name}」的评定结果已经发布过了。`);
  const catalogue = catalogueOf(round);
  await refreshProposals(tx, round, catalogue);
  const results = await resultsOf(tx, round);
  if (!allDecided(results)) {
    const missing = results.filter((r) => !r.finalGrade).map((r) => r.name);
    throw new UsageError(`还有 ${missing.length} 位同志没有评定：${missing.join("、")}。请在评定卡片上保存后再发布。`);
  }
  const meeting = await quorateMeeting(
    tx, org, meetingText, ["branch_committee_meeting", "branch_general_meeting"], "支委会（不设支委会的支部：支部党员大会）", "组织评定汇总卡片「评定会议编号」：#12",
  );
  const { count } = await tx.appraisalRound.updateMany({
    where: { id: round.id, status: "closed" },
    data: { status: "published", publishedAt: now, publishedBy: by.memberId, decidedMeetingNo: meeting.seqNo, decidedMeetingType: meeting.type },
  });
  if (count !== 1) throw new UsageError(`「${round.name}」的评定结果已经发布过了。`);
  const received = await receivedRatings(tx, round.id, catalogue.minRaters);
  const today = dayOf(now, org.timezone);
  for (const r of results) {
    const rect = r.finalGrade === "BASICALLY_QUALIFIED" ? await openRectification(tx, org, round, r, by, now, today) : undefined;
    if (!r.active) continue;
    const { sheet } = await sheetOf(tx, org.id, round.year, r.memberId, catalogue);
    const comments = received.get(r.memberId)?.comments ?? [];
    // Many long comments would not fit on a card: they then follow as a message of their own.
    const separate = comments.join("").length > COMMENTS_ON_CARD_CHARS;
    await out.card({ openId: r.openId }, "evaluation-result", resultCardData(org, round, r, sheet, separate ? [] : comments, catalogue, rect, separate, meeting.label));
    if (separate) await out.text({ openId: r.openId }, `「${round.name}」您收到的互评评语（匿名，${comments.length} 条）：\n${comments.map((c) => `- ${c}`).join("\n")}`);
  }
  await out.text({ chatId: org.chatId }, publishedCountsText(round, results, meeting.label));
  const published = await tx.appraisalRound.findUniqueOrThrow({ where: { id: round.id } });
  await sendDispositionCards(tx, out, org, published);
  const warning = excellentWarning("评定", results.filter((r) => r.finalGrade === "EXCELLENT").length, results.length);
  return { warning };
}

async function openRectification(tx: Tx, org: OrgInfo, round: Round, r: ResultView, by: Actor, now: Date, today: string) {
  if (r.rectificationItemId) return undefined;
  const rule = catalogueOf(round).rectification.BASICALLY_QUALIFIED;
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
