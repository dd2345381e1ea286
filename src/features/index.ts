import type { Bot } from "../app/bot.ts";
import { registerBinding, type Directory } from "./branches/binding.ts";
import { registerBranchCommands } from "./branches/commands.ts";
import { registerHelp } from "./help/index.ts";
import { DigestSections, WarningRules, registerDigest } from "./digest/index.ts";

export interface FeatureDeps {
  directory: Directory;
}

/** Every capability registers its commands, card actions, listeners and jobs here, once. */
export function registerFeatures(bot: Bot, deps: FeatureDeps): void {
  registerHelp(bot);
  registerBinding(bot, deps.directory);
  registerBranchCommands(bot);
  // Digest sections and warning rules are contributed by the capabilities above and below.
  const sections = new DigestSections();
  const warnings = new WarningRules();
  registerDigest(bot, { sections, warnings });
}
