import type { OrgInfo } from "../../app/context.ts";
import type { Catalogue } from "./catalogue.ts";
import { countsLine, DISCUSS, groupCountsLine, GRADE_LABEL, PROPOSAL_LABEL, starsText, type Grade } from "./grades.ts";
import { peerLine, rulesInWords, sheetSummary, type ScoreSheet } from "./scoring.ts";
import { itemOptions, type SheetEntry } from "./scores.ts";
import { excellentWarning, gradeCounts, type ResultView } from "./determination.ts";
import { finished, pageCount, pageOf, PEER_PAGE_SIZE, peerTargets, roleTag, roundDeadlineLabel, type Participant, type Round } from "./rounds.ts";
import { shortTime } from "./time.ts";
import { decidingLabel } from "./deciding-meeting.ts";

/** Plain data for the evaluation card templates (cards/evaluation-*.json). */

export const DETERMINE_PAGE_SIZE = 8;

export function selfCardData(org: OrgInfo, round: Round, p: Participant, own?: { summary: string; grade: string } | null) {
  return {
    orgName: org.name, roundName: round.name, deadline: roundDeadlineLabel(round, org), orgId: org.id, roundId: round.id,
    probationary: p.memberClass === "probationary", summary: own?.summary ?? "", grade: own?.grade ?? "",
    status: own ? "已提交，可修改后再次提交" : "尚未提交",
  };
}

/** `ballotKey` rides in the card's buttons: the only place it is kept (see ballots.ts). */
export function peerCardData(org: OrgInfo, round: Round, rater: Participant, participants: Participant[], page: number, ballotKey: string) {
  const targets = peerTargets(participants, rater.memberId);
  const pages = pageCount(targets.length);
  return {
    orgName: org.name, roundName: round.name, deadline: roundDeadlineLabel(round, org), orgId: org.id, roundId: round.id, ballotKey,
    page, pages, pageNote: pages > 1 ? ` · 第 ${page}/${pages} 页` : "", minRaters: 3,
    targets: pageOf(targets, page).map((t, i) => ({ memberId: t.memberId, number: (page - 1) * PEER_PAGE_SIZE + i + 1, name: t.name, role: roleTag(t) })),
  };
}

export function submittedCardData(org: OrgInfo, round: Round, kind: "self" | "peer", page: number, lines: string[], ballotKey?: string) {
  return {
    ballotKey,
    title: kind === "self" ? "个人自评已提交" : "互评已匿名提交",
    lines, deadline: roundDeadlineLabel(round, org), orgId: org.id, roundId: round.id, kind, page,
    buttonText: kind === "self" ? "修改自评" : "修改本页评价",
  };
}

export function announceCardData(org: OrgInfo, round: Round, participants: Participant[], catalogue: Catalogue) {
  const voters = participants.filter((p) => p.voter).length;
  const probationary = participants.length - voters;
  const who = [`正式党员 ${voters} 人：个人自评，并对其他同志匿名互评`];
  if (probationary) who.push(`预备党员 ${probationary} 人：个人自评、接受评议，不参加互评（没有表决权）`);
  const warning = voters - 1 < catalogue.minRaters
    ? `本支部正式党员 ${voters} 人，每位同志最多收到 ${voters - 1} 份互评，少于 ${catalogue.minRaters} 份时不显示互评结果（保护匿名）。建议在党员大会上当面进行民主测评。`
    : "";
  return { orgName: org.name, roundName: round.name, deadline: roundDeadlineLabel(round, org), who, catalogueName: catalogue.name, warning };
}

export function progressCardData(org: OrgInfo, round: Round, participants: Participant[]) {
  const voters = participants.filter((p) => p.voter);
  const pending = participants
    .filter((p) => p.active && !finished(p))
    .map((p) => ({ name: p.name, missing: [!p.selfDone ? "自评" : "", p.voter && !p.peerDone ? "互评" : ""].filter(Boolean).join("、") }));
  return {
    roundName: round.name, deadline: roundDeadlineLabel(round, org),
    statusLine: round.status === "open" ? "进行中" : "已截止",
    lines: [
      `全部完成：${participants.filter(finished).length}/${participants.length} 人`,
      `个人自评：${participants.filter((p) => p.selfDone).length}/${participants.length} 人`,
      `党员互评：${voters.filter((p) => p.peerDone).length}/${voters.length} 人（预备党员不参加互评）`,
    ],
    pending,
  };
}

