import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DEMO_CHATS, DEMO_PEOPLE } from "../../src/sandbox/demo.ts";
import { findChromium, launchChromium, OUTPUT_DIR, startSandboxBot, type SandboxBot } from "./browser.ts";

/**
 * The sandbox's card renderer on a card that uses every component the issue lists: what it
 * shows, Feishu's required-field rule, and the exact callback (form_value formats) it sends.
 */
const chromium = findChromium();
if (!chromium) console.warn("card renderer browser test skipped: no Chromium found (apt-get install chromium, or set CHROMIUM_PATH)");
const CARD = JSON.parse(readFileSync(join(import.meta.dirname, "fixtures", "kitchen-sink-card.json"), "utf8"));
const NAMES = Object.fromEntries(Object.values(DEMO_PEOPLE).map((p) => [p.openId, p.name]));
const MEMBERS = DEMO_CHATS.find((c) => c.chatId === "oc_demo_branch1")!.people.map((p) => p.openId);

describe.skipIf(!chromium)("sandbox card renderer", () => {
  let bot: SandboxBot;
  let browser: Browser;
  let page: Page;
  const acts = () => page.evaluate(() => (window as unknown as { __acts: Array<Record<string, unknown>> }).__acts);
  const sink = () => page.locator("#sink");

  beforeAll(async () => {
    bot = await startSandboxBot();
    browser = await launchChromium(chromium!);
    page = await browser.newPage({ viewport: { width: 900, height: 2600 }, locale: "zh-CN" });
    await page.goto(bot.url);
    await page.locator(".chat-item").first().waitFor();
    // A string, not a function: vitest would rewrite the dynamic imports inside a function.
    await page.evaluate(`(async () => {
      const { renderCard } = await import("/sandbox/static/card-renderer.js");
      const { confirmDialog } = await import("/sandbox/static/overlay.js");
      const { offsetOf } = await import("/sandbox/static/util.js");
      const card = ${JSON.stringify(CARD)};
      const names = ${JSON.stringify(NAMES)};
      const recorded = (window.__acts = []);
      const host = document.createElement("div");
      host.id = "sink";
      host.style.cssText = "position:fixed;inset:0;overflow:auto;background:#f5f6f7;z-index:50;padding:24px";
      host.append(renderCard(card, {
        nameOf: (id) => names[id],
        members: ${JSON.stringify(MEMBERS)},
        viewer: "ou_demo0011",
        timezone: "Asia/Shanghai",
        offset: offsetOf("Asia/Shanghai", Date.parse("2026-03-05T00:00:00Z")),
        toast: (type, text) => recorded.push({ toast: type, text }),
        confirm: confirmDialog,
        act: async (action) => { recorded.push(action); },
      }));
      document.body.append(host);
    })()`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await bot?.stop();
  });

  it("renders the header, markdown (escapes shown literally, @mentions by name) and layout", async () => {
    const card = sink().locator(".card");
    expect(await card.locator(".card-header").getAttribute("class")).toContain("tpl-indigo");
    expect(await card.locator(".card-header-tags").innerText()).toBe("进行中");
    const text = await card.innerText();
    expect(text).toContain("*不是斜体*");
    expect(text).toContain("[不是链接](x)");
    expect(text).toContain("<b>不是标签</b>");
    expect(await card.locator(".md-at").allInnerTexts()).toEqual(["@王建国", "@所有人"]);
    expect(await card.locator("strong", { hasText: "加粗" }).count()).toBe(1);
    expect(await card.locator("del", { hasText: "删除线" }).count()).toBe(1);
    expect(await card.locator('a.md-link[href="https://www.feishu.cn"]').count()).toBe(1);
    expect(await card.locator(".md-font", { hasText: "红色" }).evaluate((el) => getComputedStyle(el).color)).toBe("rgb(245, 74, 69)");
    expect(await card.locator(".card-md.size-notation").count()).toBe(1);
    expect(await card.locator(".card-columns.flex-bisect .card-column").count()).toBe(2);
    expect(await card.locator(".card-img", { hasText: "会议现场照片" }).count()).toBe(1);
    expect(await card.locator(".card-chart .chart-title").allInnerTexts()).toEqual(["各月组织生活次数", "参会情况"]);
    expect(await card.locator(".card-chart svg text", { hasText: "请假：1（10%）" }).count()).toBe(1);
  });

  it("pages a table five rows at a time and shows options and persons", async () => {
    const table = sink().locator(".card-table-wrap");
    expect(await table.locator("tbody tr").count()).toBe(5);
    expect(await table.locator("thead th").allInnerTexts()).toEqual(["姓名", "得分", "状态", "人员", "备注"]);
    expect(await table.locator("tbody tr").first().innerText()).toMatch(/第一行\s+92\.0\s+已完成\s+王\s+王建国\s+好/);
    expect(await table.locator("tbody tr").nth(1).innerText()).toContain("85.5");
    await table.locator(".pager-btn", { hasText: "›" }).click();
    expect(await table.locator("tbody").innerText()).toContain("第六行（第二页）");
    await table.locator(".pager-btn", { hasText: "‹" }).click();
  });

  it("blocks submit while required fields are empty, showing 请填写必填项, and sends nothing", async () => {
    const form = sink().locator(".card-form");
    await form.locator(".card-btn", { hasText: "提交" }).click();
    const invalid = await form.locator(".cc-field.invalid").evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.field));
    expect(invalid).toEqual(["title", "kind", "owner", "day"]);
    expect(await form.locator(".cc-field.invalid .cc-hint").first().innerText()).toBe("请填写必填项");
    expect(await acts()).toEqual([{ toast: "error", text: "请填写必填项" }]);
    await sink().locator(".card").screenshot({ path: join(OUTPUT_DIR, "10-kitchen-sink-required.png") });
  });

  it("submits form_value keyed by name, in Lark's formats", async () => {
    const form = sink().locator(".card-form");
    const choose = async (name: string, labels: string[]) => {
      const select = form.locator(`.cc-select[data-name="${name}"]`);
      await select.locator(".cc-select-box").click();
      for (const label of labels) await select.locator(".cc-option", { hasText: label }).first().click();
      if (await select.evaluate((el) => el.classList.contains("open"))) await select.locator(".cc-select-box").click();
    };
    await form.locator('[data-field="title"] input').fill("学习计划");
    await form.locator('[data-field="detail"] textarea').fill("第一行\n第二行");
    await choose("kind", ["支部党员大会"]);
    await choose("tags", ["学习", "讨论"]);
    expect(await form.locator('.cc-select[data-name="owner"] .cc-option').count()).toBe(MEMBERS.length); // empty options = the chat's members
    await choose("owner", ["王建国"]);
    await choose("helpers", ["李明"]);
    await form.locator('[data-field="day"] input').fill("2026-03-05");
    await form.locator('[data-field="start"] input').fill("09:30");
    await form.locator('[data-field="at"] input').fill("2026-03-05T09:30");
    await form.locator(".cc-checker").click();
    await sink().locator(".card").screenshot({ path: join(OUTPUT_DIR, "11-kitchen-sink-filled.png") });
    await form.locator(".card-btn", { hasText: "提交" }).click();
    expect((await acts()).at(-1)).toEqual({
      tag: "button",
      name: "submit",
      value: { a: "test.submit", m: 7 },
      formValue: {
        title: "学习计划",
        detail: "第一行\n第二行",
        kind: "a",
        tags: ["x", "y"],
        owner: "ou_demo0011",
        helpers: ["ou_demo0012"],
        day: "2026-03-05 +0800",
        start: "09:30 +0800",
        at: "2026-03-05 09:30 +0800",
        notify: true,
      },
    });
    await form.locator(".card-btn", { hasText: "重置" }).click();
    expect(await form.locator('[data-field="title"] input').inputValue()).toBe("");
  });

  it("asks for confirmation before a button with confirm, and skips disabled buttons", async () => {
    const before = (await acts()).length;
    await sink().locator(".card-btn", { hasText: "危险操作" }).click();
    expect(await page.locator(".modal-title").innerText()).toBe("确认删除？");
    await page.locator(".modal .card-btn", { hasText: "确定" }).click();
    expect((await acts()).slice(before)).toEqual([{ tag: "button", name: "b_danger", value: { a: "test.danger" } }]);
    expect(await sink().locator(".card-btn", { hasText: "已结束" }).isDisabled()).toBe(true);
  });
});
