import type { Tx } from "../../db/client.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import { cancelJobs } from "../../app/jobs.ts";
import type { Actor } from "../../app/roles.ts";
import { isSecretary } from "../../app/roles.ts";
import type { Outbox } from "../../app/outbox.ts";
import { dayOf, localTime } from "../rectification/dates.ts";
import { createRectificationItem } from "../rectification/service.ts";
import { buildContent, isLesson, prefill, takesVotes, type MeetingFacts } from "./content.ts";
import { CAPS, GROW, layoutFor, parseForm, shrinkLayout, stateFromContent, unpackLayout, type FormState, type Layout } from "./form.ts";
import {
  confirmVersion, draftFor, dropDraft, ensureMinutes, linkAction, loadVersion, ownDraft, recordVersion, recorderOf, saveDraft, secretaryOf, unlinkedActions,
  type MinutesView,
} from "./service.ts";
import type { MinutesContent } from "./types.ts";
import { formCardData, formDoneData, recapCardData, recapRef, stamp } from "./view.ts";
import { CARD_SIZE_LIMIT, CardTooLargeError, renderCard, type Card } from "../../app/cards.ts";
import { announceRef, meetingTitle, toGroup } from "../meetings/view.ts";

/** The minutes workflow: open the form, save, grow, submit, confirm, amend. */

/** Every timed job of a record is keyed `minutes:<meetingId>:…`, so submission cancels them all. */
export const jobKeyPrefix = (meetingId: number) => `minutes:${meetingId}:`;

interface FormOpening {
  state: FormState;
  note?: string;
}

/** What the form starts from: the person's draft, else anyone's newest draft, else the current version, else the meeting. */
async function openingState(tx: Tx, f: MeetingFacts, minutes: MinutesView, memberId: number, amendment: boolean): Promise<FormOpening> {
  const draft = await draftFor(tx, f.meeting.id, memberId);
  const current = minutes.version > 0 ? await loadVersion(tx, minutes.id, minutes.version) : undefined;
  if (draft && (!amendment || draft.baseVersion === minutes.version)) {
    const tz = f.org.timezone;
    const whose = draft.own ? "您" : draft.authorName;
    const stale = current && draft.baseVersion < minutes.version ? `此后记录已提交到第 ${minutes.version} 版（${current.authorName}，${stamp(current.createdAt, tz)}），提交前请核对。` : "";
    return { state: draft.state, note: `已恢复${whose}于 ${stamp(draft.updatedAt, tz)} 保存的草稿。${stale}` };
  }
  if (current) return { state: stateFromContent(current.content) };
  return { state: prefill(f) };
}

const layoutOpts = (f: MeetingFacts) => ({ votes: takesVotes(f), lesson: isLesson(f) });

/** Room left for what a person may still add (error lines, a reason) before the card is redrawn. */
const GROWTH_MARGIN = 6 * 1024;

function tryRender(data: Record<string, unknown>): Card | undefined {
  try {
    return renderCard("minutes-form", data);
  } catch (err) {
    if (err instanceof CardTooLargeError) return undefined;
    throw err;
  }
}

export interface RenderedForm {
  card: Card;
  compact: boolean;
}

/**
 * Draws the form within Lark's 30 KB: with every saved text in its box if that fits, else with
 * long texts as previews (compact), else with only the slots that hold something. A list offers
 *「添加…」 only while one more slot would still fit. Undefined if even that is too large.
 */
export function renderForm(f: MeetingFacts, state: FormState, want: Layout, now: Date, amendment: boolean, extra: { errors?: string[]; note?: string } = {}): RenderedForm | undefined {
  const fits = (layout: Layout) => {
    const card = tryRender(formCardData(f, state, layout, { now, amendment, compact: true, ...extra }));
    return !!card && Buffer.byteLength(JSON.stringify(card)) <= CARD_SIZE_LIMIT - GROWTH_MARGIN;
  };
  const attempts: Array<{ layout: Layout; compact: boolean }> = [
    { layout: want, compact: false },
    { layout: want, compact: true },
    { layout: shrinkLayout(want, state), compact: true },
  ];
  for (const { layout, compact } of attempts) {
    const canGrow = (w: keyof Layout) => fits({ ...layout, [w]: Math.min(layout[w] + GROW[w], CAPS[w]) });
    const card = tryRender(formCardData(f, state, layout, { now, amendment, compact, canGrow, ...extra }));
    if (card) return { card, compact };
  }
  return undefined;
}

