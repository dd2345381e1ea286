// Renders Feishu card JSON 2.0 (and the common 1.0 shapes) as DOM, Feishu-style. Buttons and
// forms call env.act(action) with what Lark would put in `card.action.trigger`:
// { tag, name, value, formValue?, option?, options?, inputValue?, checked? }.
import { renderChart } from "./chart.js";
import { applyWidth, dropdown, picker, plain, textInput } from "./form-controls.js";
import { renderMarkdown, fontColour } from "./markdown.js";
import { avatar, h } from "./util.js";

export const REQUIRED_MESSAGE = "请填写必填项";
// Drawn, not an emoji: headless and minimal systems often have no emoji font.
const IMAGE_ICON = '<svg width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6"><rect x="3" y="4" width="18" height="16" rx="2"/><circle cx="9" cy="10" r="2"/><path d="M4 18l5-5 4 4 3-3 4 4"/></svg>';

/**
 * @typedef {{ nameOf: (id: string) => string | undefined, members: string[], viewer: string, offset: string, timezone: string,
 *   act: (action: object) => Promise<unknown>, confirm: (title: string, text: string) => Promise<boolean>, toast: (type: string, text: string) => void }} CardEnv
 */

/** @param {object} card  @param {CardEnv} env */
export function renderCard(card, env) {
  if (card?.type === "template" || card?.type === "card") {
    return h("div.card", {}, h("div.card-body", {}, h("div.card-note", {}, `卡片模板（${card.data?.template_id ?? card.data?.card_id ?? "未知"}），沙盒无法渲染搭建工具模板。`)));
  }
  const v2 = card?.schema === "2.0";
  const root = h("div.card");
  const widthMode = card?.config?.width_mode;
  if (widthMode === "compact") root.classList.add("compact");
  if (widthMode === "fill") root.classList.add("fill");
  if (card?.header) root.append(header(card.header, env));
  const elements = v2 ? card?.body?.elements ?? [] : card?.elements ?? card?.i18n_elements?.zh_cn ?? [];
  const body = h("div.card-body");
  if (v2 && card.body?.padding) body.style.padding = card.body.padding;
  if (v2 && card.body?.vertical_spacing) body.style.gap = spacing(card.body.vertical_spacing);
  const scope = { env, form: null };
  for (const el of elements) appendElement(body, el, scope);
  root.append(body);
  return root;
}

function header(hd, env) {
  const template = String(hd.template ?? "default").toLowerCase();
  const tags = (hd.text_tag_list ?? []).map((t) => h(`span.md-tag.tag-${t.color ?? "blue"}`, {}, plain(t.text)));
  return h(`div.card-header.tpl-${template}`, {},
    h("div.card-title-row", {}, h("div.card-title", { html: textHtml(hd.title, env) }), tags.length ? h("div.card-header-tags", {}, tags) : null),
    hd.subtitle && plain(hd.subtitle) ? h("div.card-subtitle", { html: textHtml(hd.subtitle, env) }) : null);
}

/** plain_text / lark_md / markdown text objects → HTML. */
function textHtml(text, env) {
  if (!text) return "";
  if (typeof text === "string") return renderMarkdown(text, env);
  const content = text.content ?? text.i18n_content?.zh_cn ?? text.i18n?.zh_cn ?? "";
  if (text.tag === "lark_md" || text.tag === "markdown") return renderMarkdown(content, env);
  const div = document.createElement("div");
  div.innerHTML = content.replace(/[<>]/g, (c) => (c === "<" ? "&lt;" : "&gt;")).replace(/\n/g, "<br>");
  return div.innerHTML;
}

function spacing(v) {
  const named = { none: "0", "extra-small": "2px", small: "4px", medium: "8px", large: "12px", "extra-large": "16px", extra_large: "16px" };
  return named[v] ?? v;
}

function appendElement(parent, el, scope) {
  const node = element(el, scope);
  if (node) parent.append(node);
}

