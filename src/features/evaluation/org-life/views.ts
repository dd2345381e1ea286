import { statementProgress } from "./statements.ts";
import type { Tx } from "../../../db/client.ts";
import type { OrgInfo } from "../../../app/context.ts";
import type { Actor } from "../../../app/roles.ts";
import { roleLabel, type CommitteeDuty, type MemberClass, type Post } from "../../../app/roles.ts";
import { shortTime } from "../time.ts";
import { linkedMeeting, problemsOf, talksOf, type Session, type TalkView } from "./service.ts";

/** Plain data for cards/org-life-*.json and the notice card. */

function label(p: { name: string; post: string | null; duty: string | null }): string {
  return p.post ? `${p.name}（${roleLabel({ memberClass: "full" as MemberClass, post: p.post as Post }, p.duty as CommitteeDuty | null)}）` : p.name;
}

function talkStatus(t: TalkView, tz: string): string {
  return t.doneAt ? `已谈（${shortTime(t.doneAt, tz)}，${t.markedBy ?? ""}标记）` : "未谈";
}

export function talkCardData(org: OrgInfo, session: Session, person: { id: number; name: string }, talks: TalkView[]) {
  const mine = talks.filter((t) => t.a.id === person.id || t.b.id === person.id);
  return {
    name: person.name, year: session.year, orgName: org.name, orgId: org.id,
    talks: mine.map((t) => ({ id: t.id, with: label(t.a.id === person.id ? t.b : t.a), status: talkStatus(t, org.timezone), open: !t.doneAt })),
  };
}

export function talkOverviewData(org: OrgInfo, session: Session, talks: TalkView[]) {
  const done = talks.filter((t) => t.doneAt).length;
  const open = talks.filter((t) => !t.doneAt).map((t) => `${t.a.name} — ${t.b.name}`);
  return {
    title: `谈心谈话安排 · ${org.name} · ${session.year} 年组织生活会`, template: "wathet",
    lines: [`共 ${talks.length} 对，已谈 ${done} 对，未谈 ${talks.length - done} 对。`, ...(open.length ? ["还没有谈的：", ...open.map((o) => `- ${o}`)] : ["全部谈话都已完成。"])],
    footer: "谈话双方各自收到了自己的谈话安排卡片，谈完后任一方点「已谈」即可。只记录是否谈过，不记录谈话内容。",
  };
}

const SHOWN_PROBLEMS = 15;

export async function problemCardData(tx: Tx, org: OrgInfo, session: Session, notice = "") {
  const [problems, members, meeting] = await Promise.all([
    problemsOf(tx, session.id),
    tx.member.findMany({ where: { orgId: org.id, active: true, memberClass: { in: ["full", "probationary"] } }, orderBy: { id: "asc" } }),
    linkedMeeting(tx, org, session),
  ]);
  return {
    orgName: org.name, year: session.year, orgId: org.id, sessionId: session.id, notice,
    meeting: meeting ? `\n关联会议：第 ${meeting.seqNo} 号（${shortTime(meeting.startAt, org.timezone)}）。` : "",
    // The card keeps the latest ones (a card holds 30 KB); the ledger has them all.
    problems: problems.slice(-SHOWN_PROBLEMS).map((p) => `${p.seqNo ? `#${p.seqNo} ` : ""}${p.scope === "branch" ? "支部班子" : "个人"}｜${p.ownerName}：${p.problem} → ${p.measure}（${p.longTerm ? "长期坚持" : `期限 ${p.dueOn}`}）`),
    more: problems.length > SHOWN_PROBLEMS ? `共 ${problems.length} 条，这里是最近 ${SHOWN_PROBLEMS} 条；完整清单请发送 /整改 列表。` : "",
    members: members.map((m) => ({ value: String(m.id), label: `${m.name}（${m.memberClass === "probationary" ? "预备党员" : roleLabel({ memberClass: "full", post: (m.post as Post | null) ?? null })}）` })),
  };
}

/** Counts only: safe for the group chat. */
export async function statusLines(tx: Tx, org: OrgInfo, session: Session): Promise<string[]> {
  const [opinions, talks, problems, meeting, materials, commitments] = await Promise.all([
    tx.orgLifeOpinion.count({ where: { sessionId: session.id } }),
    talksOf(tx, session.id),
    tx.orgLifeProblem.count({ where: { sessionId: session.id } }),
    linkedMeeting(tx, org, session),
    statementProgress(tx, org, session, "material"),
    statementProgress(tx, org, session, "commitment"),
  ]);
  // Counts only: who has not submitted goes to the secretary privately (/组织生活会 未交).
  const progress = (p: typeof materials) => (p.opened ? `已提交 ${p.done.length}/${p.total} 人` : "尚未发出");
  return [
    `${org.name} ${session.year} 年组织生活会：`,
    `- 征求意见：${session.opinionsOpenedAt ? `已收到 ${opinions} 条（匿名）` : "尚未发出"}`,
    `- 谈心谈话：${talks.length ? `已谈 ${talks.filter((t) => t.doneAt).length}/${talks.length} 对` : "尚未安排"}`,
    `- 对照检查材料：${progress(materials)}`,
    `- 问题清单：${problems ? `${problems} 条，已生成整改事项` : "尚未记录"}`,
    `- 整改承诺：${progress(commitments)}`,
    `- 向党委报告：${session.reportedAt ? "已报告" : "尚未报告"}`,
    `- 会议：${meeting ? `第 ${meeting.seqNo} 号（${shortTime(meeting.startAt, org.timezone)}）` : "未找到本年度的组织生活会（用 /安排 组织生活会 <日期 时间> 安排，或 /组织生活会 会议 <编号> 关联）"}`,
  ];
}

/** Who may record the problem list: a committee member, or the recorder of the linked meeting. */
export async function mayRecordProblems(tx: Tx, org: OrgInfo, session: Session, actor: Actor | undefined): Promise<boolean> {
  if (!actor) return false;
  if (actor.post) return true;
  const meeting = await linkedMeeting(tx, org, session);
  return !!meeting && meeting.recorderId === actor.memberId;
}