const TOO_LARGE = "记录内容太多，飞书卡片放不下全部栏目。已填写的内容都已保存为草稿；请把较长的讨论摘要放进飞书文档，在表单里只填文档链接。";

/** Sends the form privately to someone who may write the record. */
export async function sendForm(tx: Tx, out: Outbox, f: MeetingFacts, to: { memberId: number; openId: string }, now: Date, amendment = false): Promise<void> {
  const minutes = await ensureMinutes(tx, f.meeting, now);
  const { state, note } = await openingState(tx, f, minutes, to.memberId, amendment);
  const rendered = renderForm(f, state, layoutFor(state, layoutOpts(f)), now, amendment, { note });
  // A compact card keeps saved texts by leaving their boxes empty: they must be in the draft.
  if (!rendered || rendered.compact) await saveDraft(tx, f.meeting.id, to.memberId, state, minutes.version, now);
  if (rendered) await out.rawCard({ openId: to.openId }, rendered.card);
  else await out.text({ openId: to.openId }, `${meetingTitle(f.meeting)}：${TOO_LARGE}`);
}

// ───────────────────────────── the form's buttons ─────────────────────────────

export type FormOp = "save" | "more" | "submit";

export interface FormAnswer {
  /** The card that replaces the clicked one; undefined when it would be too large (the draft is saved). */
  card?: Card;
  toast: string;
  toastType: "success" | "info" | "warning" | "error";
}

export interface FormClick {
  op: FormOp;
  grow?: keyof Layout;
  layout: unknown;
  compact: boolean;
  amendment: boolean;
  form: Record<string, unknown>;
}

/**
 * One click on the form. The typed state is saved as a draft first, whatever else happens, so
 * nothing typed is lost; then it is grown, or checked and submitted.
 */
export async function handleFormClick(tx: Tx, out: Outbox, f: MeetingFacts, actor: Actor, click: FormClick, now: Date): Promise<FormAnswer> {
  const minutes = await ensureMinutes(tx, f.meeting, now);
  const previous = await ownDraft(tx, f.meeting.id, actor.memberId);
  const state = parseForm(click.form, unpackLayout(click.layout), previous, click.compact);
  await saveDraft(tx, f.meeting.id, actor.memberId, state, minutes.version, now);
  const amendment = minutes.status === "confirmed";
  const redraw = (toast: string, toastType: FormAnswer["toastType"], extra: { errors?: string[]; note?: string }, grow?: keyof Layout): FormAnswer => {
    const rendered = renderForm(f, state, layoutFor(state, layoutOpts(f), grow), now, amendment, extra);
    if (rendered) return { card: rendered.card, toast, toastType };
    const problems = extra.errors?.length ? `还需补充：${extra.errors.slice(0, 3).join("；")}。` : "";
    return { toast: `${problems}${TOO_LARGE}`, toastType: "warning" };
  };

  if (amendment && !isSecretary(actor)) {
    return redraw("记录已确认锁定，只有书记可以更正；内容已存为草稿。", "error", { note: "记录已由书记确认锁定，您填写的内容已存为草稿。如需更正，请联系书记发送 /纪要 #编号 更正。".replace("#编号", `#${f.meeting.seqNo}`) });
  }
  const lockedNote = amendment && !click.amendment ? "记录已由书记确认，本次提交将作为更正版本，请填写更正原因。" : undefined;
  if (click.op === "save") return redraw(`草稿已保存（${stamp(now, f.org.timezone)}）`, "success", { note: lockedNote });
  if (click.op === "more") return redraw("草稿已保存，已添加一栏", "info", { note: lockedNote }, click.grow);

  const current = minutes.version > 0 ? await loadVersion(tx, minutes.id, minutes.version) : undefined;
  const built = buildContent(f, state, { today: dayOf(now, f.org.timezone), previous: current?.content, amendment });
  if (!built.ok) {
    return redraw(`还不能提交：有 ${built.problems.length} 处需要补充或更正，详见卡片（已存为草稿）`, "error", { errors: built.problems, note: lockedNote });
  }
  const outcome = await recordVersion(tx, minutes, {
    content: built.content,
    author: { openId: actor.openId, name: actor.name },
    kind: amendment ? "amendment" : "submission",
    reason: amendment ? state.reason : undefined,
    now,
  });
  await dropDraft(tx, f.meeting.id, actor.memberId);
  const done = (lines: string[]) => renderCard("minutes-form", formDoneData(f.org, built.content, lines));
  if (outcome.kind === "unchanged") {
    const line = amendment ? `内容与第 ${outcome.version} 版相同，没有生成新版本。` : `记录与第 ${outcome.version} 版相同，无需重复提交。`;
    return { card: done([line]), toast: line, toastType: "info" };
  }
  const after = await ensureMinutes(tx, f.meeting, now);
  const lines = await afterSubmission(tx, out, f, after, built.content, actor, { amendment, reason: state.reason.trim(), first: outcome.first }, now);
  return { card: done(lines), toast: amendment ? `已更正为第 ${outcome.version} 版` : `记录已提交（第 ${outcome.version} 版）`, toastType: "success" };
}

