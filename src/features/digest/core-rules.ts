import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { WarningCondition, WarningRule } from "./warnings.ts";
import { dayjs } from "./periods.ts";

/**
 * Warning rules that need only the roster (domain.md §4.2): W8 probation due, W14 committee
 * term expiry, W15 structure rules, W16 secretary vacancy. Rules over meetings, minutes,
 * evaluation and rectification live with those capabilities.
 */

async function rosters(tx: Tx, orgs: OrgInfo[]) {
  const members = await tx.member.findMany({ where: { orgId: { in: orgs.map((o) => o.id) }, active: true } });
  const byOrg = new Map<number, typeof members>(orgs.map((o) => [o.id, []]));
  for (const m of members) byOrg.get(m.orgId)!.push(m);
  return byOrg;
}

function perOrg(orgs: OrgInfo[], fn: (org: OrgInfo) => WarningCondition[]): Map<number, WarningCondition[]> {
  return new Map(orgs.map((o) => [o.id, fn(o)]));
}

export const structureRule: WarningRule = {
  id: "W15",
  title: "组织设置与规定不符",
  async evaluate(tx, orgs) {
    const byOrg = await rosters(tx, orgs);
    return perOrg(orgs.filter((o) => o.kind === "branch"), (org) => {
      const members = byOrg.get(org.id)!;
      const full = members.filter((m) => m.memberClass === "full").length;
      const party = members.filter((m) => m.memberClass === "full" || m.memberClass === "probationary").length;
      const committee = members.filter((m) => m.post === "committee_member").length;
      const out: WarningCondition[] = [];
      if (full < 3) out.push({ subjectKey: "few_full", message: `本支部正式党员 ${full} 人，不足 3 人的一般应与其他单位成立联合党支部。`, audience: "secretary" });
      if (full >= 7 && committee === 0) out.push({ subjectKey: "no_committee", message: `本支部正式党员 ${full} 人（7 人及以上），应设立支部委员会，目前尚未设置委员。`, audience: "secretary" });
      if (party > 50) out.push({ subjectKey: "too_large", message: `本支部党员 ${party} 人，超过 50 人的一般应考虑设立党总支。`, audience: "secretary" });
      return out;
    });
  },
};

export const secretaryVacancyRule: WarningRule = {
  id: "W16",
  title: "书记空缺",
  async evaluate(tx, orgs) {
    const byOrg = await rosters(tx, orgs);
    return perOrg(orgs, (org) =>
      byOrg.get(org.id)!.some((m) => m.post === "secretary")
        ? []
        : [{ subjectKey: "vacant", message: `「${org.name}」目前没有书记，请尽快明确人选（/角色 @成员 书记）。`, audience: org.parentId ? "parent" : "committee", severity: "warning" as const }],
    );
  },
};

export const probationDueRule: WarningRule = {
  id: "W8",
  title: "预备期即将届满",
  async evaluate(tx, orgs, now) {
    const byOrg = await rosters(tx, orgs);
    return perOrg(orgs, (org) =>
      byOrg
        .get(org.id)!
        .filter((m) => m.memberClass === "probationary" && m.probationStart)
        .flatMap((m) => {
          const due = dayjs(m.probationStart!).tz(org.timezone).add(1, "year");
          const days = due.diff(dayjs(now).tz(org.timezone), "day");
          return days <= 30
            ? [{ subjectKey: `member:${m.id}`, message: `预备党员 ${m.name} 的预备期将于 ${due.format("YYYY年M月D日")} 届满${days < 0 ? "（已过期）" : `（还有 ${days} 天）`}，请安排支部党员大会讨论转正。`, audience: "secretary" as const }]
            : [];
        }),
    );
  },
};

export const termExpiryRule: WarningRule = {
  id: "W14",
  title: "支委会任期即将届满",
  async evaluate(tx, orgs, now) {
    const rows = await tx.partyOrg.findMany({ where: { id: { in: orgs.map((o) => o.id) } }, select: { id: true, committeeTermStart: true, category: true } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return perOrg(orgs.filter((o) => o.kind === "branch"), (org) => {
      const row = byId.get(org.id);
      if (!row?.committeeTermStart) return [];
      const years = row.category === "village_community" ? 5 : 3;
      const end = dayjs(row.committeeTermStart).tz(org.timezone).add(years, "year");
      const months = end.diff(dayjs(now).tz(org.timezone), "month", true);
      return months <= 6 ? [{ subjectKey: `term:${end.format("YYYY-MM-DD")}`, message: `支委会任期将于 ${end.format("YYYY年M月D日")} 届满（${years} 年一届），请提前向上级报告并筹备换届。`, audience: "secretary" as const }] : [];
    });
  },
};

export const CORE_WARNING_RULES = [probationDueRule, termExpiryRule, structureRule, secretaryVacancyRule];
