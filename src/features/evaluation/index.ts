import type { Bot } from "../../app/bot.ts";
import type { DigestSections, WarningRules } from "../digest/index.ts";
import { EVALUATION_ACTIONS } from "./actions.ts";
import { EVALUATE_USAGE, evaluateCommand, STAR_EXAMPLE, starCommand } from "./commands.ts";
import { CLOSE_JOB, closeJob, REMIND_JOB, remindJob } from "./lifecycle.ts";
import { START_EXAMPLE } from "./rounds.ts";
import { appraisalRatioRule, appraisalYearStatus, evaluationSection, talkCoverageRule } from "./digest.ts";
import { setAppraisalStatus } from "../meetings/index.ts";
import { ORG_LIFE_ACTIONS } from "./org-life/actions.ts";
import { ORG_LIFE_EXAMPLE, ORG_LIFE_USAGE, orgLifeCommand } from "./org-life/commands.ts";
import { LOOKBACK_JOB, lookbackJob } from "./org-life/report.ts";

export const GROUP = "民主评议与组织生活会";

/** 民主评议党员 with 评星晋级, and 组织生活会 preparation (issue #6). */
export function registerEvaluation(bot: Bot, deps: { sections: DigestSections; warnings: WarningRules }): void {
  setAppraisalStatus(bot, appraisalYearStatus);
  deps.sections.register(evaluationSection);
  deps.warnings.register(appraisalRatioRule);
  deps.warnings.register(talkCoverageRule);
  bot
    .command({
      name: "评议", aliases: ["evaluate"], group: GROUP,
      summary: "民主评议党员：书记开始、查看进度；党员填写自评和匿名互评；支委组织评定",
      usage: EVALUATE_USAGE, example: START_EXAMPLE,
      // Each sub-command checks its own permission (开始/进度/延期/结束: 书记; 评定/处置: 支委; 填写/我的: 党员).
      permission: "anyone", scope: "any", run: evaluateCommand,
      access: "查看状态：所有人；开始、进度、延期、结束：书记、副书记；填写、我的：党员；评定、处置（仅评定为不合格的同志，按程序逐步记录）：支委",
    })
    .command({
      name: "评星", aliases: ["star"], group: GROUP,
      summary: "评星晋级记分（支委，私信）：记录加分、减分、否决项及佐证，查看某位同志的记分",
      usage: "/评星 [@成员]", example: STAR_EXAMPLE, permission: "committee", scope: "any", run: starCommand,
      access: "不能给自己记分；记分只私信发送，只有本人和支委能看到",
    })
    .command({
      name: "组织生活会", aliases: ["orglife"], group: GROUP,
      summary: "组织生活会：匿名征求意见、谈心谈话、对照检查材料、会后问题清单（生成整改事项）和整改承诺、向党委报告",
      usage: ORG_LIFE_USAGE, example: ORG_LIFE_EXAMPLE,
      // 提意见 and the status: everyone on the roster; the rest: 支委 (问题清单 also the meeting's recorder).
      permission: "anyone", scope: "any", run: orgLifeCommand,
      access: "查看准备情况：所有人；提意见：本支部名单上的人（含非党员）；征求意见、意见、谈心、会议、对照检查、整改承诺：支委；未交（私信名单）、报告：书记、副书记；问题清单：支委或本次组织生活会的记录人",
    });
  for (const action of [...EVALUATION_ACTIONS, ...ORG_LIFE_ACTIONS]) bot.action(action);
  bot.job(REMIND_JOB, remindJob);
  bot.job(CLOSE_JOB, closeJob);
  bot.job(LOOKBACK_JOB, lookbackJob);
}
