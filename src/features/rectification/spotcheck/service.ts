import type { Tx } from "../../../db/client.ts";
import type { Prisma } from "../../../generated/prisma/client.ts";
import { PermissionError, UsageError, type OrgInfo } from "../../../app/context.ts";
import { toOrgInfo } from "../../../app/actors.ts";
import type { Outbox } from "../../../app/outbox.ts";
import { addDays, dayLabel, dayOf, localTime } from "../dates.ts";
import { VERDICT_LABEL, type SpotCheckVerdict } from "../labels.ts";
import { loadItem, RECTIFICATION_ONLY, recordEvent, secretaryOf } from "../model.ts";
import { createRectificationItem, DEFAULT_DUE_DAYS } from "../service.ts";
import { reopenItem } from "../workflow.ts";
import { canonicalFrame, drawSample, newSeed, type DrawResult, type Frame } from "./draw.ts";
import type { CheckPeriod } from "./period.ts";

/** Branches without a category form their own stratum. */
export const NO_CATEGORY = "uncategorised";

export const SPOTCHECK_INCLUDE = {
  committee: true,
  branches: { orderBy: { drawOrder: "asc" } },
  items: { orderBy: { drawOrder: "asc" } },
} as const satisfies Prisma.SpotCheckInclude;

export type SpotCheckFull = Prisma.SpotCheckGetPayload<{ include: typeof SPOTCHECK_INCLUDE }>;

/** The population: the committee's branches by category, each with its items closed in the period. */
export async function buildFrame(tx: Tx, committeeId: number, period: CheckPeriod): Promise<Frame> {
  const branches = await tx.partyOrg.findMany({ where: { parentId: committeeId, kind: "branch" }, orderBy: { id: "asc" } });
  const items = await tx.rectificationItem.findMany({
    where: { orgId: { in: branches.map((b) => b.id) }, status: "done", closedAt: { gte: period.start, lt: period.end }, ...RECTIFICATION_ONLY },
    select: { id: true, orgId: true },
  });
  const strata = new Map<string, Frame["strata"][number]>();
  for (const b of branches) {
    const category = b.category ?? NO_CATEGORY;
    if (!strata.has(category)) strata.set(category, { category, branches: [] });
    strata.get(category)!.branches.push({ orgId: b.id, items: items.filter((i) => i.orgId === b.id).map((i) => i.id) });
  }
  return canonicalFrame({ strata: [...strata.values()] });
}

async function takeSpotCheckNo(tx: Tx, orgId: number): Promise<number> {
  const s = await tx.rectificationSettings.upsert({ where: { orgId }, create: { orgId, nextSpotCheckNo: 2 }, update: { nextSpotCheckNo: { increment: 1 } } });
  return s.nextSpotCheckNo - 1;
}

/** Draws, records (seed and frame included) and tells the sampled branches. */
export async function drawSpotCheck(
  tx: Tx,
  out: Outbox,
  input: { committee: OrgInfo; ratioPct: number; period: CheckPeriod; by: string; now: Date; seed?: string },
): Promise<SpotCheckFull> {
  const frame = await buildFrame(tx, input.committee.id, input.period);
  if (frame.strata.length === 0) throw new UsageError("还没有支部关联到本党委，无法抽查。请把关联码告诉支部书记：发送 /关联码 查看。");
  const seed = input.seed ?? newSeed();
  const result = drawSample(frame, input.ratioPct, seed);
  const seqNo = await takeSpotCheckNo(tx, input.committee.id);
  const sc = await tx.spotCheck.create({
    data: {
      committeeId: input.committee.id, seqNo, ratioPct: input.ratioPct, periodLabel: input.period.label,
      periodStart: input.period.start, periodEnd: input.period.end, seed, frame: JSON.stringify(frame), drawnAt: input.now, drawnBy: input.by,
      branches: { create: result.branches.map((b, i) => ({ orgId: b.orgId, drawOrder: i })) },
      items: { create: result.branches.flatMap((b) => b.items).map((itemId, i) => ({ itemId, drawOrder: i })) },
    },
  });
  for (const b of result.branches) await tellBranch(tx, out, input.committee, seqNo, input.period, b);
  return loadSpotCheck(tx, sc.id);
}

