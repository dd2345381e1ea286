import type { OrgInfo } from "../../app/context.ts";
import { childOrgs } from "../branches/service.ts";
import type { Bot } from "../../app/bot.ts";
import { orgById } from "../../app/actors.ts";
import { ensureJob, type JobContext } from "../../app/jobs.ts";
import type { Tx } from "../../db/client.ts";
import type { MeetingEndedEvent } from "../meetings/hooks.ts";
import { formatDay } from "../meetings/time.ts";
import { meetingTitle } from "../meetings/view.ts";
import { loadFacts } from "./content.ts";
import { loadRecordBook, recordBookFileNames } from "./export/book.ts";
import { jobKeyPrefix, sendForm } from "./flows.ts";
import { ensureMinutes, minutesOf, recorderOf, secretaryOf } from "./service.ts";

export const REMIND_JOB = "minutes.remind";
export const ESCALATE_JOB = "minutes.escalate";
export const EXPORT_JOB = "minutes.export";

const HOUR = 3_600_000;
export const REMIND_AFTER_H = 24;
export const ESCALATE_AFTER_H = 72;

/** The port for sending files: the Lark gateway implements it (src/lark/gateway.ts). */
export interface FileUploader {
  /** Uploads a file for messages; returns its file_key. */
  uploadFile(name: string, data: Buffer, fileType: "doc" | "xls" | "pdf" | "stream"): Promise<string>;
}

/**
 * When a meeting's attendance is final: the record is opened, the recorder gets the pre-filled
 * form privately, and the 24 h / 72 h follow-ups are scheduled (keys per meeting, so a repeated
 * call never doubles them; submission cancels them).
 */
export async function onEnded(e: MeetingEndedEvent): Promise<void> {
  const { tx, out, now, meeting } = e;
  await ensureMinutes(tx, meeting, now);
  const facts = (await loadFacts(tx, meeting.id))!;
  const recorder = await recorderOf(tx, meeting);
  if (recorder) await sendForm(tx, out, facts, recorder, now);
  const at = (hours: number) => new Date(Math.max(meeting.endAt.getTime() + hours * HOUR, now.getTime()));
  const payload = { meetingId: meeting.id };
  await ensureJob(tx, { key: `${jobKeyPrefix(meeting.id)}remind`, kind: REMIND_JOB, runAt: at(REMIND_AFTER_H), payload }, now);
  await ensureJob(tx, { key: `${jobKeyPrefix(meeting.id)}escalate`, kind: ESCALATE_JOB, runAt: at(ESCALATE_AFTER_H), payload }, now);
}

/** The meeting of a follow-up job, if its record is still not submitted. */
async function stillMissing(tx: Tx, payload: Record<string, unknown>) {
  const meetingId = Number(payload.meetingId);
  const minutes = await minutesOf(tx, meetingId);
  if (minutes && minutes.status !== "draft") return undefined;
  const facts = await loadFacts(tx, meetingId);
  if (!facts || facts.meeting.status !== "held") return undefined;
  return facts;
}

async function remindJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, baseOut) => {
    const f = await stillMissing(tx, ctx.payload);
    if (!f) return;
    const recorder = await recorderOf(tx, f.meeting);
    if (!recorder) return;
    const m = f.meeting;
    await baseOut.forOrg(f.org.id).text(
      { openId: recorder.openId },
      `【会议记录提醒】${meetingTitle(m)}（${formatDay(m.startAt, f.org.timezone)}）已结束 ${REMIND_AFTER_H} 小时，会议记录还没有提交。发送 /纪要 #${m.seqNo} 打开表单，已保存的草稿会自动恢复。`,
    );
  });
}

async function escalateJob(ctx: JobContext): Promise<void> {
  await ctx.commit(async (tx, baseOut) => {
    const f = await stillMissing(tx, ctx.payload);
    if (!f) return;
    const [recorder, secretary] = await Promise.all([recorderOf(tx, f.meeting), secretaryOf(tx, f.org.id)]);
    if (!secretary) return;
    const m = f.meeting;
    const who = recorder && recorder.openId !== secretary.openId ? `记录人 ${recorder.name} 尚未提交会议记录。可以提醒一下，也可以由您发送 /纪要 #${m.seqNo} 代为填写。` : `您是本次会议的记录人，请发送 /纪要 #${m.seqNo} 填写。`;
    await baseOut.forOrg(f.org.id).text(
      { openId: secretary.openId },
      `【会议记录逾期】${meetingTitle(m)}（${formatDay(m.startAt, f.org.timezone)}）已结束超过 ${ESCALATE_AFTER_H} 小时，${who}支部周报会列出未提交的记录。`,
    );
  });
}

