import type { Tx } from "../../db/client.ts";
import { PermissionError, UsageError } from "../../app/context.ts";
import type { Outbox } from "../../app/outbox.ts";
import type { ItemRole } from "./access.ts";
import { addDays, dayLabel, dayOf } from "./dates.ts";
import { short, statusLabel } from "./labels.ts";
import { loadItem, recordEvent, secretaryOf, setStatus, visibleInGroup, type ItemFull } from "./model.ts";
import { sendItemCard } from "./notify.ts";
import { cancelAllReminders, rescheduleReminders, scheduleVerifyReminder } from "./reminders.ts";

/** Days a reopened item (spot-check found the closure 不实) gets to be put right again. */
export const REOPEN_DAYS = 30;

export interface EvidenceInput {
  kind: "text" | "link" | "image" | "file";
  content?: string;
  fileKey?: string;
  imageKey?: string;
  fileName?: string;
  /** The chat message it came from (a redelivery never attaches twice). */
  messageId?: string;
  /** An upload already stored while its owner chose the item: attach that row. */
  uploadId?: number;
}

/** A note is a link when it is nothing but a URL. */
export function noteAsEvidence(note: string): EvidenceInput {
  const text = note.trim();
  return /^https?:\/\/\S+$/i.test(text) ? { kind: "link", content: text } : { kind: "text", content: text };
}

function requireReport(item: ItemFull, role: ItemRole): void {
  if (!role.canReport) {
    throw new PermissionError(`只有责任人${item.scope === "branch" ? "或支委" : ""}可以报告整改事项 #${item.seqNo} 的进展。`);
  }
  if (item.status === "done") throw new UsageError(`整改事项 #${item.seqNo} 已验收销号，无需再报告。`);
}

function requireVerify(item: ItemFull, role: ItemRole): void {
  if (role.isOwner) throw new PermissionError("责任人不能验收自己的整改事项：自己报告完成不算销号，需由验收人核验。");
  if (!role.canVerify) throw new PermissionError(`整改事项 #${item.seqNo} 由${item.verifier?.name ?? "书记"}验收，您不能验收。`);
  if (item.status !== "submitted") throw new UsageError(`整改事项 #${item.seqNo} 当前为「${statusLabel(item.status)}」，责任人提交验收后才能验收或退回。`);
}

/** pending / returned → in_progress once the owner starts reporting. */
function startedStatus(status: string): "in_progress" | undefined {
  return status === "pending" || status === "returned" ? "in_progress" : undefined;
}

export async function reportProgress(tx: Tx, item: ItemFull, role: ItemRole, note: string, now: Date): Promise<string> {
  requireReport(item, role);
  const text = note.trim();
  if (!text) throw new UsageError("请写明整改进展。", `/整改 #${item.seqNo} 进展 已补写 2 月学习心得`);
  if (item.status === "submitted") throw new UsageError(`整改事项 #${item.seqNo} 已提交验收，等待验收人核验。如需补充材料，可继续发送佐证。`);
  const to = startedStatus(item.status);
  if (to) await setStatus(tx, item, to, { actorOpenId: role.openId, action: "progress", comment: text, at: now });
  else {
    await recordEvent(tx, item.id, { actorOpenId: role.openId, orgId: item.orgId, action: "progress", comment: text, at: now });
    await tx.rectificationItem.update({ where: { id: item.id }, data: { updatedAt: now } });
  }
  return `已记录整改事项 #${item.seqNo} 的进展。`;
}

export async function addEvidence(tx: Tx, item: ItemFull, role: ItemRole, ev: EvidenceInput, now: Date, uploaderName: string): Promise<string> {
  requireReport(item, role);
  if ((ev.kind === "text" || ev.kind === "link") && !ev.content?.trim()) {
    throw new UsageError("请写明佐证内容（文字说明或链接），或直接把图片、文件发给我。", `/整改 #${item.seqNo} 佐证 https://example.com/学习心得`);
  }
  if (ev.uploadId !== undefined) await tx.rectificationEvidence.update({ where: { id: ev.uploadId }, data: { itemId: item.id } });
  else {
    await tx.rectificationEvidence.create({
      data: {
        itemId: item.id, kind: ev.kind, content: ev.content?.trim() ?? null, fileKey: ev.fileKey ?? null, imageKey: ev.imageKey ?? null,
        fileName: ev.fileName ?? null, messageId: ev.messageId ?? null, uploadedBy: role.openId, uploaderName, at: now,
      },
    });
  }
  const what = ev.kind === "image" ? "图片" : ev.kind === "file" ? `文件「${ev.fileName ?? "未命名"}」` : ev.kind === "link" ? "链接" : "文字说明";
  const to = startedStatus(item.status);
  if (to) await setStatus(tx, item, to, { actorOpenId: role.openId, action: "evidence", comment: what, at: now });
  else {
    await recordEvent(tx, item.id, { actorOpenId: role.openId, orgId: item.orgId, action: "evidence", comment: what, at: now });
    await tx.rectificationItem.update({ where: { id: item.id }, data: { updatedAt: now } });
  }
  return `已将${what}作为佐证附到整改事项 #${item.seqNo}「${short(item.problem)}」。`;
}

