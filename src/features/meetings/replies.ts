import type { Bot } from "../../app/bot.ts";
import type { MessageListener } from "../../app/context.ts";
import { meetingRepliedTo } from "./commands.ts";
import { answerMeeting } from "./flows.ts";
import { loadMeeting } from "./service.ts";

/**
 * Answers typed as a reply to a meeting card: "参加", "请假 出差". Anything else in reply to the
 * card is left to other listeners (and so is not swallowed).
 */

const LEAVE = /^(?:我)?(?:请假|请个假)[\s,，:：。.、]*([\s\S]*)$/;
const ATTEND = /^(?:我)?(?:参加|参会|出席|到会|能参加|报名)[\s!！。.]*$/;

export function parseReplyAnswer(text: string): { rsvp: "attending" } | { rsvp: "leave"; reason: string } | undefined {
  const t = text.trim();
  const leave = LEAVE.exec(t);
  if (leave) return { rsvp: "leave", reason: leave[1]!.trim() };
  if (ATTEND.test(t)) return { rsvp: "attending" };
  return undefined;
}

const onReply: MessageListener = async (ctx) => {
  const { message, tx, org, actor } = ctx;
  if (message.chatType !== "group" || !org || (!message.parentId && !message.rootId)) return false;
  const answer = parseReplyAnswer(message.text);
  if (!answer) return false;
  const meetingId = await meetingRepliedTo(tx, message);
  const meeting = meetingId ? await loadMeeting(tx, meetingId) : undefined;
  if (!meeting || meeting.orgId !== org.id) return false;
  if (!actor) {
    await ctx.reply("您不在本支部的成员名单中，无需回复。");
    return true;
  }
  if (answer.rsvp === "leave" && !answer.reason) {
    await ctx.reply("请假需要写明事由，请回复例如：请假 出差");
    return true;
  }
  const result = await answerMeeting(tx, ctx.out, org, meeting, actor.memberId, answer.rsvp, answer.rsvp === "leave" ? answer.reason : undefined, ctx.now);
  await ctx.reply(result.message);
  return true;
};

export function registerMeetingReplies(bot: Bot): void {
  bot.onMessage(onReply);
}
