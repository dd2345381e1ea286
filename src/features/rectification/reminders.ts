import type { Tx } from "../../db/client.ts";
import { cancelJobs, ensureJob, type JobContext } from "../../app/jobs.ts";
import { addDays, dayLabel, dayOf, daysBetween, localTime, REMINDER_TIME } from "./dates.ts";
import { loadItem, type ItemFull } from "./model.ts";
import { sendItemCard } from "./notify.ts";
import { recordEvent, secretaryOf } from "./model.ts";
import { settingsOf } from "./settings.ts";

export const DUE_REMINDER_JOB = "rectification.due_reminder";
export const OVERDUE_JOB = "rectification.overdue";
export const VERIFY_REMINDER_JOB = "rectification.verify_reminder";

/** A verifier who has not acted on submitted evidence for this long is reminded once. */
export const VERIFY_REMINDER_DAYS = 3;

/**
 * Job keys carry the item id, the deadline revision and the deadline day, e.g.
 * "rect:12:r0:due:2026-03-31:T-3". A deadline change cancels the "rect:12:r" prefix and
 * schedules under the next revision, so old reminders never fire and new ones never collide.
 */
function deadlinePrefix(item: { id: number; dueRev: number }): string {
  return `rect:${item.id}:r${item.dueRev}:`;
}

interface DeadlinePayload {
  itemId: number;
  rev: number;
  dueOn: string;
}

/** Schedules the reminders before the deadline and the first overdue check. Idempotent. */
export async function scheduleReminders(tx: Tx, item: ItemFull, now: Date): Promise<void> {
  if (item.status === "done" || item.longTerm || !item.dueOn) return;
  const tz = item.org.timezone;
  const today = dayOf(now, tz);
  const base: DeadlinePayload = { itemId: item.id, rev: item.dueRev, dueOn: item.dueOn };
  const prefix = deadlinePrefix(item);
  const firstOverdueDay = addDays(item.dueOn, 1);
  const { reminderDays } = await settingsOf(tx, item.orgId);
  const points = reminderDays.map((offset) => ({ offset, day: addDays(item.dueOn!, -offset) }));
  for (const [i, p] of points.entries()) {
    // Today's notice (the assignment or the change) already told the owner the deadline.
    if (p.day <= today) continue;
    const staleAfter = localTime(points[i + 1]?.day ?? firstOverdueDay, REMINDER_TIME, tz);
    await ensureJob(tx, {
      key: `${prefix}due:${item.dueOn}:T-${p.offset}`,
      kind: DUE_REMINDER_JOB,
      runAt: localTime(p.day, REMINDER_TIME, tz),
      payload: { ...base, offset: p.offset, staleAfter: staleAfter.toISOString() },
    }, now);
  }
  const overdueDay = firstOverdueDay > today ? firstOverdueDay : today;
  const at = localTime(overdueDay, REMINDER_TIME, tz);
  await ensureJob(tx, { key: `${prefix}overdue:${overdueDay}`, kind: OVERDUE_JOB, runAt: at < now ? now : at, payload: { ...base } }, now);
}

/** After a deadline change or a reopening: old reminders are cancelled, new ones scheduled. */
export async function rescheduleReminders(tx: Tx, itemId: number, now: Date): Promise<void> {
  await cancelJobs(tx, `rect:${itemId}:r`);
  await tx.rectificationItem.update({
    where: { id: itemId },
    data: { dueRev: { increment: 1 }, overdueSince: null, secretaryNotifiedAt: null, buzzedAt: null },
  });
  await scheduleReminders(tx, await loadItem(tx, itemId), now);
}

/** A closed item is reminded of nothing. */
export async function cancelAllReminders(tx: Tx, itemId: number): Promise<void> {
  await cancelJobs(tx, `rect:${itemId}:`);
}

export async function scheduleVerifyReminder(tx: Tx, item: ItemFull, submittedAt: Date): Promise<void> {
  const tz = item.org.timezone;
  const day = addDays(dayOf(submittedAt, tz), VERIFY_REMINDER_DAYS);
  await ensureJob(tx, {
    key: `rect:${item.id}:verify:${submittedAt.getTime()}`,
    kind: VERIFY_REMINDER_JOB,
    runAt: localTime(day, REMINDER_TIME, tz),
    payload: { itemId: item.id, submittedAt: submittedAt.toISOString() },
  }, submittedAt);
}

function current(item: ItemFull | null, p: DeadlinePayload): item is ItemFull {
  return !!item && item.dueRev === p.rev && item.dueOn === p.dueOn && item.status !== "done" && !!item.owner;
}

async function findItem(tx: Tx, id: number): Promise<ItemFull | null> {
  return (await tx.rectificationItem.findUnique({ where: { id }, select: { id: true } })) ? loadItem(tx, id) : null;
}

