import type { Tx } from "../../db/client.ts";
import { UsageError, type OrgInfo } from "../../app/context.ts";
import type { Actor } from "../../app/roles.ts";
import type { Outbox } from "../../app/outbox.ts";
import { quorateMeeting } from "./deciding-meeting.ts";
import { parsePickedDay } from "../rectification/dates.ts";
import { resultsOf, type ResultView } from "./determination.ts";
import { GRADE_LABEL } from "./grades.ts";
import { committeeOf, memberNames, patchIfFresh } from "./notify.ts";
import { catalogueOf, type Round } from "./rounds.ts";
import { shortTime } from "./time.ts";

/**
 * 组织处置 of a member determined 不合格 (domain.md §2.3): a procedural checklist the branch
 * works through and the bot only records — 支委会 finding → 党委 pre-review → 党员大会 vote with
 * quorum → upper approval → talk with the member. The bot never starts a disposal, never
 * offers one for 基本合格 (指出不足、帮助改进), and invents no correction period: a 限期改正
 * deadline is the date the branch entered.
 */

export const DISPOSAL_STEPS = [
  { code: "finding", label: "支委会初步认定，提出处置意见", meeting: "finding" },
  { code: "prereview", label: "上级党委预审", meeting: null },
  { code: "vote", label: "支部党员大会讨论表决（到会有表决权党员过半数）", meeting: "vote" },
  { code: "approval", label: "报上级党组织批准", meeting: null },
  { code: "talk", label: "与本人谈话，告知决定", meeting: null },
] as const;

export const DISPOSITION_LABEL: Record<string, string> = {
  correction_period: "限期改正",
  advise_withdrawal: "劝其退党",
  removal: "除名",
  extend_probation: "延长预备期",
  cancel_probation: "取消预备党员资格",
  no_action: "不作组织处置（教育帮助）",
};

/** The catalogue item for a disciplinary sanction already given (common.json V01). */
const SANCTION_ITEM = "V01";

function outcomesFor(memberClass: string): string[] {
  // 劝退 does not apply to 预备党员: extension or cancellation of probation instead (§1.4).
  return memberClass === "probationary" ? ["extend_probation", "cancel_probation", "no_action"] : ["correction_period", "advise_withdrawal", "removal", "no_action"];
}

export interface StepRow { memberId: number; step: string; outcome: string; meetingNo: number | null; dueOn: string | null; note: string | null; recordedBy: number; recordedAt: Date }

/** The steps still to record, in order; none once the finding was 不作组织处置 or the talk is recorded. */
function remainingSteps(rows: StepRow[]): Array<(typeof DISPOSAL_STEPS)[number]> {
  const done = new Set(rows.map((r) => r.step));
  if (rows.some((r) => r.step === "finding" && r.outcome === "no_action")) return [];
  return DISPOSAL_STEPS.filter((s) => !done.has(s.code));
}

function sanctionTitle(round: Round): string | undefined {
  return catalogueOf(round).items.find((i) => i.code === SANCTION_ITEM)?.title;
}

function stepLine(row: StepRow, names: Map<number, string>, tz: string): string {
  const step = DISPOSAL_STEPS.find((s) => s.code === row.step);
  const meeting = row.meetingNo ? `，会议 #${row.meetingNo}` : "";
  const outcome = row.step === "finding" ? `，处置意见：${DISPOSITION_LABEL[row.outcome] ?? row.outcome}${row.dueOn ? `（改正期限至 ${row.dueOn}）` : ""}` : "";
  return `✓ ${step?.label ?? row.step}：${shortTime(row.recordedAt, tz)}${meeting}${outcome}（${names.get(row.recordedBy) ?? "支委"}记录）${row.note ? `。${row.note}` : ""}`;
}

function memberData(org: OrgInfo, round: Round, r: ResultView, rows: StepRow[], names: Map<number, string>) {
  const remaining = remainingSteps(rows);
  const sanction = sanctionTitle(round);
  const sanctioned = !!sanction && r.vetoes.includes(sanction);
  const findingDone = rows.some((x) => x.step === "finding");
  return {
    memberId: r.memberId, name: r.name, role: r.role, grade: GRADE_LABEL[r.finalGrade!], reason: r.decisionReason ?? "",
    steps: [
      ...rows.map((x) => stepLine(x, names, org.timezone)),
      ...remaining.map((s) => `○ ${s.label}`),
    ],
    sanctionNote: sanctioned ? "本年度已受党纪处分：按《中国共产党不合格党员组织处置办法》，不因同一问题再作组织处置。如因其他问题提出处置意见，请在说明里写明是哪一问题。" : "",
    open: remaining.length > 0,
    done: remaining.length === 0 ? "处置程序已记录完毕。" : "",
    stepOptions: remaining.map((s) => ({ value: s.code, label: s.label })),
    askOutcome: !findingDone,
    options: outcomesFor(r.memberClass).map((value) => ({ value, label: DISPOSITION_LABEL[value]! })),
  };
}

/** Each member on the card has a form; a few per card keeps every card well under 30 KB. */
const DISPOSE_PER_CARD = 6;

function dispositionRef(round: Round, memberId: number, card: number): string {
  return `eval:${round.id}:dispose:${memberId}:${card}`;
}

/** One 组织处置 card's data (cards/evaluation-disposition.json), plain data in and out. */
export function disposalCardData(org: OrgInfo, round: Round, results: ResultView[], rows: StepRow[], names: Map<number, string>) {
  return {
    roundName: round.name, orgId: org.id, roundId: round.id,
    members: results.map((r) => memberData(org, round, r, rows.filter((x) => x.memberId === r.memberId), names)),
  };
}

