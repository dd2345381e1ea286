// The right column: every Open Platform call the bot made, the events pushed to the bot, and
// buttons that make the next send fail (to watch the outbox retry).
import { api } from "./api.js";
import { toast } from "./overlay.js";
import { store } from "./store.js";
import { formatTime, h, partsIn } from "./util.js";

let tab = "calls";
let hideTokens = true;
let shownVersion = -1;

export function renderLog(root, force = false) {
  const snap = store.snap;
  if (!force && shownVersion === snap.version) return;
  shownVersion = snap.version;
  const tabs = h("div.log-tabs", {},
    tabButton(root, "calls", `开放平台调用 ${snap.calls.length}`),
    tabButton(root, "pushes", `事件推送 ${snap.pushes.length}`),
    tabButton(root, "faults", "故障注入"));
  root.replaceChildren(tabs, tab === "calls" ? calls(root) : tab === "pushes" ? pushes() : faults());
}

function tabButton(root, id, label) {
  return h(`button.log-tab${tab === id ? ".active" : ""}`, { type: "button", dataset: { tab: id }, onclick: () => { tab = id; renderLog(root, true); } }, label);
}

const seconds = (ms) => {
  const p = partsIn(ms, store.snap.timezone);
  return `${Number(p.m)}/${Number(p.d)} ${p.hh}:${p.mm}:${p.ss}`;
};

function calls(root) {
  const list = store.snap.calls.filter((c) => !hideTokens || !c.path.includes("tenant_access_token")).slice(-200).reverse();
  const toggle = h("label.log-filter", {}, h("input", { type: "checkbox", checked: hideTokens, onchange: (e) => { hideTokens = e.target.checked; renderLog(root, true); } }), " 隐藏获取令牌的调用");
  return h("div.log-list", {}, toggle, list.length ? null : h("div.log-empty", {}, "还没有调用。"), ...list.map((c) => {
    const failed = c.status >= 400 || (c.code !== null && c.code !== 0);
    const body = c.body ? h("div.log-body", { title: "点击展开", onclick: (e) => e.currentTarget.classList.toggle("open") }, c.body) : null;
    return h(`div.log-row${failed ? ".failed" : ""}`, {},
      h("div.log-head", {},
        h("span.log-time", {}, seconds(c.at)),
        h(`span.log-method.m-${c.method.toLowerCase()}`, {}, c.method),
        h(`span.log-status${failed ? ".bad" : ""}`, {}, failed ? `${c.status} · ${c.code ?? ""}` : String(c.status))),
      h("div.log-path", {}, c.path.replace(/^\/open-apis/, ""), c.query ? h("span.log-query", {}, `?${c.query}`) : null),
      body);
  }));
}

function pushes() {
  const list = store.snap.pushes.slice(-200).reverse();
  return h("div.log-list", {}, list.length ? null : h("div.log-empty", {}, "还没有推送。"), ...list.map((p) => {
    const failed = p.status !== 200;
    return h(`div.log-row${failed ? ".failed" : ""}`, {},
      h("div.log-head", {}, h("span.log-time", {}, seconds(p.at)), h("span.log-method.m-push", {}, "推送"), h(`span.log-status${failed ? ".bad" : ""}`, {}, String(p.status || "失败"))),
      h("div.log-path", {}, `${p.eventType} → ${p.path}`),
      p.error ? h("div.log-body", {}, p.error) : null);
  }));
}

function faults() {
  const run = async (kind, done) => {
    try {
      await api.fault(kind);
      toast("success", done);
    } catch (err) {
      toast("error", err.message);
    }
  };
  return h("div.log-list.faults", {},
    h("p", {}, "模拟飞书开放平台出错，观察支部助手如何重试。失败的发送会在对应会话里以红色提示显示，并在调用日志中标红。"),
    h("button.card-btn.btn-default.fill", { type: "button", onclick: () => run("send_error", "已设置：下一条消息发送将返回 HTTP 500") }, "让下一条消息发送失败（HTTP 500）"),
    h("button.card-btn.btn-default.fill", { type: "button", onclick: () => run("rate_limit", "已设置：下一条消息发送将被限流（HTTP 429）") }, "让下一条消息被限流（HTTP 429）"),
    h("button.card-btn.btn-default.fill", { type: "button", onclick: () => run("clear", "已清除全部故障") }, "清除故障"),
    h("p.muted", {}, `失败记录 ${store.snap.failures.length} 条；最近一次：${store.snap.failures.at(-1) ? formatTime(store.snap.failures.at(-1).at, store.snap.timezone) : "无"}`));
}
