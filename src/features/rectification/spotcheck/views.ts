import type { Tx } from "../../../db/client.ts";
import type { OrgInfo } from "../../../app/context.ts";
import { toOrgInfo } from "../../../app/actors.ts";
import { CATEGORY_LABEL, type BranchCategory } from "../../branches/service.ts";
import { branchPlan } from "../../meetings/index.ts";
import { dayLabel, dayOf, timeLabel } from "../dates.ts";
import { short, VERDICT_LABEL, type SpotCheckVerdict } from "../labels.ts";
import { ITEM_INCLUDE, memberName, type ItemFull } from "../model.ts";

import { frameDigest, type Frame } from "./draw.ts";
import { NO_CATEGORY, type SpotCheckFull } from "./service.ts";

export const REVIEW_CARD = "spotcheck-review";

export function categoryLabel(category: string): string {
  return category === NO_CATEGORY ? "未分类" : CATEGORY_LABEL[category as BranchCategory] ?? category;
}

/**
 * 三会一课 met against required for the periods overlapping the check, from the meetings
 * feature's year plan. Periods before the bot kept records are 缺项, never counted as held.
 */
async function meetingLines(tx: Tx, org: OrgInfo, sc: SpotCheckFull, now: Date): Promise<string[]> {
  const end = sc.periodEnd < now ? sc.periodEnd : now;
  const lines: string[] = [];
  for (let year = Number(dayOf(sc.periodStart, org.timezone).slice(0, 4)); year <= Number(dayOf(new Date(end.getTime() - 1), org.timezone).slice(0, 4)); year++) {
    const plan = await branchPlan(tx, org, year, now);
    for (const row of plan.rows) {
      const cells = row.cells.filter((c) => c.period.start < end && sc.periodStart < c.period.end);
      if (cells.length === 0) continue;
      const count = (s: string) => cells.filter((c) => c.status === s).length;
      // Met means held with attendance final and minutes submitted; held without them is not met.
      const met = count("done");
      const required = met + count("unrecorded") + count("in_progress") + count("missing") + count("due") + count("scheduled");
      const parts = [required ? `已落实 ${met}/${required} 期` : "本期无应召开"];
      if (count("unrecorded")) parts.push(`${count("unrecorded")} 期已召开但考勤或记录待补`);
      if (count("in_progress")) parts.push(`${count("in_progress")} 期进行中`);
      if (count("missing")) parts.push(`缺 ${count("missing")} 期`);
      if (count("due") + count("scheduled")) parts.push(`${count("due") + count("scheduled")} 期尚在期内`);
      if (count("untracked")) parts.push(`${count("untracked")} 期缺项（绑定前无记录）`);
      lines.push(`${row.label}：${parts.join("，")}`);
    }
  }
  return lines;
}

/**
 * 会议记录 of the meetings held in the period, from the minutes feature's tables: confirmed,
 * waiting for confirmation, or missing. A held meeting without a record is 缺, never "done".
 */
async function minutesLine(tx: Tx, orgId: number, sc: SpotCheckFull, now: Date): Promise<string> {
  const end = sc.periodEnd < now ? sc.periodEnd : now;
  const held = await tx.meeting.findMany({
    where: { orgId, status: "held", startAt: { gte: sc.periodStart, lt: end } },
    select: { minutes: { select: { status: true } } },
  });
  if (held.length === 0) return "会议记录：本期没有已召开的会议，无记录可查";
  const confirmed = held.filter((m) => m.minutes?.status === "confirmed").length;
  const submitted = held.filter((m) => m.minutes?.status === "submitted").length;
  const missing = held.length - confirmed - submitted;
  return `会议记录：已召开 ${held.length} 次，记录已确认 ${confirmed}、待书记确认 ${submitted}${missing ? `、缺 ${missing}` : ""}`;
}

function evidenceSummary(item: ItemFull): string {
  if (item.evidence.length === 0) return "无佐证材料";
  const kinds = { image: 0, file: 0, link: 0, text: 0 } as Record<string, number>;
  for (const e of item.evidence) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  const names: Record<string, string> = { image: "图片", file: "文件", link: "链接", text: "文字说明" };
  const parts = Object.entries(kinds).filter(([, n]) => n > 0).map(([k, n]) => `${names[k]} ${n}`);
  const firstNote = item.evidence.find((e) => e.kind === "text" || e.kind === "link");
  return `佐证 ${item.evidence.length} 份（${parts.join("、")}）${firstNote?.content ? `：${short(firstNote.content, 40)}` : ""}`;
}

/** A card stays under 30 KB: branches and items are spread over pages by a rough byte budget. */
const PAGE_BUDGET = 24_000;
const BRANCH_COST = 3_600;
const ITEM_COST = 1_500;

export interface ReviewPiece {
  orgId: number;
  itemIds: number[];
  /** The branch's records are shown on its first piece, its finding form on its last. */
  first: boolean;
  last: boolean;
}

