import type { Tx } from "../../db/client.ts";
import { UsageError } from "../../app/context.ts";
import { Outbox } from "../../app/outbox.ts";
import { addDays, dayOf } from "./dates.ts";
import { sourceLabel, type Disclosure, type RectificationScope, type RectificationSource } from "./labels.ts";
import { BOT_ACTOR, loadItem, recordEvent, secretaryOf } from "./model.ts";
import { sendItemCard } from "./notify.ts";
import { scheduleReminders } from "./reminders.ts";

export { BOT_ACTOR };

/** A deadline nobody gave: the item still gets one, so it is reminded and can go overdue. */
export const DEFAULT_DUE_DAYS = 30;

export interface NewRectificationItem {
  orgId: number;
  source: RectificationSource;
  /** Where it came from, e.g. "meeting:12" or "appraisal:2026:7". */
  sourceRef?: string;
  scope: RectificationScope;
  problem: string;
  measures?: string;
  category?: string;
  /** 责任人 (Member id in the organisation). Branch-level items default to the secretary. */
  ownerMemberId?: number;
  /** 验收人 (Member id, may be in the parent committee). Defaults to the secretary, never the owner. */
  verifierMemberId?: number;
  /** The deadline's calendar day is read in the organisation's time zone. */
  dueDate?: Date | null;
  longTerm?: boolean;
  /** Who may see it in the group; defaults to "branch" for branch-level items, "private" otherwise. */
  disclosure?: Disclosure;
  /** Open id of the person who recorded it, or "bot". */
  createdBy: string;
  now: Date;
}

/**
 * Records a rectification item from any source, tells the owner privately (and the verifier),
 * and schedules its reminders, all in the caller's transaction. Other features (minutes,
 * appraisal, organisational-life meeting) call this.
 */
export async function createRectificationItem(tx: Tx, input: NewRectificationItem): Promise<{ id: number; seqNo: number }> {
  const org = await tx.partyOrg.findUnique({ where: { id: input.orgId } });
  if (!org) throw new Error(`createRectificationItem: no organisation ${input.orgId}`);
  const problem = input.problem.trim();
  if (!problem) throw new UsageError("整改问题不能为空，请写明具体问题。", "/整改 新增 @张三 下月底 学习笔记不完整");
  const owner = await resolveOwner(tx, org.id, input.scope, input.ownerMemberId);
  const verifier = await resolveVerifier(tx, org, owner, input.verifierMemberId);
  const today = dayOf(input.now, org.timezone);
  const longTerm = input.longTerm === true;
  const dueOn = longTerm ? null : input.dueDate ? dayOf(input.dueDate, org.timezone) : addDays(today, DEFAULT_DUE_DAYS);
  if (dueOn && dueOn < today) throw new UsageError(`整改期限 ${dueOn} 已经过去，请给一个今天或以后的日期。`, "/整改 新增 @张三 下月底 学习笔记不完整");
  const seqNo = await takeItemNo(tx, org.id);
  const item = await tx.rectificationItem.create({
    data: {
      orgId: org.id,
      seqNo,
      source: input.source,
      sourceRef: input.sourceRef ?? null,
      scope: input.scope,
      problem,
      measures: input.measures?.trim() || null,
      category: input.category?.trim() || null,
      ownerId: owner.id,
      verifierId: verifier?.id ?? null,
      dueOn,
      longTerm,
      disclosure: input.disclosure ?? (input.scope === "branch" ? "branch" : "private"),
      createdBy: input.createdBy,
      createdAt: input.now,
      updatedAt: input.now,
    },
  });
  const defaulted = !longTerm && !input.dueDate ? `未给期限，默认 ${DEFAULT_DUE_DAYS} 天` : undefined;
  await recordEvent(tx, item.id, { actorOpenId: input.createdBy, orgId: org.id, action: "created", toStatus: "pending", comment: defaulted, at: input.now });
  const full = await loadItem(tx, item.id);
  const out = new Outbox(tx, org.id);
  await sendItemCard(tx, out, full, owner.openId, input.now, { banner: `您有一项新的整改事项（来源：${sourceLabel(full.source)}），请按期整改并提交佐证材料。`, cardRef: `rect:${item.id}:assigned` });
  if (verifier && verifier.openId !== input.createdBy && verifier.openId !== owner.openId) {
    await out.text({ openId: verifier.openId }, `您是「${org.name}」整改事项 #${seqNo}（责任人：${owner.name}）的验收人。责任人提交验收后，我会把佐证材料发给您。\n问题：${problem}`);
  }
  await scheduleReminders(tx, full, input.now);
  return { id: item.id, seqNo };
}

async function takeItemNo(tx: Tx, orgId: number): Promise<number> {
  const s = await tx.rectificationSettings.upsert({ where: { orgId }, create: { orgId, nextItemNo: 2 }, update: { nextItemNo: { increment: 1 } } });
  return s.nextItemNo - 1;
}

async function resolveOwner(tx: Tx, orgId: number, scope: RectificationScope, ownerMemberId?: number) {
  if (ownerMemberId !== undefined) {
    const m = await tx.member.findUnique({ where: { id: ownerMemberId } });
    if (!m || m.orgId !== orgId || !m.active) throw new UsageError("责任人不在本支部的成员名单中（需要先在群里）。");
    if (m.memberClass === "non_member") throw new UsageError(`${m.name} 是非党员（列席），不能作为整改事项的责任人。`);
    if (m.memberClass === "pending") throw new UsageError(`${m.name} 的身份还待书记确认，确认为党员后才能作为整改事项的责任人。`);
    return m;
  }
  if (scope !== "branch") throw new UsageError("个人或支委委员的整改事项需要指定责任人（请 @ 责任人）。", "/整改 新增 @张三 下月底 学习笔记不完整");
  const secretary = await secretaryOf(tx, orgId);
  if (!secretary) throw new UsageError("本组织还没有书记，无法确定支部层面事项的责任人。请先用 /角色 设置书记，或 @ 一位责任人。");
  return secretary;
}


/**
 * The verifier: the one named, else the secretary; for the secretary's own items the deputy,
 * the discipline officer, another committee member, or the parent committee's secretary.
 * Self-report is never closure, so the owner is never their own verifier.
 */
async function resolveVerifier(tx: Tx, org: { id: number; parentId: number | null }, owner: { id: number; openId: string }, verifierMemberId?: number) {
  if (verifierMemberId !== undefined) {
    const v = await tx.member.findUnique({ where: { id: verifierMemberId } });
    if (!v || !v.active) throw new UsageError("验收人不在成员名单中。");
    if (v.openId === owner.openId) throw new UsageError("验收人不能是责任人本人：自己报告完成不算销号。请另选验收人。");
    return v;
  }
  const committee = await tx.member.findMany({ where: { orgId: org.id, active: true, post: { not: null }, NOT: { openId: owner.openId } }, orderBy: { id: "asc" } });
  const rank = (m: { post: string | null; committeeDuty: string | null }) =>
    m.post === "secretary" ? 0 : m.post === "deputy_secretary" ? 1 : m.committeeDuty === "discipline" ? 2 : 3;
  const local = committee.sort((a, b) => rank(a) - rank(b))[0];
  if (local) return local;
  if (org.parentId) {
    const upper = await secretaryOf(tx, org.parentId);
    if (upper && upper.openId !== owner.openId) return upper;
  }
  return undefined;
}
