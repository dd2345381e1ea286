// The sandbox page: loads the world, keeps it fresh by polling, and wires the panels together.
import { api } from "./api.js";
import { renderChatList } from "./chat-list.js";
import { mountComposer } from "./composer.js";
import { renderLog } from "./log-panel.js";
import { renderMessages } from "./messages.js";
import { toast } from "./overlay.js";
import { chat, markSeen, nameOf, setChat, setViewer, store } from "./store.js";
import { formatClock, h } from "./util.js";

const POLL_MS = 700;
const HOUR = 3600_000;
const $ = (id) => document.getElementById(id);

const composer = mountComposer($("composer"), () => refresh());
let loading = null;
let clockNow = null;

async function refresh() {
  // One request at a time; a refresh asked for meanwhile runs right after.
  if (loading) {
    loading.again = true;
    return loading.promise;
  }
  loading = { again: false, promise: null };
  loading.promise = (async () => {
    try {
      do {
        loading.again = false;
        store.snap = await api.state();
        clockNow = Date.parse(store.snap.clock.now);
        render();
      } while (loading.again);
    } finally {
      loading = null;
    }
  })();
  return loading.promise;
}

function chooseDefaults() {
  const snap = store.snap;
  if (!snap.people.some((p) => p.openId === store.viewer)) {
    // A branch secretary is the most interesting first identity.
    const branchChats = snap.chats.filter((c) => c.type === "group" && c.orgKind === "branch");
    const secretary = snap.people.find((p) => p.role === "书记" && branchChats.some((c) => c.members.includes(p.openId)));
    setViewer((secretary ?? snap.people[0])?.openId ?? "");
  }
  if (!chat(store.chatId)) {
    const first = snap.chats.find((c) => c.type === "group" && c.orgKind === "branch" && c.members.includes(store.viewer));
    setChat(first?.chatId ?? `oc_p2p_${store.viewer}`);
  }
}

function render() {
  chooseDefaults();
  renderViewerSelect();
  renderClock();
  renderChatHeader();
  renderMessages($("messages"));
  markSeen(store.viewer, store.chatId);
  renderChatList($("chat-list"), openChat);
  composer.refresh();
  if (!document.body.classList.contains("log-hidden")) renderLog($("log-panel"));
}

function renderViewerSelect() {
  const select = $("viewer");
  const options = store.snap.people.map((p) => ({ value: p.openId, label: `${p.name} · ${p.role}${p.orgs[0] ? `（${p.orgs[0].org}）` : ""}` }));
  const signature = JSON.stringify(options);
  if (select.dataset.sig !== signature) {
    select.replaceChildren(...options.map((o) => h("option", { value: o.value }, o.label)));
    select.dataset.sig = signature;
  }
  select.value = store.viewer;
}

/** "2026-03-03T10:00" in the zone, for <input type="datetime-local">. */
function inputValue(ms, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(ms)).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function renderClock() {
  const { date, time } = formatClock(clockNow, store.snap.timezone);
  $("clock-date").textContent = date;
  $("clock-time").textContent = time;
  const adjustable = store.snap.clock.adjustable;
  // The jump field starts at tomorrow, same time: one step from most things worth watching.
  if (!$("jump-at").value) $("jump-at").value = inputValue(clockNow + 24 * HOUR, store.snap.timezone);
  $("jump-at").disabled = !adjustable;
  for (const b of document.querySelectorAll(".clock-btn")) {
    b.disabled = !adjustable;
    b.title = adjustable ? "" : "系统时钟不能快进：请用 BOT_CLOCK=2026-03-02T09:00:00+08:00 npm start 启动";
  }
}

function renderChatHeader() {
  const c = chat(store.chatId);
  const root = $("chat-header");
  if (!c) return root.replaceChildren();
  const members = c.members;
  const title = c.type === "p2p" ? `${store.snap.bot.name}（与 ${nameOf(members[0]) ?? ""} 的私聊）` : c.name;
  const sub = c.type === "p2p"
    ? "私聊：个人提醒、个人数据只发在这里"
    : `${members.length} 位成员 · ${c.botIn ? "支部助手在群内" : "支部助手不在本群"}${c.orgKind === "unbound" ? " · 尚未绑定" : ""}`;
  root.replaceChildren(
    h("div.chat-title", {}, title),
    h("div.chat-sub", { title: members.map((id) => nameOf(id)).join("、") }, sub, c.type === "group" ? h("span.chat-members", {}, `：${members.map((id) => nameOf(id)).join("、")}`) : null),
  );
}

function openChat(chatId) {
  setChat(chatId);
  render();
  $("composer-input").focus();
}

$("viewer").addEventListener("change", (e) => {
  setViewer(e.target.value);
  // Stay in the chat when the new person is in it too; otherwise open their first chat.
  const c = chat(store.chatId);
  if (c && c.type === "p2p" && c.members[0] !== store.viewer) setChat(`oc_p2p_${store.viewer}`);
  else if (c && c.type === "group" && !c.members.includes(store.viewer)) {
    const next = store.snap.chats.find((x) => x.type === "group" && x.members.includes(store.viewer));
    setChat(next?.chatId ?? `oc_p2p_${store.viewer}`);
  }
  render();
});

for (const b of document.querySelectorAll(".clock-btn:not(#jump-btn)")) {
  b.addEventListener("click", async () => {
    try {
      const { now } = await api.advance(Number(b.dataset.ms));
      clockNow = Date.parse(now);
      toast("success", `机器人时间已快进 ${b.textContent.replace("+", "").trim()}`);
      await refresh();
    } catch (err) {
      toast("error", err.message);
    }
  });
}
$("jump-btn").addEventListener("click", async () => {
  const to = $("jump-at").value;
  if (!to) return toast("error", "请先选择要跳到的日期和时间");
  try {
    const { now } = await api.jumpTo(to);
    clockNow = Date.parse(now);
    toast("success", `机器人时间已跳到 ${to.replace("T", " ")}`);
    await refresh();
  } catch (err) {
    toast("error", err.message);
  }
});
$("hour-btn").dataset.ms = String(HOUR);
$("day-btn").dataset.ms = String(24 * HOUR);
$("week-btn").dataset.ms = String(7 * 24 * HOUR);

$("toggle-log").addEventListener("click", () => {
  document.body.classList.toggle("log-hidden");
  if (!document.body.classList.contains("log-hidden")) renderLog($("log-panel"), true);
});

document.addEventListener("sandbox:refresh", () => void refresh());

async function poll() {
  try {
    const { version, clock } = await api.poll();
    if (clock) clockNow = Date.parse(clock);
    if (store.snap && version !== store.snap.version) await refresh();
    else if (store.snap) renderClock();
    $("offline").hidden = true;
  } catch {
    $("offline").hidden = false;
  }
  setTimeout(poll, POLL_MS);
}

refresh()
  .catch((err) => toast("error", err.message))
  .finally(() => {
    document.body.classList.add("ready");
    setTimeout(poll, POLL_MS);
  });
