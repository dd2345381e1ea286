import ExcelJS from "exceljs";
import { formatClock, zoned } from "../../meetings/time.ts";
import { MEETING_TYPES, TYPE_LABEL, type MeetingType } from "../../meetings/types.ts";
import { fullStamp } from "../view.ts";
import { STATUS_LABEL, VOTE_METHOD_LABEL, type ResolutionRecord } from "../types.ts";
import type { BookEntry, RecordBook } from "./book.ts";
import { GRADES, GRADE_LABEL } from "../../evaluation/grades.ts";
import { SCOPE_LABEL, SOURCE_LABEL, STATUS_LABEL as RECT_STATUS_LABEL, type RectificationScope, type RectificationSource, type RectificationStatus } from "../../rectification/labels.ts";

/**
 * The meeting ledger (会议台账) as an Excel workbook: a summary sheet, one sheet per meeting type
 * with one row per meeting and its attendance figures, and the resolutions with their texts and
 * results. Figures a missing record cannot give are written 缺项, never 0. Every sheet prints as
 * an inspector files it (issue 16): A4 landscape, one page wide, title and header rows repeated
 * on each page, borders, wrapped text, dates as date cells shown the Chinese way.
 */

interface Column {
  header: string;
  width: number;
  value: (e: BookEntry, tz: string) => string | number | Date;
  only?: MeetingType[];
}

const DATE_FORMAT = 'yyyy"年"m"月"d"日"';

/** The meeting's local calendar day as a date cell (Excel dates carry no time zone). */
function localDay(at: Date, tz: string): Date {
  const d = zoned(at, tz);
  return new Date(Date.UTC(d.year(), d.month(), d.date()));
}

const MISSING = "缺项";

const COLUMNS: Column[] = [
  { header: "编号", width: 6, value: (e) => `#${e.seqNo}` },
  { header: "日期", width: 13, value: (e, tz) => localDay(e.startAt, tz) },
  { header: "时间", width: 11, value: (e, tz) => `${formatClock(e.startAt, tz)}–${formatClock(e.endAt, tz)}` },
  { header: "地点", width: 12, value: (e) => e.place ?? MISSING },
  { header: "议题/主题", width: 22, value: (e) => (e.record ? (e.record.lesson ? e.record.lesson.title : e.record.agenda) || MISSING : e.topic ?? MISSING) },
  { header: "主讲人", width: 8, value: (e) => e.record?.lesson?.lecturer?.name ?? MISSING, only: ["party_lesson"] },
  { header: "主持人", width: 8, value: (e) => e.chair ?? MISSING },
  { header: "记录人", width: 8, value: (e) => e.recorder ?? MISSING },
  { header: "应到", width: 5, value: (e) => e.attendance.expected },
  { header: "实到", width: 5, value: (e) => e.attendance.present },
  { header: "实到正式党员", width: 7, value: (e) => e.attendance.presentFull },
  { header: "实到预备党员", width: 7, value: (e) => e.attendance.presentProbationary },
  { header: "请假", width: 5, value: (e) => e.attendance.leave },
  { header: "缺席", width: 5, value: (e) => e.attendance.absent },
  { header: "请假人员及事由", width: 20, value: (e) => e.attendance.leaveList.map((l) => `${l.name}（${l.reason}）`).join("、") },
  { header: "缺席人员", width: 12, value: (e) => e.attendance.absentNames.join("、") },
  {
    header: "到会是否过半",
    width: 8,
    value: (e) => (e.quorum ? (e.quorum.met ? `是（${e.quorum.present}/${e.quorum.entitled}）` : `否（${e.quorum.present}/${e.quorum.entitled}）`) : MISSING),
    only: ["branch_general_meeting", "branch_committee_meeting"],
  },
  { header: "决议数", width: 5, value: (e) => (e.record ? e.record.resolutions.length : MISSING) },
  { header: "后续事项数", width: 6, value: (e) => (e.record ? e.record.actions.length : MISSING) },
  { header: "记录状态", width: 9, value: (e) => (e.status === "draft" ? "缺项（未提交）" : STATUS_LABEL[e.status]) },
  { header: "版本", width: 5, value: (e) => (e.version ? e.version : MISSING) },
  { header: "确认", width: 16, value: (e, tz) => (e.confirmedAt ? `${e.confirmedBy ?? ""} ${fullStamp(e.confirmedAt, tz)}`.trim() : "") },
];

