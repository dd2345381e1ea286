import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { WarningCondition, WarningRule } from "../digest/warnings.ts";
import { plansFor } from "./plan.ts";
import type { Plan, PlanRow } from "./rules.ts";
import { zoned } from "./time.ts";

/**
 * Early-warning rules over meetings (domain.md §4.2): W1 支委会, W2 党员大会, W3 党小组会,
 * W4 主题党日, W5 silent branch, W7 absence streak, W10 组织生活会 due. Each looks at every
 * branch at once (bulk queries) and reports the conditions that hold now.
 */

function current(row: PlanRow | undefined, now: Date) {
  return row?.cells.find((c) => c.period.start <= now && now < c.period.end);
}

const dayOfPeriod = (start: Date, now: Date) => Math.floor((now.getTime() - start.getTime()) / 86_400_000) + 1;

async function plans(tx: Tx, orgs: OrgInfo[], now: Date): Promise<Map<number, Plan>> {
  const branches = orgs.filter((o) => o.kind === "branch");
  return branches.length ? plansFor(tx, branches, zoned(now, branches[0]!.timezone).year(), now) : new Map();
}

/** "Not held by day N of its period": W1, W2, W3 share this shape. */
function missingByDay(id: string, title: string, type: string, byDay: number, audience: WarningCondition["audience"]): WarningRule {
  return {
    id,
    title,
    async evaluate(tx, orgs, now) {
      const byOrg = await plans(tx, orgs, now);
      const result = new Map<number, WarningCondition[]>();
      for (const [orgId, plan] of byOrg) {
        const conditions: WarningCondition[] = [];
        for (const row of plan.rows.filter((r) => r.type === type)) {
          const cell = current(row, now);
          if (!cell || cell.status !== "due" || dayOfPeriod(cell.period.start, now) < byDay) continue;
          conditions.push({ subjectKey: `${cell.period.key}${row.groupId ? `:g${row.groupId}` : ""}`, message: `${cell.period.label}已过 ${byDay - 1} 天，${row.label}尚未召开或安排。`, audience });
        }
        result.set(orgId, conditions);
      }
      return result;
    },
  };
}

export const committeeMeetingMissing = missingByDay("W1", "本月支委会尚未召开", "branch_committee_meeting", 20, "secretary");
export const generalMeetingMissing = missingByDay("W2", "本季度党员大会尚未召开", "branch_general_meeting", 60, "secretary");
export const groupMeetingMissing = missingByDay("W3", "本月党小组会尚未召开", "party_group_meeting", 20, "secretary");

export const themeDayMissing: WarningRule = {
  id: "W4",
  title: "主题党日没有记录",
  async evaluate(tx, orgs, now) {
    const byOrg = await plans(tx, orgs, now);
    const rules = await tx.meetingRules.findMany({ where: { orgId: { in: [...byOrg.keys()] } } });
    const themeDay = new Map(rules.map((r) => [r.orgId, r.themeDay]));
    const result = new Map<number, WarningCondition[]>();
    for (const org of orgs.filter((o) => byOrg.has(o.id))) {
      const day = themeDay.get(org.id);
      const cell = current(byOrg.get(org.id)!.rows.find((r) => r.type === "theme_party_day"), now);
      if (!day || !cell || cell.status !== "due" || zoned(now, org.timezone).date() <= day) continue;
      result.set(org.id, [{ subjectKey: cell.period.key, message: `本月主题党日（每月 ${day} 日）已过，尚无活动记录。`, audience: "secretary" }]);
    }
    return result;
  },
};

export const silentBranch: WarningRule = {
  id: "W5",
  title: "支部 30 天无组织生活",
  async evaluate(tx, orgs, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const since = new Date(now.getTime() - 30 * 86_400_000);
    const [rows, recent] = await Promise.all([
      tx.partyOrg.findMany({ where: { id: { in: branches.map((b) => b.id) } }, select: { id: true, boundAt: true } }),
      tx.meeting.groupBy({ by: ["orgId"], where: { orgId: { in: branches.map((b) => b.id) }, status: { not: "cancelled" }, startAt: { gte: since, lte: now } }, _count: { _all: true } }),
    ]);
    const active = new Set(recent.map((r) => r.orgId));
    const result = new Map<number, WarningCondition[]>();
    for (const r of rows) {
      if (r.boundAt > since || active.has(r.id)) continue;
      result.set(r.id, [{ subjectKey: "silent", message: "近 30 天没有记录任何组织生活（会议）。请书记了解情况，及时安排。", audience: "secretary", severity: "warning" }]);
    }
    return result;
  },
};

export const absenceStreak: WarningRule = {
  id: "W7",
  title: "党员连续缺席",
  async evaluate(tx, orgs, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const rows = await tx.meetingAttendance.findMany({
      where: { expected: true, final: { not: null }, meeting: { orgId: { in: branches.map((b) => b.id) }, startAt: { gte: new Date(now.getTime() - 180 * 86_400_000) } } },
      select: { memberId: true, final: true, member: { select: { name: true, orgId: true, active: true } }, meeting: { select: { startAt: true } } },
    });
    const byMember = new Map<number, typeof rows>();
    for (const r of rows) byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r]);
    const result = new Map<number, WarningCondition[]>();
    for (const [memberId, list] of byMember) {
      const latest = list.sort((a, b) => b.meeting.startAt.getTime() - a.meeting.startAt.getTime()).slice(0, 2);
      if (latest.length < 2 || !latest.every((r) => r.final === "absent") || !latest[0]!.member.active) continue;
      const orgId = latest[0]!.member.orgId;
      result.set(orgId, [
        ...(result.get(orgId) ?? []),
        { subjectKey: `member:${memberId}`, message: `${latest[0]!.member.name} 已连续 2 次无故缺席组织生活，建议书记或支委找其谈心谈话，了解原因。`, audience: "secretary" },
      ]);
    }
    return result;
  },
};

export const orgLifeMeetingDue: WarningRule = {
  id: "W10",
  title: "年度组织生活会尚未召开",
  async evaluate(tx, orgs, now) {
    const byOrg = await plans(tx, orgs, now);
    const result = new Map<number, WarningCondition[]>();
    for (const org of orgs.filter((o) => byOrg.has(o.id))) {
      const local = zoned(now, org.timezone);
      const cell = current(byOrg.get(org.id)!.rows.find((r) => r.type === "org_life_meeting"), now);
      if (local.month() < 11 || !cell || cell.status !== "due") continue;
      result.set(org.id, [{ subjectKey: String(local.year()), message: `已到 12 月，本年度组织生活会尚未召开或安排（一般在第四季度召开）。`, audience: "secretary" }]);
    }
    return result;
  },
};

export const MEETING_WARNING_RULES = [committeeMeetingMissing, generalMeetingMissing, groupMeetingMissing, themeDayMissing, silentBranch, absenceStreak, orgLifeMeetingDue];
