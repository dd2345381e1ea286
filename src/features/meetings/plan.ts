import type { Bot } from "../../app/bot.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { Tx } from "../../db/client.ts";
import { appraisalStatusProvider, type AppraisalStatusProvider } from "./hooks.ts";
import { buildPlan, effectiveRules, periodsOf, type Plan } from "./rules.ts";
import { fullMemberCount, loadRules, meetingsBetween } from "./service.ts";
import type { MeetingType } from "./types.ts";

/**
 * A branch's year plan from the database (the pure rules in rules.ts do the work). Exported
 * for the digest and committee views: `branchPlan(tx, org, year, now)`.
 */
export async function branchPlan(tx: Tx, org: OrgInfo, year: number, now: Date, appraisal?: AppraisalStatusProvider): Promise<Plan> {
  const [yearPeriod] = periodsOf("year", year, org.timezone);
  const [row, rules, full, groups, meetings] = await Promise.all([
    tx.partyOrg.findUniqueOrThrow({ where: { id: org.id } }),
    loadRules(tx, org.id),
    fullMemberCount(tx, org.id),
    tx.partyGroup.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" } }),
    meetingsBetween(tx, org.id, yearPeriod!.start, yearPeriod!.end),
  ]);
  return buildPlan({
    year,
    timezone: org.timezone,
    now,
    trackedSince: row.boundAt,
    rules,
    fullMemberCount: full,
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    meetings: meetings.map((m) => ({ seqNo: m.seqNo, type: m.type as MeetingType, status: m.status, startAt: m.startAt, endAt: m.endAt, partyGroupId: m.partyGroupId })),
    appraisal: appraisal ? await appraisal(tx, org.id, year) : null,
  });
}

/** The same, with the appraisal status the 民主评议 feature registered on this bot (if any). */
export function yearPlan(bot: Bot, tx: Tx, org: OrgInfo, year: number, now: Date): Promise<Plan> {
  return branchPlan(tx, org, year, now, appraisalStatusProvider(bot));
}

/**
 * Plans for many branches at once with a fixed number of queries (five, whatever the number
 * of branches): the digest and committee roll-ups use this.
 */
export async function plansFor(tx: Tx, orgs: OrgInfo[], year: number, now: Date): Promise<Map<number, Plan>> {
  const branches = orgs.filter((o) => o.kind === "branch");
  const ids = branches.map((o) => o.id);
  if (ids.length === 0) return new Map();
  const tz = branches[0]!.timezone;
  const [yearPeriod] = periodsOf("year", year, tz);
  const [rows, rules, fulls, groups, meetings] = await Promise.all([
    tx.partyOrg.findMany({ where: { id: { in: ids } }, select: { id: true, boundAt: true } }),
    tx.meetingRules.findMany({ where: { orgId: { in: ids } } }),
    tx.member.groupBy({ by: ["orgId"], where: { orgId: { in: ids }, active: true, memberClass: "full" }, _count: { _all: true } }),
    tx.partyGroup.findMany({ where: { orgId: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, name: true, orgId: true } }),
    tx.meeting.findMany({
      // a day either side covers branches in other zones than the first one
      where: { orgId: { in: ids }, startAt: { gte: new Date(yearPeriod!.start.getTime() - 86_400_000), lt: new Date(yearPeriod!.end.getTime() + 86_400_000) } },
      select: { orgId: true, seqNo: true, type: true, status: true, startAt: true, endAt: true, partyGroupId: true },
    }),
  ]);
  const boundAt = new Map(rows.map((r) => [r.id, r.boundAt]));
  const rulesOf = new Map(rules.map((r) => [r.orgId, r]));
  const fullOf = new Map(fulls.map((f) => [f.orgId, f._count._all]));
  const result = new Map<number, Plan>();
  for (const org of branches) {
    result.set(
      org.id,
      buildPlan({
        year,
        timezone: org.timezone,
        now,
        trackedSince: boundAt.get(org.id) ?? now,
        rules: effectiveRules(rulesOf.get(org.id)),
        fullMemberCount: fullOf.get(org.id) ?? 0,
        groups: groups.filter((g) => g.orgId === org.id).map((g) => ({ id: g.id, name: g.name })),
        meetings: meetings
          .filter((m) => m.orgId === org.id)
          .map((m) => ({ seqNo: m.seqNo, type: m.type as MeetingType, status: m.status, startAt: m.startAt, endAt: m.endAt, partyGroupId: m.partyGroupId })),
      }),
    );
  }
  return result;
}
