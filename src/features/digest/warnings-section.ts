import type { DigestSection, SectionProvider } from "./sections.ts";
import { openWarnings } from "./warnings.ts";

/** The digest's 预警 section: branch-level warnings by text, personal ones only counted. */
export const warningsSection: SectionProvider = {
  id: "warnings",
  order: 90,
  async collect(tx, orgs) {
    const all = await openWarnings(tx, orgs.map((o) => o.id));
    const result = new Map<number, DigestSection[]>();
    for (const org of orgs) {
      const mine = all.filter((w) => w.orgId === org.id);
      const personal = mine.filter((w) => w.subjectKey.startsWith("member:"));
      const shared = mine.filter((w) => !w.subjectKey.startsWith("member:"));
      const lines = shared.map((w) => ({ text: `【${w.ruleId}】${w.message}`, attention: true }));
      if (personal.length) lines.push({ text: `另有 ${personal.length} 条涉及个人的提醒已私信书记。`, attention: false });
      result.set(org.id, [{
        title: "预警",
        lines: lines.length ? lines : [{ text: "目前没有预警。" }],
        needsAttention: mine.length > 0,
        rollup: { 预警: mine.length ? `${mine.length} 条` : "无" },
      }]);
    }
    return result;
  },
};
