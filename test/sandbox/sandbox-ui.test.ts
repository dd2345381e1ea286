import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { DEMO_CHATS, DEMO_PEOPLE } from "../../src/sandbox/demo.ts";
import { findChromium, launchChromium, OUTPUT_DIR, SandboxPage, startSandboxBot, type SandboxBot } from "./browser.ts";

/**
 * The browser sandbox in real headless Chromium against the real bot (as `npm start` runs it
 * without credentials). Each step saves a screenshot under test-output/sandbox/.
 */
const chromium = findChromium();
if (!chromium) console.warn("sandbox browser test skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");

const P = DEMO_PEOPLE;
const branch1 = DEMO_CHATS.find((c) => c.chatId === "oc_demo_branch1")!.chatId;
const unbound = DEMO_CHATS.find((c) => c.kind === "unbound")!.chatId;
const WEEK = 7 * 24 * 3600_000;

describe.skipIf(!chromium)("browser sandbox at /sandbox", () => {
  let bot: SandboxBot;
  let browser: Browser;
  let s: SandboxPage;

  beforeAll(async () => {
    bot = await startSandboxBot();
    browser = await launchChromium(chromium!);
    s = await SandboxPage.open(browser, bot.url);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it("as the secretary, /帮助 in the branch chat shows the help card", async () => {
    await s.actAs(P.s1.openId);
    await s.openChat(branch1);
    await s.type("/帮助");
    const card = await s.waitFor(s.card("命令一览"));
    expect(await card.locator(".card-header").getAttribute("class")).toContain("tpl-red");
    const text = await card.innerText();
    expect(text).toContain("/成员");
    expect(text).toContain("示例：/角色 @张三 预备党员");
    // The typed message went through the fake platform to the bot, which replied to it.
    const asked = bot.fake.messagesIn(branch1).find((m) => m.sender === P.s1.openId && JSON.stringify(m.content).includes("/帮助"));
    const reply = bot.fake.messagesIn(branch1).find((m) => m.sender === "bot" && m.parentId === asked?.messageId);
    expect(reply?.msgType).toBe("interactive");
    expect(await s.page.locator(".msg.self .bubble", { hasText: "/帮助" }).count()).toBe(1);
    await s.screenshot("01-help-card.png");
  });

  it("blocks a binding form with an empty required field, as Feishu does, without calling the bot", async () => {
    await s.actAs(P.m8.openId);
    await s.openChat(unbound);
    const card = await s.waitFor(s.card("绑定本群"));
    const callbacksBefore = bot.fake.pushes.filter((p) => p.eventType === "card.action.trigger").length;
    await card.locator(".card-btn", { hasText: "确认绑定" }).click();
    await s.waitFor(card.locator('.cc-field[data-field="secretary"].invalid .cc-hint', { hasText: "请填写必填项" }));
    await s.toast("请填写必填项");
    expect(bot.fake.pushes.filter((p) => p.eventType === "card.action.trigger").length).toBe(callbacksBefore);
    await s.screenshot("02-binding-required.png");
  });

  it("as a member, submitting the binding card shows the bot's refusal toast and leaves the card as it was", async () => {
    const card = s.card("绑定本群");
    await s.choose(card, "category", ["机关事业单位"]);
    await s.choose(card, "secretary", [P.s3.name]);
    await card.locator(".card-btn", { hasText: "确认绑定" }).click();
    await s.toast("只有把我拉进群的同志可以完成绑定");
    expect(await card.locator(".card-title").innerText()).toContain("绑定本群");
    await s.screenshot("03-member-refused.png");
  });

  it("binds the waiting chat through the binding card form, and the card updates in place", async () => {
    await s.actAs(P.s3.openId);
    const card = s.card("绑定本群");
    const messageId = await card.getAttribute("data-id");
    await s.choose(card, "category", ["机关事业单位"]);
    await s.choose(card, "secretary", [P.s3.name]);
    await s.choose(card, "committee", [P.m8.name, P.m9.name]);
    await card.locator('.cc-field[data-field="name"] input').fill("第三党支部");
    await card.locator(".card-btn", { hasText: "确认绑定" }).click();
    await s.toast("已绑定为党支部「第三党支部」");
    const updated = await s.waitFor(s.page.locator(`.msg[data-id="${messageId}"] .card-title`, { hasText: "已绑定：第三党支部" }));
    expect(await updated.count()).toBe(1);
    const org = await bot.runtime.db.partyOrg.findUnique({ where: { chatId: unbound } });
    expect(org).toMatchObject({ kind: "branch", name: "第三党支部", category: "gov_institution" });
    await s.screenshot("04-bound-card-updated.png");
  });

  it("as a member, clicking 参加 on a meeting notice updates the card in place", async () => {
    await s.actAs(P.s1.openId);
    await s.openChat(branch1);
    // The time in words: the bot shows the date with its weekday, and schedules on 确认安排.
    await s.type("/安排 党员大会 下周五 下午3点 三楼会议室 学习贯彻全会精神");
    const confirm = await s.waitFor(s.card("请确认：支部党员大会"));
    expect(await confirm.innerText()).toContain("理解为 3月13日（周五）15:00");
    await s.screenshot("05a-schedule-confirm.png");
    await confirm.locator(".card-btn", { hasText: "确认安排" }).click();
    await s.toast("已安排");
    const card = await s.waitFor(s.card("会议通知"));
    const messageId = await card.getAttribute("data-id");
    expect(await card.innerText()).toContain("参加 0 人");
    await s.actAs(P.m1.openId);
    await card.locator(".card-btn", { hasText: "参加" }).click();
    await s.toast("已记录");
    await s.waitFor(s.page.locator(`.msg[data-id="${messageId}"] .card-md`, { hasText: "参加 1 人" }));
    await s.screenshot("05-member-rsvp-card-updated.png");
  });

  it("shows a send the platform refused (injected fault), then the retried reply, and marks a buzzed message", async () => {
    await s.actAs(P.s1.openId);
    await s.openChat(branch1);
    await s.page.click('.log-tab[data-tab="faults"]');
    await s.page.locator(".log-panel .card-btn", { hasText: "让下一条消息发送失败" }).click();
    await s.toast("已设置");
    await s.type("/成员");
    await s.waitFor(s.page.locator(".sys-line.failure", { hasText: "支部助手回复消息失败（HTTP 500" }));
    const card = await s.waitFor(s.card("成员名单")); // the outbox retried
    const messageId = (await card.getAttribute("data-id"))!;
    await bot.runtime.gateway.urgent(messageId, [P.m1.openId]);
    await s.waitFor(s.page.locator(`.msg[data-id="${messageId}"] .urgent-tag`, { hasText: "已加急通知：刘洋" }));
    await s.page.click('.log-tab[data-tab="calls"]');
    await s.waitFor(s.page.locator(".log-row.failed", { hasText: "/reply" }).first());
    await s.screenshot("06-failed-send-and-urgent.png");
    await s.actAs(P.m1.openId);
    await s.waitFor(s.page.locator(`.msg.urgent[data-id="${messageId}"] .urgent-tag.mine`));
  });

  it("advances the bot clock a week from the clock panel", async () => {
    await s.actAs(P.s1.openId);
    await s.openChat(branch1);
    const before = bot.runtime.clock.now().getTime();
    await s.page.click("#week-btn");
    await s.toast("机器人时间已快进");
    expect(bot.runtime.clock.now().getTime() - before).toBeGreaterThanOrEqual(WEEK);
    await s.page.locator("#clock-date", { hasText: "3月9日" }).waitFor();
    await s.screenshot("07-clock-advanced-week.png");
  });

  it("shows the weekly digest that came due during that week", async () => {
    await s.waitFor(s.page.locator(".msg.has-card .card-title", { hasText: "周报" }).last());
    await s.screenshot("08-weekly-digest.png");
  });

  it("jumps the clock to a chosen date and time, forward only (issue 17 item 3)", async () => {
    await s.page.fill("#jump-at", "2026-03-13T14:20");
    await s.page.click("#jump-btn");
    await s.toast("机器人时间已跳到 2026-03-13 14:20");
    expect(bot.runtime.clock.now().getTime()).toBeGreaterThanOrEqual(new Date("2026-03-13T14:20:00+08:00").getTime());
    await s.page.locator("#clock-date", { hasText: "3月13日" }).waitFor();
    await s.screenshot("09-clock-jumped.png");
    await s.page.fill("#jump-at", "2026-03-10T09:00");
    await s.page.click("#jump-btn");
    await s.toast("只能往后跳");
    expect(bot.runtime.clock.now().getTime()).toBeGreaterThanOrEqual(new Date("2026-03-13T14:20:00+08:00").getTime());
  });

  it("shows exported files with their name and size, and downloads them to open (issue 16 item 4)", async () => {
    // The 党员大会 of 3月13日 15:00 has been held by 18:00; its record book can be exported.
    await s.page.fill("#jump-at", "2026-03-13T18:00");
    await s.page.click("#jump-btn");
    await s.toast("机器人时间已跳到");
    await s.actAs(P.s1.openId);
    await s.openChat(branch1);
    await s.type("/导出 2026");
    await s.waitFor(s.page.locator(".msg .bubble", { hasText: "正在生成 机关第一党支部 2026 年会议记录本" }).last());
    await s.openChat(`oc_p2p_${P.s1.openId}`);
    const book = await s.waitFor(s.page.locator(".bubble.file", { hasText: "机关第一党支部2026年会议记录本.docx" }).last());
    const ledger = await s.waitFor(s.page.locator(".bubble.file", { hasText: "机关第一党支部2026年会议台账.xlsx" }).last());
    expect(await book.innerText()).toMatch(/\d+ KB/);
    await s.screenshot("10-exported-files.png");
    for (const [bubble, check] of [
      [book, async (data: Buffer) => expect((await JSZip.loadAsync(data)).file("word/document.xml")).toBeTruthy()],
      [ledger, async (data: Buffer) => {
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.load(data as unknown as ExcelJS.Buffer);
        expect(wb.worksheets.map((w) => w.name)).toContain("支部党员大会");
      }],
    ] as const) {
      // The link names the file (download attribute, and Content-Disposition's UTF-8 filename*;
      // headless Chromium itself reports every download as "download", so the header is checked).
      const link = bubble.locator(".file-link");
      const name = (await link.getAttribute("download"))!;
      expect(name).toMatch(/^机关第一党支部2026年会议(记录本\.docx|台账\.xlsx)$/);
      const served = await fetch(`${bot.url}/${await link.getAttribute("href")}`);
      expect(served.headers.get("content-disposition")).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
      const [download] = await Promise.all([s.page.waitForEvent("download"), link.click()]);
      await check(readFileSync((await download.path())!));
    }
  });

  it("as a member, logs study privately on the 学时 card and sees the year (issue 18 item 1)", async () => {
    await s.actAs(P.m2.openId);
    await s.openChat(`oc_p2p_${P.m2.openId}`);
    await s.type("/学习");
    const form = await s.waitFor(s.card("记学习"));
    await form.locator('[data-field="title"] input').fill("学习《中国共产党纪律处分条例》第一编");
    await s.choose(form, "hours", ["2 学时"]);
    await form.locator('[data-field="note"] input').fill("https://www.12371.cn/");
    await form.screenshot({ path: `${OUTPUT_DIR}/12-study-log-form.png` });
    await form.locator(".card-btn", { hasText: "记下" }).click();
    await s.toast("已记下");
    const logged = await s.waitFor(s.card("已记下"));
    expect(await logged.innerText()).toContain("学习《中国共产党纪律处分条例》第一编 2 学时");
    await s.type("/学习 我的");
    await s.waitFor(s.page.locator(".msg .bubble", { hasText: "【我的学时】" }).last());
    await s.screenshot("12-study-log.png");
  });
});