async function tellBranch(tx: Tx, out: Outbox, committee: OrgInfo, seqNo: number, period: CheckPeriod, b: DrawResult["branches"][number]): Promise<void> {
  const org = await tx.partyOrg.findUniqueOrThrow({ where: { id: b.orgId } });
  const o = out.forOrg(org.id);
  await o.text(
    { chatId: org.chatId },
    `「${committee.name}」开展整改落实情况抽查（抽查 #${seqNo}，范围 ${period.label}），本支部被抽中${b.items.length ? `，抽查已完成的整改事项 ${b.items.length} 项` : ""}。上级将查看三会一课记录、会议记录和整改佐证材料，请书记做好准备。`,
  );
  const secretary = await secretaryOf(tx, org.id);
  if (secretary && b.items.length) {
    const items = await tx.rectificationItem.findMany({ where: { id: { in: b.items } }, orderBy: { seqNo: "asc" } });
    await o.text({ openId: secretary.openId }, `抽查 #${seqNo} 抽到本支部的整改事项：${items.map((i) => `#${i.seqNo}`).join("、")}。请确认佐证材料齐全（发送 /整改 #编号 查看）。`);
  }
}

export async function loadSpotCheck(tx: Tx, id: number): Promise<SpotCheckFull> {
  return tx.spotCheck.findUniqueOrThrow({ where: { id }, include: SPOTCHECK_INCLUDE });
}

export async function spotCheckBySeq(tx: Tx, committeeId: number, seqNo: number): Promise<SpotCheckFull> {
  const sc = await tx.spotCheck.findUnique({ where: { committeeId_seqNo: { committeeId, seqNo } }, include: SPOTCHECK_INCLUDE });
  if (!sc) throw new UsageError(`本党委没有抽查 #${seqNo}。发送 /抽查 列表 查看。`, "/抽查 复现 1");
  return sc;
}

/** The sample as recorded, in the shape drawSample returns. */
export function recordedSample(sc: SpotCheckFull, frame: Frame): DrawResult {
  const categoryOf = new Map(frame.strata.flatMap((s) => s.branches.map((b) => [b.orgId, s.category] as const)));
  const itemOrg = new Map(frame.strata.flatMap((s) => s.branches.flatMap((b) => b.items.map((i) => [i, b.orgId] as const))));
  return {
    branches: sc.branches.map((b) => ({
      orgId: b.orgId,
      category: categoryOf.get(b.orgId) ?? NO_CATEGORY,
      items: sc.items.filter((i) => itemOrg.get(i.itemId) === b.orgId).map((i) => i.itemId),
    })),
  };
}

/** Re-derives the sample from the recorded seed and frame and compares it with the record. */
export function reproduce(sc: SpotCheckFull): { frame: Frame; derived: DrawResult; recorded: DrawResult; matches: boolean } {
  const frame = JSON.parse(sc.frame) as Frame;
  const derived = drawSample(frame, sc.ratioPct, sc.seed);
  const recorded = recordedSample(sc, frame);
  return { frame, derived, recorded, matches: JSON.stringify(derived) === JSON.stringify(recorded) };
}

export async function recordVerdict(tx: Tx, out: Outbox, sc: SpotCheckFull, itemId: number, verdict: SpotCheckVerdict, by: string, now: Date): Promise<string> {
  const row = sc.items.find((i) => i.itemId === itemId);
  if (!row) throw new UsageError("这个事项不在本次抽查的样本中。");
  const item = await loadItem(tx, itemId);
  if (item.owner?.openId === by || item.closedBy === by) {
    throw new PermissionError(`您是「${item.org.name}」#${item.seqNo} 的责任人或验收人，请由其他同志核验（回避）。`);
  }
  if (row.verdict === verdict) return `#${item.seqNo} 已记录为「${VERDICT_LABEL[verdict]}」。`;
  await tx.spotCheckItem.update({ where: { id: row.id }, data: { verdict, verdictBy: by, verdictAt: now } });
  await recordEvent(tx, item.id, { actorOpenId: by, orgId: item.orgId, action: "spot_checked", comment: `上级抽查 #${sc.seqNo}：${VERDICT_LABEL[verdict]}`, at: now });
  if (verdict === "false" && !row.reopened) {
    await reopenItem(tx, out, item, by, `上级抽查 #${sc.seqNo} 认定整改不实`, now);
    await tx.spotCheckItem.update({ where: { id: row.id }, data: { reopened: true } });
    return `已记录「${item.org.name}」#${item.seqNo} 为「不实」，该事项已重新打开整改，并告知责任人和支部书记。`;
  }
  return `已记录「${item.org.name}」#${item.seqNo} 为「${VERDICT_LABEL[verdict]}」。`;
}

/** A reviewer's finding for a sampled branch; a problem found becomes a branch-level item. */
export async function recordFinding(
  tx: Tx,
  out: Outbox,
  sc: SpotCheckFull,
  orgId: number,
  f: { text: string; problem: boolean; dueOn?: string },
  reviewer: { openId: string; memberId?: number },
  now: Date,
): Promise<string> {
  const row = sc.branches.find((b) => b.orgId === orgId);
  if (!row) throw new UsageError("这个支部不在本次抽查的样本中。");
  if (row.findingAt) throw new UsageError("该支部的抽查结论已经记录，不能重复提交。如需补充问题，请用 /整改 在支部登记。");
  const text = f.text.trim();
  if (!text) throw new UsageError(f.problem ? "请写明发现的问题。" : "请写明抽查结论，例如：会议记录齐全，整改佐证属实。");
  const branch = toOrgInfo(await tx.partyOrg.findUniqueOrThrow({ where: { id: orgId } }));
  let itemId: number | null = null;
  let answer = `已记录「${branch.name}」的抽查结论。`;
  if (f.problem) {
    const today = dayOf(now, branch.timezone);
    if (f.dueOn && f.dueOn < today) throw new UsageError("整改期限已经过去，请选择今天或以后的日期。");
    const created = await createRectificationItem(tx, {
      orgId, source: "superior_check", sourceRef: `spotcheck:${sc.id}`, scope: "branch", problem: text,
      verifierMemberId: reviewer.memberId,
      dueDate: f.dueOn ? localTime(f.dueOn, "12:00", branch.timezone) : null,
      createdBy: reviewer.openId, now,
    });
    itemId = created.id;
    const due = dayLabel(f.dueOn ?? addDays(today, DEFAULT_DUE_DAYS), today);
    await out.forOrg(orgId).text({ chatId: branch.chatId }, `上级抽查 #${sc.seqNo} 发现问题，已登记为本支部整改事项 #${created.seqNo}（期限 ${due}）：${text}\n发送 /整改 #${created.seqNo} 查看。`);
    answer = `已记录「${branch.name}」的抽查结论，并登记为该支部整改事项 #${created.seqNo}。`;
  }
  await tx.spotCheckBranch.update({ where: { id: row.id }, data: { finding: text, findingOk: !f.problem, findingItemId: itemId, findingBy: reviewer.openId, findingAt: now } });
  return answer;
}
