// The message list of the open chat: bubbles, cards, quotes, urgent marks, failed deliveries.
// Updated in place: a message's DOM is rebuilt only when it changed, so a half-filled card
// form survives other messages arriving.
import { renderCard } from "./card-renderer.js";
import { inline } from "./markdown.js";
import { api } from "./api.js";
import { confirmDialog, toast } from "./overlay.js";
import { chat, messagesIn, nameOf, person, store } from "./store.js";
import { avatar, dayKey, escapeKeepingEntities, formatDay, formatTime, h, offsetOf } from "./util.js";

/** What the list should show, in order, each with a key and a signature of its content. */
function items(chatId) {
  const snap = store.snap;
  const tz = snap.timezone;
  const list = [
    ...messagesIn(chatId).map((m) => ({ at: m.createTime, seq: 0, kind: "message", m })),
    ...snap.failures.filter((f) => f.chatId === chatId).map((f) => ({ at: f.at, seq: f.seq, kind: "failure", f })),
  ].sort((a, b) => a.at - b.at || a.seq - b.seq);
  const out = [];
  let day = "";
  for (const it of list) {
    const d = dayKey(it.at, tz);
    if (d !== day) {
      day = d;
      out.push({ key: `day:${d}`, sig: "", render: () => h("div.day-sep", {}, h("span", {}, formatDay(it.at, tz))) });
    }
    if (it.kind === "failure") {
      out.push({ key: `fail:${it.f.seq}`, sig: "", render: () => failureNode(it.f) });
    } else {
      const m = it.m;
      // Cards ignore who is looking (a half-filled form must survive switching identity); bubbles do not.
      const sig = [
        m.revision, m.deleted, m.urgentFor.join(","), m.urgentFor.includes(store.viewer), m.deliveryError ?? "",
        m.msgType === "interactive" ? "" : store.viewer,
      ].join("|");
      out.push({ key: `msg:${m.id}`, sig, render: () => messageNode(m) });
    }
  }
  return out;
}

let renderedChat = "";

export function renderMessages(container) {
  const chatId = store.chatId;
  const wanted = items(chatId);
  const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 80;
  const existing = [...container.children];
  const sameChat = renderedChat === chatId;
  const prefixOk = sameChat && existing.length <= wanted.length && existing.every((node, i) => node.dataset.key === wanted[i].key);
  if (!prefixOk) {
    container.replaceChildren(...wanted.map(build));
    if (!wanted.length) container.append(h("div.empty-chat", {}, "还没有消息。发送 /帮助 看看支部助手能做什么。"));
  } else {
    wanted.forEach((item, i) => {
      const node = existing[i];
      if (!node) container.append(build(item));
      else if (node.dataset.sig !== item.sig) node.replaceWith(build(item));
    });
  }
  if (!sameChat || nearBottom || !prefixOk) container.scrollTop = container.scrollHeight;
  renderedChat = chatId;
}

function build(item) {
  const node = item.render();
  node.dataset.key = item.key;
  node.dataset.sig = item.sig;
  return node;
}

function failureNode(f) {
  const code = f.code !== null && f.code !== undefined ? `，错误码 ${f.code}` : "";
  return h("div.sys-line.failure", { title: f.detail },
    `支部助手${f.what}失败（HTTP ${f.status}${code}）。消息未送达，机器人会自动重试。`);
}

