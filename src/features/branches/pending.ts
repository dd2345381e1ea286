import type { Tx } from "../../db/client.ts";
import { UsageError, type ActionContext, type OrgInfo } from "../../app/context.ts";
import type { CardResponse } from "../../app/inbound.ts";
import { renderCard } from "../../app/cards.ts";
import type { Outbox } from "../../app/outbox.ts";
import { parsePickedDay, dayOf } from "../rectification/dates.ts";
import { changeRole, ROLE_WORDS } from "./service.ts";

/**
 * 待确认 members (domain.md §1.4, §4.5): whoever joins the chat is listed but counted in nothing
 * until the secretary says who they are. One private card lists everyone still pending; the
 * secretary picks 正式党员, 预备党员 (with the admission date: the 预备期 counts from it) or 非党员.
 */

/** People per card: three inputs each keeps the card far below 200 components and 30 KB. */
const PER_CARD = 15;

const CLASS_WORDS = { full: "正式党员", probationary: "预备党员", non_member: "非党员" } as const;

export async function pendingMembers(tx: Tx, orgId: number) {
  return tx.member.findMany({ where: { orgId, active: true, memberClass: "pending" }, orderBy: { id: "asc" }, select: { id: true, openId: true, name: true } });
}

export function classifyCardData(org: OrgInfo, pending: Array<{ id: number; name: string }>, notice = "") {
  const shown = pending.slice(0, PER_CARD);
  return {
    orgName: org.name, orgId: org.id, notice,
    intro: pending.length
      ? `以下 ${pending.length} 位同志已进群，身份待确认。确认前他们不计入应到人数、法定人数、表决和任何统计，签到也不计数。请逐一选择身份；预备党员请填写支部党员大会接收的日期（预备期从这天算起）。`
      : "",
    more: pending.length > PER_CARD ? `还有 ${pending.length - PER_CARD} 位，保存这一批后会列出。` : "",
    people: shown.map((m) => ({ memberId: m.id, name: m.name })),
    empty: pending.length === 0,
  };
}

/** Asks the secretary (and deputy) privately; called when someone new became pending. */
export async function askToClassify(tx: Tx, out: Outbox, org: OrgInfo): Promise<void> {
  const pending = await pendingMembers(tx, org.id);
  if (!pending.length) return;
  const secretaries = await tx.member.findMany({ where: { orgId: org.id, active: true, post: { in: ["secretary", "deputy_secretary"] } } });
  for (const s of secretaries) await out.card({ openId: s.openId }, "roster-pending", classifyCardData(org, pending));
}

export async function classifyAction(ctx: ActionContext): Promise<CardResponse> {
  const org = ctx.org!;
  const pending = (await pendingMembers(ctx.tx, org.id)).slice(0, PER_CARD);
  const today = dayOf(ctx.now, org.timezone);
  const done: string[] = [];
  for (const m of pending) {
    const chosen = ctx.form[`class_${m.id}`];
    if (chosen === undefined || chosen === "") continue;
    if (typeof chosen !== "string" || !(chosen in CLASS_WORDS)) throw new UsageError(`${m.name}：请选择正式党员、预备党员或非党员。`);
    const word = CLASS_WORDS[chosen as keyof typeof CLASS_WORDS];
    const admitted = chosen === "probationary" ? parsePickedDay(ctx.form[`admitted_${m.id}`]) : undefined;
    if (chosen === "probationary" && !admitted) throw new UsageError(`${m.name}：预备党员请选择支部党员大会接收的日期（这一页没有保存）。`);
    await changeRole(ctx.tx, org, m, ROLE_WORDS[word]!, ctx.now, admitted ?? today);
    done.push(`${m.name}：${word}${admitted ? `（${admitted} 接收）` : ""}`);
  }
  if (!done.length) throw new UsageError("请至少为一位同志选择身份。");
  const rest = await pendingMembers(ctx.tx, org.id);
  const notice = `已确认 ${done.length} 位：${done.join("；")}。`;
  return { toast: { type: "success", content: `已确认 ${done.length} 位同志的身份` }, card: renderCard("roster-pending", classifyCardData(org, rest, notice)) };
}
