import type { Bot } from "../../app/bot.ts";
import type { DigestSections } from "../digest/index.ts";
import { studyActions } from "./actions.ts";
import { studyCommand } from "./commands.ts";
import { studySection } from "./digest.ts";
import { registerStudyReminders } from "./reminders.ts";

/** 学时: a private, voluntary study log; the branch sees coverage only (issue #18 item 1). */
export function registerStudy(bot: Bot, deps: { sections: DigestSections }): void {
  bot.command({
    name: "学习", aliases: ["study"], group: "学习",
    summary: "私聊记录学习、查看自己的学时；书记查看支部达到年度学时要求的人数",
    usage: "/学习 [我的 | 撤销 编号 | 提醒 开/关 | 统计]", example: "/学习 我的",
    permission: "member", scope: "any",
    access: "记录、我的、撤销、提醒：党员本人，在私聊中；统计：书记、副书记（只有人数，不列姓名）",
    run: studyCommand,
  });
  for (const a of studyActions) bot.action(a);
  deps.sections.register(studySection);
  registerStudyReminders(bot);
}
