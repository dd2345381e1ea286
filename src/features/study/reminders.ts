import type { Bot } from "../../app/bot.ts";
import type { Tx } from "../../db/client.ts";
import type { JobContext } from "../../app/jobs.ts";
import { zoned } from "../../core/time.ts";
import { dayOf } from "../rectification/dates.ts";
import { memberYear } from "./service.ts";
import { progressLine } from "./views.ts";

export const QUARTER_REMINDER_JOB = "study.quarter_reminder";

/** The first day of the next quarter, 09:00, in the zone; its key names the quarter. */
function nextQuarter(after: Date, tz: string): { key: string; at: Date } {
  const now = zoned(after, tz);
  const month = Math.floor(now.month() / 3) * 3 + 3;
  const start = now.startOf("year").add(month, "month").hour(9);
  return { key: `study:remind:${start.year()}Q${Math.floor(start.month() / 3) + 1}`, at: start.toDate() };
}

async function ensureNext(bot: Bot, tx: Tx, after: Date): Promise<void> {
  const { key, at } = nextQuarter(after, bot.deps.timezone);
  await bot.schedule(tx, { key, kind: QUARTER_REMINDER_JOB, runAt: at });
}

/**
 * Once a quarter, privately, only to members who asked (/学习 提醒 开): their own progress. No
 * one else is reminded and nobody is told who is behind.
 */
function quarterReminderJob(bot: Bot) {
  return async (ctx: JobContext): Promise<void> => {
    await ctx.commit(async (tx, out) => {
      const optIns = await tx.studyReminderOptIn.findMany({ orderBy: { memberId: "asc" } });
      const members = await tx.member.findMany({ where: { id: { in: optIns.map((o) => o.memberId) }, active: true }, include: { org: { select: { id: true, timezone: true } } } });
      for (const m of members) {
        const today = dayOf(ctx.now, m.org.timezone);
        const y = await memberYear(tx, { id: m.id, orgId: m.orgId, post: m.post }, Number(today.slice(0, 4)), m.org.timezone);
        await out.forOrg(m.orgId).text({ openId: m.openId }, `【学时提醒】新的季度开始了。${progressLine(y)}\n记一笔：发送 /学习；看明细：/学习 我的；不再提醒：/学习 提醒 关。`);
      }
      await ensureNext(bot, tx, new Date(ctx.scheduledFor.getTime() + 60_000));
    });
  };
}

export function registerStudyReminders(bot: Bot): void {
  bot.job(QUARTER_REMINDER_JOB, quarterReminderJob(bot));
  bot.onStart((tx, now) => ensureNext(bot, tx, now));
}
