import type { Tx } from "../../db/client.ts";
import { ALLOWED_FREQUENCIES, FREQUENCY_LABEL, type BranchRules, type Frequency } from "./rules.ts";
import { offsetLabel } from "./time.ts";
import { MEETING_TYPES, TYPE_LABEL, type MeetingType } from "./types.ts";

/** A branch's MeetingRules row: read through effectiveRules (rules.ts), written here. */

async function upsert(tx: Tx, orgId: number, data: { frequencies?: string; themeDay?: number | null; reminderOffsets?: string; leaveApproverId?: number | null }, by: string, now: Date) {
  await tx.meetingRules.upsert({
    where: { orgId },
    create: { orgId, ...data, updatedBy: by, updatedAt: now },
    update: { ...data, updatedBy: by, updatedAt: now },
  });
}

export async function saveFrequency(tx: Tx, orgId: number, type: MeetingType, frequency: Frequency, by: string, now: Date): Promise<void> {
  const row = await tx.meetingRules.findUnique({ where: { orgId } });
  const current = JSON.parse(row?.frequencies ?? "{}") as Record<string, string>;
  await upsert(tx, orgId, { frequencies: JSON.stringify({ ...current, [type]: frequency }) }, by, now);
}

export async function saveThemeDay(tx: Tx, orgId: number, day: number, by: string, now: Date): Promise<void> {
  await upsert(tx, orgId, { themeDay: day }, by, now);
}

export async function saveReminderOffsets(tx: Tx, orgId: number, offsets: number[], by: string, now: Date): Promise<void> {
  await upsert(tx, orgId, { reminderOffsets: JSON.stringify([...new Set(offsets)].sort((a, b) => b - a)) }, by, now);
}

export async function resetRules(tx: Tx, orgId: number, by: string, now: Date): Promise<void> {
  await upsert(tx, orgId, { frequencies: "{}", themeDay: null, reminderOffsets: "[1440,60]", leaveApproverId: null }, by, now);
}

/** Who approves 请假 (null: the secretary again). */
export async function saveLeaveApprover(tx: Tx, orgId: number, memberId: number | null, by: string, now: Date): Promise<void> {
  await upsert(tx, orgId, { leaveApproverId: memberId }, by, now);
}

/** The name of the person the branch chose to approve 请假, if any (and still on the roster). */
export async function leaveApproverName(tx: Tx, orgId: number): Promise<string | undefined> {
  const row = await tx.meetingRules.findUnique({ where: { orgId }, select: { leaveApproverId: true } });
  if (!row?.leaveApproverId) return undefined;
  return (await tx.member.findFirst({ where: { id: row.leaveApproverId, orgId, active: true }, select: { name: true } }))?.name;
}

export function formatRulesText(rules: BranchRules, withCommittee: boolean, leaveApprover?: string): string {
  const lines = MEETING_TYPES.filter((t) => withCommittee || t !== "branch_committee_meeting").map((t) => {
    const adjustable = ALLOWED_FREQUENCIES[t].length > 1 ? `（可选：${ALLOWED_FREQUENCIES[t].map((f) => FREQUENCY_LABEL[f]).join("、")}）` : "";
    const day = t === "theme_party_day" ? (rules.themeDay ? `，固定在每月 ${rules.themeDay} 日` : "，日期未固定") : "";
    return `- ${TYPE_LABEL[t]}：${FREQUENCY_LABEL[rules.frequencies[t]]}${day}${adjustable}`;
  });
  const reminders = rules.reminderOffsets.length ? `会前 ${rules.reminderOffsets.map(offsetLabel).join("、")} 在群里提醒，并私信提醒未回复的同志` : "会前群提醒已关闭";
  return [
    "本支部的会议规则：",
    ...lines,
    ...(withCommittee ? [] : ["- 支委会：正式党员不足 7 人，不设支委会"]),
    "- 民主评议党员：每年一次",
    `- 提醒：${reminders}`,
    "- 签到：会前 15 分钟开放，开始后 30 分钟关闭",
    `- 请假审批：${leaveApprover ?? "书记"}（党小组会由组长审批；审批人本人请假时由书记、副书记或其他支委审批）`,
    "书记可调整，例如：/会议规则 党课 每月、/会议规则 主题党日 每月5日、/会议规则 提醒 1天 2小时、/会议规则 请假审批 @张红、/会议规则 默认",
  ].join("\n");
}