/** Excel forbids : \ / ? * [ ] in sheet names and allows 31 characters. */
export function sheetName(label: string): string {
  return label.replace(/[:\\/?*[\]]/g, " ").slice(0, 31);
}

const THIN = { style: "thin" as const };

/**
 * Row 1: the sheet's title across its columns; row 2: the headers. Both are frozen on screen and
 * repeated on every printed page; the sheet prints on A4 landscape, one page wide.
 */
function layout(sheet: ExcelJS.Worksheet, title: string, columns: Array<{ header: string; width: number }>): void {
  sheet.columns = columns.map((c) => ({ width: c.width }));
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, Math.max(1, columns.length));
  const titleRow = sheet.getRow(1);
  titleRow.font = { bold: true, size: 14 };
  titleRow.height = 24;
  titleRow.alignment = { vertical: "middle" };
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.alignment = { vertical: "middle", horizontal: "center", wrapText: true };
  header.eachCell((cell) => {
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFEFEF" } };
  });
  sheet.views = [{ state: "frozen", ySplit: 2 }];
  sheet.pageSetup = {
    ...sheet.pageSetup,
    paperSize: 9, // A4
    orientation: "landscape",
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0, // as many pages down as it takes
    printTitlesRow: "1:2",
    horizontalCentered: true,
    margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
  };
  sheet.headerFooter = { oddFooter: "&C第 &P 页，共 &N 页" };
}

/** Display width of text in Excel's column units: a CJK character is about two digits wide. */
function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\uffff]/.test(ch) ? 2 : 1;
  return w;
}

const LINE_HEIGHT = 15; // points, for the default 11 pt font

/** How many lines a wrapped cell needs in a column this wide (spreadsheet programs do not grow rows on opening). */
function linesFor(value: unknown, width: number): number {
  if (value === null || value === undefined || value instanceof Date || typeof value === "number") return 1;
  return String(value).split("\n").reduce((n, part) => n + Math.max(1, Math.ceil(textWidth(part) / Math.max(1, width - 1))), 0);
}

/**
 * Borders and wrapped, top-aligned text on every cell of the table (row 2 on), dates in the
 * Chinese format, and each row as tall as its longest wrapped cell, so nothing is clipped.
 */
function finish(sheet: ExcelJS.Worksheet, columns: number): void {
  sheet.eachRow((row, n) => {
    if (n < 2) return;
    let lines = 1;
    for (let c = 1; c <= columns; c++) {
      const cell = row.getCell(c);
      cell.border = { top: THIN, left: THIN, bottom: THIN, right: THIN };
      cell.alignment = { ...cell.alignment, vertical: cell.alignment?.vertical ?? "top", wrapText: true };
      if (cell.value instanceof Date) cell.numFmt = DATE_FORMAT;
      if (!cell.isMerged) lines = Math.max(lines, linesFor(cell.value, sheet.getColumn(c).width ?? 10));
    }
    row.height = lines * LINE_HEIGHT;
  });
}

const RESOLUTION_COLUMNS = [
  { header: "会议", width: 18 },
  { header: "日期", width: 15 },
  { header: "序号", width: 6 },
  { header: "决议内容", width: 48 },
  { header: "表决方式", width: 11 },
  { header: "赞成", width: 7 },
  { header: "反对", width: 7 },
  { header: "弃权", width: 7 },
  { header: "结果", width: 9 },
  { header: "不同意见及说明", width: 30 },
];

function resultOf(r: ResolutionRecord): string {
  return r.passed === null ? "未表决" : r.passed ? "通过" : "未通过";
}

/** What the ledger covers: one branch's book, or every branch of a committee (a 支部 column first). */
export interface Ledger {
  /** The organisation the ledger is for (the branch, or the committee). */
  title: string;
  year: number;
  timezone: string;
  generatedAt: Date;
  books: RecordBook[];
  /** A committee's ledger: a row per branch and meeting, the branch named in each row. */
  perBranch: boolean;
}

const BRANCH_COLUMN = { header: "支部", width: 16 };

/**
 * A sheet of rows drawn from every book of the ledger (a 支部 column first in a committee's),
 * or one line saying there are none.
 */
