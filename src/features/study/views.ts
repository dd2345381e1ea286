import { randomUUID } from "node:crypto";
import { dayLabel } from "../rectification/dates.ts";
import type { MemberYear, StudyCoverage, StudyItem } from "./service.ts";

/** 6.5 学时 → "6.5"; 6 → "6". */
export function hours(tenths: number): string {
  return tenths % 10 === 0 ? String(tenths / 10) : (tenths / 10).toFixed(1);
}

/** One line of the member's year: no 学时 figure of anybody else ever appears next to it. */
export function progressLine(y: MemberYear): string {
  if (!y.items.length) return `${y.year} 年还没有学习记录，年度要求 ${y.floor} 学时。`;
  const left = y.floor * 10 - y.tenths;
  return `${y.year} 年已记录 ${hours(y.tenths)} 学时，年度要求 ${y.floor} 学时，${left > 0 ? `还差 ${hours(left)} 学时` : "已达到"}。`;
}

export function itemLine(i: StudyItem, today: string): string {
  const what = `${dayLabel(i.day, today)} ${i.title} ${hours(i.tenths)} 学时`;
  return i.source === "self" ? `${i.seqNo}. ${what}` : `· ${what}（按签到计入）`;
}

export function logCardData(orgId: number, today: string, y: MemberYear) {
  return { orgId, key: `${orgId}.${randomUUID()}`, today, year: y.year, progress: progressLine(y) };
}

/** /学习 我的: the member's year, privately. */
export function myYearText(y: MemberYear, today: string, reminding: boolean): string {
  const lines = [`【我的学时】${y.year} 年（截至${dayLabel(today)}）`, progressLine(y)];
  const fromMeetings = y.items.filter((i) => i.source === "meeting").reduce((s, i) => s + i.tenths, 0);
  if (y.items.length) {
    // A text message: no markdown; the split only when both kinds are there.
    if (fromMeetings && fromMeetings < y.tenths) lines.push(`其中参加党课、主题党日、党员大会学习 ${hours(fromMeetings)} 学时（按签到自动计入），自己登记 ${hours(y.tenths - fromMeetings)} 学时。`);
    lines.push("", "明细：");
    for (const i of y.items) lines.push(itemLine(i, today));
  }
  lines.push(
    "",
    "记一笔：发送 /学习；记错了：/学习 撤销 编号，例如：/学习 撤销 1",
    `每季度初私信提醒：${reminding ? "已开启（/学习 提醒 关 可关闭）" : "未开启（/学习 提醒 开 可开启）"}`,
    "这些记录只有您自己能看到；支部只统计达到年度要求的人数，不列姓名，不排名。",
  );
  return lines.join("\n");
}

function share(part: number, whole: number): string {
  return whole ? `${part}/${whole} 人（${Math.round((part / whole) * 100)}%）` : "0/0 人";
}

/** Coverage for the secretary and the digest: counts with their denominators, never names. */
export function coverageLines(c: StudyCoverage): string[] {
  const lines = [`达到年度学时要求：${share(c.reached, c.members)}`];
  if (c.leaders.members) lines.push(`其中书记、支委（56 学时）${c.leaders.reached}/${c.leaders.members}，其他党员（32 学时）${c.reached - c.leaders.reached}/${c.members - c.leaders.members}`);
  if (c.noRecord) lines.push(`今年暂无任何学习记录（缺项，不等于没有学习）：${c.noRecord} 人`);
  return lines;
}

/** The digest's one line: the share with its denominator, and the 缺项. */
export function coverageSummary(c: StudyCoverage): string {
  return `达到年度学时要求 ${share(c.reached, c.members)}${c.noRecord ? `；${c.noRecord} 人今年暂无学习记录（缺项）` : ""}。学时自愿记录，不作考核依据。`;
}

export function coverageText(orgName: string, year: number, today: string, c: StudyCoverage): string {
  return [
    `【学时情况】${orgName} ${year} 年（截至${dayLabel(today)}）`,
    ...coverageLines(c),
    "只统计人数，不列姓名，不排名；学时不作考核依据。党员可私聊我发送 /学习 记录、/学习 我的 查看自己的学时。",
  ].join("\n");
}
