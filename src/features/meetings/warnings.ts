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

const DAY_MS = 86_400_000;

/**
 * 自行脱党 early notice (domain.md §1.5, W7): no organisational life without a legitimate reason
 * for 3 months → the secretary hears privately, to intervene early; for 6 months → the rule's
 * case, which only the branch meeting decides (除名, upper approval). Counted from the last time
 * the member attended or was excused, never from before the bot kept records or before they joined.
 */
function lapseCondition(memberId: number, name: string, since: Date, absences: number, now: Date): WarningCondition | undefined {
  const days = (now.getTime() - since.getTime()) / DAY_MS;
  if (days >= 180) {
    return {
      // "member:" first: the digest counts personal warnings and never shows them in the group.
      subjectKey: `member:${memberId}:lapse6`, severity: "warning", audience: "secretary",
      message: `【自行脱党提示】${name} 已连续 6 个月没有参加组织生活（其间 ${absences} 次会议均无故缺席，也没有请假）。按党章规定，无正当理由连续 6 个月不参加组织生活的，应按自行脱党处理：由支部党员大会讨论决定除名，并报上级党组织批准。是否属于这种情形，请支部先核实有无正当理由；助手只提醒，不作认定。`,
    };
  }
  if (days >= 90) {
    return {
      subjectKey: `member:${memberId}:lapse3`, audience: "secretary",
      message: `【自行脱党预警】${name} 已连续 3 个月没有参加组织生活（其间 ${absences} 次会议均无故缺席，也没有请假）。无正当理由连续 6 个月不参加的，按自行脱党处理。请及早找其谈心谈话，了解原因、帮助教育。`,
    };
  }
  return undefined;
}

export const absenceStreak: WarningRule = {
  id: "W7",
  title: "党员连续缺席",
  async evaluate(tx, orgs, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const boundAt = new Map((await tx.partyOrg.findMany({ where: { id: { in: branches.map((b) => b.id) } }, select: { id: true, boundAt: true } })).map((o) => [o.id, o.boundAt]));
    const rows = await tx.meetingAttendance.findMany({
      where: { expected: true, final: { not: null }, meeting: { orgId: { in: branches.map((b) => b.id) }, startAt: { gte: new Date(now.getTime() - 200 * DAY_MS) } } },
      select: { memberId: true, final: true, member: { select: { name: true, orgId: true, active: true, joinedAt: true, memberClass: true } }, meeting: { select: { startAt: true } } },
    });
    const byMember = new Map<number, typeof rows>();
    for (const r of rows) byMember.set(r.memberId, [...(byMember.get(r.memberId) ?? []), r]);
    const result = new Map<number, WarningCondition[]>();
    for (const [memberId, list] of byMember) {
      const sorted = list.sort((a, b) => b.meeting.startAt.getTime() - a.meeting.startAt.getTime());
      const member = sorted[0]!.member;
      if (!member.active || (member.memberClass !== "full" && member.memberClass !== "probationary")) continue;
      const conditions: WarningCondition[] = [];
      const latest = sorted.slice(0, 2);
      if (latest.length === 2 && latest.every((r) => r.final === "absent")) {
        conditions.push({ subjectKey: `member:${memberId}`, message: `${member.name} 已连续 2 次无故缺席组织生活，建议书记或支委找其谈心谈话，了解原因。`, audience: "secretary" });
      }
      const lastTook = sorted.find((r) => r.final !== "absent")?.meeting.startAt;
      const since = new Date(Math.max(lastTook?.getTime() ?? 0, member.joinedAt.getTime(), boundAt.get(member.orgId)?.getTime() ?? now.getTime()));
      const absences = sorted.filter((r) => r.meeting.startAt > since).length;
      const lapse = absences ? lapseCondition(memberId, member.name, since, absences, now) : undefined;
      if (lapse) conditions.push(lapse);
      if (conditions.length) result.set(member.orgId, [...(result.get(member.orgId) ?? []), ...conditions]);
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
