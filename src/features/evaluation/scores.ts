import type { Tx } from "../../db/client.ts";
import { clip } from "../../app/args.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import { isCategory, loadCatalogue, pointsLabel, type Catalogue, type CatalogueItem } from "./catalogue.ts";
import { computeSheet, type ScoreSheet } from "./scoring.ts";
import { activeRound, catalogueOf, type Round } from "./rounds.ts";
import { yearOf } from "./time.ts";

/**
 * 评星晋级 score sheets: committee members record bonus, deduction and veto items with
 * evidence. Sheets are private to the member and the committee; nothing here is ever
 * ranked or posted to a group (domain.md §2.4, §4.5).
 */

export interface ScoringScope {
  year: number;
  catalogue: Catalogue;
  /** The unpublished round the entries feed, if one exists. */
  round: Round | null;
}

/** Entries go to the year of the round in progress, else the current year. */
export async function scoringScope(tx: Tx, org: OrgInfo, now: Date): Promise<ScoringScope> {
  const round = await activeRound(tx, org.id);
  if (round) return { year: round.year, catalogue: catalogueOf(round), round };
  if (!isCategory(org.category)) throw new UsageError("本支部还没有设置所属领域（机关事业单位 / 村（社区） / 两新组织），评星项目按领域确定。");
  return { year: yearOf(now, org.timezone), catalogue: loadCatalogue(org.category), round: null };
}

async function assertYearOpen(tx: Tx, orgId: number, year: number): Promise<void> {
  const published = await tx.appraisalRound.findFirst({ where: { orgId, year, status: "published" }, orderBy: { id: "asc" } });
  if (published) throw new UsageError(`${year} 年度的评议结果已经发布（「${published.name}」），评星记分已封存，不能再修改。`);
}

export interface NewScoreItem {
  org: OrgInfo;
  scope: ScoringScope;
  /** Undefined when the form named nobody usable. */
  memberId: number | undefined;
  itemCode: string;
  pointsText?: string;
  evidence: string;
  recordedBy: number;
  now: Date;
}

function pointsFor(item: CatalogueItem, text: string | undefined): number {
  if (item.kind === "veto") return 0;
  if (item.points !== undefined) return item.points;
  const n = Number((text ?? "").trim());
  if (!Number.isInteger(n) || n < item.minPoints! || n > item.maxPoints!) {
    throw new UsageError(`「${item.title}」的分值在 ${item.minPoints}～${item.maxPoints} 分之间，请在「分值」里填一个整数。`);
  }
  return n;
}

export async function addScoreItem(tx: Tx, input: NewScoreItem): Promise<{ title: string; label: string; memberName: string }> {
  const { org, scope } = input;
  await assertYearOpen(tx, org.id, scope.year);
  const member = input.memberId ? await tx.member.findUnique({ where: { id: input.memberId } }) : null;
  if (!member || member.orgId !== org.id || !member.active || (member.memberClass !== "full" && member.memberClass !== "probationary")) {
    throw new UsageError("请选择本支部的党员（正式党员或预备党员）。");
  }
  if (member.id === input.recordedBy) throw new UsageError("不能给自己记分，请由其他支委记录。");
  const item = scope.catalogue.items.find((i) => i.code === input.itemCode);
  if (!item) throw new UsageError("请选择一个评星项目。");
  const evidence = input.evidence.trim();
  if (!evidence) throw new UsageError(`请填写佐证（${item.evidence}）：加分、减分和否决项都要有据可查。`);
  const points = pointsFor(item, input.pointsText);
  await tx.appraisalScoreItem.create({
    data: {
      orgId: org.id, year: scope.year, memberId: member.id, itemCode: item.code, kind: item.kind, title: item.title,
      points, evidence: clip(evidence, 200), recordedBy: input.recordedBy, recordedAt: input.now,
    },
  });
  const label = item.kind === "veto" ? "一票否决项" : `${item.kind === "bonus" ? "+" : "−"}${points} 分`;
  return { title: item.title, label, memberName: member.name };
}

export async function withdrawScoreItem(tx: Tx, org: OrgInfo, itemId: number | undefined, by: number, now: Date): Promise<{ memberId: number; year: number }> {
  const row = itemId ? await tx.appraisalScoreItem.findUnique({ where: { id: itemId } }) : null;
  if (!row || row.orgId !== org.id) throw new UsageError("找不到这条记分记录，请发送 /评星 重新查看。");
  await assertYearOpen(tx, org.id, row.year);
  if (!row.withdrawnAt) await tx.appraisalScoreItem.update({ where: { id: row.id }, data: { withdrawnBy: by, withdrawnAt: now } });
  return { memberId: row.memberId, year: row.year };
}

export interface SheetEntry {
  id: number;
  kind: string;
  title: string;
  points: number;
  evidence: string;
  recordedBy: number;
  recordedAt: Date;
}

export async function entriesOf(tx: Tx, orgId: number, year: number, memberId: number): Promise<SheetEntry[]> {
  return tx.appraisalScoreItem.findMany({
    where: { orgId, year, memberId, withdrawnAt: null },
    orderBy: { id: "asc" },
    select: { id: true, kind: true, title: true, points: true, evidence: true, recordedBy: true, recordedAt: true, itemCode: true },
  });
}

export async function sheetOf(tx: Tx, orgId: number, year: number, memberId: number, catalogue: Catalogue): Promise<{ sheet: ScoreSheet; entries: SheetEntry[] }> {
  const entries = await tx.appraisalScoreItem.findMany({ where: { orgId, year, memberId, withdrawnAt: null }, orderBy: { id: "asc" } });
  return { sheet: computeSheet(catalogue, entries), entries };
}

/** Who can be scored by a committee member: the branch's party members, never oneself. */
export async function scorableMembers(tx: Tx, orgId: number, recorderId: number) {
  return tx.member.findMany({ where: { orgId, active: true, memberClass: { in: ["full", "probationary"] }, NOT: { id: recorderId } }, orderBy: { id: "asc" } });
}

export function itemOptions(catalogue: Catalogue): Array<{ value: string; label: string }> {
  const order = { bonus: 0, deduction: 1, veto: 2 } as const;
  return [...catalogue.items]
    .sort((a, b) => order[a.kind] - order[b.kind])
    .map((i) => ({ value: i.code, label: `${i.kind === "bonus" ? "加分" : i.kind === "deduction" ? "减分" : "否决"}｜${i.title}（${pointsLabel(i)}）` }));
}