export async function submitForVerification(tx: Tx, out: Outbox, item: ItemFull, role: ItemRole, note: string, now: Date, uploaderName: string): Promise<string> {
  if (!role.isOwner) throw new PermissionError(`只有责任人${item.owner?.name ?? ""}可以提交验收。`);
  requireReport(item, role);
  if (item.status === "submitted") return `整改事项 #${item.seqNo} 已提交验收，正在等待验收人核验。`;
  if (note.trim()) await addEvidence(tx, item, role, noteAsEvidence(note), now, uploaderName);
  const count = await tx.rectificationEvidence.count({ where: { itemId: item.id } });
  if (count === 0) {
    throw new UsageError("提交验收前请至少提供一份佐证材料：文字说明、链接，或直接把图片、文件发给我。", `/整改 #${item.seqNo} 提交 已补写 2 月学习心得并交党小组长审阅`);
  }
  const fresh = await loadItem(tx, item.id);
  await setStatus(tx, fresh, "submitted", { actorOpenId: role.openId, action: "submitted", at: now, data: { submittedAt: now } });
  const submitted = await loadItem(tx, item.id);
  const verifier = submitted.verifier ?? (await secretaryOf(tx, item.orgId));
  if (verifier && verifier.openId !== role.openId) {
    await sendItemCard(tx, out, submitted, verifier.openId, now, {
      banner: `📋 ${submitted.owner?.name ?? "责任人"} 已提交整改完成情况，请核验佐证材料后验收或退回。`,
      cardRef: `rect:${item.id}:submitted:${now.getTime()}`,
    });
  }
  await scheduleVerifyReminder(tx, submitted, now);
  return `整改事项 #${item.seqNo} 已提交验收，等待${verifier ? ` ${verifier.name} ` : "验收人"}核验。验收通过才算整改完成。`;
}

export async function acceptItem(tx: Tx, out: Outbox, item: ItemFull, role: ItemRole, comment: string, now: Date): Promise<string> {
  // A repeated click by the verifier is answered kindly; anyone else is refused as before closing.
  if (item.status === "done" && role.canVerify) return `整改事项 #${item.seqNo} 已验收销号。`;
  requireVerify(item, role);
  await setStatus(tx, item, "done", { actorOpenId: role.openId, action: "accepted", comment: comment.trim() || null, at: now, data: { closedAt: now, closedBy: role.openId } });
  await cancelAllReminders(tx, item.id);
  const o = out.forOrg(item.orgId);
  if (item.owner) {
    await o.text({ openId: item.owner.openId }, `您的整改事项 #${item.seqNo}「${short(item.problem)}」已验收通过，销号。${comment.trim() ? `\n验收意见：${comment.trim()}` : ""}`);
  }
  if (visibleInGroup(item)) await o.text({ chatId: item.org.chatId }, `整改事项 #${item.seqNo}「${short(item.problem)}」已验收销号。`);
  return `整改事项 #${item.seqNo} 已验收通过，销号。`;
}

export async function returnItem(tx: Tx, out: Outbox, item: ItemFull, role: ItemRole, comment: string, now: Date): Promise<string> {
  requireVerify(item, role);
  const text = comment.trim();
  if (!text) throw new UsageError("退回时请填写意见，说明还需要整改或补充什么。", `/整改 #${item.seqNo} 退回 心得未结合本人问题，请补充`);
  await setStatus(tx, item, "returned", { actorOpenId: role.openId, action: "returned", comment: text, at: now, data: { submittedAt: null } });
  if (item.owner) {
    await sendItemCard(tx, out, await loadItem(tx, item.id), item.owner.openId, now, {
      banner: `↩️ 验收人退回了本事项：${text}`,
      cardRef: `rect:${item.id}:returned:${now.getTime()}`,
    });
  }
  return `已退回整改事项 #${item.seqNo}，并把意见私信告诉了责任人。`;
}

export type NewDeadline = { dueOn: string } | { longTerm: true };

