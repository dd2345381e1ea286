import type { Bot } from "../../app/bot.ts";
import type { DigestSections } from "../digest/index.ts";
import { onMeetingEnded } from "../meetings/hooks.ts";
import { registerMinutesActions } from "./actions.ts";
import { registerMinutesCommands } from "./commands.ts";
import { minutesSection } from "./digest.ts";
import { onEnded, registerMinutesJobs, type FileUploader } from "./jobs.ts";

/**
 * 会议记录: when a meeting ends its recorder gets a pre-filled form; the record is submitted,
 * confirmed by the secretary and amended in versions; /导出 makes the year's record book.
 * For other features: digest.ts (minutesOutstanding, resolutionsDue in bulk).
 */
export function registerMinutes(bot: Bot, deps: { sections: DigestSections; files?: FileUploader }): void {
  onMeetingEnded(bot, onEnded);
  registerMinutesCommands(bot);
  registerMinutesActions(bot);
  registerMinutesJobs(bot, deps.files);
  deps.sections.register(minutesSection);
}

export { minutesOutstanding, resolutionsDue, type DueAction, type OutstandingMinutes } from "./digest.ts";
export type { FileUploader } from "./jobs.ts";