function messageNode(m) {
  const snap = store.snap;
  const isBot = m.sender === "bot";
  if (m.deleted) return h("div.sys-line", {}, `${isBot ? snap.bot.name : nameOf(m.sender) ?? "有人"} 撤回了一条消息`);
  const self = m.sender === store.viewer;
  const name = isBot ? snap.bot.name : nameOf(m.sender) ?? m.sender;
  const who = isBot ? h("span.avatar.bot-avatar", { title: name }, "助") : avatar(m.sender, name);
  const role = isBot ? null : person(m.sender)?.role;
  const meta = h("div.msg-meta", {},
    h("span.msg-name", {}, name),
    isBot ? h("span.bot-tag", {}, "机器人") : role ? h("span.role-tag", {}, role) : null,
    h("span.msg-time", {}, formatTime(m.createTime, snap.timezone)),
    m.updated && m.msgType === "interactive" ? h("span.msg-edited", {}, "已更新") : null);
  const parent = m.parentId ? snap.messages.find((x) => x.id === m.parentId) : undefined;
  const quote = parent ? h("div.msg-quote", {}, `回复 ${parent.sender === "bot" ? snap.bot.name : nameOf(parent.sender) ?? ""}：${preview(parent)}`) : null;
  const urgent = m.urgentFor.length
    ? h(`div.urgent-tag${m.urgentFor.includes(store.viewer) ? ".mine" : ""}`, {}, h("b", {}, "加急"), ` 已加急通知：${m.urgentFor.map((id) => nameOf(id) ?? id).join("、")}`)
    : null;
  const failed = m.deliveryError ? h("div.msg-error", {}, `未送达支部助手：${m.deliveryError}`) : null;
  const actions = h("div.msg-actions", {}, h("button.link-btn", { type: "button", onclick: () => replyTo(m) }, "回复"));
  const main = h("div.msg-main", {}, meta, quote, content(m), urgent, failed, actions);
  const node = h(`div.msg${self ? ".self" : ""}${isBot ? ".from-bot" : ""}${m.urgentFor.length ? ".urgent" : ""}`, { dataset: { id: m.id } }, who, main);
  if (m.msgType === "interactive") node.classList.add("has-card");
  return node;
}

function replyTo(m) {
  store.replyTo = m.id;
  document.dispatchEvent(new CustomEvent("sandbox:reply"));
}

function content(m) {
  switch (m.msgType) {
    case "text":
      return h("div.bubble", { html: textHtml(m) });
    case "post":
      return h("div.bubble", {}, postNode(m.content));
    case "interactive":
      return cardNode(m);
    case "image":
      return h("div.bubble.media", {}, "[图片]");
    case "file":
      return fileNode(m);
    default:
      return h("div.bubble.media", {}, `[${m.msgType} 消息]`);
  }
}