/** The group sees the recap; the secretary is asked to confirm; reminders stop. */
async function afterSubmission(
  tx: Tx,
  out: Outbox,
  f: MeetingFacts,
  minutes: MinutesView,
  content: MinutesContent,
  actor: Actor,
  opts: { amendment: boolean; reason: string; first: boolean },
  now: Date,
): Promise<string[]> {
  const { org, meeting: m } = f;
  await cancelJobs(tx, jobKeyPrefix(m.id));
  await showRecap(tx, out, org, minutes, content, opts.amendment ? { version: minutes.version, reason: opts.reason } : undefined);
  const lines = [`已提交 #${m.seqNo} 的会议记录（第 ${minutes.version} 版），记录卡片已发到支部群。`];
  if (opts.amendment) {
    await toGroup(tx, out, org, m, `【记录更正】${content.meeting.title} 的会议记录已更正为第 ${minutes.version} 版（${actor.name}）。原因：${opts.reason}\n各版本均可查阅：/纪要 #${m.seqNo} 版本`);
    const created = await createActionItems(tx, org, minutes, content, actor.openId, now);
    lines.splice(0, 1, `已更正为第 ${minutes.version} 版，原版本保留可查。`, ...created);
    return lines;
  }
  const secretary = await secretaryOf(tx, org.id);
  if (secretary && secretary.openId !== actor.openId) {
    await out.text(
      { openId: secretary.openId },
      `【待确认】${actor.name} 提交了 ${content.meeting.title}（${stamp(new Date(content.meeting.startAt), org.timezone)}）的会议记录（第 ${minutes.version} 版）。请在支部群的记录卡片上点「确认记录」，或发送 /纪要 #${m.seqNo} 确认。`,
    );
  }
  lines.push(isSecretary(actor) ? `请在群里的记录卡片上点「确认记录」，或发送 /纪要 #${m.seqNo} 确认。` : `已请书记确认；确认前如需修改，可发送 /纪要 #${m.seqNo} 重新打开表单。`);
  return lines;
}