function element(el, scope) {
  if (!el || typeof el !== "object") return null;
  const { env } = scope;
  switch (el.tag) {
    case "markdown":
    case "lark_md":
      return markdownEl(el, env);
    case "div":
      return divEl(el, env);
    case "plain_text":
      return h("div.card-text", { html: textHtml(el, env) });
    case "hr":
      return h("hr.card-hr");
    case "note":
      return h("div.card-note", {}, (el.elements ?? []).map((x) => (x.tag === "img" ? imagePlaceholder(x, true) : h("span", { html: textHtml(x, env) }))));
    case "column_set":
      return columnSet(el, scope);
    case "column":
      return column(el, scope, 1);
    case "table":
      return tableEl(el, env);
    case "img":
    case "image":
      return imagePlaceholder(el);
    case "img_combination":
      return h("div.card-img-combo", {}, (el.img_list ?? []).map((x) => imagePlaceholder(x, true)));
    case "chart":
      return renderChart(el);
    case "action":
      return h("div.card-actions", {}, (el.actions ?? []).map((a) => element(a, scope)));
    case "button":
      return button(el, scope);
    case "overflow":
      return overflow(el, scope);
    case "form":
      return form(el, scope);
    case "input":
      return field(el, scope, () => textInput(el, { onEnter: scope.form ? undefined : (v) => standalone(el, scope, { tag: "input", inputValue: v }) }));
    case "select_static":
    case "multi_select_static":
    case "select_person":
    case "multi_select_person":
      return field(el, scope, () => select(el, scope));
    case "date_picker":
    case "picker_time":
    case "picker_datetime":
      return field(el, scope, () => picker(el, env.offset, scope.form ? undefined : (v) => standalone(el, scope, { tag: el.tag, option: v })));
    case "checker":
      return checker(el, scope);
    case "person":
      return person(el.user_id ?? el.person_id, env);
    case "person_list":
      return h("div.card-persons", {}, (el.persons ?? []).map((p) => person(p.id ?? p.user_id, env)));
    case "collapsible_panel":
      return collapsible(el, scope);
    case "interactive_container":
      return container(el, scope);
    default:
      return h("div.card-note.unknown", {}, `[沙盒暂不支持的组件：${el.tag}]`);
  }
}

function markdownEl(el, env) {
  const node = h("div.card-md", { html: renderMarkdown(el.content ?? "", env) });
  if (el.text_align) node.style.textAlign = el.text_align;
  if (el.text_size) node.classList.add(`size-${el.text_size}`);
  if (el.text_color) node.style.color = fontColour(el.text_color);
  return node;
}

function divEl(el, env) {
  const node = h("div.card-div");
  if (el.text) {
    const t = h("div.card-md", { html: textHtml(el.text, env) });
    if (el.text.text_size) t.classList.add(`size-${el.text.text_size}`);
    if (el.text.text_color) t.style.color = fontColour(el.text.text_color);
    if (el.text.text_align) t.style.textAlign = el.text.text_align;
    node.append(t);
  }
  if (Array.isArray(el.fields) && el.fields.length) {
    node.append(h("div.card-fields", {}, el.fields.map((f) => h(`div.card-field${f.is_short ? ".short" : ""}`, { html: textHtml(f.text, env) }))));
  }
  return node;
}

function columnSet(el, scope) {
  const row = h("div.card-columns");
  const mode = el.flex_mode ?? "none";
  row.classList.add(`flex-${mode}`);
  if (el.horizontal_spacing) row.style.gap = spacing(el.horizontal_spacing);
  if (el.background_style && el.background_style !== "default") row.classList.add("bg-grey");
  if (el.horizontal_align) row.style.justifyContent = { left: "flex-start", center: "center", right: "flex-end" }[el.horizontal_align] ?? "";
  const equal = mode === "bisect" || mode === "trisect";
  for (const col of el.columns ?? []) row.append(column(col, scope, equal ? 1 : undefined));
  return row;
}