export async function dueReminderJob(ctx: JobContext): Promise<void> {
  const p = ctx.payload as unknown as DeadlinePayload & { offset: number; staleAfter: string };
  await ctx.commit(async (tx, out) => {
    const item = await findItem(tx, p.itemId);
    if (!current(item, p) || item.status === "submitted") return;
    if (ctx.now >= new Date(p.staleAfter)) {
      // The bot was down past the next reminder point: that one speaks for both.
      ctx.log.info({ itemId: p.itemId, offset: p.offset }, "stale rectification reminder skipped");
      return;
    }
    const today = dayOf(ctx.now, item.org.timezone);
    const left = daysBetween(today, item.dueOn!);
    await sendItemCard(tx, out, item, item.owner!.openId, ctx.now, {
      banner: `⏰ 距整改期限（${dayLabel(item.dueOn!, today)}）还有 ${left} 天，请按期完成并提交佐证材料。`,
      cardRef: `${deadlinePrefix(item)}T-${p.offset}`,
    });
  });
}

/**
 * Runs once a day while an item is open past its deadline (once a week after escalation), and
 * schedules its next run in the same commit. The day count comes from the clock, so a run delayed by downtime sends
 * one up-to-date reminder instead of a backlog; escalations are marked on the item, so
 * each happens once.
 */
export async function overdueJob(ctx: JobContext): Promise<void> {
  const p = ctx.payload as unknown as DeadlinePayload;
  await ctx.commit(async (tx, out) => {
    const item = await findItem(tx, p.itemId);
    if (!current(item, p)) return;
    const tz = item.org.timezone;
    const today = dayOf(ctx.now, tz);
    const days = daysBetween(item.dueOn!, today);
    const settings = await settingsOf(tx, item.orgId);
    // Daily until escalated (secretary told, owner buzzed), then weekly: the Monday digest lists
    // it too, and a daily card nobody acts on only spends the tenant's budget (issue #22).
    const escalated = days >= settings.buzzAfterDays;
    const next = days < 1 ? addDays(item.dueOn!, 1) : addDays(today, escalated ? 7 : 1);
    await ensureJob(tx, { key: `${deadlinePrefix(item)}overdue:${next}`, kind: OVERDUE_JOB, runAt: localTime(next, REMINDER_TIME, tz), payload: { ...p } }, ctx.now);
    // Evidence waiting for the verifier is the verifier's turn, not the owner's.
    if (days < 1 || item.status === "submitted") return;
    const owner = item.owner!;
    const due = dayLabel(item.dueOn!, today);
    if (!item.overdueSince) {
      await tx.rectificationItem.update({ where: { id: item.id }, data: { overdueSince: ctx.now } });
      await recordEvent(tx, item.id, { orgId: item.orgId, action: "overdue", comment: `超过整改期限（${due}）仍未完成`, at: ctx.now });
    }
    const cardRef = `${deadlinePrefix(item)}overdue:${today}`;
    await sendItemCard(tx, out, item, owner.openId, ctx.now, {
      banner: `⚠️ 本事项已逾期 ${days} 天（期限 ${due}），请尽快完成并提交佐证材料；如有困难，请与验收人沟通。`,
      cardRef,
    });
    if (!item.secretaryNotifiedAt) {
      const told = await escalationContact(tx, item);
      if (told) {
        await out.forOrg(item.orgId).text(
          { openId: told.openId },
          `督办提醒：「${item.org.name}」整改事项 #${item.seqNo}（责任人：${owner.name}）已逾期（期限 ${due}）。\n问题：${item.problem}\n发送 /整改 #${item.seqNo} 查看详情。`,
        );
        await recordEvent(tx, item.id, { orgId: item.orgId, action: "escalated", comment: `已告知${told.label}${told.name}`, at: ctx.now });
      }
      await tx.rectificationItem.update({ where: { id: item.id }, data: { secretaryNotifiedAt: ctx.now } });
    }
    if (days >= settings.buzzAfterDays && !item.buzzedAt) {
      await out.urgent(cardRef, [owner.openId]);
      await tx.rectificationItem.update({ where: { id: item.id }, data: { buzzedAt: ctx.now } });
      await recordEvent(tx, item.id, { orgId: item.orgId, action: "escalated", comment: `逾期 ${days} 天，已加急提醒责任人`, at: ctx.now });
    }
  });
}

/** Who hears of an overdue item: the secretary, or the verifier when the secretary owns it. */
async function escalationContact(tx: Tx, item: ItemFull): Promise<{ openId: string; name: string; label: string } | undefined> {
  const secretary = await secretaryOf(tx, item.orgId);
  if (secretary && secretary.openId !== item.owner?.openId) return { openId: secretary.openId, name: secretary.name, label: "书记" };
  if (item.verifier && item.verifier.openId !== item.owner?.openId) return { openId: item.verifier.openId, name: item.verifier.name, label: "验收人" };
  return undefined;
}

export async function verifyReminderJob(ctx: JobContext): Promise<void> {
  const p = ctx.payload as { itemId: number; submittedAt: string };
  await ctx.commit(async (tx, out) => {
    const item = await findItem(tx, p.itemId);
    if (!item || item.status !== "submitted" || item.submittedAt?.toISOString() !== p.submittedAt) return;
    const verifier = item.verifier ?? (await secretaryOf(tx, item.orgId));
    if (!verifier || verifier.openId === item.owner?.openId) return;
    await sendItemCard(tx, out, item, verifier.openId, ctx.now, {
      banner: `📋 责任人已提交验收 ${VERIFY_REMINDER_DAYS} 天，请核验佐证材料后验收或退回。`,
      cardRef: `rect:${item.id}:verify:${item.submittedAt!.getTime()}`,
    });
  });
}
