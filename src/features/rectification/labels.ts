import { echo } from "../../app/args.ts";

/** Values stored on RectificationItem and their Chinese names (domain.md §3.1, glossary §6). */

export type RectificationSource = "org_life_meeting" | "appraisal" | "minutes" | "superior_check" | "self_check" | "manual";
export type RectificationScope = "branch" | "committee_member" | "individual";
export type RectificationStatus = "pending" | "in_progress" | "submitted" | "returned" | "done";
export type Disclosure = "private" | "branch" | "published";
export type SpotCheckVerdict = "true" | "partial" | "false";

export const SOURCE_LABEL: Record<RectificationSource, string> = {
  org_life_meeting: "组织生活会",
  appraisal: "民主评议",
  minutes: "会议决定跟进",
  superior_check: "上级检查",
  self_check: "支部自查",
  manual: "手工登记",
};

export const SCOPE_LABEL: Record<RectificationScope, string> = {
  branch: "支部（班子）",
  committee_member: "支委委员",
  individual: "党员个人",
};

export const STATUS_LABEL: Record<RectificationStatus, string> = {
  pending: "待整改",
  in_progress: "整改中",
  submitted: "待验收",
  returned: "退回",
  done: "已完成",
};

export const DISCLOSURE_LABEL: Record<Disclosure, string> = {
  private: "仅本人和支委可见",
  branch: "支部公开",
  published: "已在支部公开",
};

export const VERDICT_LABEL: Record<SpotCheckVerdict, string> = {
  true: "属实",
  partial: "部分属实",
  false: "不实",
};

export const EVENT_LABEL: Record<string, string> = {
  created: "登记",
  progress: "报告进展",
  evidence: "提交佐证",
  submitted: "提交验收",
  accepted: "验收通过",
  returned: "退回",
  reopened: "重新整改",
  due_changed: "调整期限",
  overdue: "逾期",
  escalated: "督办",
  published: "公开",
  unpublished: "取消公开",
  spot_checked: "上级抽查",
};

/** Words accepted for the level in `/整改 新增 <层级> …`. */
export const SCOPE_WORDS: Record<string, RectificationScope> = {
  支部: "branch",
  班子: "branch",
  委员: "committee_member",
  支委: "committee_member",
  个人: "individual",
};

export function isOpen(status: string): boolean {
  return status !== "done";
}

export function sourceLabel(source: string): string {
  return SOURCE_LABEL[source as RectificationSource] ?? source;
}

export function scopeLabel(scope: string): string {
  return SCOPE_LABEL[scope as RectificationScope] ?? scope;
}

/** 跟进事项 (a meeting's decisions) read in their own words: they are not 整改. */
export const FOLLOW_UP_STATUS_LABEL: Record<RectificationStatus, string> = {
  pending: "待落实",
  in_progress: "落实中",
  submitted: "待确认完成",
  returned: "退回",
  done: "已落实",
};

export function statusLabel(status: string, source?: string): string {
  const labels = source === "minutes" ? FOLLOW_UP_STATUS_LABEL : STATUS_LABEL;
  return labels[status as RectificationStatus] ?? status;
}

/** A long problem text cut for one-line mentions (never inside an emoji); the full text is on the item card. */
export function short(text: string, max = 30): string {
  return echo(text, max);
}