function sizeText(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** A file: its name and size, and a download link when the sandbox kept the bytes (the bot's uploads). */
function fileNode(m) {
  const f = m.file;
  const name = f?.name ?? m.content?.file_name ?? "";
  if (!f) return h("div.bubble.media", {}, `[文件] ${name}`);
  const label = [h("span.file-name", {}, name), h("span.file-size", {}, sizeText(f.size))];
  if (!f.downloadable) return h("div.bubble.file", {}, ...label);
  return h("div.bubble.file", {}, h("a.file-link", { href: `api/file/${encodeURIComponent(f.key)}`, download: name, title: "下载" }, ...label, h("span.file-action", {}, "下载")));
}

/** Text: user mentions arrive as @_user_N placeholders, the bot writes <at user_id="…">. */
function textHtml(m) {
  let text = String(m.content?.text ?? "");
  const slots = [];
  const put = (html) => `\uE000${slots.push(html) - 1}\uE001`;
  const me = (id) => (id === store.viewer ? " me" : "");
  for (const x of m.mentions) {
    const name = x.key === "@_all" ? "所有人" : x.name;
    text = text.split(x.key).join(put(`<span class="md-at${me(x.openId)}">@${escapeKeepingEntities(name)}</span>`));
  }
  text = text.replace(/<at\s+user_id\s*=\s*["']?([^"'\s>]+)["']?\s*>([^<]*)<\/at>/gi, (_, id, name) =>
    put(`<span class="md-at${me(id)}">@${escapeKeepingEntities(id === "all" ? "所有人" : nameOf(id) ?? name ?? id)}</span>`));
  text = text.replace(/https?:\/\/[^\s<>"'\uE000]+/g, (url) => put(`<a class="md-link" href="${escapeKeepingEntities(url)}" target="_blank" rel="noopener">${escapeKeepingEntities(url)}</a>`));
  let html = escapeKeepingEntities(text).replace(/\n/g, "<br>");
  html = html.replace(/\uE000(\d+)\uE001/g, (_, n) => slots[Number(n)]);
  return html;
}

function postNode(content) {
  const post = content?.zh_cn ?? content?.en_us ?? content ?? {};
  const env = { nameOf, viewer: store.viewer };
  const paragraphs = (post.content ?? []).map((para) => {
    const html = para.map((x) => {
      switch (x.tag) {
        case "text": {
          let t = escapeKeepingEntities(x.text ?? "");
          if (x.style?.includes("bold")) t = `<strong>${t}</strong>`;
          if (x.style?.includes("italic")) t = `<em>${t}</em>`;
          if (x.style?.includes("lineThrough")) t = `<del>${t}</del>`;
          return t;
        }
        case "a":
          return `<a class="md-link" href="${escapeKeepingEntities(x.href ?? "#")}" target="_blank" rel="noopener">${escapeKeepingEntities(x.text ?? x.href ?? "")}</a>`;
        case "at":
          return `<span class="md-at">@${escapeKeepingEntities(x.user_id === "all" ? "所有人" : nameOf(x.user_id) ?? x.user_name ?? x.user_id)}</span>`;
        case "img":
          return "[图片]";
        case "md":
          return inline(x.text ?? "", env);
        default:
          return escapeKeepingEntities(x.text ?? "");
      }
    }).join("");
    return h("div.post-para", { html });
  });
  return h("div.post", {}, post.title ? h("div.post-title", {}, post.title) : null, paragraphs);
}

function cardNode(m) {
  const snap = store.snap;
  const c = chat(m.chatId);
  const env = {
    nameOf,
    viewer: store.viewer,
    members: c ? c.members : [],
    timezone: snap.timezone,
    offset: offsetOf(snap.timezone),
    toast,
    confirm: confirmDialog,
    act: (action) => cardAction(m, action),
  };
  try {
    return h("div.card-holder", {}, renderCard(m.content, env));
  } catch (err) {
    return h("div.bubble.media", {}, `[卡片无法渲染：${err.message}]`);
  }
}

/** A click or submit, as whoever "I am" right now. */
async function cardAction(m, action) {
  try {
    const result = await api.cardAction({ as: store.viewer, messageId: m.id, timezone: store.snap.timezone, ...action });
    if (result.clientError) toast("error", `卡片回调失败（错误码 ${result.clientError}），请稍后再试`);
    else if (result.toast?.content) toast(result.toast.type ?? "info", result.toast.content);
    document.dispatchEvent(new CustomEvent("sandbox:refresh"));
    return result;
  } catch (err) {
    toast("error", err.message);
    return undefined;
  }
}

/** One line of a message for the chat list and quotes. */
export function preview(m) {
  if (!m) return "";
  if (m.deleted) return "撤回了一条消息";
  switch (m.msgType) {
    case "text": {
      let t = String(m.content?.text ?? "");
      for (const x of m.mentions ?? []) t = t.split(x.key).join(`@${x.key === "@_all" ? "所有人" : x.name}`);
      t = t.replace(/<at\s+user_id\s*=\s*["']?([^"'\s>]+)["']?\s*>([^<]*)<\/at>/gi, (_, id, name) => `@${nameOf(id) ?? name}`);
      return t.replace(/\s+/g, " ").trim();
    }
    case "interactive": {
      const title = m.content?.header?.title?.content ?? m.content?.config?.summary?.content ?? "";
      return `[卡片] ${decode(title)}`;
    }
    case "post":
      return `[富文本] ${(m.content?.zh_cn ?? m.content)?.title ?? ""}`;
    case "image":
      return "[图片]";
    case "file":
      return `[文件] ${m.file?.name ?? m.content?.file_name ?? ""}`;
    default:
      return `[${m.msgType}]`;
  }
}

function decode(text) {
  const t = document.createElement("textarea");
  t.innerHTML = text;
  return t.value;
}
