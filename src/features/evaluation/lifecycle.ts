import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import { cancelJobs, ensureJob, type JobContext } from "../../app/jobs.ts";
import { toOrgInfo } from "../../app/actors.ts";
import type { Outbox } from "../../app/outbox.ts";
import { closeCollection } from "./determination.ts";
import { sendDeterminationCards } from "./notify.ts";
import { finished, participantsOf, roundDeadlineLabel, type Round } from "./rounds.ts";
import { addDays, deadlineDay, localTime } from "./time.ts";

export const REMIND_JOB = "evaluation.remind";
export const CLOSE_JOB = "evaluation.close";
/** Reminders at 09:00 local time this many days before the last day (0 = the last day itself). */
const REMIND_DAYS_BEFORE = [2, 0];

function remindPrefix(roundId: number): string {
  return `evaluation:remind:${roundId}:`;
}

/**
 * Reminders and the automatic close, as Job rows keyed by round, deadline and day: a restart
 * catches up and never repeats; a new deadline gets new keys (the old ones are cancelled).
 */
export async function scheduleRoundJobs(tx: Tx, round: Round, org: OrgInfo, now: Date): Promise<void> {
  const last = deadlineDay(round.deadline, org.timezone);
  for (const before of REMIND_DAYS_BEFORE) {
    const day = addDays(last, -before);
    const at = localTime(day, "09:00", org.timezone);
    if (at.getTime() <= now.getTime() || at.getTime() >= round.deadline.getTime()) continue;
    await ensureJob(tx, { key: `${remindPrefix(round.id)}${last}:${day}`, kind: REMIND_JOB, runAt: at, payload: { roundId: round.id } }, now);
  }
  await ensureJob(tx, { key: `evaluation:close:${round.id}:${round.deadline.getTime()}`, kind: CLOSE_JOB, runAt: round.deadline, payload: { roundId: round.id } }, now);
}

export async function rescheduleRoundJobs(tx: Tx, round: Round, org: OrgInfo, now: Date): Promise<void> {
  await cancelJobs(tx, remindPrefix(round.id));
  await cancelJobs(tx, `evaluation:close:${round.id}:`);
  await scheduleRoundJobs(tx, round, org, now);
}

/** Ends collection (deadline or the secretary's early close), tells the branch the counts only. */
export async function closeRound(tx: Tx, out: Outbox, org: OrgInfo, round: Round, now: Date, early: boolean): Promise<Round | null> {
  const closed = await closeCollection(tx, round, now);
  if (!closed) return null;
  await cancelJobs(tx, remindPrefix(round.id));
  await cancelJobs(tx, `evaluation:close:${round.id}:`);
  const participants = await participantsOf(tx, round.id);
  const voters = participants.filter((p) => p.voter);
  await out.text(
    { chatId: org.chatId },
    `「${round.name}」${early ? "已由书记提前结束" : `已于 ${roundDeadlineLabel(round, org)} 截止`}：个人自评 ${participants.filter((p) => p.selfDone).length}/${participants.length} 人完成，党员互评 ${voters.filter((p) => p.peerDone).length}/${voters.length} 人完成。\n下一步由支委会结合评星情况组织评定，结果将私信告知本人，群里只公布各等次人数。`,
  );
  await sendDeterminationCards(tx, out, org, closed);
  return closed;
}

async function loadRound(tx: Tx, roundId: unknown): Promise<{ round: Round; org: OrgInfo } | null> {
  const round = typeof roundId === "number" ? await tx.appraisalRound.findUnique({ where: { id: roundId } }) : null;
  if (!round) return null;
  const org = await tx.partyOrg.findUnique({ where: { id: round.orgId } });
  return org ? { round, org: toOrgInfo(org) } : null;
}

export async function remindJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, outbox) => {
    const loaded = await loadRound(tx, ctx.payload.roundId);
    if (!loaded) return;
    const { round, org } = loaded;
    if (round.status !== "open" || ctx.now.getTime() >= round.deadline.getTime()) return;
    const out = outbox.forOrg(org.id);
    for (const p of await participantsOf(tx, round.id)) {
      if (!p.active || finished(p)) continue;
      const missing = [!p.selfDone ? "个人自评" : "", p.voter && !p.peerDone ? "党员互评" : ""].filter(Boolean).join("、");
      await out.text(
        { openId: p.openId },
        `【民主评议提醒】「${round.name}」将于 ${roundDeadlineLabel(round, org)} 截止，您还没有完成：${missing}。\n请在我发给您的评议卡片上填写；找不到卡片可以发送 /评议 填写。截止后提交将不被记录。`,
      );
    }
  });
}

export async function closeJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, outbox) => {
    const loaded = await loadRound(tx, ctx.payload.roundId);
    if (!loaded) return;
    const { round, org } = loaded;
    // A job of an earlier deadline (before an extension) finds the round still open: nothing to do.
    if (round.status !== "open" || ctx.now.getTime() < round.deadline.getTime()) return;
    await closeRound(tx, outbox.forOrg(org.id), org, round, ctx.now, false);
  });
}
