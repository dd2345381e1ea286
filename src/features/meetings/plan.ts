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
  const [row, rules, full, groups, meetings, recorded] = await Promise.all([
    tx.partyOrg.findUniqueOrThrow({ where: { id: org.id } }),
    loadRules(tx, org.id),
    fullMemberCount(tx, org.id),
    tx.partyGroup.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" } }),
    meetingsBetween(tx, org.id, yearPeriod!.start, yearPeriod!.end),
    recordedMeetingIds(tx, [org.id], yearPeriod!.start, yearPeriod!.end),
  ]);
  return buildPlan({
    year,
    timezone: org.timezone,
    now,
    trackedSince: row.boundAt,
    rules,
    fullMemberCount: full,
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    meetings: meetings.map((m) => planMeeting(m, recorded)),
    appraisal: appraisal ? (await appraisal(tx, [org.id], year)).get(org.id) ?? null : null,
  });
}

type MeetingFields = { id: number; seqNo: number; type: string; status: string; startAt: Date; endAt: Date; partyGroupId: number | null };

function planMeeting(m: MeetingFields, recorded: Set<number>) {
  return { seqNo: m.seqNo, type: m.type as MeetingType, status: m.status, startAt: m.startAt, endAt: m.endAt, partyGroupId: m.partyGroupId, recorded: recorded.has(m.id) };
}

/** Meetings (of these organisations, started in the window) whose minutes were submitted or confirmed. */
async function recordedMeetingIds(tx: Tx, orgIds: number[], from: Date, to: Date): Promise<Set<number>> {
  const rows = await tx.minutes.findMany({
    where: { orgId: { in: orgIds }, status: { in: ["submitted", "confirmed"] }, meeting: { startAt: { gte: from, lt: to } } },
    select: { meetingId: true },
  });
  return new Set(rows.map((r) => r.meetingId));
}

/** The same, with the appraisal status the 民主评议 feature registered on this bot (if any). */
export function yearPlan(bot: Bot, tx: Tx, org: OrgInfo, year: number, now: Date): Promise<Plan> {
  return branchPlan(tx, org, year, now, appraisalStatusProvider(bot));
}

/**
 * Plans for many branches at once with a fixed number of queries (five, whatever the number
 * of branches): the digest and committee roll-ups use this.
 */
export async function plansFor(tx: Tx, orgs: OrgInfo[], year: number, now: Date, appraisal?: AppraisalStatusProvider): Promise<Map<number, Plan>> {
  const branches = orgs.filter((o) => o.kind === "branch");
  const ids = branches.map((o) => o.id);
  if (ids.length === 0) return new Map();
  const tz = branches[0]!.timezone;
  const [yearPeriod] = periodsOf("year", year, tz);
  // a day either side covers branches in other zones than the first one
  const from = new Date(yearPeriod!.start.getTime() - 86_400_000);
  const to = new Date(yearPeriod!.end.getTime() + 86_400_000);
  const [rows, rules, fulls, groups, meetings, recorded, appraisals] = await Promise.all([
    tx.partyOrg.findMany({ where: { id: { in: ids } }, select: { id: true, boundAt: true } }),
    tx.meetingRules.findMany({ where: { orgId: { in: ids } } }),
    tx.member.groupBy({ by: ["orgId"], where: { orgId: { in: ids }, active: true, memberClass: "full" }, _count: { _all: true } }),
    tx.partyGroup.findMany({ where: { orgId: { in: ids } }, orderBy: { id: "asc" }, select: { id: true, name: true, orgId: true } }),
    tx.meeting.findMany({
      where: { orgId: { in: ids }, startAt: { gte: from, lt: to } },
      select: { id: true, orgId: true, seqNo: true, type: true, status: true, startAt: true, endAt: true, partyGroupId: true },
    }),
    recordedMeetingIds(tx, ids, from, to),
    appraisal ? appraisal(tx, ids, year) : new Map(),
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
        meetings: meetings.filter((m) => m.orgId === org.id).map((m) => planMeeting(m, recorded)),
        appraisal: appraisals.get(org.id) ?? null,
      }),
    );
  }
  return result;
}
