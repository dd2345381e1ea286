import type { SectionProvider, DigestLine, DigestSection } from "../digest/index.ts";
import { dayOf, daysBetween } from "./dates.ts";
import { isFollowUp, isOverdue, visibleInGroup } from "./model.ts";
import { countItems, countsLine } from "./queries.ts";
import { short } from "./labels.ts";

/**
 * The digests' 整改 section: counts, then every overdue item until it is closed. Digests are
 * read in group chats, so personal items appear by number only, never by name or problem.
 */
export const rectificationSection: SectionProvider = {
  id: "rectification",
  order: 40,
  async collect(tx, orgs, period, now) {
    const rows = await tx.rectificationItem.findMany({
      where: { orgId: { in: orgs.map((o) => o.id) }, OR: [{ status: { not: "done" } }, { closedAt: { gte: period.start, lt: period.end } }] },
      // 跟进事项 (from minutes) have their own section below and never count as 整改.
      include: { owner: { select: { name: true } } },
      orderBy: [{ orgId: "asc" }, { seqNo: "asc" }],
    });
    const result = new Map<number, DigestSection[]>();
    for (const org of orgs) {
      const today = dayOf(now, org.timezone);
      const ofOrg = rows.filter((r) => r.orgId === org.id);
      const followUps = followUpSection(ofOrg.filter(isFollowUp), today);
      const mine = ofOrg.filter((r) => !isFollowUp(r));
      const open = mine.filter((r) => r.status !== "done");
      const counts = countItems(open, today);
      const closedInPeriod = mine.length - open.length;
      if (mine.length === 0) {
        result.set(org.id, [{ title: "整改", lines: [{ text: "目前没有未完成的整改事项。" }], rollup: { 整改: "无未完成" } }, ...followUps]);
        continue;
      }
      const lines: DigestLine[] = [{ text: `${countsLine({ ...counts, done: closedInPeriod }).replace("已完成", "本期验收销号")}` }];
      for (const r of open.filter((i) => isOverdue(i, today))) {
        const late = `已逾期 ${daysBetween(r.dueOn!, today)} 天`;
        lines.push({
          text: visibleInGroup(r) ? `#${r.seqNo} ${short(r.problem)}（责任人 ${r.owner?.name ?? "未指定"}，${late}）` : `#${r.seqNo} 个人整改事项，${late}（详情已私信责任人和书记）`,
          attention: true,
        });
      }
      if (counts.submitted) lines.push({ text: `待验收 ${counts.submitted} 项：请验收人核验佐证材料，验收后才算完成。`, attention: true });
      result.set(org.id, [{
        title: "整改",
        lines,
        needsAttention: counts.overdue > 0,
        rollup: { 整改: counts.open ? `未完成 ${counts.open}${counts.overdue ? `，逾期 ${counts.overdue}` : ""}` : "无未完成" },
      }, ...followUps]);
    }
    return result;
  },
};

/** 跟进事项 (会议决定): their own section, only when there are open ones; no roll-up column. */
function followUpSection(items: Array<{ seqNo: number; status: string; dueOn: string | null; longTerm: boolean; problem: string; disclosure: string; owner: { name: string } | null }>, today: string): DigestSection[] {
  const open = items.filter((i) => i.status !== "done");
  if (!open.length) return [];
  const overdue = open.filter((i) => isOverdue(i, today));
  const lines: DigestLine[] = [{ text: `会议决定的跟进事项未完成 ${open.length} 项${overdue.length ? `，其中逾期 ${overdue.length} 项` : ""}（不计入整改）。` }];
  for (const r of overdue) {
    lines.push({ text: visibleInGroup(r) ? `#${r.seqNo} ${short(r.problem)}（责任人 ${r.owner?.name ?? "未指定"}，已逾期 ${daysBetween(r.dueOn!, today)} 天）` : `#${r.seqNo} 个人跟进事项，已逾期`, attention: true });
  }
  return [{ title: "跟进事项", lines, needsAttention: overdue.length > 0 }];
}
