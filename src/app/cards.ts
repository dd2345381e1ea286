import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../core/paths.ts";

/**
 * Card JSON 2.0 templates (cards/*.json, one file per card) filled with plain data by one
 * renderer. The template language is JSON itself:
 *   "{{a.b}}"            interpolate (markdown-escaped inside markdown / lark_md content)
 *   "{{{a.b}}}"          interpolate raw (trusted markdown built by the bot, e.g. <at id=…>)
 *   "{{= a.b}}"          the whole string replaced by the value (array, object, number, bool)
 *   {"$each": "list", "$as": "x", "$do": …}   in an array: one or more elements per item
 *   {"$if": "path" | "!path", "$then": …, "$else": …}   in an array or as a value
 * A template's "$sample" holds sample data for the template test and is stripped.
 */

export const CARD_SIZE_LIMIT = 30 * 1024;
export const CARDS_DIR = join(REPO_ROOT, "cards");

export type Card = Record<string, unknown>;
type Scope = Record<string, unknown>;

/** Lark refuses a card with more components than this. */
export const CARD_COMPONENT_LIMIT = 200;

/** Text objects and icons are properties of a component, not components of their own. */
const NOT_COMPONENTS = new Set(["plain_text", "lark_md", "standard_icon", "custom_icon"]);

/** How many components a card holds as Lark counts them: every tagged element in its body. */
export function countComponents(card: unknown): number {
  let n = 0;
  const stack: unknown[] = [card];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      const tag = (v as Record<string, unknown>).tag;
      if (typeof tag === "string" && !NOT_COMPONENTS.has(tag)) n++;
      stack.push(...Object.values(v));
    }
  }
  return n;
}

export class CardTooLargeError extends Error {
  constructor(readonly template: string, readonly bytes: number, readonly components = 0) {
    super(
      bytes > CARD_SIZE_LIMIT
        ? `card "${template}" is ${bytes} bytes, over Lark's ${CARD_SIZE_LIMIT}-byte limit`
        : `card "${template}" has ${components} components, over Lark's limit of ${CARD_COMPONENT_LIMIT}`,
    );
  }
}

const MD_ESCAPES: Record<string, string> = {
  "*": "&#42;", "~": "&#126;", ">": "&#62;", "<": "&#60;", "[": "&#91;", "]": "&#93;",
  "(": "&#40;", ")": "&#41;", "#": "&#35;", "_": "&#95;", "`": "&#96;", "&": "&#38;",
};

/** Escapes user text for Lark card markdown so it shows literally (no injected links, @all…). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[*~><[\]()#_`&]/g, (c) => MD_ESCAPES[c] ?? c);
}

function lookup(scope: Scope, path: string): unknown {
  let cur: unknown = scope;
  for (const part of path.trim().split(".")) {
    if (cur === null || cur === undefined) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function test(scope: Scope, cond: string): boolean {
  const c = cond.trim();
  return c.startsWith("!") ? !truthy(lookup(scope, c.slice(1))) : truthy(lookup(scope, c));
}

function toText(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function renderString(s: string, scope: Scope, markdown: boolean): unknown {
  const whole = /^\{\{=\s*([^}]+)\}\}$/.exec(s);
  if (whole) return lookup(scope, whole[1]!);
  return s
    .replace(/\{\{\{\s*([^}]+?)\s*\}\}\}/g, (_, p: string) => toText(lookup(scope, p)))
    .replace(/\{\{\s*([^}=][^}]*?)\s*\}\}/g, (_, p: string) => {
      const text = toText(lookup(scope, p));
      return markdown ? escapeMarkdown(text) : text;
    });
}

function isDirective(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && ("$each" in v || "$if" in v);
}

function renderArray(items: unknown[], scope: Scope): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    if (isDirective(item) && "$each" in item) {
      const list = lookup(scope, String(item.$each));
      if (!Array.isArray(list)) continue;
      const as = String(item.$as ?? "item");
      list.forEach((value, index) => {
        const inner = { ...scope, [as]: value, $index: index, $number: index + 1 };
        const body = item.$do;
        out.push(...(Array.isArray(body) ? renderArray(body, inner) : [renderValue(body, inner)]));
      });
    } else if (isDirective(item) && "$if" in item) {
      const branch = test(scope, String(item.$if)) ? item.$then : item.$else;
      if (branch === undefined) continue;
      out.push(...(Array.isArray(branch) ? renderArray(branch, scope) : [renderValue(branch, scope)]));
    } else {
      out.push(renderValue(item, scope));
    }
  }
  return out;
}

function renderValue(v: unknown, scope: Scope, markdown = false): unknown {
  if (typeof v === "string") return renderString(v, scope, markdown);
  if (Array.isArray(v)) return renderArray(v, scope);
  if (isDirective(v) && "$if" in v) {
    const branch = test(scope, String(v.$if)) ? v.$then : v.$else;
    return branch === undefined ? undefined : renderValue(branch, scope, markdown);
  }
  if (v && typeof v === "object") {
    const obj = v as Record<string, unknown>;
    const md = obj.tag === "markdown" || obj.tag === "lark_md";
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(obj)) {
      const rendered = renderValue(child, scope, md && k === "content");
      if (rendered !== undefined) out[k] = rendered;
    }
    return out;
  }
  return v;
}

export interface CardTemplate {
  name: string;
  body: Card;
  sample: Scope;
}

function loadTemplates(dir: string): Map<string, CardTemplate> {
  const map = new Map<string, CardTemplate>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const name = file.replace(/\.json$/, "");
    const { $sample, ...body } = JSON.parse(readFileSync(join(dir, file), "utf8")) as Card & { $sample?: Scope };
    map.set(name, { name, body, sample: $sample ?? {} });
  }
  return map;
}

let cache: Map<string, CardTemplate> | undefined;

export function cardTemplates(dir = CARDS_DIR): Map<string, CardTemplate> {
  if (dir !== CARDS_DIR) return loadTemplates(dir);
  cache ??= loadTemplates(dir);
  return cache;
}

/** Renders a template with data; throws if the template is unknown or the card too large. */
export function renderCard(name: string, data: Scope): Card {
  const template = cardTemplates().get(name);
  if (!template) throw new Error(`unknown card template "${name}"`);
  const card = renderValue(template.body, data) as Card;
  const bytes = Buffer.byteLength(JSON.stringify(card));
  const components = countComponents(card.body ?? card);
  if (bytes > CARD_SIZE_LIMIT || components > CARD_COMPONENT_LIMIT) throw new CardTooLargeError(name, bytes, components);
  return card;
}

/** Card-markdown @mention of a person (rendered by Feishu as their name). */
export function mention(openId: string): string {
  return /^[A-Za-z0-9_]+$/.test(openId) ? `<at id=${openId}></at>` : "";
}

export function mentions(openIds: string[]): string {
  return openIds.map(mention).filter(Boolean).join(" ");
}
