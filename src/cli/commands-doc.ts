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

/** Table cells: a pipe would end the cell, a line break the row. */
const escape = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function commandBot(): Bot {
  const bot = new Bot({ log: createLogger("silent"), now: () => new Date(), timezone: "Asia/Shanghai" });
  registerFeatures(bot, { directory: { chatMembers: async () => [] } });
  return bot;
}

/** 谁可以用: the coarse permission the core checks, then the finer rules the command applies itself. */
export function whoMay(def: Pick<CommandDef, "permission" | "access">): string {
  return escape(def.access ? `${PERMISSION_TEXT[def.permission]}<br>细则：${def.access}` : PERMISSION_TEXT[def.permission]);
}

export function commandTable(bot: Bot): string {
  const rows = bot.allCommands().map((c) =>
    `| \`/${c.name}\` | ${c.aliases.map((a) => `\`/${a}\``).join(" ")} | ${whoMay(c)} | ${SCOPE_TEXT[c.scope]} | ${escape(c.summary)} | \`${escape(c.example)}\` |`,
  );
  return ["| 命令 | 别名 | 谁可以用 | 在哪里用 | 作用 | 示例 |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
}

/** Card buttons: the name in the callback value, the core's check, and who may press it in practice. */
export function actionTable(bot: Bot): string {
  const rows = [...bot.allActions()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((a) => `| \`${a.name}\` | ${PERMISSION_TEXT[a.permission]} | ${escape(a.access ?? PERMISSION_TEXT[a.permission])} |`);
  return ["| 卡片操作 | 基本权限 | 按钮与实际可以操作的人 |", "| --- | --- | --- |", ...rows].join("\n");
}

const COMMANDS = ["<!-- commands:start -->", "<!-- commands:end -->"] as const;
const ACTIONS = ["<!-- actions:start -->", "<!-- actions:end -->"] as const;

function withSection(readme: string, [start, end]: readonly [string, string], table: string): string {
  const i = readme.indexOf(start);
  const j = readme.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} … ${end} markers`);
  return `${readme.slice(0, i + start.length)}\n${table}\n${readme.slice(j)}`;
}

export function withCommandTable(readme: string, table: string): string {
  return withSection(readme, COMMANDS, table);
}

export function withActionTable(readme: string, table: string): string {
  return withSection(readme, ACTIONS, table);
}

/** The README with both reference tables as the registered commands and actions say. */
export function withReference(readme: string, bot: Bot): string {
  return withActionTable(withCommandTable(readme, commandTable(bot)), actionTable(bot));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync("README.md", "utf8");
  writeFileSync("README.md", withReference(readme, commandBot()));
  console.log("README.md command and card action reference updated");
}
