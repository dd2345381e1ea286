import type { Bot } from "../../../app/bot.ts";
import { clip, rowNumber, echo } from "../../../app/args.ts";
import { UsageError, type ActionContext, type CommandContext } from "../../../app/context.ts";
import type { CardResponse } from "../../../app/inbound.ts";
import { renderCard } from "../../../app/cards.ts";
import { parsePickedDay } from "../dates.ts";
import type { SpotCheckVerdict } from "../labels.ts";
import { categoryLabel, REVIEW_CARD, reviewCardData, reviewPages } from "./views.ts";
import { PERIOD_EXAMPLES, parseCheckPeriod } from "./period.ts";
import { drawSpotCheck, loadSpotCheck, recordFinding, recordVerdict, reproduce, spotCheckBySeq, type SpotCheckFull } from "./service.ts";
import type { DrawResult } from "./draw.ts";

const EXAMPLE = "/抽查 20% 2026Q1";

/** Posts the review card, one card per page when the sample is large. */
async function postReview(ctx: CommandContext, sc: SpotCheckFull): Promise<void> {
  const pages = reviewPages(sc).length;
  for (let page = 0; page < pages; page++) {
    await ctx.replyCard(REVIEW_CARD, await reviewCardData(ctx.tx, sc, ctx.now, page), { cardRef: `spotcheck:${sc.id}:review:${ctx.message.messageId}:${page}` });
  }
}

function parseRatio(word: string | undefined): number | undefined {
  const m = /^(\d{1,3})\s*[%％]?$/.exec(word ?? "");
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : undefined;
}

