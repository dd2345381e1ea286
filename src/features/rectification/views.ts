import type { ItemRole } from "./access.ts";
import { dayLabel, dayOf, daysBetween, timeLabel } from "./dates.ts";
import { DISCLOSURE_LABEL, EVENT_LABEL, scopeLabel, short, sourceLabel, statusLabel, type Disclosure } from "./labels.ts";
import { isOverdue, type ItemFull } from "./model.ts";

/** Cards show the newest history lines; the full history stays in the database. */
const HISTORY_LINES = 12;
const EVIDENCE_LINES = 15;

const STATUS_COLOR: Record<string, string> = {
  pending: "blue",
  in_progress: "wathet",
  submitted: "orange",
  returned: "carmine",
  done: "green",
};

/** "整改中", or "逾期（整改中）" when open past the deadline. */
export function displayStatus(item: ItemFull, now: Date): string {
  const today = dayOf(now, item.org.timezone);
  const base = statusLabel(item.status, item.source);
  return isOverdue(item, today) ? `逾期（${base}）` : base;
}

export function dueText(item: { dueOn: string | null; longTerm: boolean; status: string }, today: string): string {
  if (item.longTerm) return "长期坚持";
  if (!item.dueOn) return "未定";
  const label = dayLabel(item.dueOn, today);
  if (item.status === "done") return label;
  const left = daysBetween(today, item.dueOn);
  if (left < 0) return `${label}（已逾期 ${-left} 天）`;
  if (left === 0) return `${label}（今天到期）`;
  return `${label}（还有 ${left} 天）`;
}

/**
 * Free text people typed (problems, notes, comments) is shortened on the card so the card stays
 * within Lark's 30 KB however much was typed; the full text stays in the history (/整改 #n 历史).
 */
const CARD_TEXT = 100;
const CARD_PROBLEM = 300;

function evidenceLine(e: ItemFull["evidence"][number], tz: string): string {
  const what =
    e.kind === "image" ? `图片${e.fileName ? `「${short(e.fileName, CARD_TEXT)}」` : ""}`
    : e.kind === "file" ? `文件「${short(e.fileName ?? "未命名", CARD_TEXT)}」`
    : e.kind === "link" ? `链接 ${short(e.content ?? "", CARD_TEXT)}`
    : `说明：${short(e.content ?? "", CARD_TEXT)}`;
  // Who and when first: a link at the end of the line has nothing glued to it that Feishu could take as part of the URL.
  return `${e.uploaderName} ${timeLabel(e.at, tz)} · ${what}`;
}

function historyLine(e: ItemFull["events"][number], tz: string, maxComment = Infinity): string {
  const change = e.toStatus && e.toStatus !== e.fromStatus ? `（${e.fromStatus ? `${statusLabel(e.fromStatus)} → ` : ""}${statusLabel(e.toStatus)}）` : "";
  return `${timeLabel(e.at, tz)} ${e.actorName} ${EVENT_LABEL[e.action] ?? e.action}${change}${e.comment ? `：${short(e.comment, maxComment)}` : ""}`;
}

export interface ItemCardOptions {
  banner?: string;
  /** A card shown in a group is read-only: people act on it in their private chat with the bot. */
  inGroup?: boolean;
}

/** Data for cards/rectification-item.json as one viewer should see it. */
export function itemCardData(item: ItemFull, role: ItemRole | undefined, now: Date, opts: ItemCardOptions = {}) {
  const tz = item.org.timezone;
  const today = dayOf(now, tz);
  const overdue = isOverdue(item, today);
  const act = !opts.inGroup && role ? role : undefined;
  const open = item.status !== "done";
  const history = item.events.map((e) => historyLine(e, tz, CARD_TEXT));
  const evidence = item.evidence.map((e) => evidenceLine(e, tz));
  return {
    org: item.orgId,
    item: item.id,
    seqNo: item.seqNo,
    orgName: item.org.name,
    statusLabel: displayStatus(item, now),
    template: overdue ? "red" : STATUS_COLOR[item.status] ?? "blue",
    banner: short(opts.banner ?? "", CARD_PROBLEM),
    problem: short(item.problem, CARD_PROBLEM),
    measures: short(item.measures ?? "", CARD_PROBLEM),
    category: item.category ?? "",
    sourceLabel: sourceLabel(item.source),
    scopeLabel: scopeLabel(item.scope),
    ownerName: item.owner?.name ?? "未指定",
    verifierName: item.verifier?.name ?? "未指定（由书记验收）",
    dueLabel: dueText(item, today),
    disclosureLabel: DISCLOSURE_LABEL[item.disclosure as Disclosure] ?? item.disclosure,
    evidence: evidence.slice(-EVIDENCE_LINES),
    evidenceCount: item.evidence.length,
    evidenceMore: evidence.length > EVIDENCE_LINES ? `（另有 ${evidence.length - EVIDENCE_LINES} 份较早的材料未显示）` : "",
    history: history.slice(-HISTORY_LINES),
    historyMore: history.length > HISTORY_LINES ? `（共 ${history.length} 条，只显示最近 ${HISTORY_LINES} 条；完整记录发送 /整改 #${item.seqNo} 历史）` : "",
    showReport: !!act?.canReport && open && item.status !== "submitted",
    showSubmit: !!act?.isOwner && open && item.status !== "submitted",
    // Said before anyone presses 提交验收: without evidence it is refused, so no 确认提交？ first.
    submitNeeds: act?.isOwner && open && item.status !== "submitted" && item.evidence.length === 0 ? "提交验收前至少要有一份佐证材料：写在上面点「作为佐证材料」，或把图片、文件发给我。" : "",
    showVerify: !!act?.canVerify && item.status === "submitted",
    showPublish: !!act?.isCommittee && item.scope !== "branch",
    publishLabel: item.disclosure === "published" ? "取消公开" : "在支部公开",
    publishTo: item.disclosure !== "published",
    hint: opts.inGroup
      ? `责任人可私信我发送 /整改 #${item.seqNo} 报告进展、提交佐证。`
      : act?.canReport && open
        ? "可以直接把图片或文件发给我（私聊），我会附到您的整改事项上。"
        : "",
  };
}

/** Full history as text lines (the card shows only the newest). */
export function historyText(item: ItemFull): string {
  const tz = item.org.timezone;
  return [`整改事项 #${item.seqNo} 处理记录（共 ${item.events.length} 条）：`, ...item.events.map((e, i) => `${i + 1}. ${historyLine(e, tz)}`)].join("\n");
}

/** One line for lists: "#7 逾期（整改中）· 刘洋 · 3月31日 · 学习笔记不完整". */
export function listLine(item: ItemFull, now: Date, showOwner: boolean): string {
  const today = dayOf(now, item.org.timezone);
  return [`#${item.seqNo}`, displayStatus(item, now), ...(showOwner ? [item.owner?.name ?? "未指定"] : []), dueText(item, today), short(item.problem, 40)].join(" · ");
}
