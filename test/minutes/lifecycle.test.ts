import { mkdirSync } from "node:fs";
import { findSoffice, firstPagePng, printToPdf } from "../support/libreoffice.ts";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import mammoth from "mammoth";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import type { FakeMessage } from "../../src/sandbox/fake-platform/index.ts";
import { buttonValue, component, formCard, holdMeeting, HOUR, reread, submitForm, toastOf } from "./helpers.ts";

/**
 * The whole path through the fake platform: a 支部党员大会 is scheduled, members ask for leave
 * and sign in, the meeting ends, the recorder gets the pre-filled form, saves a half-filled
 * draft, resumes it, is refused a vote count that does not add up, submits; the secretary
 * confirms, later amends with a reason; every version stays readable; the year's record book
 * is exported as .docx and .xlsx, uploaded and sent, and read back.
 */

let t: TestBot;
let exported: { docx: Buffer; xlsx: Buffer } | undefined;
let meetingId: number;
const START = new Date("2026-03-03T14:30:00+08:00");

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

const RESOLUTION = "同意接收孙悦同志按期转为中共正式党员";
const ACTION = "将转正材料报送机关党委审批";

describe("meeting → sign-in → minutes → confirm → amend → export", () => {
  let form: FakeMessage;

  it("sends the recorder a pre-filled form privately when the meeting ends", async () => {
    const { s1, o1, x1, d1, m1, m2, m3, m4, pr1 } = t.people;
    const held = await holdMeeting(t, {
      chat: t.chats.branch1,
      by: s1,
      command: "/安排 党员大会 2026-03-03 14:30 三楼会议室 讨论预备党员转正 记录 @李明",
      mentions: [o1],
      start: START,
      leave: [{ who: m2, reason: "出差" }],
      present: [s1, o1, x1, d1, m1, m3, m4, pr1],
    });
    meetingId = held.id;
    expect(held).toMatchObject({ entitledCount: 9, presentVoting: 7, quorumMet: true });
    form = formCard(t, o1)!; // 李明, the recorder named at scheduling
    expect(form).toBeDefined();
    const text = textOf(form);
    expect(text).toContain("会议记录 · #1 支部党员大会");
    expect(text).toContain("实到 8 人（正式党员 7，预备党员 1）");
    expect(text).toContain("陈静（出差）");
    expect(text).toContain("周敏"); // absent without leave
    expect(component(form, "place")?.default_value).toBe("三楼会议室");
    expect(component(form, "agenda")?.default_value).toBe("讨论预备党员转正");
    expect(component(form, "chair")?.initial_option).toBe(s1.openId);
    expect(t.botMessages(t.chats.branch1).some((m) => textOf(m).includes("会议记录 · #1"))).toBe(false);
    const jobs = await t.runtime.db.job.findMany({ where: { key: { startsWith: `minutes:${meetingId}:` } } });
    expect(jobs.map((j) => j.key).sort()).toEqual([`minutes:${meetingId}:escalate`, `minutes:${meetingId}:remind`]);
    // A member asking sees that there is no record yet, and who keeps it.
    await t.say(t.people.m3, t.chats.branch1, "/纪要 #1");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("#1 支部党员大会 的会议记录还没有提交（记录人：李明）");
  });

  it("saves a half-filled form as a draft without any checks", async () => {
    const result = await submitForm(t, t.people.o1, form, "save", { r1_text: RESOLUTION, r1_yes: "6" });
    expect(toastOf(result)).toContain("草稿已保存");
    const draft = await t.runtime.db.minutesDraft.findFirstOrThrow({ where: { meetingId } });
    const state = JSON.parse(draft.state);
    expect(state.resolutions[0]).toMatchObject({ text: RESOLUTION, yes: "6" });
  });

  it("resumes the draft in a new form from /纪要 #1", async () => {
    await t.say(t.people.o1, "p2p", "/纪要 #1");
    form = formCard(t, t.people.o1)!;
    expect(textOf(form)).toContain("已恢复您于");
    expect(component(form, "r1_text")?.default_value).toBe(RESOLUTION);
    expect(component(form, "r1_yes")?.default_value).toBe("6");
  });

  it("grows the form with 添加决议 and keeps what was typed", async () => {
    expect(component(form, "r3_text")).toBeUndefined();
    await submitForm(t, t.people.o1, form, "more", {}, "resolutions");
    form = reread(t, form);
    expect(component(form, "r3_text")).toBeDefined();
    expect(component(form, "r4_yes")).toBeDefined();
    expect(component(form, "r1_text")?.default_value).toBe(RESOLUTION);
  });

  it("refuses a vote count that does not add up, and says exactly what is missing", async () => {
    const result = await submitForm(t, t.people.o1, form, "submit", { r1_no: "0", r1_abs: "0" });
    expect(toastOf(result)).toContain("还不能提交");
    const card = textOf(reread(t, form));
    expect(card).toContain("讨论摘要（或填写飞书文档链接）");
    expect(card).toContain("第 1 项决议：赞成 6 + 反对 0 + 弃权 0 = 6 票，与到会有表决权的正式党员 7 人不符");
    expect(card).toContain("预备党员和列席人员不参加表决");
    expect(await t.runtime.db.minutesVersion.count()).toBe(0);
    // What was typed is still there.
    expect(component(reread(t, form), "r1_text")?.default_value).toBe(RESOLUTION);
  });

  it("asks for the owner and deadline of a follow-up action", async () => {
    const result = await submitForm(t, t.people.o1, reread(t, form), "submit", { r1_yes: "7", r1_method: "hands", r1_matter: "full_membership", d1: "与会同志逐一发表意见，一致认为孙悦同志符合转正条件。", a1_text: ACTION });
    expect(toastOf(result)).toContain("还不能提交");
    expect(textOf(reread(t, form))).toContain("第 1 项后续事项缺少责任人、完成期限");
  });

  it("accepts the complete record: the group gets the recap, the secretary is asked to confirm, reminders stop", async () => {
    const result = await submitForm(t, t.people.o1, reread(t, form), "submit", { a1_owner: t.people.o1.openId, a1_due: "2026-03-31", observers: "入党积极分子 钱多；机关党委 何平（到会指导）" });
    expect(toastOf(result)).toContain("记录已提交（第 1 版）");
    expect(textOf(reread(t, form))).toContain("记录卡片已发到支部群");
    const recap = t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("会议记录 · #1")).at(-1)!;
    const announcement = t.botMessages(t.chats.branch1).find((m) => textOf(m).includes("会议通知 · #1"))!;
    expect(recap.parentId).toBe(announcement.messageId); // threaded under the meeting's announcement
    const text = textOf(recap);
    expect(text).toContain(`${RESOLUTION} —— 举手表决，赞成 7，反对 0，弃权 0：通过`);
    expect(text).toContain(ACTION);
    expect(text).toContain(`<at id=${t.people.o1.openId}></at>`);
    expect(text).toContain("3月31日前");
    expect(text).toContain("应到 10 人，实到 8 人（正式党员 7，预备党员 1），请假 1 人，缺席 1 人");
    expect(text).not.toContain("陈静"); // names stay out of the group
    expect(text).toContain("待书记确认");
    expect(textOf(t.lastBotMessage(t.people.s1.openId))).toContain("【待确认】李明 提交了 #1 支部党员大会");
    const jobs = await t.runtime.db.job.findMany({ where: { key: { startsWith: `minutes:${meetingId}:` } } });
    expect(jobs.every((j) => j.status === "cancelled")).toBe(true);
    expect(await t.runtime.db.minutesDraft.count({ where: { meetingId } })).toBe(0);
    const resolution = await t.runtime.db.resolution.findFirstOrThrow({ where: { minutes: { meetingId } } });
    expect(resolution).toMatchObject({ votesFor: 7, votesAgainst: 0, votesAbstain: 0, passed: true });
  });

  it("treats the same record submitted again as one version, and keeps one recap card", async () => {
    await t.say(t.people.o1, t.chats.branch1, "/纪要 #1");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已把 #1 支部党员大会 的记录表单私信发给您");
    const again = formCard(t, t.people.o1)!;
    expect(component(again, "a1_text")?.default_value).toBe(ACTION);
    const result = await submitForm(t, t.people.o1, again, "submit");
    expect(toastOf(result)).toContain("记录与第 1 版相同");
    expect(await t.runtime.db.minutesVersion.count()).toBe(1);
    expect(t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("会议记录 · #1"))).toHaveLength(1);
  });

  it("lets only the secretary confirm; confirming locks the record and turns actions into tracked items", async () => {
    const recap = t.botMessages(t.chats.branch1).filter((m) => textOf(m).includes("会议记录 · #1")).at(-1)!;
    const value = buttonValue(recap, "minutes.confirm")!;
    const refused = await t.click(t.people.m1, recap, value);
    expect(toastOf(refused)).toContain("只有书记、副书记");
    const recorderTexts = () => t.botMessages(t.people.o1.openId).filter((m) => m.msgType === "text" && textOf(m).includes("已确认"));
    const patches = () => t.fake.calls.filter((c) => c.method === "PATCH" && c.path.endsWith(`/messages/${recap.messageId}`)).length;
    const patchesBefore = patches();
    const ok = await t.click(t.people.s1, recap, value);
    expect(toastOf(ok)).toContain("已确认 #1 的会议记录（第 1 版）");
    expect(textOf(reread(t, recap))).toContain("已由 王建国 确认");
    // Issue 22: the confirmation shows on the recap card, in the click's answer — no PATCH, and no
    // separate text to the recorder (李明 sees it on the card in the group).
    expect(ok.card).toBeDefined();
    expect(patches()).toBe(patchesBefore);
    expect(recorderTexts()).toEqual([]);
    expect(buttonValue(reread(t, recap), "minutes.confirm")).toBeUndefined();
    const minutes = await t.runtime.db.minutes.findUniqueOrThrow({ where: { meetingId } });
    expect(minutes).toMatchObject({ status: "confirmed", confirmedVersion: 1, confirmedBy: t.people.s1.openId });
    const action = await t.runtime.db.followUpAction.findFirstOrThrow({ where: { minutesId: minutes.id } });
    const item = await t.runtime.db.rectificationItem.findUniqueOrThrow({ where: { id: action.rectificationItemId! } });
    expect(item).toMatchObject({ source: "minutes", sourceRef: `meeting:${meetingId}`, dueOn: "2026-03-31" });
    expect(item.problem).toContain(ACTION);
    // A second click (a redelivery or a second person) changes nothing.
    const again = await t.click(t.people.s1, recap, value);
    expect(toastOf(again)).toContain("已经确认过了");
    expect(await t.runtime.db.rectificationItem.count({ where: { source: "minutes" } })).toBe(1);
    // A meeting's follow-up is tracked in its own section, never counted as 整改.
    await t.say(t.people.m3, t.chats.branch1, "/整改 列表");
    const rect = textOf(t.lastBotMessage(t.chats.branch1));
    expect(rect).toContain("跟进事项（会议决定的事项，不计入整改）");
    expect(rect).toContain("整改事项：未完成 0（其中逾期 0、待验收 0）");
    expect(rect).toContain("待落实");
  });

  it("keeps a confirmed record locked for the recorder", async () => {
    await t.say(t.people.o1, "p2p", "/纪要 #1");
    expect(textOf(t.lastBotMessage(t.people.o1.openId))).toContain("记录已确认锁定");
  });

  it("amends through the secretary: a reason is required, a new version is made, the old one stays readable", async () => {
    const { s1 } = t.people;
    await t.say(s1, t.chats.branch1, "/纪要 #1 更正");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("已把更正表单私信发给您");
    const amend = formCard(t, s1)!;
    expect(textOf(amend)).toContain("会议记录更正 · #1");
    expect(component(amend, "r1_text")?.default_value).toBe(RESOLUTION);
    const extra = "与会同志逐一发表意见，一致认为孙悦同志符合转正条件。张红同志补充：孙悦同志在疫情防控志愿服务中表现突出。";
    const noReason = await submitForm(t, s1, amend, "submit", { d1: extra });
    expect(toastOf(noReason)).toContain("还不能提交");
    expect(textOf(reread(t, amend))).toContain("更正原因");
    const done = await submitForm(t, s1, reread(t, amend), "submit", { reason: "补充张红同志的发言" });
    expect(toastOf(done)).toContain("已更正为第 2 版");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("【记录更正】#1 支部党员大会 的会议记录已更正为第 2 版（王建国）。原因：补充张红同志的发言");
    const minutes = await t.runtime.db.minutes.findUniqueOrThrow({ where: { meetingId } });
    expect(minutes).toMatchObject({ version: 2, status: "confirmed", confirmedVersion: 2 });
    // The unchanged action keeps its tracked item: no second one.
    expect(await t.runtime.db.rectificationItem.count({ where: { source: "minutes" } })).toBe(1);

    await t.say(t.people.m3, t.chats.branch1, "/纪要 #1 版本");
    const list = textOf(t.lastBotMessage(t.chats.branch1));
    expect(list).toContain("第 1 版 · 提交 · 李明");
    expect(list).toContain("第 2 版 · 更正 · 王建国");
    expect(list).toContain("原因：补充张红同志的发言");

    await t.say(t.people.m3, t.chats.branch1, "/纪要 #1 版本 1");
    const v1 = textOf(t.lastBotMessage(t.people.m3.openId));
    expect(v1).toContain("第 1 版（当前为第 2 版）");
    expect(v1).not.toContain("疫情防控");
    await t.say(t.people.m3, t.chats.branch1, "/纪要 #1");
    const current = textOf(t.lastBotMessage(t.people.m3.openId));
    expect(current).toContain("疫情防控");
    expect(current).toContain("陈静（出差）"); // the full record, privately
    expect(current).toContain("列席、到会指导：入党积极分子 钱多；机关党委 何平（到会指导）"); // kept through the amendment
    expect(current).toMatch(/跟进事项 &#35;\d+ · 待落实/); // "#" escaped for card markdown; a follow-up is not 整改
  });

  it("exports the year's record book as a .docx and an .xlsx, uploaded and sent privately, and readable", async () => {
    const upload = vi.spyOn(t.runtime.gateway, "uploadFile");
    await t.say(t.people.s1, t.chats.branch1, "/导出 2026");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("正在生成 机关第一党支部 2026 年会议记录本（1 次会议）");
    await t.settle();
    expect(upload).toHaveBeenCalledTimes(2);
    const calls = upload.mock.calls as Array<[string, Buffer, string]>;
    const docxCall = calls[0]!;
    const xlsxCall = calls[1]!;
    exported = { docx: docxCall[1], xlsx: xlsxCall[1] };
    const keys = await Promise.all(upload.mock.results.map((r) => r.value as Promise<string>));
    upload.mockRestore();

    // Uploaded through Lark's file API (the fake keeps name and size) and sent as file messages.
    expect(docxCall[0]).toBe("机关第一党支部2026年会议记录本.docx");
    expect(xlsxCall[0]).toBe("机关第一党支部2026年会议台账.xlsx");
    expect(t.fake.files.get(keys[0]!)).toMatchObject({ name: docxCall[0], size: docxCall[1].length, fileType: "doc" });
    expect(t.fake.files.get(keys[1]!)).toMatchObject({ name: xlsxCall[0], size: xlsxCall[1].length, fileType: "xls" });
    const sent = t.botMessages(t.people.s1.openId).filter((m) => m.msgType === "file").map((m) => (m.content as { file_key: string }).file_key);
    expect(sent).toEqual(keys);

    // The Word record book: one section per meeting with every element of the record.
    const zip = await JSZip.loadAsync(docxCall[1]);
    const xml = await zip.file("word/document.xml")!.async("string");
    const words = xml.replace(/<[^>]+>/g, "");
    for (const expected of [
      "2026 年会议记录本", "#1 支部党员大会", "三楼会议室", "主持人：王建国", "记录人：李明",
      "应到 10 人，实到 8 人（正式党员 7，预备党员 1），请假 1 人，缺席 1 人。", "请假：陈静（出差）", "缺席：周敏",
      "讨论预备党员转正", "疫情防控", `${RESOLUTION} —— 举手表决，赞成 7，反对 0，弃权 0：通过`, ACTION, "责任人：李明",
      "第 2 版", "补充张红同志的发言", "主持人（签字）",
    ]) expect(words, expected).toContain(expected.replace(/&/g, "&amp;"));
    expect((xml.match(/<w:sectPr/g) ?? []).length).toBe(2); // the cover and one meeting
    // Issue 16 item 1: A4, the cover's particulars, the year in every date, rows that never split,
    // the secretary's review line, a running header and page numbers.
    expect(xml).toMatch(/<w:pgSz w:w="11906" w:h="16838"/);
    for (const expected of ["组织名称", "机关第一党支部", "年度", "记录人", "保管人", "2026年3月3日", "书记审阅（签字）"]) expect(words, expected).toContain(expected);
    expect(words).toContain("时间：2026年3月3日"); // the record's own dates carry the year too
    expect(words).toMatch(/责任人：李明，2026年3月31日前/);
    expect(xml).toContain("<w:cantSplit/>");
    const parts = Object.keys(zip.files);
    const headerXml = await zip.file(parts.find((f) => /^word\/header\d*\.xml$/.test(f))!)!.async("string");
    const footerXml = await zip.file(parts.find((f) => /^word\/footer\d*\.xml$/.test(f))!)!.async("string");
    expect(headerXml.replace(/<[^>]+>/g, "")).toContain("机关第一党支部 2026 年会议记录本");
    expect(footerXml).toMatch(/PAGE/);
    // A second, independent reader (mammoth parses the document the way Word's format says).
    const { value: plain } = await mammoth.extractRawText({ buffer: docxCall[1] });
    expect(plain).toContain("#1 支部党员大会");
    expect(plain).toContain("补充张红同志的发言");

    // The Excel ledger: one sheet per type, one row per meeting, attendance figures as numbers.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsxCall[1] as unknown as ExcelJS.Buffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["汇总", "支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会", "决议", "整改", "民主评议"]);
    const sheet = wb.getWorksheet("支部党员大会")!;
    // Issue 16 item 2: a title row, then the headers; both repeat on every printed page.
    expect(String(sheet.getCell("A1").value)).toBe("机关第一党支部 2026 年会议台账 · 支部党员大会");
    const header = (sheet.getRow(2).values as unknown[]).slice(1);
    const row = (sheet.getRow(3).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("编号")).toBe("#1");
    // A real date cell shown the Chinese way, not text.
    expect(cell("日期")).toEqual(new Date("2026-03-03T00:00:00Z"));
    expect(sheet.getRow(3).getCell(header.indexOf("日期") + 1).numFmt).toBe('yyyy"年"m"月"d"日"');
    expect(cell("应到")).toBe(10);
    expect(cell("实到")).toBe(8);
    expect(cell("实到正式党员")).toBe(7);
    expect(cell("请假")).toBe(1);
    expect(cell("缺席")).toBe(1);
    expect(cell("请假人员及事由")).toBe("陈静（出差）");
    expect(cell("到会是否过半")).toBe("是（7/9）");
    expect(cell("记录状态")).toBe("已确认");
    expect(cell("版本")).toBe(2);
    expect(cell("确认")).toMatch(/^王建国 2026年3月3日/);
    expect(sheet.rowCount).toBe(3);
    // Prints on A4 landscape, one page wide, with borders and wrapped text (nothing clipped).
    for (const ws of wb.worksheets) {
      expect(ws.pageSetup, ws.name).toMatchObject({ paperSize: 9, orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "1:2" });
      expect(ws.views[0], ws.name).toMatchObject({ state: "frozen", ySplit: 2 });
    }
    const leaveCell = sheet.getRow(3).getCell(header.indexOf("请假人员及事由") + 1);
    expect(leaveCell.alignment).toMatchObject({ wrapText: true });
    expect(leaveCell.border?.left?.style).toBe("thin");
    // Rows as tall as their wrapped text: 实到正式党员 takes two lines in its column, so the header row is two lines high.
    expect(sheet.getRow(2).height).toBeGreaterThanOrEqual(30);
    const summary = wb.getWorksheet("汇总")!;
    expect((summary.getRow(3).values as unknown[]).slice(1)).toEqual(["支部党员大会", 1, 1, 0, 0, "1/1"]);
    // The resolutions with their texts and results, not only a count.
    const resolutions = wb.getWorksheet("决议")!;
    const rHeader = (resolutions.getRow(2).values as unknown[]).slice(1);
    const r1 = (resolutions.getRow(3).values as unknown[]).slice(1);
    const rc = (name: string) => r1[rHeader.indexOf(name)];
    expect(rc("会议")).toBe("#1 支部党员大会");
    expect(rc("决议内容")).toBe(RESOLUTION);
    expect(rc("表决方式")).toBe("举手表决");
    expect([rc("赞成"), rc("反对"), rc("弃权")]).toEqual([7, 0, 0]);
    expect(rc("结果")).toBe("通过");
    // The 整改 of the year: the follow-up the confirmation created, with its deadline as a date.
    const rect = wb.getWorksheet("整改")!;
    const xHeader = (rect.getRow(2).values as unknown[]).slice(1);
    const x1 = (rect.getRow(3).values as unknown[]).slice(1);
    expect(x1[xHeader.indexOf("来源")]).toBe("会议决定跟进");
    expect(String(x1[xHeader.indexOf("问题")])).toContain(ACTION);
    expect(x1[xHeader.indexOf("期限")]).toEqual(new Date("2026-03-31T00:00:00Z"));
    // 民主评议: counts only (none this year here), never a person's grade.
    expect(String(wb.getWorksheet("民主评议")!.getCell("A3").value)).toBe("2026 年没有民主评议。");
  });

  it.skipIf(!findSoffice())("prints as filed: LibreOffice renders the ledger one A4 landscape page wide per sheet, and the record book on A4", () => {
    // Issue 16: each of the 10 sheets is short, so one page each — a sheet cut into columns would print more.
    const ledger = printToPdf("ledger.xlsx", exported!.xlsx);
    expect(ledger.pages).toBe(10);
    expect(Math.round(ledger.size[0])).toBe(842); // A4 landscape: 841.89 x 595.28 pt
    expect(Math.round(ledger.size[1])).toBe(595);
    const book = printToPdf("book.docx", exported!.docx);
    expect(Math.round(book.size[0])).toBe(595); // A4 portrait
    expect(book.pages).toBeGreaterThanOrEqual(2); // the cover, then the meeting
    mkdirSync("test-output/print", { recursive: true });
    firstPagePng(ledger.pdf, "test-output/print/ledger.png");
    firstPagePng(book.pdf, "test-output/print/record-book.png");
  }, 300_000);

  it("exports the committee's ledger of all its branches from the committee chat: a row per branch and meeting, counts not rankings", async () => {
    const upload = vi.spyOn(t.runtime.gateway, "uploadFile");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/导出 2026");
    expect(textOf(t.lastBotMessage(t.chats.committee))).toContain("正在生成 机关党委 2026 年各支部会议台账（2 个支部，1 次会议）");
    await t.settle();
    expect(upload).toHaveBeenCalledTimes(1);
    const [name, data] = upload.mock.calls[0] as [string, Buffer, string];
    upload.mockRestore();
    expect(name).toBe("机关党委2026年各支部会议台账.xlsx");
    expect(t.botMessages(t.people.committeeSecretary.openId).some((m) => m.msgType === "file")).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
    const summary = wb.getWorksheet("汇总")!;
    const rows = [3, 4, 5].map((n) => (summary.getRow(n).values as unknown[]).slice(1));
    // Branches in name order (not ranked), a column per meeting type, then records confirmed of held and missing.
    expect(rows[0]).toEqual(["后勤服务中心党支部", 0, 0, 0, 0, 0, 0, "0/0", 0]);
    expect(rows[1]).toEqual(["机关第一党支部", 1, 0, 0, 0, 0, 0, "1/1", 0]);
    expect(rows[2]![0]).toBe("合计（2 个支部）");
    const general = wb.getWorksheet("支部党员大会")!;
    const header = (general.getRow(2).values as unknown[]).slice(1);
    const row = (general.getRow(3).values as unknown[]).slice(1);
    expect(header[0]).toBe("支部");
    expect(row[0]).toBe("机关第一党支部");
    expect(row[header.indexOf("实到")]).toBe(8);
    expect((wb.getWorksheet("决议")!.getRow(3).values as unknown[]).slice(1)[0]).toBe("机关第一党支部");
  });

  it("refuses the committee's ledger to someone not on the committee's 支委", async () => {
    await t.say(t.people.s1, t.chats.committee, "/导出 2026");
    expect(textOf(t.lastBotMessage(t.chats.committee))).toContain("只有支委");
  });

  it("answers /导出 for a year without meetings without making files", async () => {
    await t.say(t.people.s1, t.chats.branch1, "/导出 2025");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("2025 年本支部没有已召开的会议");
    await t.say(t.people.m1, t.chats.branch1, "/导出 2026");
    expect(textOf(t.lastBotMessage(t.chats.branch1))).toContain("只有支委");
  });
});

