import fc from "fast-check";
import { expect } from "vitest";
import { CARD_SIZE_LIMIT } from "../../../src/app/cards.ts";
import type { CardResponse } from "../../../src/app/inbound.ts";
import type { OutboxMessage } from "../../../src/generated/prisma/client.ts";

/**
 * What the fuzz tests type and forge (markup injections, emoji, very long runs), and what every
 * answer must look like (Chinese, cards within Lark's 30 KB with markup shown literally).
 * Shared by fuzz-commands and fuzz-actions.
 */

/** Markup that must show literally (cards) or never reach a reply as markup (text). */
export const INJECTIONS = [
  "<at id=all></at>", '<at id="all"></at>', '<at user_id="all">所有人</at>', "<at id=ou_demo0011></at>",
  "[点此领取](https://evil.example/x)", "**加粗**", "~~删除~~", "<font color='red'>红字</font>", "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>", "# 标题", "> 引用", "`代码`", "```\n代码块\n```", "{{orgName}}", "{{{summary}}}", "{{= groups}}",
  "&#60;at id=all&#62;", "@_user_1", "@_all", "\u202e反向文字", "\u0000", "\ud800", "\udfff😀", "'; DROP TABLE Member; --",
];
/** Must never appear verbatim in card markdown (the escaped form of one may contain "&#60;…", which is harmless). */
export const MARKUP_INJECTIONS = INJECTIONS.filter((s) => /[<>[\]*~#`_]/.test(s) && !s.startsWith("@_") && !s.startsWith("&#"));
export const EMOJI = ["😀", "👨‍👩‍👧‍👦", "🇨🇳", "🙏🏻", "❤️", "☭"];

/** 1,000–10,000 characters of one unit (Chinese, ASCII, emoji, markup). */
export const longRun = fc
  .tuple(fc.constantFrom("党", "a", "😀", "<at id=all></at>", "**", "[x](y)"), fc.integer({ min: 1000, max: 10_000 }))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

export const HAN = /[\u4e00-\u9fff]/;

export function markdownContents(card: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if ((o.tag === "markdown" || o.tag === "lark_md") && typeof o.content === "string") found.push(o.content);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

/** Every reply: Chinese text without @-markup, or a card within 30 KB showing markup literally. */
export function checkReply(row: Pick<OutboxMessage, "msgType" | "content" | "kind">): void {
  if (row.kind === "urgent") return;
  if (row.msgType === "text") {
    const text = (JSON.parse(row.content) as { text: string }).text;
    expect(text, "a text reply in Chinese").toMatch(HAN);
    expect(text, "no @-markup in a text reply").not.toMatch(/<at\s/i);
    expect(Buffer.byteLength(row.content)).toBeLessThanOrEqual(150 * 1024);
    return;
  }
  expect(row.msgType).toBe("interactive");
  expect(Buffer.byteLength(row.content), "card size").toBeLessThanOrEqual(CARD_SIZE_LIMIT);
  const card = JSON.parse(row.content) as Record<string, unknown>;
  expect((card.config as { update_multi?: boolean } | undefined)?.update_multi).toBe(true);
  for (const md of markdownContents(card)) {
    for (const injected of MARKUP_INJECTIONS) expect(md, "injected markup shown literally").not.toContain(injected);
  }
}

export function checkToast(response: CardResponse): void {
  if (response.toast) expect(response.toast.content, "a Chinese toast").toMatch(HAN);
  if (response.card) expect(Buffer.byteLength(JSON.stringify(response.card))).toBeLessThanOrEqual(CARD_SIZE_LIMIT);
  if (response.card) for (const md of markdownContents(response.card)) for (const injected of MARKUP_INJECTIONS) expect(md).not.toContain(injected);
}