/** Builds the year's record book and ledger, uploads both, and sends them to whoever asked. */
async function exportJob(ctx: JobContext, files: FileUploader | undefined): Promise<void> {
  const { orgId, year, openId } = ctx.payload as { orgId: number; year: number; openId: string };
  const org = await orgById(ctx.db, orgId);
  if (!org) return;
  if (!files) {
    await ctx.commit((_tx, out) => out.forOrg(orgId).text({ openId }, "当前环境没有开通文件发送，暂时无法导出记录本。请联系管理员。"));
    return;
  }
  if (org.kind === "committee") return committeeExport(ctx, files, org, year, openId);
  // Reads and uploads happen before the commit (no network inside a transaction); a retry
  // after a failed commit only uploads the same files again.
  const book = await loadRecordBook(ctx.db, org, year, ctx.now);
  const names = recordBookFileNames(book);
  // The exporters (docx, exceljs) load on the first export: kept out of the bot's resident
  // memory the rest of the time (about 26 MB; bench/README.md, target 4).
  const [{ recordBookDocx }, { meetingLedgerXlsx }] = await Promise.all([import("./export/docx.ts"), import("./export/xlsx.ts")]);
  const docKey = await files.uploadFile(names.docx, await recordBookDocx(book), "doc");
  const xlsKey = await files.uploadFile(names.xlsx, await meetingLedgerXlsx(book), "xls");
  const missing = book.entries.filter((e) => e.status === "draft").length;
  const unconfirmed = book.entries.filter((e) => e.status === "submitted").length;
  await ctx.commit(async (_tx, baseOut) => {
    const out = baseOut.forOrg(orgId);
    await out.text(
      { openId },
      [
        `${org.name} ${year} 年会议记录本已生成：共 ${book.entries.length} 次会议，按时间排列。`,
        missing ? `其中 ${missing} 次会议记录未提交，记录本中标为「缺项」。` : "",
        unconfirmed ? `${unconfirmed} 次记录尚待书记确认。` : "",
        "Word 为记录本（每次会议一节），Excel 为会议台账（每类会议一页）。",
      ].filter(Boolean).join("\n"),
    );
    await out.file({ openId }, docKey);
    await out.file({ openId }, xlsKey);
  });
}

/** A committee's ledger of all its branches: one Excel file, a row per branch and meeting. */
async function committeeExport(ctx: JobContext, files: FileUploader, org: OrgInfo, year: number, openId: string): Promise<void> {
  const branches = await childOrgs(ctx.db, org.id);
  const books = [];
  for (const b of branches) books.push(await loadRecordBook(ctx.db, b, year, ctx.now));
  const { committeeLedgerXlsx } = await import("./export/xlsx.ts");
  const name = `${org.name}${year}年各支部会议台账.xlsx`;
  const key = await files.uploadFile(name, await committeeLedgerXlsx(org, year, books, ctx.now), "xls");
  const held = books.reduce((n, b) => n + b.entries.length, 0);
  const missing = books.reduce((n, b) => n + b.entries.filter((e) => e.status === "draft").length, 0);
  await ctx.commit(async (_tx, baseOut) => {
    const out = baseOut.forOrg(org.id);
    await out.text(
      { openId },
      [
        `${org.name} ${year} 年各支部会议台账已生成：${branches.length} 个支部，共 ${held} 次会议。`,
        missing ? `其中 ${missing} 次会议记录未提交，台账中标为「缺项」。` : "",
        "「汇总」页每个支部一行（按名称排列，只列次数，不排名），其余每类会议一页、每次会议一行，可按支部筛选。",
      ].filter(Boolean).join("\n"),
    );
    await out.file({ openId }, key);
  });
}

export function registerMinutesJobs(bot: Bot, files: FileUploader | undefined): void {
  bot.job(REMIND_JOB, remindJob);
  bot.job(ESCALATE_JOB, escalateJob);
  bot.job(EXPORT_JOB, (ctx) => exportJob(ctx, files));
}