function listSheet(
  wb: ExcelJS.Workbook, ledger: Ledger, name: string, columns: Array<{ header: string; width: number }>,
  rowsOf: (book: RecordBook) => Array<Array<string | number | Date>>, empty: string,
): void {
  const sheet = wb.addWorksheet(name);
  const all = ledger.perBranch ? [BRANCH_COLUMN, ...columns] : columns;
  layout(sheet, `${ledger.title} ${ledger.year} 年会议台账 · ${name}`, all);
  let count = 0;
  for (const book of ledger.books) {
    for (const cells of rowsOf(book)) {
      count++;
      sheet.addRow(ledger.perBranch ? [book.org.name, ...cells] : cells);
    }
  }
  if (count === 0) sheet.addRow([empty]);
  finish(sheet, all.length);
}

function resolutionsSheet(wb: ExcelJS.Workbook, ledger: Ledger): void {
  const tz = ledger.timezone;
  const rows = (book: RecordBook) =>
    book.entries.flatMap((e) =>
      (e.record?.resolutions ?? []).map((r, i) => [
        `#${e.seqNo} ${e.typeLabel}`, localDay(e.startAt, tz), i + 1, r.text, r.method ? VOTE_METHOD_LABEL[r.method] : r.votes ? "缺项" : "",
        r.votes?.for ?? "", r.votes?.against ?? "", r.votes?.abstain ?? "", resultOf(r), [r.dissent, r.note].filter(Boolean).join("；"),
      ]),
    );
  listSheet(wb, ledger, "决议", RESOLUTION_COLUMNS, rows, `${ledger.year} 年已提交的会议记录中没有决议。`);
}

const RECT_COLUMNS = [
  { header: "编号", width: 6 }, { header: "来源", width: 11 }, { header: "层级", width: 10 }, { header: "问题", width: 30 },
  { header: "整改措施", width: 28 }, { header: "责任人", width: 8 }, { header: "期限", width: 13 }, { header: "状态", width: 8 }, { header: "销号日期", width: 13 },
];

/** A "YYYY-MM-DD" day as a date cell. */
const dayCell = (day: string | null) => (day ? new Date(`${day}T00:00:00Z`) : "");

function rectificationSheet(wb: ExcelJS.Workbook, ledger: Ledger): void {
  const tz = ledger.timezone;
  const rows = (book: RecordBook) =>
    book.rectification.map((i) => [
      `#${i.seqNo}`, SOURCE_LABEL[i.source as RectificationSource] ?? i.source, SCOPE_LABEL[i.scope as RectificationScope] ?? i.scope, i.problem, i.measures ?? MISSING,
      i.owner ?? MISSING, i.dueOn ? dayCell(i.dueOn) : "长期", RECT_STATUS_LABEL[i.status as RectificationStatus] ?? i.status, i.closedAt ? localDay(i.closedAt, tz) : "",
    ]);
  listSheet(wb, ledger, "整改", RECT_COLUMNS, rows, `${ledger.year} 年没有整改事项。`);
}

const APPRAISAL_COLUMNS = [
  { header: "评议", width: 18 }, { header: "状态", width: 8 }, { header: "参评人数", width: 8 },
  ...GRADES.map((g) => ({ header: GRADE_LABEL[g], width: 8 })), { header: "评定会议", width: 16 },
];
const ROUND_STATUS: Record<string, string> = { open: "进行中", closed: "已结束，待评定", published: "已公布" };

/** Counts only, and only once published: a ledger never shows anyone's grade. */
function appraisalSheet(wb: ExcelJS.Workbook, ledger: Ledger): void {
  const rows = (book: RecordBook) =>
    book.appraisals.map((a) => [a.name, ROUND_STATUS[a.status] ?? a.status, a.participants, ...GRADES.map((g) => (a.grades ? a.grades[g] : "未公布")), a.decidedBy ?? MISSING]);
  listSheet(wb, ledger, "民主评议", APPRAISAL_COLUMNS, rows, `${ledger.year} 年没有民主评议。`);
}

/** One branch's ledger. */
export function meetingLedgerXlsx(book: RecordBook): Promise<Buffer> {
  return ledgerXlsx({ title: book.org.name, year: book.year, timezone: book.org.timezone, generatedAt: book.generatedAt, books: [book], perBranch: false });
}

/** A committee's ledger of all its branches, for the 组织部 to sort and filter: counts, not rankings. */
export function committeeLedgerXlsx(committee: { name: string; timezone: string }, year: number, books: RecordBook[], generatedAt: Date): Promise<Buffer> {
  const sorted = [...books].sort((a, b) => a.org.name.localeCompare(b.org.name, "zh-CN"));
  return ledgerXlsx({ title: committee.name, year, timezone: committee.timezone, generatedAt, books: sorted, perBranch: true });
}