function column(col, scope, equalWeight) {
  const node = h("div.card-column");
  const width = col.width ?? "auto";
  if (equalWeight) node.style.flex = "1 1 0";
  else if (width === "weighted") node.style.flex = `${Number(col.weight) || 1} 1 0`;
  else if (/^\d+px$/.test(width)) node.style.flex = `0 0 ${width}`;
  else node.style.flex = "0 1 auto";
  if (col.vertical_align) node.style.alignSelf = { top: "flex-start", center: "center", bottom: "flex-end" }[col.vertical_align] ?? "";
  if (col.background_style && col.background_style !== "default") node.classList.add("bg-grey");
  if (col.padding) node.style.padding = col.padding;
  if (col.vertical_spacing) node.style.gap = spacing(col.vertical_spacing);
  for (const child of col.elements ?? []) appendElement(node, child, scope);
  return node;
}

function tableEl(el, env) {
  const columns = el.columns ?? [];
  const rows = el.rows ?? [];
  const pageSize = Math.min(10, Math.max(1, Number(el.page_size) || 5));
  const pages = Math.max(1, Math.ceil(rows.length / pageSize));
  let page = 0;
  const headStyle = el.header_style ?? {};
  const tbody = h("tbody");
  const table = h("table.card-table", {},
    h(`thead${headStyle.background_style === "none" ? "" : ".grey"}`, {}, h("tr", {}, columns.map((c) => {
      const th = h("th", {}, c.display_name ?? c.name);
      if (c.width && c.width !== "auto") th.style.width = c.width;
      if (headStyle.bold === false) th.style.fontWeight = "normal";
      th.style.textAlign = c.horizontal_align ?? headStyle.text_align ?? "left";
      return th;
    }))),
    tbody);
  const pager = h("div.card-table-pager");
  const paint = () => {
    tbody.replaceChildren(...rows.slice(page * pageSize, page * pageSize + pageSize).map((r) =>
      h("tr", {}, columns.map((c) => {
        const td = h("td", {}, cell(r[c.name], c, env));
        td.style.textAlign = c.horizontal_align ?? (c.data_type === "number" ? "right" : "left");
        return td;
      }))));
    pager.replaceChildren(
      h("button.pager-btn", { disabled: page === 0, onclick: () => { page--; paint(); } }, "‹"),
      h("span", {}, `${page + 1} / ${pages}`),
      h("button.pager-btn", { disabled: page >= pages - 1, onclick: () => { page++; paint(); } }, "›"),
    );
  };
  paint();
  return h("div.card-table-wrap", {}, h("div.card-table-scroll", {}, table), pages > 1 ? pager : null);
}

