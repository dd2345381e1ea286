import { UsageError, type ActionContext } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { clip } from "../../app/args.ts";
import { renderCard } from "../../app/cards.ts";
import { dayLabel, dayOf, parsePickedDay } from "../rectification/dates.ts";
import { logStudy, memberYear } from "./service.ts";
import { hours, logCardData, progressLine } from "./views.ts";

const ALLOWED_TENTHS = new Set([5, 10, 15, 20, 30, 40, 80]);

function who(ctx: ActionContext) {
  if (!ctx.org || !ctx.actor || ctx.org.kind !== "branch") throw new UsageError("您不在这个支部的成员名单中，操作未执行。");
  return { org: ctx.org, member: { id: ctx.actor.memberId, orgId: ctx.org.id, post: ctx.actor.post } };
}

/** The filled form: checked field by field, each refusal says what to fix; one entry per card. */
function readForm(form: Record<string, unknown>, today: string) {
  const title = typeof form.title === "string" ? clip(form.title.trim(), 60) : "";
  if (!title) throw new UsageError("请写上学了什么，例如：学习《中国共产党纪律处分条例》第一编。");
  const tenths = Number(form.hours);
  if (!ALLOWED_TENTHS.has(tenths)) throw new UsageError("请选择学时。");
  const day = parsePickedDay(form.day) ?? (form.day === undefined ? today : undefined);
  if (!day) throw new UsageError("学习日期不是有效的日期，请重新选择。");
  if (day > today) throw new UsageError(`学习日期不能晚于今天（${dayLabel(today)}），请重新选择。`);
  if (Number(day.slice(0, 4)) < Number(today.slice(0, 4)) - 1) throw new UsageError("只能登记今年和去年的学习，请重新选择日期。");
  const note = typeof form.note === "string" && form.note.trim() ? clip(form.note.trim(), 200) : undefined;
  return { title, tenths, day, note };
}

async function logAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, member } = who(ctx);
  const key = typeof ctx.value.k === "string" ? ctx.value.k.slice(0, 64) : "";
  // The key was minted for this organisation's card (logCardData): another's is a forged card.
  if (!key.startsWith(`${org.id}.`)) throw new UsageError("这张卡片已失效，请重新发送 /学习。");
  const today = dayOf(ctx.now, org.timezone);
  const logged = await logStudy(ctx.tx, member, { ...readForm(ctx.form, today), cardKey: key }, ctx.now);
  if (!logged) throw new UsageError("这张卡片已失效，请重新发送 /学习。");
  const { entry, already } = logged;
  const year = await memberYear(ctx.tx, member, entry.year, org.timezone);
  return {
    toast: { type: "success", content: already ? "这条已经记下了" : "已记下" },
    card: renderCard("study-logged", { orgId: org.id, seqNo: entry.seqNo, line: `${dayLabel(entry.studiedOn, today)} ${entry.title} ${hours(entry.tenths)} 学时`, progress: progressLine(year) }),
  };
}

async function formAction(ctx: ActionContext): Promise<CardResponse> {
  const { org, member } = who(ctx);
  const today = dayOf(ctx.now, org.timezone);
  return { card: renderCard("study-log", logCardData(org.id, today, await memberYear(ctx.tx, member, Number(today.slice(0, 4)), org.timezone))) };
}

export const studyActions = [
  { name: "study.log", permission: "member" as const, access: "本人（私聊卡片）", run: logAction },
  { name: "study.form", permission: "member" as const, access: "本人（私聊卡片）", run: formAction },
];