function entryText(e: SheetEntry, names: Map<number, string>, tz: string): string {
  const kind = e.kind === "bonus" ? "加分" : e.kind === "deduction" ? "减分" : "否决";
  const pts = e.kind === "veto" ? "一票否决" : `${e.kind === "bonus" ? "+" : "−"}${e.points} 分`;
  return `${kind}｜${e.title} ${pts} · 佐证：${e.evidence} · ${names.get(e.recordedBy) ?? "支委"} ${shortTime(e.recordedAt, tz)} 记录`;
}

export function sheetLines(sheet: ScoreSheet): string[] {
  const lines = sheet.lines.map((l) => {
    const pts = l.kind === "veto" ? "一票否决" : `${l.kind === "bonus" ? "+" : "−"}${l.points} 分`;
    return `${l.title}：${l.count} 次，${pts}${l.capped ? "（已达本项上限）" : ""}`;
  });
  if (sheet.bonusCapped) lines.push(`加分合计已达上限 +${sheet.bonus} 分`);
  return lines;
}

export function sheetCardData(org: OrgInfo, year: number, name: string, sheet: ScoreSheet, entries: SheetEntry[], names: Map<number, string>, canWithdraw: boolean) {
  return {
    name, year, orgName: org.name, orgId: org.id, summary: sheetSummary(sheet), lines: sheetLines(sheet),
    entries: entries.map((e) => ({ id: e.id, text: entryText(e, names, org.timezone), canWithdraw })),
    audience: "仅本人和支委能看到这张记分表。",
  };
}

export function mineEntries(entries: SheetEntry[], names: Map<number, string>, tz: string): string[] {
  return entries.map((e) => entryText(e, names, tz));
}

export function determinationSummaryData(org: OrgInfo, round: Round, results: ResultView[], participants: Participant[], catalogue: Catalogue) {
  const voters = participants.filter((p) => p.voter);
  const proposed = gradeCounts(results.flatMap((r) => (r.proposedGrade === DISCUSS ? [] : [r.proposedGrade])));
  const toDiscuss = results.filter((r) => r.proposedGrade === DISCUSS).length;
  const decided = results.filter((r) => r.finalGrade);
  const warnings = [
    excellentWarning("建议", proposed.EXCELLENT, results.length),
    excellentWarning("评定", decided.filter((r) => r.finalGrade === "EXCELLENT").length, results.length),
  ].filter((w): w is string => !!w);
  return {
    orgName: org.name, roundName: round.name, orgId: org.id, roundId: round.id, published: round.status === "published",
    decidedBy: round.decidedMeetingNo && round.decidedMeetingType ? `（${decidingLabel(round.decidedMeetingType, round.decidedMeetingNo)}评定）` : "",
    lines: [
      `参评 ${participants.length} 人（正式党员 ${voters.length} 人、预备党员 ${participants.length - voters.length} 人）；个人自评 ${participants.filter((p) => p.selfDone).length} 人完成；党员互评 ${voters.filter((p) => p.peerDone).length}/${voters.length} 人完成`,
      `建议：优秀 ${proposed.EXCELLENT} 人 · 合格 ${proposed.QUALIFIED} 人 · 待支委会讨论 ${toDiscuss} 人（助手不建议基本合格、不合格）`,
      `已评定 ${decided.length}/${results.length} 人${decided.length ? `：${countsLine(gradeCounts(decided.map((r) => r.finalGrade!)), " 人")}` : ""}`,
    ],
    warnings, rulesIntro: catalogue.proposal.intro, rules: rulesInWords(catalogue),
    pageCount: determinationPages(results),
  };
}

export function determinationPages(results: ResultView[]): number {
  return Math.max(1, Math.ceil(results.length / DETERMINE_PAGE_SIZE));
}