describe("a record nobody submits", () => {
  it("reminds the recorder after 24 h, tells the secretary after 72 h, and the digest lists it", async () => {
    const { s2, m6, pr2 } = t.people;
    // branch2 has no 组织委员: the secretary records by default.
    const held = await holdMeeting(t, {
      chat: t.chats.branch2,
      by: s2,
      command: "/安排 党课 2026-03-06 15:00 会议室 主讲 @徐丽 党史专题",
      mentions: [m6],
      start: new Date("2026-03-06T15:00:00+08:00"),
      present: [s2, m6, pr2],
    });
    const form = formCard(t, s2)!;
    expect(textOf(form)).toContain("会议记录 · #1 党课");
    expect(component(form, "lecturer")?.initial_option).toBe(m6.openId);
    expect(component(form, "l_title")?.default_value).toBe("党史专题");

    await t.advance(held.endAt.getTime() + 24 * HOUR + 60_000 - t.clock.now().getTime());
    expect(textOf(t.lastBotMessage(s2.openId))).toContain("【会议记录提醒】#1 党课");
    await t.advance(48 * HOUR);
    expect(textOf(t.lastBotMessage(s2.openId))).toContain("【会议记录逾期】#1 党课");

    const { minutesOutstanding } = await import("../../src/features/minutes/index.ts");
    const org = await t.runtime.db.partyOrg.findUniqueOrThrow({ where: { chatId: t.chats.branch2 } });
    const outstanding = await minutesOutstanding(t.runtime.db, [org.id], t.clock.now());
    expect(outstanding.get(org.id)).toEqual([expect.objectContaining({ seqNo: 1, state: "missing", overdue: true })]);

    const { minutesSection } = await import("../../src/features/minutes/digest.ts");
    const orgInfo = { id: org.id, kind: "branch" as const, name: org.name, category: org.category, chatId: org.chatId, parentId: org.parentId, timezone: org.timezone };
    const period = { unit: "week" as const, key: "2026-W11", label: "第11周", start: new Date("2026-03-09T00:00:00+08:00"), end: new Date("2026-03-16T00:00:00+08:00") };
    const sections = await minutesSection.collect(t.runtime.db, [orgInfo], period, t.clock.now());
    const section = sections.get(org.id)![0]!;
    expect(section.needsAttention).toBe(true);
    expect(section.lines[0]).toMatchObject({ attention: true });
    expect(section.lines[0]!.text).toContain("#1 党课（3月6日（周五））会议记录未提交，已超过 72 小时（记录人 吴涛）");

    await t.say(s2, t.chats.branch2, "/纪要");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("#1 党课");
    expect(textOf(t.lastBotMessage(t.chats.branch2))).toContain("待提交，已超过 72 小时");
  });
});