export function reviewPages(sc: SpotCheckFull): ReviewPiece[][] {
  const frame = JSON.parse(sc.frame) as Frame;
  const itemsOf = new Map(frame.strata.flatMap((s) => s.branches).map((b) => [b.orgId, new Set(b.items)]));
  const pages: ReviewPiece[][] = [[]];
  let used = 0;
  for (const b of sc.branches) {
    const ids = sc.items.filter((i) => itemsOf.get(b.orgId)?.has(i.itemId)).map((i) => i.itemId);
    let rest = ids;
    let first = true;
    for (;;) {
      if (used > 0 && PAGE_BUDGET - used < BRANCH_COST + ITEM_COST * Math.min(rest.length, 1)) {
        pages.push([]);
        used = 0;
      }
      const room = Math.max(1, Math.floor((PAGE_BUDGET - used - BRANCH_COST) / ITEM_COST));
      const take = rest.slice(0, room);
      rest = rest.slice(take.length);
      pages.at(-1)!.push({ orgId: b.orgId, itemIds: take, first, last: rest.length === 0 });
      used += BRANCH_COST + ITEM_COST * take.length;
      first = false;
      if (rest.length === 0) break;
    }
  }
  return pages;
}

/** Data for one page of cards/spotcheck-review.json. */
export async function reviewCardData(tx: Tx, sc: SpotCheckFull, now: Date, page = 0) {
  const frame = JSON.parse(sc.frame) as Frame;
  const tz = sc.committee.timezone;
  const pages = reviewPages(sc);
  const pieces = pages[Math.min(page, pages.length - 1)] ?? [];
  const frameBranches = frame.strata.reduce((n, s) => n + s.branches.length, 0);
  const frameItems = frame.strata.reduce((n, s) => n + s.branches.reduce((m, b) => m + b.items.length, 0), 0);
  const items = await tx.rectificationItem.findMany({ where: { id: { in: pieces.flatMap((p) => p.itemIds) } }, include: ITEM_INCLUDE });
  const branches = [];
  for (const piece of pieces) {
    const b = sc.branches.find((x) => x.orgId === piece.orgId)!;
    const org = toOrgInfo(await tx.partyOrg.findUniqueOrThrow({ where: { id: b.orgId } }));
    const frameBranch = frame.strata.flatMap((s) => s.branches.map((fb) => ({ ...fb, category: s.category }))).find((fb) => fb.orgId === b.orgId);
    const sampledCount = sc.items.filter((si) => frameBranch?.items.includes(si.itemId)).length;
    const today = dayOf(now, org.timezone);
    branches.push({
      orgId: org.id,
      name: piece.first ? org.name : `${org.name}（续）`,
      category: categoryLabel(frameBranch?.category ?? NO_CATEGORY),
      showRecords: piece.first,
      meetings: piece.first ? await meetingLines(tx, org, sc, now) : [],
      minutes: piece.first ? await minutesLine(tx, org.id, sc, now) : "",
      itemsLine: frameBranch?.items.length
        ? `本期验收销号的整改事项 ${frameBranch.items.length} 项，抽取 ${sampledCount} 项${piece.first ? "：" : "（续）："}`
        : "本期没有验收销号的整改事项。",
      items: piece.itemIds.map((id) => {
        const item = items.find((i) => i.id === id)!;
        const si = sc.items.find((x) => x.itemId === id)!;
        return {
          sc: sc.id,
          page,
          itemId: item.id,
          title: `#${item.seqNo} ${short(item.problem, 40)}`,
          detail: `责任人 ${item.owner?.name ?? "未指定"} · ${evidenceSummary(item)}`,
          verdictLine: si.verdict
            ? `核验结论：**${VERDICT_LABEL[si.verdict as SpotCheckVerdict]}**${si.reopened ? "（已重新整改）" : ""}`
            : `当前状态：${item.status === "done" ? `已于 ${item.closedAt ? dayLabel(dayOf(item.closedAt, org.timezone), today) : "—"} 验收销号` : "已重新打开"}；待核验`,
          nameT: `v${item.id}_t`,
          nameP: `v${item.id}_p`,
          nameF: `v${item.id}_f`,
        };
      }),
      showFinding: piece.last,
      findingDone: !!b.findingAt,
      finding: b.findingAt ? `${b.findingOk ? "未发现问题" : "发现问题，已登记为该支部整改事项"}：${b.finding ?? ""}` : "",
      page,
      form: `f${org.id}`,
      findingName: `finding_${org.id}`,
      resultName: `result_${org.id}`,
      dueName: `due_${org.id}`,
      buttonName: `fb_${org.id}`,
    });
  }
  const verdicts = sc.items.filter((i) => i.verdict).length;
  const findings = sc.branches.filter((b) => b.findingAt).length;
  return {
    sc: sc.id,
    seqNo: sc.seqNo,
    committeeName: sc.committee.name,
    periodLabel: sc.periodLabel,
    pageLabel: pages.length > 1 ? `（第 ${page + 1}/${pages.length} 页）` : "",
    method: `按支部领域分层抽取 ${sc.ratioPct}%（每个领域、每个被抽支部至少 1 个）`,
    frameLine: `抽样框：${frame.strata.length} 个领域、${frameBranches} 个支部、${frameItems} 项验收销号的事项（摘要 ${frameDigest(frame)}）`,
    seedLine: `随机种子 ${sc.seed} · ${timeLabel(sc.drawnAt, tz)} 由 ${await memberName(tx, sc.drawnBy, sc.committeeId)} 抽取 · 发送 /抽查 复现 ${sc.seqNo} 可用同一种子重新抽取核对`,
    progress: `已核验事项 ${verdicts}/${sc.items.length}，已记录支部结论 ${findings}/${sc.branches.length}`,
    branches,
  };
}
