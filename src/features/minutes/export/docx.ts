import {
  AlignmentType, BorderStyle, Document, Footer, Header, HeadingLevel, Packer, PageNumber, Paragraph, Table, TableCell, TableRow, TextRun, WidthType,
  type ISectionOptions,
} from "docx";
import { formatWhen, zoned } from "../../meetings/time.ts";
import { attendanceLines, fullStamp, recordSections } from "../view.ts";
import { STATUS_LABEL, VERSION_KIND_LABEL } from "../types.ts";
import type { BookEntry, RecordBook } from "./book.ts";

/**
 * The record book as a Word document (docx, opens in Word and WPS): a cover with the list of
 * meetings, then one section per meeting in date order with every element of its record —
 * the same sections the cards show (recordSections) — its version history and signature lines.
 */

const FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", eastAsia: "宋体", cs: "Times New Roman" };
const HEADING_FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", eastAsia: "黑体", cs: "Times New Roman" };

const para = (text: string, opts: { bold?: boolean; color?: string } = {}) =>
  new Paragraph({ children: [new TextRun({ text, bold: opts.bold, color: opts.color })], spacing: { after: 80 } });

/** Multi-line text (a discussion part typed with line breaks) keeps its breaks. */
function paragraphs(text: string, opts: { bold?: boolean } = {}): Paragraph[] {
  return text.split(/\r?\n/).map((line) => para(line, opts));
}

const cell = (text: string, opts: { bold?: boolean; width?: number } = {}) =>
  new TableCell({ children: paragraphs(text, opts), width: opts.width ? { size: opts.width, type: WidthType.PERCENTAGE } : undefined });

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: "999999" };
/** Rows never split across pages (an inspector reads a row as one entry); header rows repeat. */
const table = (rows: string[][], header: boolean) =>
  new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER },
    rows: rows.map((r, i) => new TableRow({ cantSplit: true, tableHeader: header && i === 0, children: r.map((c, j) => cell(c, { bold: (header && i === 0) || (!header && j === 0), width: !header && j === 0 ? 20 : undefined })) })),
  });

/** Dates in a record book carry their year: it is read years later. */
function fullWhen(start: Date, end: Date, tz: string): string {
  return `${zoned(start, tz).year()}年${formatWhen(start, end, tz)}`;
}

/** A4 portrait, the book's name at the top of every page and the page number at the foot. */
function page(book: RecordBook): Pick<ISectionOptions, "properties" | "headers" | "footers"> {
  return {
    properties: { page: { size: { width: 11906, height: 16838 }, margin: { top: 1440, bottom: 1440, left: 1440, right: 1440 } } },
    headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: `${book.org.name} ${book.year} 年会议记录本`, size: 18, color: "666666" })] })] }) },
    footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ["第 ", PageNumber.CURRENT, " 页，共 ", PageNumber.TOTAL_PAGES, " 页"], size: 18 })] })] }) },
  };
}

function cover(book: RecordBook): ISectionOptions {
  const tz = book.org.timezone;
  const missing = book.entries.filter((e) => e.status === "draft").length;
  const recorders = [...new Set(book.entries.map((e) => e.recorder).filter((x): x is string => !!x))];
  return {
    ...page(book),
    children: [
      new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: `${book.org.name}` })] }),
      new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, children: [new TextRun({ text: `${book.year} 年会议记录本` })] }),
      table(
        [
          ["组织名称", book.org.name],
          ["年度", `${book.year} 年`],
          ["记录人", recorders.length ? recorders.join("、") : "缺项"],
          ["保管人", "________________（签字）"],
          ["起止", book.entries.length ? `${zoned(book.entries[0]!.startAt, tz).format("YYYY年M月D日")} 至 ${zoned(book.entries.at(-1)!.startAt, tz).format("YYYY年M月D日")}` : "本年度没有会议"],
        ],
        false,
      ),
      para(`共 ${book.entries.length} 次会议，按召开时间排列。${missing ? `其中 ${missing} 次会议记录未提交，标为「缺项」。` : ""}`),
      para(`生成时间：${fullStamp(book.generatedAt, tz)}（支部助手）`, { color: "666666" }),
      new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun("目录")] }),
      table(
        [["编号", "会议", "时间", "记录状态"], ...book.entries.map((e) => [`#${e.seqNo}`, e.typeLabel, fullWhen(e.startAt, e.endAt, tz), statusText(e, tz)])],
        true,
      ),
    ],
  };
}

