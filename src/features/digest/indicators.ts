import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import { RECTIFICATION_ONLY } from "../rectification/model.ts";

/**
 * Committee indicators (domain.md §4.3), year to date:
 * - 组织生活程序规范化: the share of required procedure steps done over the meetings held —
 *   notice ≥3 days ahead, topic stated, quorum recorded (votes), leave with reasons, minutes
 *   submitted, votes counted, actions with owner and deadline, record confirmed, confirmed
 *   within 7 days. Not the number of meetings.
 * - 书记履职: meetings chaired by the secretary, a 党课 given by the secretary, 谈心谈话 held by
 *   the secretary, the secretary's own rectification items closed — shown per secretary type.
 * Missing data is 缺项, never 0. A fixed number of queries for any number of branches.
 */

const DAY = 86_400_000;

export interface Ratio {
  done: number;
  of: number;
}

export interface BranchIndicators {
  orgId: number;
  procedure: Ratio;
  /** The step missed most often, for the reader to look at. */
  weakestStep?: string;
  chaired: Ratio;
  gaveLesson: boolean | null;
  talks: Ratio;
  ownItemsClosed: Ratio;
  secretaryType: string;
}

const ratio = (r: Ratio) => (r.of === 0 ? "缺项" : `${r.done}/${r.of}`);
export { ratio };

export function secretaryTypeLabel(tenure: string | null, unitHead: boolean | null): string {
  if (!tenure && unitHead == null) return "类型未登记";
  const t = tenure === "full_time" ? "专职" : tenure === "part_time" ? "兼职" : "专兼职未登记";
  const h = unitHead == null ? "" : unitHead ? "·行政一把手兼任" : "·非一把手";
  return `${t}${h}`;
}

