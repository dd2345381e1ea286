import type { SectionProvider, DigestSection } from "../digest/index.ts";
import { zoned } from "../../core/time.ts";
import { studyCoverage } from "./service.ts";
import { coverageSummary } from "./views.ts";

/**
 * The branch digest's 学习 line: how many reached the yearly floor, with the denominator, and
 * how many have no record (缺项). Never names, never a ranking, never a warning: study is
 * voluntary here and not an assessment basis (domain.md §4.4).
 */
export const studySection: SectionProvider = {
  id: "study",
  order: 60,
  async collect(tx, orgs, _period, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const byYear = new Map<number, typeof branches>();
    for (const o of branches) {
      const year = zoned(now, o.timezone).year();
      byYear.set(year, [...(byYear.get(year) ?? []), o]);
    }
    const result = new Map<number, DigestSection[]>();
    for (const [year, group] of byYear) {
      const coverage = await studyCoverage(tx, group, year);
      for (const o of group) {
        const c = coverage.get(o.id)!;
        if (!c.members) continue;
        result.set(o.id, [{ title: `学时（${year} 年累计）`, lines: [{ text: coverageSummary(c) }] }]);
      }
    }
    return result;
  },
};