async function dispositionCards(tx: Tx, org: OrgInfo, round: Round) {
  const results = (await resultsOf(tx, round)).filter((r) => r.finalGrade === "UNQUALIFIED");
  const names = await memberNames(tx, org.id);
  const rows: StepRow[] = await tx.appraisalDisposition.findMany({ where: { roundId: round.id }, orderBy: { id: "asc" } });
  const cards = [];
  for (let i = 0; i < results.length; i += DISPOSE_PER_CARD) cards.push(disposalCardData(org, round, results.slice(i, i + DISPOSE_PER_CARD), rows, names));
  return cards;
}

/** The 组织处置 cards, privately to each committee member; nothing is sent when nobody was determined 不合格. */
export async function sendDispositionCards(tx: Tx, out: Outbox, org: OrgInfo, round: Round, onlyMemberId?: number): Promise<boolean> {
  const cards = await dispositionCards(tx, org, round);
  if (!cards.length) return false;
  for (const m of await committeeOf(tx, org.id)) {
    if (onlyMemberId !== undefined && m.id !== onlyMemberId) continue;
    for (const [i, data] of cards.entries()) await out.card({ openId: m.openId }, "evaluation-disposition", data, { cardRef: dispositionRef(round, m.id, i) });
  }
  return true;
}

export interface StepInput {
  memberId: number;
  step: string;
  outcome: string;
  meeting: string;
  due: unknown;
  note: string;
  by: Actor;
  now: Date;
}

/** The meeting that took a step, when the step is a meeting's. */
async function decidingMeeting(tx: Tx, org: OrgInfo, step: (typeof DISPOSAL_STEPS)[number], text: string): Promise<number | null> {
  if (!step.meeting) return null;
  const vote = step.meeting === "vote";
  const meeting = await quorateMeeting(
    tx, org, text, vote ? ["branch_general_meeting"] : ["branch_committee_meeting", "branch_general_meeting"],
    vote ? "支部党员大会" : "支委会（不设支委会的支部：支部党员大会）", "组织处置卡片「作出决定的会议编号」：#12",
  );
  return meeting.seqNo;
}

export async function recordDisposalStep(tx: Tx, out: Outbox, org: OrgInfo, round: Round, input: StepInput) {
  if (round.status !== "published") throw new UsageError("评定结果发布后才能记录组织处置。");
  const result = (await resultsOf(tx, round)).find((r) => r.memberId === input.memberId);
  if (!result || result.finalGrade !== "UNQUALIFIED") {
    throw new UsageError("组织处置只适用于评定为不合格的同志；基本合格的同志由支部指出不足、帮助改进，不作组织处置。");
  }
  const rows: StepRow[] = await tx.appraisalDisposition.findMany({ where: { roundId: round.id, memberId: input.memberId }, orderBy: { id: "asc" } });
  const remaining = remainingSteps(rows);
  const step = DISPOSAL_STEPS.find((s) => s.code === input.step);
  if (!remaining.length) throw new UsageError(`${result.name}的处置程序已记录完毕。`);
  if (!step) throw new UsageError(`请选择要记录的程序，下一步是「${remaining[0]!.label}」。`);
  if (step.code !== remaining[0]!.code) throw new UsageError(`请按程序先记录「${remaining[0]!.label}」，再记录「${step.label}」。`);
  const finding = rows.find((r) => r.step === "finding");
  const outcome = finding?.outcome ?? input.outcome;
  const allowed = outcomesFor(result.memberClass);
  if (!allowed.includes(outcome)) {
    throw new UsageError(result.memberClass === "probationary"
      ? "请选择处置意见：延长预备期、取消预备党员资格或不作组织处置（预备党员不适用劝其退党、除名）。"
      : "请选择处置意见：限期改正、劝其退党、除名或不作组织处置。");
  }
  const sanction = sanctionTitle(round);
  if (step.code === "finding" && outcome !== "no_action" && sanction && result.vetoes.includes(sanction) && !input.note) {
    throw new UsageError(`${result.name}本年度已受党纪处分：不因同一问题再作组织处置。如因其他问题提出处置意见，请在「说明」里写明是哪一问题。`);
  }
  let dueOn: string | null = null;
  if (step.code === "finding" && outcome === "correction_period") {
    dueOn = parsePickedDay(input.due) ?? null;
    if (!dueOn) throw new UsageError("限期改正须由支部确定改正期限，请选择「改正期限」的日期。");
  }
  const meetingNo = await decidingMeeting(tx, org, step, input.meeting);
  await tx.appraisalDisposition.create({
    data: { roundId: round.id, memberId: input.memberId, step: step.code, outcome, meetingNo, dueOn, note: input.note || null, recordedBy: input.by.memberId, recordedAt: input.now },
  });
  const cards = await dispositionCards(tx, org, round);
  const index = cards.findIndex((c) => c.members.some((m) => m.memberId === input.memberId));
  const data = cards[index]!;
  for (const m of await committeeOf(tx, org.id)) {
    if (m.id !== input.by.memberId) await patchIfFresh(tx, out, dispositionRef(round, m.id, index), "evaluation-disposition", data);
  }
  return { data, label: `${result.name}：${step.label}${step.code === "finding" ? `（${DISPOSITION_LABEL[outcome]}）` : ""}` };
}