export async function branchIndicators(tx: Tx, branches: OrgInfo[], from: Date, to: Date): Promise<Map<number, BranchIndicators>> {
  const ids = branches.map((b) => b.id);
  // The meetings are named by filter, not by a list of their ids (a year of meetings of a
  // hundred branches is thousands of ids, beyond the database's limit on query parameters),
  // and leaves, votes and actions are counted per meeting instead of read row by row: that
  // was half the time of a committee's weekly digest.
  const heldMeeting = { orgId: { in: ids }, status: "held", startAt: { gte: from, lt: to } };
  const ofHeld = { orgId: { in: ids }, minutes: { meeting: heldMeeting } };
  const [orgs, secretaries, meetings, leaves, minutes, resolutions, unvoted, actions, undated] = await Promise.all([
    tx.partyOrg.findMany({ where: { id: { in: ids } }, select: { id: true, secretaryTenure: true, secretaryIsUnitHead: true } }),
    tx.member.findMany({ where: { orgId: { in: ids }, post: "secretary", active: true }, select: { id: true, orgId: true } }),
    tx.meeting.findMany({
      where: heldMeeting,
      select: { id: true, orgId: true, type: true, createdAt: true, startAt: true, endAt: true, topic: true, quorumMet: true, chairId: true, lecturerId: true },
    }),
    // Per meeting with leaves: how many, how many with a reason, and the smallest reason ("" if one is empty).
    tx.meetingAttendance.groupBy({ by: ["meetingId"], where: { meeting: heldMeeting, final: "leave" }, _count: { _all: true, leaveReason: true }, _min: { leaveReason: true } }),
    tx.minutes.findMany({ where: { meeting: heldMeeting }, select: { id: true, meetingId: true, status: true, confirmedAt: true } }),
    tx.resolution.groupBy({ by: ["minutesId"], where: ofHeld, _count: { _all: true } }),
    tx.resolution.groupBy({ by: ["minutesId"], where: { ...ofHeld, votesFor: null }, _count: { _all: true } }),
    tx.followUpAction.groupBy({ by: ["minutesId"], where: ofHeld, _count: { _all: true } }),
    tx.followUpAction.groupBy({ by: ["minutesId"], where: { ...ofHeld, dueOn: "" }, _count: { _all: true } }),
  ]);
  const secretaryIds = secretaries.map((s) => s.id);
  const [talks, ownItems] = await Promise.all([
    tx.heartTalk.findMany({ where: { OR: [{ aMemberId: { in: secretaryIds } }, { bMemberId: { in: secretaryIds } }] }, select: { aMemberId: true, bMemberId: true, doneAt: true } }),
    tx.rectificationItem.findMany({ where: { ownerId: { in: secretaryIds }, createdAt: { lt: to }, ...RECTIFICATION_ONLY }, select: { ownerId: true, status: true } }),
  ]);
  const minutesOf = new Map(minutes.map((m) => [m.meetingId, m]));
  const setOf = <T,>(rows: T[], key: (r: T) => number) => new Set(rows.map(key));
  const withLeave = setOf(leaves, (r) => r.meetingId);
  const leaveWithoutReason = setOf(leaves.filter((r) => r._count.leaveReason < r._count._all || r._min.leaveReason === ""), (r) => r.meetingId);
  const withResolutions = setOf(resolutions, (r) => r.minutesId);
  const unvotedMinutes = setOf(unvoted, (r) => r.minutesId);
  const withActions = setOf(actions, (r) => r.minutesId);
  const undatedMinutes = setOf(undated, (r) => r.minutesId);
  const result = new Map<number, BranchIndicators>();
  for (const org of orgs) {
    const sec = secretaries.find((s) => s.orgId === org.id);
    const held = meetings.filter((m) => m.orgId === org.id);
    const misses = new Map<string, number>();
    const procedure: Ratio = { done: 0, of: 0 };
    const step = (name: string, ok: boolean) => {
      procedure.of++;
      if (ok) procedure.done++;
      else misses.set(name, (misses.get(name) ?? 0) + 1);
    };
    for (const m of held) {
      const min = minutesOf.get(m.id);
      const voting = m.type === "branch_general_meeting" || m.type === "branch_committee_meeting";
      step("提前 3 天通知", m.startAt.getTime() - m.createdAt.getTime() >= 3 * DAY);
      step("议题明确", !!m.topic);
      if (voting) step("记录到会人数与法定人数", m.quorumMet !== null);
      if (withLeave.has(m.id)) step("请假写明事由", !leaveWithoutReason.has(m.id));
      step("提交会议记录", !!min && min.status !== "draft");
      if (voting && min && withResolutions.has(min.id)) step("表决有计票", !unvotedMinutes.has(min.id));
      if (min && withActions.has(min.id)) step("决议有责任人和时限", !undatedMinutes.has(min.id)); // an owner is always recorded
      step("记录经书记确认", min?.status === "confirmed");
      step("7 日内归档", !!min?.confirmedAt && min.confirmedAt.getTime() - m.endAt.getTime() <= 7 * DAY);
    }
    const chairable = held.filter((m) => m.type === "branch_general_meeting" || m.type === "branch_committee_meeting");
    const myTalks = sec ? talks.filter((t) => t.aMemberId === sec.id || t.bMemberId === sec.id) : [];
    const mine = sec ? ownItems.filter((i) => i.ownerId === sec.id) : [];
    result.set(org.id, {
      orgId: org.id,
      procedure,
      weakestStep: [...misses.entries()].sort((a, b) => b[1] - a[1])[0]?.[0],
      chaired: { done: sec ? chairable.filter((m) => m.chairId === sec.id).length : 0, of: chairable.length },
      gaveLesson: sec ? held.some((m) => m.type === "party_lesson" && m.lecturerId === sec.id) : null,
      talks: { done: myTalks.filter((t) => t.doneAt).length, of: myTalks.length },
      ownItemsClosed: { done: mine.filter((i) => i.status === "done").length, of: mine.length },
      secretaryType: secretaryTypeLabel(org.secretaryTenure, org.secretaryIsUnitHead),
    });
  }
  return result;
}

