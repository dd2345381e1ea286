import type { Bot } from "../app/bot.ts";
import { registerBinding, type Directory } from "./branches/binding.ts";
import { registerBranchCommands } from "./branches/commands.ts";
import { registerHelp } from "./help/index.ts";
import { registerMeetings } from "./meetings/index.ts";
import type { MeetingCalendar } from "./meetings/calendar.ts";
import { DigestSections, WarningRules, registerDigest } from "./digest/index.ts";
import { registerRectification } from "./rectification/index.ts";
import { registerMinutes, type FileUploader } from "./minutes/index.ts";
import { registerEvaluation } from "./evaluation/index.ts";
import { registerUsage } from "./usage/index.ts";
import { registerStudy } from "./study/index.ts";

export interface FeatureDeps {
  directory: Directory;
  /** The Feishu calendar, when LARK_CALENDAR=on. */
  calendar?: MeetingCalendar;
  /** Lark's file upload, for the record book (/导出). */
  files?: FileUploader;
  /** LARK_MONTHLY_CALL_BUDGET, for /用量. */
  callBudget?: number;
}

/** Every capability registers its commands, card actions, listeners and jobs here, once. */
/** Returns the digest registries so tools and tests can run them directly. */
export function registerFeatures(bot: Bot, deps: FeatureDeps): { sections: DigestSections; warnings: WarningRules } {
  registerHelp(bot);
  registerBinding(bot, deps.directory);
  registerBranchCommands(bot);
  registerUsage(bot, { budget: deps.callBudget });
  // Digest sections and warning rules are contributed by each capability.
  const sections = new DigestSections();
  const warnings = new WarningRules();
  registerMeetings(bot, { calendar: deps.calendar, sections, warnings });
  registerDigest(bot, { sections, warnings });
  registerMinutes(bot, { sections, files: deps.files });
  registerEvaluation(bot, { sections, warnings });
  registerStudy(bot, { sections });
  registerRectification(bot, { sections }); // last: its file listener answers uploads nobody else took
  return { sections, warnings };
}
