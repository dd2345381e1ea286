import type { Tx } from "../../../db/client.ts";
import type { Outbox } from "../../../app/outbox.ts";
import { UsageError, type OrgInfo } from "../../../app/context.ts";
import { orgById, secretaryOf } from "../../../app/actors.ts";
import type { JobContext } from "../../../app/jobs.ts";
import { ensureJob } from "../../../app/jobs.ts";
import { zoned } from "../../../core/time.ts";
import { visibleInGroup } from "../../rectification/model.ts";
import { statusLabel } from "../../rectification/labels.ts";
import { dayLabel } from "../../rectification/dates.ts";
import { linkedMeeting, talksOf, type Session } from "./service.ts";
import { statementProgress } from "./statements.ts";

/**
 * The 组织生活会 reported to the committee (issue #18 item 3): a card in the committee chat with
 * how it was prepared and held, the problem list's counts and its 整改 items; three months later
 * a 回头看 of the items still open. Personal items appear by number only.
 */

export const LOOKBACK_JOB = "orglife.lookback";
const LOOKBACK_MONTHS = 3;

async function problemItems(tx: Tx, sessionId: number) {
  const problems = await tx.orgLifeProblem.findMany({ where: { sessionId }, orderBy: { id: "asc" } });
  const items = await tx.rectificationItem.findMany({ where: { id: { in: problems.map((p) => p.rectificationItemId ?? 0) } }, include: { owner: { select: { name: true } } }, orderBy: { seqNo: "asc" } });
  return { problems, items };
}

function itemLine(i: { seqNo: number; problem: string; status: string; dueOn: string | null; disclosure: string; owner: { name: string } | null }): string {
  const state = `${statusLabel(i.status)}${i.dueOn ? `，${dayLabel(i.dueOn)}前` : ""}`;
  return visibleInGroup(i) ? `#${i.seqNo} ${i.problem}（${i.owner?.name ?? "未指定"}，${state}）` : `#${i.seqNo} 党员个人整改事项（${state}）`;
}

async function committeeOf(tx: Tx, org: OrgInfo): Promise<OrgInfo> {
  const committee = org.parentId ? await orgById(tx, org.parentId) : undefined;
  if (!committee) throw new UsageError("本支部还没有关联上级党委（总支）群，无法报告。请党委在其群里发送 /关联码，再由书记在本群发送 /关联 <关联码>。");
  return committee;
}

/** The report's lines: preparation, the meeting, the problem list and its items. */
async function reportLines(tx: Tx, org: OrgInfo, session: Session): Promise<string[]> {
  const meeting = await linkedMeeting(tx, org, session);
  if (!meeting || meeting.status !== "held") throw new UsageError(`${session.year} 年组织生活会还没有召开（或还没有结束），会后再报告。`, "/组织生活会 报告");
  const [opinions, talks, materials, commitments, { problems, items }, attendance, minutes] = await Promise.all([
    tx.orgLifeOpinion.count({ where: { sessionId: session.id } }),
    talksOf(tx, session.id),
    statementProgress(tx, org, session, "material"),
    statementProgress(tx, org, session, "commitment"),
    problemItems(tx, session.id),
    tx.meetingAttendance.groupBy({ by: ["final"], where: { meetingId: meeting.id, expected: true }, _count: { _all: true } }),
    tx.minutes.findUnique({ where: { meetingId: meeting.id }, select: { version: true, versions: { select: { version: true, content: true } } } }),
  ]);
  const count = (f: string) => attendance.find((a) => a.final === f)?._count._all ?? 0;
  const newest = minutes?.versions.find((v) => v.version === minutes.version);
  const observers = newest ? ((JSON.parse(newest.content) as { observers?: string | null }).observers ?? "") : "";
  const branchLevel = problems.filter((p) => p.scope === "branch").length;
  return [
    `会议：#${meeting.seqNo}（${zoned(meeting.startAt, org.timezone).format("M月D日")}），实到 ${count("present")} 人，请假 ${count("leave")} 人，缺席 ${count("absent")} 人`,
    `上级到会指导、列席：${observers || (newest ? "会议记录未写" : "缺项（会议记录未提交）")}`,
    `会前准备：征求意见 ${opinions} 条；谈心谈话 ${talks.filter((t) => t.doneAt).length}/${talks.length} 对；对照检查材料 ${materials.done.length}/${materials.total} 人提交`,
    `问题清单：${problems.length} 条（支部班子 ${branchLevel} 条，党员个人 ${problems.length - branchLevel} 条）；整改承诺 ${commitments.done.length}/${commitments.total} 人提交`,
    ...(items.length ? ["整改事项：", ...items.map(itemLine)] : []),
  ];
}

/** /组织生活会 报告 (书记): the card in the committee chat, and the 回头看 three months on. */
export async function reportToCommittee(tx: Tx, out: Outbox, org: OrgInfo, session: Session, now: Date): Promise<{ committee: OrgInfo; lookbackAt: Date }> {
  const committee = await committeeOf(tx, org);
  const lines = await reportLines(tx, org, session);
  const lookbackAt = zoned(now, org.timezone).add(LOOKBACK_MONTHS, "month").hour(9).minute(0).second(0).millisecond(0).toDate();
  await out.forOrg(committee.id).card({ chatId: committee.chatId }, "notice", {
    title: `组织生活会报告 · ${org.name} ${session.year} 年`,
    template: "red",
    lines,
    footer: `${org.name} 书记报告。${zoned(lookbackAt, org.timezone).format("M月D日")}助手会在本群提示整改回头看（未完成的事项）。`,
  });
  await tx.orgLifeSession.update({ where: { id: session.id }, data: { reportedAt: now } });
  await ensureJob(tx, { key: `orglife:lookback:${session.id}`, kind: LOOKBACK_JOB, runAt: lookbackAt, payload: { sessionId: session.id } }, now);
  return { committee, lookbackAt };
}

/** Three months after the report: the items still open, to the committee chat and the branch's secretary. */
export async function lookbackJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, out) => {
    const session = await tx.orgLifeSession.findUnique({ where: { id: Number(ctx.payload.sessionId) } });
    const org = session ? await orgById(tx, session.orgId) : undefined;
    if (!session || !org) return;
    const { items } = await problemItems(tx, session.id);
    const open = items.filter((i) => i.status !== "done");
    const text =
      `【整改回头看】${org.name} ${session.year} 年组织生活会查摆问题形成的整改事项 ${items.length} 项：已完成 ${items.length - open.length} 项，未完成 ${open.length} 项。` +
      (open.length ? `\n${open.map(itemLine).join("\n")}\n请支部说明进展，党委可用 /抽查 抽查落实情况。` : "\n全部完成。");
    const committee = org.parentId ? await orgById(tx, org.parentId) : undefined;
    if (committee) await out.forOrg(committee.id).text({ chatId: committee.chatId }, text);
    const secretary = await secretaryOf(tx, org.id);
    if (secretary) await out.forOrg(org.id).text({ openId: secretary.openId }, text);
  });
}
