// Feishu card markdown → HTML. Covers what Lark documents for the markdown component:
// **bold**, *italic*, ~~strike~~, `code`, [links](url), <font color>, <text_tag>, <at id=…>,
// headings, lists, quotes, code blocks, tables, <hr>. Text the bot escaped as HTML entities
// (&#42; …) is shown literally: entities are decoded by the browser, never parsed as syntax.
import { escapeKeepingEntities } from "./util.js";

const FONT_COLOURS = {
  red: "#f54a45", green: "#2ea121", blue: "#3370ff", grey: "#8f959e", gray: "#8f959e", orange: "#ff8800",
  yellow: "#dc9b04", purple: "#7f3bf5", violet: "#d136d1", carmine: "#e12d73", wathet: "#049fd7",
  turquoise: "#04b49c", indigo: "#4954e6", default: "inherit",
};

export function fontColour(name) {
  const key = String(name ?? "").toLowerCase().replace(/^"|"$/g, "");
  if (FONT_COLOURS[key]) return FONT_COLOURS[key];
  if (/^#[0-9a-f]{3,8}$/i.test(key)) return key;
  if (/^rgba?\([\d\s,.%]+\)$/i.test(key)) return key;
  const base = key.replace(/-\d+$/, ""); // Lark colour tokens like "red-500"
  return FONT_COLOURS[base] ?? "inherit";
}

/**
 * @param {string} source markdown as the bot sent it
 * @param {{ nameOf: (openId: string) => string | undefined, viewer?: string }} env
 */
export function renderMarkdown(source, env) {
  const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  const out = [];
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map((l) => inline(l, env)).join("<br>")}</p>`);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      const code = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) code.push(lines[i]);
      out.push(`<pre class="md-code"><code>${escapeKeepingEntities(code.join("\n"))}</code></pre>`);
      continue;
    }
    if (/^\s*(<hr\s*\/?>|-{3,}|\*{3,})\s*$/i.test(line)) {
      flush();
      out.push('<hr class="md-hr">');
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      out.push(`<div class="md-h md-h${heading[1].length}">${inline(heading[2], env)}</div>`);
      continue;
    }
    if (isTableStart(lines, i)) {
      flush();
      const rows = [];
      for (; i < lines.length && /^\s*\|/.test(lines[i]); i++) rows.push(lines[i]);
      i--;
      out.push(table(rows, env));
      continue;
    }
    if (LIST_ITEM.test(line)) {
      flush();
      const items = [];
      for (; i < lines.length && (LIST_ITEM.test(lines[i]) || (/^\s{2,}\S/.test(lines[i]) && items.length)); i++) items.push(lines[i]);
      i--;
      out.push(list(items, env));
      continue;
    }
    const quote = /^>\s?(.*)$/.exec(line);
    if (quote) {
      flush();
      const quoted = [quote[1]];
      for (i++; i < lines.length && /^>\s?/.test(lines[i]); i++) quoted.push(lines[i].replace(/^>\s?/, ""));
      i--;
      out.push(`<blockquote class="md-quote">${quoted.map((l) => inline(l, env)).join("<br>")}</blockquote>`);
      continue;
    }
    if (line.trim() === "") {
      flush();
      continue;
    }
    paragraph.push(line);
  }
  flush();
  return out.join("");
}

const LIST_ITEM = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/;

function list(lines, env) {
  // Nesting by indentation: every two spaces (or a tab) deeper opens a sub-list.
  const root = { children: [], ordered: false };
  const stack = [{ indent: -1, node: root }];
  let last;
  for (const raw of lines) {
    const m = LIST_ITEM.exec(raw);
    if (!m) {
      if (last) last.text += `<br>${inline(raw.trim(), env)}`;
      continue;
    }
    const indent = m[1].replace(/\t/g, "    ").length;
    while (stack.length > 1 && indent <= stack[stack.length - 1].indent) stack.pop();
    const parent = stack[stack.length - 1].node;
    const item = { text: inline(m[3], env), ordered: /\d/.test(m[2]), start: parseInt(m[2], 10), children: [] };
    parent.children.push(item);
    stack.push({ indent, node: item });
    last = item;
  }
  return renderItems(root.children);
}

function renderItems(items) {
  // Consecutive items of one kind form one list: "- a\n1. b" is a bullet list, then a numbered one.
  const runs = [];
  for (const it of items) {
    const last = runs.at(-1);
    if (last && last[0].ordered === it.ordered) last.push(it);
    else runs.push([it]);
  }
  return runs.map((run) => {
    const body = run.map((it) => `<li>${it.text}${renderItems(it.children)}</li>`).join("");
    if (!run[0].ordered) return `<ul class="md-list">${body}</ul>`;
    return `<ol class="md-list"${run[0].start > 1 ? ` start="${run[0].start}"` : ""}>${body}</ol>`;
  }).join("");
}

function isTableStart(lines, i) {
  return /^\s*\|.*\|\s*$/.test(lines[i]) && /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(lines[i + 1] ?? "");
}

function table(rows, env) {
  const cells = (row) => row.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim());
  const [head, , ...body] = rows;
  const th = cells(head).map((c) => `<th>${inline(c, env)}</th>`).join("");
  const tr = body.map((r) => `<tr>${cells(r).map((c) => `<td>${inline(c, env)}</td>`).join("")}</tr>`).join("");
  return `<div class="md-table-wrap"><table class="md-table"><thead><tr>${th}</tr></thead><tbody>${tr}</tbody></table></div>`;
}

/** Inline syntax. Tags Lark understands become placeholders first, so escaping leaves them alone. */
export function inline(text, env) {
  const slots = [];
  const put = (html) => `\uE000${slots.push(html) - 1}\uE001`;
  let s = String(text ?? "");
  s = s.replace(/`([^`\n]+)`/g, (_, code) => put(`<code class="md-inline-code">${escapeKeepingEntities(code)}</code>`));
  s = s.replace(/<at\s+(?:id|user_id|open_id|email)\s*=\s*["']?([^"'\s>/]+)["']?\s*(?:\/>|>([^<]*)<\/at>)/gi, (_, id, name) => put(mentionHtml(id, name, env)));
  s = s.replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (_, label, url) => put(linkHtml(url, inline(label, env))));
  s = s.replace(/<a\s+href\s*=\s*["']([^"']+)["']\s*>(.*?)<\/a>/gi, (_, url, label) => put(linkHtml(url, inline(label, env))));
  s = s.replace(/https?:\/\/[^\s<>()\uE000\uE001"']+/g, (url) => put(linkHtml(url, escapeKeepingEntities(url))));
  s = s.replace(/<font\s+color\s*=\s*["']?([^"'>\s]+)["']?\s*>/gi, (_, c) => put(`<span class="md-font" style="color:${fontColour(c)}">`));
  s = s.replace(/<\/font>/gi, () => put("</span>"));
  s = s.replace(/<text_tag\s+color\s*=\s*["']?([\w-]+)["']?\s*>/gi, (_, c) => put(`<span class="md-tag tag-${escapeKeepingEntities(c)}">`));
  s = s.replace(/<\/text_tag>/gi, () => put("</span>"));
  s = s.replace(/<br\s*\/?>/gi, () => put("<br>"));
  s = escapeKeepingEntities(s);
  s = s.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
  s = s.replace(/~~(.+?)~~/g, "<del>$1</del>");
  s = s.replace(/(^|[^*\w])\*(?!\s)([^*\n]+?)\*(?!\*)/g, "$1<em>$2</em>");
  for (let round = 0; round < 3 && s.includes("\uE000"); round++) s = s.replace(/\uE000(\d+)\uE001/g, (_, n) => slots[Number(n)]);
  return s;
}

function mentionHtml(id, name, env) {
  if (id === "all") return '<span class="md-at">@所有人</span>';
  const known = env?.nameOf?.(id);
  const label = known ?? (name && name.trim() ? name.trim() : id);
  const me = env?.viewer && env.viewer === id ? " me" : "";
  return `<span class="md-at${me}" data-open-id="${escapeKeepingEntities(id)}">@${escapeKeepingEntities(label)}</span>`;
}

function linkHtml(url, labelHtml) {
  const safe = /^(https?:|lark:|mailto:)/i.test(url) ? url : "#";
  return `<a class="md-link" href="${escapeKeepingEntities(safe)}" target="_blank" rel="noopener noreferrer">${labelHtml}</a>`;
}
