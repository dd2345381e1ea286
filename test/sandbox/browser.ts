import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Browser, Locator, Page } from "playwright-core";
import { readConfig } from "../../src/core/config.ts";
import { createLogger } from "../../src/core/log.ts";
import { runningClock } from "../../src/core/clock.ts";
import { startRuntime, type Runtime } from "../../src/runtime.ts";
import { startSandbox, type SandboxHandle } from "../../src/sandbox/index.ts";
import type { FakePlatform } from "../../src/sandbox/fake-platform/index.ts";
import { DEFAULT_TEST_START } from "../support/harness.ts";

/** Debian's chromium (installed by .ci/run when missing), or CHROMIUM_PATH. */
export function findChromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].find(
    (p): p is string => !!p && existsSync(p),
  );
}

const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
  "--lang=zh-CN",
];

/** Headless Chromium in Chinese (date and time pickers as a Chinese user's browser shows them, given chromium-l10n). */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, env: { ...process.env, LANG: "zh_CN.UTF-8", LANGUAGE: "zh_CN:zh" } });
}

export const OUTPUT_DIR = join(process.cwd(), "test-output", "sandbox");

export interface SandboxBot {
  runtime: Runtime;
  fake: FakePlatform;
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

/** The bot as `npm start` runs it without credentials (loops on timers, a running demo clock), on a free port. */
export async function startSandboxBot(): Promise<SandboxBot> {
  const dbFile = join(mkdtempSync(join(tmpdir(), "zhibu-sandbox-")), "sandbox.db");
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const log = createLogger("info", sink);
  const config = readConfig({ DATABASE_URL: `file:${dbFile}`, PORT: "0" });
  const handle: SandboxHandle = {};
  const runtime = await startRuntime({ config, log, clock: runningClock(DEFAULT_TEST_START), ...startSandbox(log, { handle }) });
  return { runtime, fake: handle.fake!, url: `${runtime.url}/sandbox`, logs, stop: () => runtime.stop() };
}

const WAIT_MS = 20_000;

/** Helpers that drive the page as a person would. */
export class SandboxPage {
  constructor(readonly page: Page) {}

  static async open(browser: Browser, url: string): Promise<SandboxPage> {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    await page.goto(url);
    await page.locator(".chat-item").first().waitFor({ timeout: WAIT_MS });
    return new SandboxPage(page);
  }

  async actAs(openId: string): Promise<void> {
    await this.page.selectOption("#viewer", openId);
  }

  async openChat(chatId: string): Promise<void> {
    await this.page.click(`.chat-item[data-chat="${chatId}"]`);
    await this.page.locator(".chat-title").waitFor();
  }

  async type(text: string): Promise<void> {
    const box = this.page.locator("#composer-input");
    await box.fill(text);
    await box.press("Enter");
  }

  /** The message DOM node of a card whose title contains the text (newest first). */
  card(titleText: string): Locator {
    return this.page.locator(".msg.has-card", { has: this.page.locator(".card-title", { hasText: titleText }) }).last();
  }

  async waitFor(locator: Locator): Promise<Locator> {
    await locator.waitFor({ state: "visible", timeout: WAIT_MS });
    return locator;
  }

  async toast(text: string): Promise<void> {
    await this.page.locator(".toast", { hasText: text }).first().waitFor({ timeout: WAIT_MS });
  }

  /** Picks options in a card dropdown (a select or person picker) by their visible labels. */
  async choose(card: Locator, field: string, labels: string[]): Promise<void> {
    const select = card.locator(`.cc-select[data-name="${field}"]`);
    await select.locator(".cc-select-box").click();
    for (const label of labels) await select.locator(".cc-option", { hasText: label }).first().click();
    if (await select.evaluate((el) => el.classList.contains("open"))) await select.locator(".cc-select-box").click();
  }

  /** A screenshot of the whole page, made tall enough that the open conversation is not cut off. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(OUTPUT_DIR, { recursive: true });
    const path = join(OUTPUT_DIR, name);
    const needed = await this.page.evaluate(() => {
      const messages = document.getElementById("messages")!;
      return window.innerHeight - messages.clientHeight + messages.scrollHeight;
    });
    const size = this.page.viewportSize()!;
    await this.page.setViewportSize({ width: size.width, height: Math.min(4000, Math.max(size.height, needed + 8)) });
    await this.page.waitForTimeout(150); // one frame for the layout to settle
    await this.page.screenshot({ path });
    await this.page.setViewportSize(size);
    return path;
  }
}