function seqOf(word: string | undefined): number | undefined {
  const m = /^[#＃]?(\d+)$/.exec(word ?? "");
  return m ? rowNumber(m[1]) : undefined;
}

async function drawCommand(ctx: CommandContext): Promise<void> {
  const org = ctx.org!;
  const [ratioWord, periodWord] = ctx.args;
  const ratioPct = parseRatio(ratioWord);
  if (ratioPct === undefined) throw new UsageError(`「${echo(ratioWord)}」不是有效的比例，请写 1%–100%。`, EXAMPLE);
  const period = parseCheckPeriod(periodWord, ctx.now, org.timezone);
  if (!period) throw new UsageError(`不认识范围「${echo(periodWord)}」。可以写：${PERIOD_EXAMPLES}。`, EXAMPLE);
  const sc = await drawSpotCheck(ctx.tx, ctx.out, { committee: org, ratioPct, period, by: ctx.message.senderOpenId, now: ctx.now });
  await postReview(ctx, sc);
}

async function names(ctx: CommandContext, r: DrawResult): Promise<string> {
  if (r.branches.length === 0) return "（无）";
  const orgs = await ctx.tx.partyOrg.findMany({ where: { id: { in: r.branches.map((b) => b.orgId) } } });
  const items = await ctx.tx.rectificationItem.findMany({ where: { id: { in: r.branches.flatMap((b) => b.items) } } });
  return r.branches
    .map((b) => {
      const picked = b.items.map((id) => `#${items.find((i) => i.id === id)?.seqNo ?? "?"}`).join("、");
      return `${orgs.find((o) => o.id === b.orgId)?.name ?? b.orgId}（${categoryLabel(b.category)}）${picked ? `：事项 ${picked}` : "：无事项"}`;
    })
    .join("；");
}

async function reproduceCommand(ctx: CommandContext, sc: SpotCheckFull): Promise<void> {
  const r = reproduce(sc);
  await ctx.reply(
    [
      `抽查 #${sc.seqNo}（${sc.periodLabel}，比例 ${sc.ratioPct}%）复现：`,
      `随机种子 ${sc.seed}，按记录的抽样框重新抽取。`,
      `重新抽取：${await names(ctx, r.derived)}`,
      `原始记录：${await names(ctx, r.recorded)}`,
      r.matches ? "结论：与原始记录完全一致 ✓" : "结论：与原始记录不一致 ✗ 请核查抽样记录是否被改动。",
      "算法：第 n 个随机数取 SHA-256(\"种子:n\") 的前 4 字节除以 2³²；各领域内按支部编号依次不放回抽取，再在被抽支部的事项中同样抽取。",
    ].join("\n"),
  );
}

async function listCommand(ctx: CommandContext): Promise<void> {
  const rows = await ctx.tx.spotCheck.findMany({ where: { committeeId: ctx.org!.id }, include: { branches: true, items: true }, orderBy: { seqNo: "desc" }, take: 20 });
  await ctx.reply(
    rows.length
      ? `本党委的抽查（最近 ${rows.length} 次）：\n${rows.map((r) => `#${r.seqNo} ${r.periodLabel} · ${r.ratioPct}% · 支部 ${r.branches.length} 个、事项 ${r.items.length} 项 · 已核验 ${r.items.filter((i) => i.verdict).length} 项`).join("\n")}\n发送 /抽查 #编号 重新查看抽查卡片。`
      : `还没有抽查记录。发送 ${EXAMPLE} 开始。`,
  );
}

async function spotCheckCommand(ctx: CommandContext): Promise<void> {
  const [first, second] = ctx.args;
  if (!first) throw new UsageError("缺少抽取比例。", EXAMPLE);
  if (first === "复现" || first === "verify") {
    const seq = seqOf(second);
    if (seq === undefined) throw new UsageError("请写明要复现的抽查编号。", "/抽查 复现 1");
    return reproduceCommand(ctx, await spotCheckBySeq(ctx.tx, ctx.org!.id, seq));
  }
  if (first === "列表" || first === "list") return listCommand(ctx);
  if (/^[#＃]\d+$/.test(first)) {
    const seq = seqOf(first);
    if (seq === undefined) throw new UsageError(`本党委没有抽查 ${first}。发送 /抽查 列表 查看。`, "/抽查 列表");
    const sc = await spotCheckBySeq(ctx.tx, ctx.org!.id, seq);
    await postReview(ctx, sc);
    return;
  }
  return drawCommand(ctx);
}

/** The spot-check a review card names, which must belong to the committee whose chat it is in. */
async function spotCheckOfCard(ctx: ActionContext): Promise<SpotCheckFull> {
  const id = rowNumber(ctx.value.sc);
  const row = id ? await ctx.tx.spotCheck.findUnique({ where: { id }, select: { committeeId: true } }) : null;
  if (!id || !row || row.committeeId !== ctx.org?.id) throw new UsageError("找不到这次抽查，请发送 /抽查 列表 查看。");
  return loadSpotCheck(ctx.tx, id);
}

async function answer(ctx: ActionContext, sc: SpotCheckFull, message: string): Promise<CardResponse> {
  const fresh = await loadSpotCheck(ctx.tx, sc.id);
  return { toast: { type: "success", content: message }, card: renderCard(REVIEW_CARD, await reviewCardData(ctx.tx, fresh, ctx.now, Number(ctx.value.p) || 0)) };
}

async function verdictAction(ctx: ActionContext): Promise<CardResponse> {
  const sc = await spotCheckOfCard(ctx);
  const v = String(ctx.value.v);
  if (v !== "true" && v !== "partial" && v !== "false") throw new UsageError("无效的核验结论。");
  const message = await recordVerdict(ctx.tx, ctx.out, sc, Number(ctx.value.item), v as SpotCheckVerdict, ctx.action.operatorOpenId, ctx.now);
  return answer(ctx, sc, message);
}

async function findingAction(ctx: ActionContext): Promise<CardResponse> {
  const sc = await spotCheckOfCard(ctx);
  const orgId = Number(ctx.value.branch);
  // At most what the card's input takes (500): a longer forged value would not fit the review card.
  const text = typeof ctx.form[`finding_${orgId}`] === "string" ? clip(String(ctx.form[`finding_${orgId}`]), 500) : "";
  const result = ctx.form[`result_${orgId}`];
  if (result !== "ok" && result !== "issue") throw new UsageError("请选择是否需要整改。");
  const dueRaw = ctx.form[`due_${orgId}`];
  const dueOn = parsePickedDay(dueRaw);
  if (dueRaw && !dueOn) throw new UsageError("整改期限不是有效的日期，请重新选择。");
  const message = await recordFinding(ctx.tx, ctx.out, sc, orgId, { text, problem: result === "issue", dueOn }, { openId: ctx.action.operatorOpenId, memberId: ctx.actor?.memberId }, ctx.now);
  return answer(ctx, sc, message);
}

export function registerSpotCheck(bot: Bot): void {
  bot.command({
    name: "抽查",
    aliases: ["spotcheck"],
    group: "整改",
    summary: "党委按比例随机抽查下级支部的整改落实情况（可复现）",
    usage: "/抽查 <比例%> [范围] | /抽查 复现 <编号> | /抽查 列表 | /抽查 #编号",
    example: EXAMPLE,
    permission: "committee",
    scope: "committee",
    run: spotCheckCommand,
  });
  bot.action({ name: "spotcheck.verdict", permission: "committee", access: "抽查卡片「属实」「部分属实」「不实」：党委的支委，本人是责任人或验收人的事项须回避", run: verdictAction });
  bot.action({ name: "spotcheck.finding", permission: "committee", access: "抽查卡片「记录结论」：党委的支委", run: findingAction });
}