/** Member structure of the branches, from the roster (age is not recorded: 缺项). */
export async function memberStructure(tx: Tx, branches: OrgInfo[]): Promise<string[]> {
  const rows = await tx.member.groupBy({ by: ["memberClass"], where: { orgId: { in: branches.map((b) => b.id) }, active: true }, _count: { _all: true } });
  const count = (c: string) => rows.find((r) => r.memberClass === c)?._count._all ?? 0;
  const categories = new Map<string, number>();
  for (const b of branches) categories.set(b.category ?? "未登记", (categories.get(b.category ?? "未登记") ?? 0) + 1);
  const CAT: Record<string, string> = { gov_institution: "机关事业单位", village_community: "村（社区）", new_econ_social_org: "两新组织", 未登记: "领域未登记" };
  return [
    `党员 ${count("full") + count("probationary")} 人：正式党员 ${count("full")} 人，预备党员 ${count("probationary")} 人（另有列席的非党员 ${count("non_member")} 人）。`,
    `支部领域：${[...categories.entries()].map(([k, v]) => `${CAT[k] ?? k} ${v} 个`).join("，")}。`,
    "年龄结构：缺项（名册未登记出生年份）。",
  ];
}

export interface IndicatorGroup {
  type: string;
  count: number;
  lines: string[];
}

const MAX_LINES_PER_GROUP = 12;

function share(r: Ratio): number {
  return r.of === 0 ? -1 : r.done / r.of;
}

/**
 * Per secretary type, one line per branch in name order (not ranked). Large groups show the
 * type's median and only the branches below it, so the card stays readable and under 30 KB.
 */
export function indicatorGroups(branches: OrgInfo[], ind: Map<number, BranchIndicators>): IndicatorGroup[] {
  const byType = new Map<string, OrgInfo[]>();
  for (const b of branches) {
    const type = ind.get(b.id)?.secretaryType ?? "类型未登记";
    byType.set(type, [...(byType.get(type) ?? []), b]);
  }
  const line = (b: OrgInfo) => {
    const i = ind.get(b.id)!;
    const lesson = i.gaveLesson == null ? "缺项（书记空缺）" : i.gaveLesson ? "✓" : "✗";
    return `${b.name}：程序规范化 ${ratio(i.procedure)}${i.weakestStep ? `（常缺：${i.weakestStep}）` : ""}；书记主持大会/支委会 ${ratio(i.chaired)}；书记讲党课 ${lesson}；书记谈心谈话 ${ratio(i.talks)}；书记本人整改销号 ${ratio(i.ownItemsClosed)}`;
  };
  return [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b, "zh"))
    .map(([type, list]) => {
      const sorted = [...list].sort((a, b) => a.name.localeCompare(b.name, "zh"));
      if (sorted.length <= MAX_LINES_PER_GROUP) return { type, count: list.length, lines: sorted.map(line) };
      const known = sorted.map((b) => share(ind.get(b.id)!.procedure)).filter((x) => x >= 0).sort((a, b) => a - b);
      const median = known.length ? known[Math.floor(known.length / 2)]! : -1;
      const below = sorted.filter((b) => share(ind.get(b.id)!.procedure) < median && share(ind.get(b.id)!.procedure) >= 0);
      return {
        type,
        count: list.length,
        lines: [
          `同类 ${list.length} 个支部，程序规范化完成率中位数 ${median < 0 ? "缺项" : `${Math.round(median * 100)}%`}。以下为低于同类中位数的支部${below.length > MAX_LINES_PER_GROUP ? `（列出 ${MAX_LINES_PER_GROUP} 个，共 ${below.length} 个）` : ""}：`,
          ...below.slice(0, MAX_LINES_PER_GROUP).map(line),
        ],
      };
    });
}
