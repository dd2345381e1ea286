import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { DigestLine, DigestSection, SectionProvider, WarningCondition, WarningRule } from "../digest/index.ts";
import { groupCountsLine, isGrade, type Grade } from "./grades.ts";
import { gradeCounts } from "./determination.ts";
import { roundDeadlineLabel } from "./rounds.ts";
import { dayOf, yearOf } from "./time.ts";
import { pairKey, requiredPairs, talkRoster } from "./org-life/service.ts";

/**
 * What the digests and early warnings say about 民主评议 and 组织生活会. Digests are read in
 * group chats: only counts per grade and how many have finished, never a person's result.
 */

async function roundsByOrg(tx: Tx, orgs: OrgInfo[]) {
  const rounds = await tx.appraisalRound.findMany({ where: { orgId: { in: orgs.map((o) => o.id) } }, orderBy: { id: "desc" } });
  const latest = new Map<number, (typeof rounds)[number]>();
  for (const r of rounds) if (!latest.has(r.orgId)) latest.set(r.orgId, r);
  return latest;
}

/** Everything the section needs for all branches, in a fixed number of queries. */
async function sectionData(tx: Tx, branches: OrgInfo[], latest: Awaited<ReturnType<typeof roundsByOrg>>, year: number) {
  const rounds = [...latest.values()];
  const openIds = rounds.filter((r) => r.status === "open").map((r) => r.id);
  const publishedIds = rounds.filter((r) => r.status === "published").map((r) => r.id);
  const [participants, grades, sessions] = await Promise.all([
    tx.appraisalParticipant.groupBy({ by: ["roundId", "selfDone", "voter", "peerDone"], where: { roundId: { in: openIds } }, _count: { _all: true } }),
    tx.appraisalResult.groupBy({ by: ["roundId", "finalGrade"], where: { roundId: { in: publishedIds } }, _count: { _all: true } }),
    tx.orgLifeSession.findMany({ where: { orgId: { in: branches.map((b) => b.id) }, year } }),
  ]);
  const sessionIds = sessions.map((x) => x.id);
  const [opinions, talks, held] = await Promise.all([
    tx.orgLifeOpinion.groupBy({ by: ["sessionId"], where: { sessionId: { in: sessionIds } }, _count: { _all: true } }),
    tx.heartTalk.groupBy({ by: ["sessionId"], where: { sessionId: { in: sessionIds } }, _count: { _all: true } }),
    tx.heartTalk.groupBy({ by: ["sessionId"], where: { sessionId: { in: sessionIds }, doneAt: { not: null } }, _count: { _all: true } }),
  ]);
  const countOf = (rows: Array<{ sessionId: number; _count: { _all: number } }>, id: number) => rows.find((r) => r.sessionId === id)?._count._all ?? 0;
  return {
    progress(roundId: number) {
      const mine = participants.filter((p) => p.roundId === roundId);
      const total = mine.reduce((n, p) => n + p._count._all, 0);
      const done = mine.filter((p) => p.selfDone && (!p.voter || p.peerDone)).reduce((n, p) => n + p._count._all, 0);
      return { done, total };
    },
    grades(roundId: number): Grade[] {
      return grades.filter((g) => g.roundId === roundId && isGrade(g.finalGrade)).flatMap((g) => Array(g._count._all).fill(g.finalGrade) as Grade[]);
    },
    session(orgId: number) {
      const x = sessions.find((y) => y.orgId === orgId);
      return x ? { ...x, opinions: countOf(opinions, x.id), talks: countOf(talks, x.id), held: countOf(held, x.id) } : undefined;
    },
  };
}