export async function changeDeadline(tx: Tx, out: Outbox, item: ItemFull, role: ItemRole, next: NewDeadline, now: Date): Promise<string> {
  if (!role.canManage) throw new PermissionError("只有支委或本事项的验收人可以调整整改期限。");
  if (item.status === "done") throw new UsageError(`整改事项 #${item.seqNo} 已验收销号，不能再调整期限。`);
  const today = dayOf(now, item.org.timezone);
  const before = item.longTerm ? "长期坚持" : item.dueOn ? dayLabel(item.dueOn, today) : "未定";
  const longTerm = "longTerm" in next;
  const dueOn = longTerm ? null : next.dueOn;
  if (dueOn && dueOn < today) throw new UsageError(`新期限 ${dueOn} 已经过去，请给一个今天或以后的日期。`, `/整改 #${item.seqNo} 期限 ${addDays(today, 30)}`);
  if (dueOn === item.dueOn && longTerm === item.longTerm) return `整改事项 #${item.seqNo} 的期限本来就是${before}。`;
  const after = longTerm ? "长期坚持" : dayLabel(dueOn!, today);
  await tx.rectificationItem.update({ where: { id: item.id }, data: { dueOn, longTerm, updatedAt: now } });
  await recordEvent(tx, item.id, { actorOpenId: role.openId, orgId: item.orgId, action: "due_changed", comment: `${before} → ${after}`, at: now });
  await rescheduleReminders(tx, item.id, now);
  if (item.owner && item.owner.openId !== role.openId) {
    await out.forOrg(item.orgId).text({ openId: item.owner.openId }, `您的整改事项 #${item.seqNo}「${short(item.problem)}」期限已调整：${before} → ${after}。提醒将按新期限发送。`);
  }
  return `整改事项 #${item.seqNo} 的期限已调整：${before} → ${after}。旧期限的提醒已取消，将按新期限提醒。`;
}

export async function setDisclosure(tx: Tx, out: Outbox, item: ItemFull, role: ItemRole, publish: boolean, now: Date): Promise<string> {
  if (!role.isCommittee) throw new PermissionError("是否公开个人整改事项由支委决定，只有支委可以操作。");
  if (item.scope === "branch") return `整改事项 #${item.seqNo} 是支部层面的事项，本来就在支部公开。`;
  const target = publish ? "published" : "private";
  if (item.disclosure === target) return `整改事项 #${item.seqNo} ${publish ? "已经公开" : "本来就未公开"}。`;
  await tx.rectificationItem.update({ where: { id: item.id }, data: { disclosure: target, updatedAt: now } });
  await recordEvent(tx, item.id, { actorOpenId: role.openId, orgId: item.orgId, action: publish ? "published" : "unpublished", at: now });
  if (publish) {
    const today = dayOf(now, item.org.timezone);
    const due = item.longTerm ? "长期坚持" : item.dueOn ? dayLabel(item.dueOn, today) : "未定";
    await out.forOrg(item.orgId).text(
      { chatId: item.org.chatId },
      `经支委决定，公开整改事项 #${item.seqNo}：${item.problem}\n责任人：${item.owner?.name ?? "未指定"}　期限：${due}　状态：${statusLabel(item.status)}`,
    );
  }
  return publish ? `已在支部公开整改事项 #${item.seqNo}。` : `已取消公开整改事项 #${item.seqNo}，群里不再显示。`;
}

/** A closure found 不实 by a spot-check: back to work with a fresh deadline. */
export async function reopenItem(tx: Tx, out: Outbox, item: ItemFull, by: string, reason: string, now: Date): Promise<void> {
  if (item.status !== "done") return;
  const dueOn = addDays(dayOf(now, item.org.timezone), REOPEN_DAYS);
  await setStatus(tx, item, "returned", {
    actorOpenId: by, action: "reopened", comment: `${reason}，限期 ${REOPEN_DAYS} 天重新整改`, at: now,
    data: { closedAt: null, closedBy: null, submittedAt: null, dueOn, longTerm: false },
  });
  await rescheduleReminders(tx, item.id, now);
  const fresh = await loadItem(tx, item.id);
  if (fresh.owner) {
    await sendItemCard(tx, out, fresh, fresh.owner.openId, now, { banner: `↩️ ${reason}，本事项重新整改，期限 ${dayLabel(dueOn)}。`, cardRef: `rect:${item.id}:reopened:${now.getTime()}` });
  }
  const secretary = await secretaryOf(tx, item.orgId);
  if (secretary && secretary.openId !== fresh.owner?.openId) {
    await out.forOrg(item.orgId).text({ openId: secretary.openId }, `「${item.org.name}」整改事项 #${item.seqNo} ${reason}，已重新打开，期限 ${dayLabel(dueOn)}。`);
  }
}