const statusCounts = (entries: BookEntry[]) => ({
  held: entries.length,
  confirmed: entries.filter((e) => e.status === "confirmed").length,
  submitted: entries.filter((e) => e.status === "submitted").length,
  draft: entries.filter((e) => e.status === "draft").length,
});

/** A branch's summary: a row per meeting type. */
function branchSummary(wb: ExcelJS.Workbook, ledger: Ledger): void {
  const columns = [
    { header: "会议类型", width: 16 }, { header: "召开次数", width: 10 }, { header: "记录已确认", width: 11 },
    { header: "记录待确认", width: 11 }, { header: "记录未提交", width: 11 }, { header: "已确认/已召开", width: 14 },
  ];
  const summary = wb.addWorksheet("汇总");
  layout(summary, `${ledger.title} ${ledger.year} 年会议台账 · 汇总`, columns);
  const all = ledger.books.flatMap((b) => b.entries);
  for (const type of MEETING_TYPES) {
    const c = statusCounts(all.filter((e) => e.type === type));
    summary.addRow([TYPE_LABEL[type], c.held, c.confirmed, c.submitted, c.draft, `${c.confirmed}/${c.held}`]);
  }
  const t = statusCounts(all);
  summary.addRow(["合计", t.held, t.confirmed, t.submitted, t.draft, `${t.confirmed}/${t.held}`]).font = { bold: true };
  finish(summary, columns.length);
}

/** A committee's summary: a row per branch (in name order, not ranked), a column per meeting type. */
function committeeSummary(wb: ExcelJS.Workbook, ledger: Ledger): void {
  const columns = [BRANCH_COLUMN, ...MEETING_TYPES.map((t) => ({ header: TYPE_LABEL[t], width: 9 })), { header: "记录已确认/已召开", width: 12 }, { header: "记录未提交", width: 9 }];
  const summary = wb.addWorksheet("汇总");
  layout(summary, `${ledger.title} ${ledger.year} 年会议台账 · 各支部召开次数`, columns);
  for (const book of ledger.books) {
    const c = statusCounts(book.entries);
    summary.addRow([book.org.name, ...MEETING_TYPES.map((t) => book.entries.filter((e) => e.type === t).length), `${c.confirmed}/${c.held}`, c.draft]);
  }
  const all = ledger.books.flatMap((b) => b.entries);
  const t = statusCounts(all);
  summary.addRow([`合计（${ledger.books.length} 个支部）`, ...MEETING_TYPES.map((ty) => all.filter((e) => e.type === ty).length), `${t.confirmed}/${t.held}`, t.draft]).font = { bold: true };
  finish(summary, columns.length);
}

async function ledgerXlsx(ledger: Ledger): Promise<Buffer> {
  const tz = ledger.timezone;
  const wb = new ExcelJS.Workbook();
  wb.creator = "支部助手";
  wb.title = `${ledger.title}${ledger.year}年会议台账`;
  wb.created = ledger.generatedAt;
  (ledger.perBranch ? committeeSummary : branchSummary)(wb, ledger);
  const summary = wb.getWorksheet("汇总")!;

  for (const type of MEETING_TYPES) {
    const own = COLUMNS.filter((c) => !c.only || c.only.includes(type));
    const columns = ledger.perBranch ? [BRANCH_COLUMN, ...own] : own;
    const sheet = wb.addWorksheet(sheetName(TYPE_LABEL[type]));
    layout(sheet, `${ledger.title} ${ledger.year} 年会议台账 · ${TYPE_LABEL[type]}`, columns);
    let rows = 0;
    for (const book of ledger.books) {
      for (const e of book.entries.filter((x) => x.type === type)) {
        const cells = own.map((c) => c.value(e, tz));
        sheet.addRow(ledger.perBranch ? [book.org.name, ...cells] : cells);
        rows++;
      }
    }
    if (rows === 0) sheet.addRow([`${ledger.year} 年没有召开${TYPE_LABEL[type]}的记录。`]);
    finish(sheet, columns.length);
  }
  summary.addRow([]);
  summary.addRow([`${ledger.title} ${ledger.year} 年会议台账，生成于 ${fullStamp(ledger.generatedAt, tz)}。缺项表示记录未提交，不代表会议内容为零。${ledger.perBranch ? "各支部按名称排列，只列次数，不排名。" : ""}`]);
  resolutionsSheet(wb, ledger);
  rectificationSheet(wb, ledger);
  appraisalSheet(wb, ledger);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