/** Posts the recap the first time, afterwards keeps the one card current. */
export async function showRecap(tx: Tx, out: Outbox, org: OrgInfo, minutes: MinutesView, content: MinutesContent, amendment?: { version: number; reason: string | null }): Promise<void> {
  const confirmedByName = minutes.confirmedBy ? (await tx.member.findFirst({ where: { orgId: org.id, openId: minutes.confirmedBy } }))?.name : undefined;
  const data = recapCardData(org, content, minutes, { confirmedByName, amendment });
  const cardRef = recapRef(minutes.meetingId);
  if (await out.patchCard(cardRef, "minutes-recap", data)) return;
  // The first recap goes under the meeting's announcement, where the group discussed it.
  const announcement = await tx.sentCard.findUnique({ where: { cardRef: announceRef(minutes.meetingId) } });
  if (announcement) await out.replyCard(org.chatId, announcement.messageId, "minutes-recap", data, { cardRef });
  else await out.card({ chatId: org.chatId }, "minutes-recap", data, { cardRef });
}

// ───────────────────────────── confirmation ─────────────────────────────

export interface ConfirmResult {
  ok: boolean;
  message: string;
}

/** The secretary confirms the version shown; follow-up actions become tracked items. */
export async function confirmRecord(tx: Tx, out: Outbox, f: MeetingFacts, actor: Actor, version: number | undefined, now: Date): Promise<ConfirmResult> {
  const minutes = await ensureMinutes(tx, f.meeting, now);
  const outcome = await confirmVersion(tx, minutes, version ?? minutes.version, actor.openId, now);
  const title = `#${f.meeting.seqNo}`;
  if (outcome === "not_submitted") return { ok: false, message: `${title} 的会议记录还没有提交，无法确认。` };
  if (outcome === "already") return { ok: true, message: `${title} 的会议记录已经确认过了（第 ${minutes.confirmedVersion ?? minutes.version} 版）。` };
  if (outcome === "stale") return { ok: false, message: `记录已更新为第 ${minutes.version} 版，请查看最新的记录卡片后再确认（发送 /纪要 ${title}）。` };
  const confirmed = await ensureMinutes(tx, f.meeting, now);
  const current = (await loadVersion(tx, minutes.id, confirmed.version))!;
  await showRecap(tx, out, f.org, confirmed, current.content);
  const created = await createActionItems(tx, f.org, confirmed, current.content, actor.openId, now);
  // The recorder sees the confirmation on the recap card in the group (已由 … 确认): no separate
  // message for it (issue #22: every call counts).
  return { ok: true, message: [`已确认 ${title} 的会议记录（第 ${confirmed.version} 版），记录已锁定。`, ...created].join("\n") };
}

/**
 * Turns follow-up actions not yet tracked into rectification items (source 会议决定跟进), once
 * the record is confirmed. A deadline that passed before confirmation becomes today, and says so.
 */
async function createActionItems(tx: Tx, org: OrgInfo, minutes: MinutesView, content: MinutesContent, by: string, now: Date): Promise<string[]> {
  const today = dayOf(now, org.timezone);
  const notes: string[] = [];
  const made: string[] = [];
  for (const action of await unlinkedActions(tx, minutes.id)) {
    if (!action.owner.active) {
      notes.push(`事项「${action.text}」的责任人 ${action.owner.name} 已不在本支部，未转为跟进事项，请更正记录后再确认。`);
      continue;
    }
    const due = action.dueOn < today ? today : action.dueOn;
    if (due !== action.dueOn) notes.push(`事项「${action.text}」原定 ${action.dueOn} 完成，确认时已过期，跟进期限按今天记。`);
    try {
      const item = await createRectificationItem(tx, {
        orgId: org.id,
        source: "minutes",
        sourceRef: `meeting:${minutes.meetingId}`,
        scope: "branch",
        problem: `${content.meeting.title}确定的事项：${action.text}`,
        ownerMemberId: action.ownerId,
        dueDate: localTime(due, "12:00", org.timezone),
        createdBy: by,
        now,
      });
      await linkAction(tx, action.id, item.id);
      made.push(`#${item.seqNo}`);
    } catch (err) {
      // The service refuses before writing anything, so the rest of the confirmation stands.
      if (!(err instanceof UsageError)) throw err;
      notes.push(`事项「${action.text}」未能转为跟进事项：${err.message}`);
    }
  }
  if (made.length) notes.unshift(`后续事项已转为跟进事项 ${made.join("、")}，到期前会提醒责任人（/整改 查看）。`);
  return notes;
}
