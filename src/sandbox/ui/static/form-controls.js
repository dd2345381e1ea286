// Card form controls that look and behave like Feishu's: dropdowns (single and multi, static
// and person), text inputs and date/time pickers. Each returns a controller the card renderer
// uses for form_value, required checks and reset.
import { avatar, h } from "./util.js";

let openPopover = null;
// composedPath, not contains(): picking an option repaints the list and detaches the clicked node.
document.addEventListener("mousedown", (e) => {
  if (openPopover && !e.composedPath().includes(openPopover.root)) openPopover.close();
});

/**
 * @param {{ options: {value: string, label: string, avatarId?: string}[], multi: boolean, placeholder: string,
 *           initial: string[], disabled?: boolean, width?: string, onChange?: (values: string[]) => void, name?: string }} spec
 */
export function dropdown(spec) {
  let values = [...spec.initial];
  const box = h("div.cc-select-box", { tabindex: spec.disabled ? undefined : "0", role: "combobox" });
  const list = h("div.cc-popover", { role: "listbox" });
  const root = h("div.cc-select", { dataset: { name: spec.name ?? "" } }, box, list);
  if (spec.multi) root.classList.add("multi");
  if (spec.disabled) root.classList.add("disabled");
  applyWidth(root, spec.width);
  const labelOf = (v) => spec.options.find((o) => o.value === v);

  const paint = () => {
    box.replaceChildren();
    if (!values.length) box.append(h("span.cc-placeholder", {}, spec.placeholder || "请选择"));
    else if (spec.multi) {
      for (const v of values) {
        const o = labelOf(v);
        box.append(h("span.cc-chip", {}, o?.avatarId ? avatar(o.avatarId, o.label, "xs") : null, o?.label ?? v,
          h("span.cc-chip-x", { title: "移除", onmousedown: (e) => { e.stopPropagation(); set(values.filter((x) => x !== v)); } }, "×")));
      }
    } else {
      const o = labelOf(values[0]);
      box.append(h("span.cc-value", {}, o?.avatarId ? avatar(o.avatarId, o.label, "xs") : null, o?.label ?? values[0]));
    }
    box.append(h("span.cc-caret", {}, "▾"));
    list.replaceChildren(
      ...(spec.options.length
        ? spec.options.map((o) =>
            h(`div.cc-option${values.includes(o.value) ? ".selected" : ""}`, { role: "option", dataset: { value: o.value }, onmousedown: (e) => { e.preventDefault(); pick(o.value); } },
              spec.multi ? h("span.cc-check", {}, values.includes(o.value) ? "✓" : "") : null,
              o.avatarId ? avatar(o.avatarId, o.label, "xs") : null,
              h("span.cc-option-label", {}, o.label),
              !spec.multi && values.includes(o.value) ? h("span.cc-tick", {}, "✓") : null))
        : [h("div.cc-empty", {}, "暂无选项")]),
    );
  };
  const set = (next) => {
    values = next;
    paint();
    spec.onChange?.(values);
  };
  const pick = (v) => {
    if (spec.multi) set(values.includes(v) ? values.filter((x) => x !== v) : [...values, v]);
    else {
      close();
      set([v]);
    }
  };
  const close = () => {
    root.classList.remove("open", "up");
    if (openPopover?.root === root) openPopover = null;
  };
  const open = () => {
    if (spec.disabled) return;
    openPopover?.close();
    const rect = box.getBoundingClientRect();
    root.classList.toggle("up", rect.bottom + 260 > window.innerHeight && rect.top > 280);
    root.classList.add("open");
    openPopover = { root, close };
  };
  box.addEventListener("mousedown", (e) => {
    e.preventDefault();
    root.classList.contains("open") ? close() : open();
  });
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      root.classList.contains("open") ? close() : open();
    } else if (e.key === "Escape") close();
  });
  paint();
  return {
    el: root,
    value: () => (spec.multi ? [...values] : values[0]),
    isEmpty: () => values.length === 0,
    reset: () => set([...spec.initial]),
    focusTarget: box,
  };
}

/** Text input, single or multi-line, with Feishu's label and counter. */
export function textInput(el, { onEnter } = {}) {
  const multiline = el.input_type === "multiline_text";
  const maxLength = Number(el.max_length) || 1000;
  const field = multiline
    ? h("textarea.cc-input.cc-textarea", { rows: String(Math.max(2, Math.min(Number(el.rows) || 3, 10))), maxlength: String(maxLength) })
    : h("input.cc-input", { type: el.input_type === "password" ? "password" : "text", maxlength: String(maxLength) });
  field.placeholder = plain(el.placeholder) || "请输入";
  field.value = el.default_value ?? "";
  if (el.disabled) field.disabled = true;
  if (el.name) field.name = el.name;
  if (!multiline && onEnter) {
    field.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.isComposing) {
        e.preventDefault();
        onEnter(field.value);
      }
    });
  }
  const wrap = h("div.cc-input-wrap", {}, field);
  applyWidth(wrap, el.width);
  return {
    el: wrap,
    value: () => field.value,
    isEmpty: () => field.value.trim() === "",
    reset: () => {
      field.value = el.default_value ?? "";
    },
    focusTarget: field,
  };
}

/** date_picker / picker_time / picker_datetime, answering in Lark's format ("2026-03-05 +0800"). */
export function picker(el, offset, onChange) {
  const kind = el.tag === "date_picker" ? "date" : el.tag === "picker_time" ? "time" : "datetime-local";
  const initial = el.tag === "date_picker" ? el.initial_date : el.tag === "picker_time" ? el.initial_time : el.initial_datetime?.replace(" ", "T");
  const field = h("input.cc-input.cc-picker", { type: kind });
  if (el.name) field.name = el.name;
  if (initial) field.value = initial;
  if (el.disabled) field.disabled = true;
  field.title = plain(el.placeholder) || "";
  const wrap = h("div.cc-input-wrap", {}, field);
  applyWidth(wrap, el.width);
  const value = () => (field.value ? `${field.value.replace("T", " ")} ${offset}` : "");
  field.addEventListener("change", () => onChange?.(value()));
  return {
    el: wrap,
    value,
    isEmpty: () => field.value === "",
    reset: () => {
      field.value = initial ?? "";
    },
    focusTarget: field,
  };
}

export function plain(text) {
  if (!text) return "";
  if (typeof text === "string") return text;
  return text.content ?? text.i18n_content?.zh_cn ?? "";
}

export function applyWidth(el, width) {
  if (!width || width === "default") return;
  if (width === "fill") el.classList.add("fill");
  else if (/^\d+px$/.test(width)) el.style.width = width;
}