function cell(value, col, env) {
  if (value === undefined || value === null || value === "") return "";
  switch (col.data_type) {
    case "lark_md":
    case "markdown":
      return h("div.card-md", { html: renderMarkdown(String(value), env) });
    case "number": {
      const f = col.format ?? {};
      let n = Number(value);
      let s = Number.isFinite(n) ? (f.precision !== undefined ? n.toFixed(f.precision) : String(n)) : String(value);
      if (f.separator) s = s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
      return `${f.symbol ?? ""}${s}`;
    }
    case "options":
      return h("span", {}, (Array.isArray(value) ? value : [value]).map((o) => h(`span.md-tag.tag-${o.color ?? "blue"}`, {}, o.text ?? String(o))));
    case "persons":
      return h("span", {}, (Array.isArray(value) ? value : [value]).map((id) => person(typeof id === "object" ? id.id : id, env)));
    case "date": {
      const d = new Date(Number(value));
      if (Number.isNaN(d.getTime())) return String(value);
      const parts = new Intl.DateTimeFormat("zh-CN", { timeZone: env.timezone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
      return /HH|mm/.test(col.date_format ?? "") ? parts : parts.split(" ")[0];
    }
    default:
      return String(value);
  }
}

function imagePlaceholder(el, small = false) {
  const alt = plain(el.alt) || plain(el.title) || "图片";
  return h(`div.card-img${small ? ".small" : ""}`, { title: el.img_key ?? "" }, h("span.card-img-icon", { html: IMAGE_ICON }), h("span", {}, alt));
}

function person(id, env) {
  const name = env.nameOf(id) ?? id ?? "未知";
  return h("span.card-person", {}, avatar(id ?? "?", name, "xs"), name);
}

function callbackValue(el) {
  const cb = (el.behaviors ?? []).find((b) => b.type === "callback");
  return cb ? cb.value : el.value;
}

function openUrl(el) {
  const b = (el.behaviors ?? []).find((x) => x.type === "open_url");
  return b ? b.default_url ?? b.pc_url : el.url ?? el.multi_url?.url;
}

function button(el, scope) {
  const type = el.type ?? "default";
  const node = h(`button.card-btn.btn-${type}`, { type: "button", dataset: { name: el.name ?? "" } }, plain(el.text) || "按钮");
  if (el.size) node.classList.add(`size-${el.size}`);
  applyWidth(node, el.width);
  if (el.disabled) {
    node.disabled = true;
    if (el.disabled_tips) node.title = plain(el.disabled_tips);
  }
  const form = scope.form;
  node.addEventListener("click", async () => {
    if (node.classList.contains("loading")) return;
    if (el.confirm && !(await scope.env.confirm(plain(el.confirm.title), plain(el.confirm.text)))) return;
    if (form && el.form_action_type === "reset") {
      form.reset();
      return;
    }
    const url = openUrl(el);
    if (url) window.open(url, "_blank", "noopener");
    const value = callbackValue(el);
    if (form && el.form_action_type === "submit") {
      if (!form.validate()) {
        scope.env.toast("error", REQUIRED_MESSAGE);
        return;
      }
      await busy(node, () => scope.env.act({ tag: "button", name: el.name, value: value ?? {}, formValue: form.values() }));
      return;
    }
    if (value !== undefined) await busy(node, () => scope.env.act({ tag: "button", name: el.name, value }));
  });
  return node;
}

async function busy(node, run) {
  node.classList.add("loading");
  try {
    await run();
  } finally {
    node.classList.remove("loading");
  }
}

function overflow(el, scope) {
  const options = (el.options ?? []).map((o) => ({ value: o.value, label: plain(o.text) || o.value }));
  const control = dropdown({
    options, multi: false, placeholder: "⋯", initial: [], name: el.name,
    onChange: (vals) => {
      const chosen = (el.options ?? []).find((o) => o.value === vals[0]);
      const url = chosen?.multi_url?.url;
      if (url) window.open(url, "_blank", "noopener");
      else standalone(el, scope, { tag: "overflow", option: vals[0] });
    },
  });
  control.el.classList.add("cc-overflow");
  return control.el;
}

function select(el, scope) {
  const isPerson = el.tag.includes("person");
  const multi = el.tag.startsWith("multi_");
  const { env } = scope;
  let options;
  if (isPerson) {
    // Lark: an empty options list means "everybody in this chat".
    const ids = el.options?.length ? el.options.map((o) => o.value) : env.members;
    options = ids.map((id) => ({ value: id, label: env.nameOf(id) ?? id, avatarId: id }));
  } else {
    options = (el.options ?? []).map((o) => ({ value: String(o.value), label: plain(o.text) || String(o.value) }));
  }
  let initial = [];
  if (multi) initial = (el.selected_values ?? []).map(String);
  else if (el.initial_option !== undefined) initial = [String(el.initial_option)];
  else if (el.initial_index !== undefined && options[Number(el.initial_index) - 1]) initial = [options[Number(el.initial_index) - 1].value];
  return dropdown({
    options, multi, initial, name: el.name, disabled: el.disabled, width: el.width,
    placeholder: plain(el.placeholder) || (isPerson ? "选择人员" : "请选择"),
    onChange: scope.form ? undefined : (values) => standalone(el, scope, multi ? { tag: el.tag, options: values } : { tag: el.tag, option: values[0] }),
  });
}

/** An interactive component outside a form fires its own callback on every change. */
function standalone(el, scope, extra) {
  const value = callbackValue(el);
  return scope.env.act({ name: el.name, value: value ?? {}, ...extra });
}

/** Wraps a form control with its label and the required-field hint, and registers it with the form. */
function field(el, scope, make) {
  const control = make();
  const label = plain(el.label);
  const wrap = h(`div.cc-field${el.label_position === "left" ? ".label-left" : ""}`, { dataset: { field: el.name ?? "" } });
  applyWidth(wrap, el.width ?? (scope.form ? "fill" : undefined));
  if (label) wrap.append(h("label.cc-label", {}, el.required ? h("span.cc-required", {}, "*") : null, label));
  const hint = h("div.cc-hint", {}, REQUIRED_MESSAGE);
  wrap.append(control.el, hint);
  if (scope.form && el.name) {
    scope.form.register({
      name: el.name,
      required: !!el.required,
      value: control.value,
      isEmpty: control.isEmpty,
      reset: control.reset,
      mark: (invalid) => wrap.classList.toggle("invalid", invalid),
    });
    const clear = () => wrap.classList.remove("invalid");
    control.el.addEventListener("input", clear);
    control.el.addEventListener("mousedown", clear);
  }
  return wrap;
}

function checker(el, scope) {
  const box = h("input.cc-checkbox", { type: "checkbox" });
  box.checked = !!el.checked;
  if (el.disabled) box.disabled = true;
  const text = h("span.cc-checker-text", { html: textHtml(el.text, scope.env) });
  const node = h("label.cc-checker", { dataset: { name: el.name ?? "" } }, box, text);
  const paint = () => node.classList.toggle("checked", box.checked);
  paint();
  box.addEventListener("change", () => {
    paint();
    if (!scope.form && (el.behaviors ?? []).some((b) => b.type === "callback")) standalone(el, scope, { tag: "checker", checked: box.checked });
  });
  if (scope.form && el.name) {
    scope.form.register({
      name: el.name, required: false, value: () => box.checked, isEmpty: () => false,
      reset: () => { box.checked = !!el.checked; paint(); }, mark: () => {},
    });
  }
  return node;
}

function form(el, scope) {
  const fields = [];
  const ctx = {
    register: (f) => fields.push(f),
    validate() {
      let ok = true;
      let first = true;
      for (const f of fields) {
        const missing = f.required && f.isEmpty();
        f.mark(missing);
        if (missing) {
          ok = false;
          if (first) first = false;
        }
      }
      return ok;
    },
    values() {
      const out = {};
      for (const f of fields) {
        if (f.isEmpty()) continue; // Lark leaves unfilled optional fields out
        out[f.name] = f.value();
      }
      return out;
    },
    reset() {
      for (const f of fields) {
        f.reset();
        f.mark(false);
      }
    },
  };
  const node = h("form.card-form", { novalidate: true, dataset: { name: el.name ?? "" }, onsubmit: (e) => e.preventDefault() });
  const inner = { ...scope, form: ctx };
  for (const child of el.elements ?? []) appendElement(node, child, inner);
  return node;
}

function collapsible(el, scope) {
  const details = h("details.card-panel");
  if (el.expanded) details.open = true;
  details.append(h("summary", { html: textHtml(el.header?.title, scope.env) }));
  const body = h("div.card-panel-body");
  for (const child of el.elements ?? []) appendElement(body, child, scope);
  details.append(body);
  return details;
}

function container(el, scope) {
  const node = h("div.card-container");
  if (el.has_border) node.classList.add("bordered");
  if (el.background_style && el.background_style !== "default") node.classList.add("bg-grey");
  if (el.padding) node.style.padding = el.padding;
  for (const child of el.elements ?? []) appendElement(node, child, scope);
  const value = callbackValue(el);
  const url = openUrl(el);
  if (value !== undefined || url) {
    node.classList.add("clickable");
    node.addEventListener("click", (e) => {
      if (e.target.closest("button, .cc-select, input, a")) return;
      if (url) window.open(url, "_blank", "noopener");
      if (value !== undefined) scope.env.act({ tag: "interactive_container", name: el.name, value });
    });
  }
  return node;
}