export function determinationPageData(
  org: OrgInfo, round: Round, results: ResultView[], page: number, selfGrades: Map<number, string>, names: Map<number, string>, catalogue: Catalogue,
) {
  const members = pageOf(results, page, DETERMINE_PAGE_SIZE).map((r) => {
    const self = selfGrades.get(r.memberId);
    const sheet = `${starsText(r.stars)} ${r.score} 分${r.vetoes.length ? `；否决项：${r.vetoes.join("、")}` : ""}`;
    const facts = [
      `自评：${self ? GRADE_LABEL[self as Grade] ?? self : "未提交（缺项）"}`,
      peerLine({ raterCount: r.raterCount, counts: r.peerCounts }, catalogue.minRaters),
      `评星：${sheet}`,
    ].join("｜");
    const status = r.finalGrade
      ? `已评定为「${GRADE_LABEL[r.finalGrade]}」（${names.get(r.decidedBy ?? 0) ?? "支委"}）${r.decisionReason ? `，理由：${r.decisionReason}` : ""}`
      : "未评定";
    return {
      memberId: r.memberId, name: r.name, role: r.role, facts, proposal: PROPOSAL_LABEL[r.proposedGrade], reason: r.proposalReason,
      // A case for discussion starts with no grade chosen: the committee picks one.
      status, initial: r.finalGrade ?? (r.proposedGrade === DISCUSS ? "" : r.proposedGrade), decisionReason: r.decisionReason ?? "",
    };
  });
  return {
    roundName: round.name, orgId: org.id, roundId: round.id, page, pages: determinationPages(results),
    locked: round.status === "published", members,
  };
}

export function resultCardData(
  org: OrgInfo, round: Round, r: ResultView, sheet: ScoreSheet, comments: string[], catalogue: Catalogue,
  rectification?: { seqNo: number; due: string }, commentsSeparately = false, decidedBy = "支委会",
) {
  const grade = r.finalGrade!;
  return {
    name: r.name, roundName: round.name, orgName: org.name, grade: GRADE_LABEL[grade], decidedBy,
    template: grade === "EXCELLENT" ? "red" : grade === "QUALIFIED" ? "green" : "orange",
    reason: r.decisionReason ?? "", score: sheetSummary(sheet), scoreLines: sheetLines(sheet),
    peer: peerLine({ raterCount: r.raterCount, counts: r.peerCounts }, catalogue.minRaters), comments, followUp: followUpText(grade, rectification),
    commentsNote: commentsSeparately ? "互评评语较多，已在下一条消息里发给您。" : "",
  };
}

/** What follows a grade (domain.md §2.2 outcome use), in the member's own result card. */
function followUpText(grade: Grade, rectification?: { seqNo: number; due: string }): string {
  if (grade === "BASICALLY_QUALIFIED") {
    return `支部会安排同志与您谈心，指出不足、帮助改进。${rectification ? `已为您建立整改事项 #${rectification.seqNo}（期限 ${rectification.due}），请按期改进并提交佐证材料。` : ""}`;
  }
  if (grade === "UNQUALIFIED") {
    return "支部会先对您进行教育帮助。是否作组织处置、如何处置，须经支委会、上级党委、支部党员大会等程序依规决定，并会当面听取您的意见。";
  }
  return "";
}

export function publishedCountsText(round: Round, results: ResultView[], decidedBy: string): string {
  const counts = gradeCounts(results.map((r) => r.finalGrade!));
  return `「${round.name}」评定结果已由${decidedBy}评定，并已私信告知每位参评同志。\n全支部参评 ${results.length} 人：${groupCountsLine(counts)}。\n个人结果不在群里公布。`;
}

/** The 评星记分 form: members other than the recorder, and the catalogue's items. */
export function scoreCardData(org: OrgInfo, scope: { year: number; catalogue: Catalogue }, members: Array<{ id: number; name: string; memberClass: string }>, notice = "") {
  return {
    orgName: org.name, year: scope.year, orgId: org.id, catalogueName: scope.catalogue.name,
    baseScore: scope.catalogue.baseScore, bonusCap: scope.catalogue.bonusCap,
    members: members.map((m) => ({ value: String(m.id), label: `${m.name}（${m.memberClass === "probationary" ? "预备党员" : "正式党员"}）` })),
    items: itemOptions(scope.catalogue), notice,
  };
}
