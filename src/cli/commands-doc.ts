import { readFileSync, writeFileSync } from "node:fs";
import { Bot } from "../app/bot.ts";
import type { CommandDef } from "../app/context.ts";
import { createLogger } from "../core/log.ts";
import { registerFeatures } from "../features/index.ts";

/**
 * `npm run docs:commands`: rewrites the README's command reference from the registered commands,
 * so the reference (and the authorisation test that reads it) never drifts from the code.
 */
export const PERMISSION_TEXT: Record<CommandDef["permission"], string> = {
  anyone: "所有人",
  member: "党员（正式、预备）",
  committee: "支委（书记、副书记、委员）",
  secretary: "书记、副书记",
};

export const SCOPE_TEXT: Record<CommandDef["scope"], string> = {
  any: "任意（群聊或私聊）",
  branch: "支部群",
  committee: "党委群",
  org: "支部群或党委群（私聊时按本人所在组织）",
};

const escape = (s: string) => s.replace(/\|/g, "\\|");

export function commandBot(): Bot {
  const bot = new Bot({ log: createLogger("silent"), now: () => new Date(), timezone: "Asia/Shanghai" });
  registerFeatures(bot, { directory: { chatMembers: async () => [] } });
  return bot;
}

export function commandTable(bot: Bot): string {
  const rows = bot.allCommands().map((c) =>
    `| \`/${c.name}\` | ${c.aliases.map((a) => `\`/${a}\``).join(" ")} | ${PERMISSION_TEXT[c.permission]} | ${SCOPE_TEXT[c.scope]} | ${escape(c.summary)} | \`${escape(c.example)}\` |`,
  );
  return ["| 命令 | 别名 | 谁可以用 | 在哪里用 | 作用 | 示例 |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

const START = "<!-- commands:start -->";
const END = "<!-- commands:end -->";

export function withCommandTable(readme: string, table: string): string {
  const i = readme.indexOf(START);
  const j = readme.indexOf(END);
  if (i < 0 || j < i) throw new Error("README.md has no commands:start/commands:end markers");
  return `${readme.slice(0, i + START.length)}\n${table}\n${readme.slice(j)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync("README.md", "utf8");
  writeFileSync("README.md", withCommandTable(readme, commandTable(commandBot())));
  console.log("README.md command reference updated");
}
