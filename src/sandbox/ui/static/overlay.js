// Feishu-style toasts and the confirm dialog cards can ask for.
import { h } from "./util.js";

const ICONS = { success: "✓", error: "!", warning: "!", info: "i" };

export function toast(type, text) {
  const root = document.getElementById("toast-root");
  const kind = ICONS[type] ? type : "info";
  const node = h(`div.toast.toast-${kind}`, { role: "status" }, h("span.toast-icon", {}, ICONS[kind]), h("span.toast-text", {}, text));
  root.replaceChildren(node); // one at a time, like Feishu
  setTimeout(() => node.classList.add("leaving"), 3600);
  setTimeout(() => node.remove(), 4000);
}

export function confirmDialog(title, text) {
  return new Promise((resolve) => {
    const root = document.getElementById("modal-root");
    const close = (answer) => {
      root.replaceChildren();
      resolve(answer);
    };
    root.replaceChildren(
      h("div.modal-mask", { onclick: (e) => e.target === e.currentTarget && close(false) },
        h("div.modal", { role: "dialog" },
          h("div.modal-title", {}, title || "请确认"),
          text ? h("div.modal-text", {}, text) : null,
          h("div.modal-actions", {},
            h("button.card-btn.btn-default", { type: "button", onclick: () => close(false) }, "取消"),
            h("button.card-btn.btn-primary_filled", { type: "button", onclick: () => close(true) }, "确定")))),
    );
  });
}