function statusText(e: BookEntry, tz: string): string {
  if (e.status === "draft") return "缺项：记录未提交";
  const confirmed = e.status === "confirmed" ? `，${e.confirmedBy ?? "书记"}于${e.confirmedAt ? fullStamp(e.confirmedAt, tz) : ""}确认` : "";
  return `第 ${e.version} 版，${STATUS_LABEL[e.status]}${confirmed}`;
}

function meetingSection(book: RecordBook, e: BookEntry, tz: string): ISectionOptions {
  const children: Array<Paragraph | Table> = [
    new Paragraph({ heading: HeadingLevel.HEADING_1, children: [new TextRun(`${e.title}（${fullWhen(e.startAt, e.endAt, tz)}）`)] }),
    para(`记录状态：${statusText(e, tz)}`, { color: e.status === "draft" ? "C00000" : "666666" }),
  ];
  if (e.record) {
    for (const s of recordSections(e.record, tz, undefined, true)) {
      children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(s.title)] }));
      for (const line of s.lines) children.push(...paragraphs(line));
    }
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun("版本记录")] }));
    children.push(
      table(
        [["版本", "类型", "提交人", "时间", "更正原因"], ...e.versions.map((v) => [`第 ${v.version} 版`, VERSION_KIND_LABEL[v.kind], v.authorName, fullStamp(v.createdAt, tz), v.reason ?? ""])],
        true,
      ),
    );
  } else {
    // No record: what the bot knows from scheduling and sign-in, and plainly that the rest is missing.
    children.push(para("缺项：本次会议的会议记录未提交，以下为会议安排和签到信息。", { bold: true, color: "C00000" }));
    children.push(
      table(
        [
          ["类型", e.typeLabel],
          ["地点", e.place ?? "缺项"],
          ["主题", e.topic ?? "缺项"],
          ["主持人", e.chair ?? "缺项"],
          ["记录人", e.recorder ?? "缺项"],
        ],
        false,
      ),
    );
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun("出席情况")] }));
    for (const line of attendanceLines(e)) children.push(para(line));
    for (const what of ["议题", "讨论摘要", "决议 / 决定事项"]) children.push(para(`${what}：缺项`, { color: "C00000" }));
  }
  children.push(new Paragraph({ spacing: { before: 480 }, keepNext: true, children: [new TextRun("主持人（签字）：________________　　记录人（签字）：________________")] }));
  children.push(new Paragraph({ spacing: { before: 240 }, children: [new TextRun("书记审阅（签字）：________________　　审阅日期：________________")] }));
  return { ...page(book), children };
}

export async function recordBookDocx(book: RecordBook): Promise<Buffer> {
  const tz = book.org.timezone;
  const doc = new Document({
    creator: "支部助手",
    title: `${book.org.name}${book.year}年会议记录本`,
    description: `${book.org.name} ${book.year} 年三会一课等会议记录`,
    styles: {
      default: {
        document: { run: { font: FONT, size: 24 } },
        title: { run: { font: HEADING_FONT, size: 40, bold: true } },
        heading1: { run: { font: HEADING_FONT, size: 32, bold: true }, paragraph: { spacing: { before: 240, after: 120 } } },
        heading2: { run: { font: HEADING_FONT, size: 26, bold: true }, paragraph: { spacing: { before: 200, after: 80 } } },
      },
    },
    sections: [cover(book), ...book.entries.map((e) => meetingSection(book, e, tz))],
  });
  return Packer.toBuffer(doc);
}
