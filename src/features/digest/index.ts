import type { Bot } from "../../app/bot.ts";
import { registerDigestActions } from "./actions.ts";
import { registerDigestCommands } from "./commands.ts";
import { ensureDigestJobs, registerDigestJobs, type DigestDeps } from "./jobs.ts";
import { CORE_WARNING_RULES } from "./core-rules.ts";
import { warningsSection } from "./warnings-section.ts";

export { DigestSections, type DigestSection, type DigestLine, type SectionProvider } from "./sections.ts";
export { WarningRules, type WarningRule, type WarningCondition } from "./warnings.ts";

/** Weekly digests (branch and committee), on-demand summaries, and early warnings. */
export function registerDigest(bot: Bot, deps: DigestDeps): void {
  for (const rule of CORE_WARNING_RULES) deps.warnings.register(rule);
  deps.sections.register(warningsSection);
  registerDigestJobs(bot, deps);
  registerDigestCommands(bot, deps);
  registerDigestActions(bot);
  bot.onStart((tx, now) => ensureDigestJobs(tx, now).then(() => undefined));
  bot.onOrgBound((tx, _org, now) => ensureDigestJobs(tx, now).then(() => undefined));
}
