import ExcelJS from "exceljs";
import { formatClock, zoned } from "../../meetings/time.ts";
import { MEETING_TYPES, TYPE_LABEL, type MeetingType } from "../../meetings/types.ts";
import { stamp } from "../view.ts";
import { STATUS_LABEL } from "../types.ts";
import type { BookEntry, RecordBook } from "./book.ts";

/**
 * The meeting ledger (会议台账) as an Excel workbook: a summary sheet, then one sheet per
 * meeting type with one row per meeting and its attendance figures. Figures a missing record
 * cannot give are written 缺项, never 0.
 */

interface Column {
  header: string;
  width: number;
  value: (e: BookEntry, tz: string) => string | number;
  only?: MeetingType[];
}

const MISSING = "缺项";

const COLUMNS: Column[] = [
  { header: "编号", width: 8, value: (e) => `#${e.seqNo}` },
  { header: "日期", width: 12, value: (e, tz) => zoned(e.startAt, tz).format("YYYY-MM-DD") },
  { header: "时间", width: 13, value: (e, tz) => `${formatClock(e.startAt, tz)}–${formatClock(e.endAt, tz)}` },
  { header: "地点", width: 18, value: (e) => e.place ?? MISSING },
  { header: "议题/主题", width: 30, value: (e) => (e.record ? (e.record.lesson ? e.record.lesson.title : e.record.agenda) || MISSING : e.topic ?? MISSING) },
  { header: "主讲人", width: 10, value: (e) => e.record?.lesson?.lecturer?.name ?? MISSING, only: ["party_lesson"] },
  { header: "主持人", width: 10, value: (e) => e.chair ?? MISSING },
  { header: "记录人", width: 10, value: (e) => e.recorder ?? MISSING },
  { header: "应到", width: 7, value: (e) => e.attendance.expected },
  { header: "实到", width: 7, value: (e) => e.attendance.present },
  { header: "实到正式党员", width: 9, value: (e) => e.attendance.presentFull },
  { header: "实到预备党员", width: 9, value: (e) => e.attendance.presentProbationary },
  { header: "请假", width: 7, value: (e) => e.attendance.leave },
  { header: "缺席", width: 7, value: (e) => e.attendance.absent },
  { header: "请假人员及事由", width: 26, value: (e) => e.attendance.leaveList.map((l) => `${l.name}（${l.reason}）`).join("、") },
  { header: "缺席人员", width: 16, value: (e) => e.attendance.absentNames.join("、") },
  {
    header: "到会是否过半",
    width: 10,
    value: (e) => (e.quorum ? (e.quorum.met ? `是（${e.quorum.present}/${e.quorum.entitled}）` : `否（${e.quorum.present}/${e.quorum.entitled}）`) : MISSING),
    only: ["branch_general_meeting", "branch_committee_meeting"],
  },
  { header: "决议数", width: 7, value: (e) => (e.record ? e.record.resolutions.length : MISSING) },
  { header: "后续事项数", width: 9, value: (e) => (e.record ? e.record.actions.length : MISSING) },
  { header: "记录状态", width: 12, value: (e) => (e.status === "draft" ? "缺项（未提交）" : STATUS_LABEL[e.status]) },
  { header: "版本", width: 6, value: (e) => (e.version ? e.version : MISSING) },
  { header: "确认人", width: 10, value: (e) => e.confirmedBy ?? "" },
  { header: "确认时间", width: 18, value: (e, tz) => (e.confirmedAt ? stamp(e.confirmedAt, tz) : "") },
];

/** Excel forbids : \ / ? * [ ] in sheet names and allows 31 characters. */
export function sheetName(label: string): string {
  return label.replace(/[:\\/?*[\]]/g, " ").slice(0, 31);
}

function styleHeader(sheet: ExcelJS.Worksheet): void {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: "middle", wrapText: true };
  header.fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFEFEFEF" } };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
}

export async function meetingLedgerXlsx(book: RecordBook): Promise<Buffer> {
  const tz = book.org.timezone;
  const wb = new ExcelJS.Workbook();
  wb.creator = "支部助手";
  wb.title = `${book.org.name}${book.year}年会议台账`;
  wb.created = book.generatedAt;

  const summary = wb.addWorksheet("汇总");
  summary.columns = [
    { header: "会议类型", key: "type", width: 14 },
    { header: "召开次数", key: "held", width: 10 },
    { header: "记录已确认", key: "confirmed", width: 10 },
    { header: "记录待确认", key: "submitted", width: 10 },
    { header: "记录未提交", key: "draft", width: 10 },
  ];
  styleHeader(summary);

  for (const type of MEETING_TYPES) {
    const entries = book.entries.filter((e) => e.type === type);
    const count = (s: BookEntry["status"]) => entries.filter((e) => e.status === s).length;
    summary.addRow({ type: TYPE_LABEL[type], held: entries.length, confirmed: count("confirmed"), submitted: count("submitted"), draft: count("draft") });

    const columns = COLUMNS.filter((c) => !c.only || c.only.includes(type));
    const sheet = wb.addWorksheet(sheetName(TYPE_LABEL[type]));
    sheet.columns = columns.map((c) => ({ header: c.header, width: c.width }));
    styleHeader(sheet);
    for (const e of entries) sheet.addRow(columns.map((c) => c.value(e, tz)));
    if (entries.length === 0) sheet.addRow([`${book.year} 年没有召开${TYPE_LABEL[type]}的记录。`]);
  }
  summary.addRow([]);
  summary.addRow([`${book.org.name} ${book.year} 年会议台账，生成于 ${stamp(book.generatedAt, tz)}。缺项表示记录未提交，不代表会议内容为零。`]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
