import type { Bot } from "../../app/bot.ts";
import type { CommandContext, CommandDef } from "../../app/context.ts";
import { roleLabel } from "../../app/roles.ts";

const BADGE: Record<CommandDef["permission"], string> = {
  anyone: "",
  member: "",
  committee: " <font color='orange'>支委</font>",
  secretary: " <font color='red'>书记</font>",
};

/** Help lists every registered command, grouped, with one example each. */
export function helpCardData(bot: Bot, ctx: Pick<CommandContext, "org" | "actor">) {
  const groups = new Map<string, CommandDef[]>();
  for (const c of bot.allCommands()) {
    if (ctx.org && c.scope === "branch" && ctx.org.kind !== "branch") continue;
    if (ctx.org && c.scope === "committee" && ctx.org.kind !== "committee") continue;
    groups.set(c.group, [...(groups.get(c.group) ?? []), c]);
  }
  const who = ctx.actor ? `您的身份：${roleLabel(ctx.actor)}` : "本群尚未绑定";
  return {
    orgLine: ctx.org ? `${ctx.org.name} · ${who}` : who,
    groups: [...groups.entries()].map(([title, commands]) => ({
      title,
      commands: commands.map((c) => ({ name: c.name, aliases: c.aliases[0] ?? "", summary: c.summary, example: c.example, badge: BADGE[c.permission] })),
    })),
  };
}

export function registerHelp(bot: Bot): void {
  bot.command({
    name: "帮助",
    aliases: ["help", "?"],
    group: "支部与成员",
    summary: "查看全部命令和示例",
    usage: "/帮助",
    example: "/帮助",
    permission: "anyone",
    scope: "any",
    run: (ctx) => ctx.replyCard("help", helpCardData(bot, ctx)),
  });
}