export const evaluationSection: SectionProvider = {
  id: "evaluation",
  order: 50,
  async collect(tx, orgs, period, now) {
    const branches = orgs.filter((o) => o.kind === "branch");
    const result = new Map<number, DigestSection[]>();
    if (branches.length === 0) return result;
    const latest = await roundsByOrg(tx, branches);
    const data = await sectionData(tx, branches, latest, yearOf(now, branches[0]!.timezone));
    for (const org of branches) {
      const lines: DigestLine[] = [];
      let rollup: string | undefined;
      const round = latest.get(org.id);
      if (round?.status === "open") {
        const { done, total } = data.progress(round.id);
        lines.push({ text: `民主评议「${round.name}」进行中：已完成 ${done}/${total} 人，截止 ${roundDeadlineLabel(round, org)}。` });
        rollup = `进行中 ${done}/${total}`;
      } else if (round?.status === "closed") {
        lines.push({ text: `民主评议「${round.name}」已截止，支委会评定中。`, attention: true });
        rollup = "评定中";
      } else if (round?.status === "published" && round.publishedAt && round.publishedAt >= period.start && round.publishedAt < period.end) {
        lines.push({ text: `民主评议「${round.name}」结果已发布：${groupCountsLine(gradeCounts(data.grades(round.id)))}。` });
        rollup = "已发布";
      }
      const session = data.session(org.id);
      if (session && (session.opinionsOpenedAt || session.talksPlannedAt)) {
        const parts = [session.opinionsOpenedAt ? `征求意见已收到 ${session.opinions} 条` : "", session.talks ? `谈心谈话已谈 ${session.held}/${session.talks} 对` : ""].filter(Boolean);
        lines.push({ text: `组织生活会准备：${parts.join("；")}。` });
      }
      if (lines.length) result.set(org.id, [{ title: "民主评议与组织生活会", lines, rollup: rollup ? { 民主评议: rollup } : undefined }]);
    }
    return result;
  },
};

/** W11: proposed 优秀 above one third of the round (domain.md §2.2, §4.2). */
export const appraisalRatioRule: WarningRule = {
  id: "W11",
  title: "建议优秀人数超过三分之一",
  async evaluate(tx, orgs) {
    const latest = await roundsByOrg(tx, orgs);
    const result = new Map<number, WarningCondition[]>();
    for (const org of orgs) {
      const round = latest.get(org.id);
      if (round?.status !== "closed") continue;
      const rows = await tx.appraisalResult.findMany({ where: { roundId: round.id }, select: { proposedGrade: true, finalGrade: true } });
      const excellent = rows.filter((r) => (r.finalGrade ?? r.proposedGrade) === "EXCELLENT").length;
      if (excellent * 3 <= rows.length) continue;
      result.set(org.id, [{
        subjectKey: `round:${round.id}`,
        message: `「${round.name}」建议或评定为优秀的人数超过参评党员的三分之一，按规定优秀一般不超过三分之一，请支委会研究。`,
        audience: "committee",
      }]);
    }
    return result;
  },
};

/** W9: from 1 October, the year's 谈心谈话 not arranged or not all held (domain.md §4.2). */
export const talkCoverageRule: WarningRule = {
  id: "W9",
  title: "谈心谈话尚未完成",
  async evaluate(tx, orgs, now) {
    const result = new Map<number, WarningCondition[]>();
    for (const org of orgs.filter((o) => o.kind === "branch")) {
      const year = yearOf(now, org.timezone);
      if (dayOf(now, org.timezone) < `${year}-10-01`) continue;
      const session = await tx.orgLifeSession.findUnique({ where: { orgId_year: { orgId: org.id, year } } });
      // Complete means every pair the rules require for today's roster has talked, not just the planned ones.
      const required = requiredPairs(await talkRoster(tx, org.id));
      const held = new Set(session ? (await tx.heartTalk.findMany({ where: { sessionId: session.id, doneAt: { not: null } }, select: { aMemberId: true, bMemberId: true } })).map((t) => pairKey(t.aMemberId, t.bMemberId)) : []);
      const total = session?.talksPlannedAt ? required.length : 0;
      const open = required.filter((p) => !held.has(pairKey(p.a, p.b))).length;
      if (total && !open) continue;
      result.set(org.id, [{
        subjectKey: String(year),
        message: total
          ? `今年组织生活会前的谈心谈话还有 ${open} 对没有谈（共 ${total} 对）。发送 /组织生活会 谈心 查看。`
          : "今年还没有安排谈心谈话（书记与每位支委和党员、支委之间、支委与党员、党员之间）。发送 /组织生活会 谈心 安排。",
        audience: "secretary",
      }]);
    }
    return result;
  },
};

/**
 * 民主评议 of a year for the plan and the digest: done once a round of that year is published,
 * in progress while one is open or being determined; absent when none was started.
 */
export async function appraisalYearStatus(tx: Tx, orgIds: number[], year: number): Promise<Map<number, "done" | "in_progress">> {
  const rounds = await tx.appraisalRound.findMany({ where: { orgId: { in: orgIds }, year }, select: { orgId: true, status: true } });
  const result = new Map<number, "done" | "in_progress">();
  for (const r of rounds) {
    if (r.status === "published") result.set(r.orgId, "done");
    else if (!result.has(r.orgId)) result.set(r.orgId, "in_progress");
  }
  return result;
}
