import type { Bot } from "../../app/bot.ts";
import type { DigestSections } from "../digest/index.ts";
import { rectificationSection } from "./digest-section.ts";
import { registerSpotCheck } from "./spotcheck/commands.ts";
import { registerRectificationActions } from "./actions.ts";
import { registerRectificationCommands } from "./commands.ts";
import { onEvidenceMessage } from "./evidence.ts";
import { DUE_REMINDER_JOB, dueReminderJob, OVERDUE_JOB, overdueJob, VERIFY_REMINDER_JOB, verifyReminderJob } from "./reminders.ts";

export { createRectificationItem, type NewRectificationItem } from "./service.ts";

/** 整改: items from any source carried to a verified close, with reminders, escalation and 抽查. */
export function registerRectification(bot: Bot, deps: { sections: DigestSections }): void {
  deps.sections.register(rectificationSection);
  registerRectificationCommands(bot);
  registerRectificationActions(bot);
  registerSpotCheck(bot);
  bot.onMessage(onEvidenceMessage);
  bot.job(DUE_REMINDER_JOB, dueReminderJob);
  bot.job(OVERDUE_JOB, overdueJob);
  bot.job(VERIFY_REMINDER_JOB, verifyReminderJob);
}
