// The left column: the chosen person's chats (groups and the private chat with the bot), newest
// first with unread dots; below, the conversations they are not in, to watch.
import { preview } from "./messages.js";
import { isMember, messagesIn, nameOf, store, unreadCount, urgentFor } from "./store.js";
import { formatTime, h } from "./util.js";

const KIND_LABEL = { committee: "党委", branch: "支部", unbound: "待绑定" };

export function renderChatList(root, onOpen) {
  const snap = store.snap;
  const viewer = store.viewer;
  const mine = [];
  const others = [];
  for (const c of snap.chats) {
    if (c.type === "p2p") {
      if (c.members[0] === viewer) mine.push(c);
      else if (messagesIn(c.chatId).length) others.push(c);
    } else if (isMember(c, viewer)) mine.push(c);
    else others.push(c);
  }
  const lastAt = (c) => messagesIn(c.chatId).at(-1)?.createTime ?? 0;
  mine.sort((a, b) => lastAt(b) - lastAt(a) || (a.type === "p2p" ? -1 : 1));
  root.replaceChildren(
    h("div.list-section", {}, "消息"),
    ...mine.map((c) => item(c, onOpen, false)),
    others.length ? h("div.list-section", {}, "旁观（我不在的会话）") : null,
    ...others.map((c) => item(c, onOpen, true)),
  );
}

function item(c, onOpen, watching) {
  const snap = store.snap;
  const list = messagesIn(c.chatId);
  const last = list.at(-1);
  const unread = watching ? 0 : unreadCount(store.viewer, c.chatId);
  const urgent = watching ? 0 : urgentFor(store.viewer, c.chatId);
  const title = c.type === "p2p" ? (watching ? `私聊：${nameOf(c.members[0]) ?? ""}` : snap.bot.name) : c.name;
  const icon = c.type === "p2p"
    ? h("span.avatar.bot-avatar", {}, "助")
    : h(`span.avatar.group-avatar.kind-${c.orgKind}`, {}, Array.from(c.name)[0] ?? "群");
  const tag = c.type === "p2p" ? h("span.chat-tag.bot", {}, "机器人") : KIND_LABEL[c.orgKind] ? h(`span.chat-tag.kind-${c.orgKind}`, {}, KIND_LABEL[c.orgKind]) : null;
  const from = last ? (last.sender === "bot" ? snap.bot.name : nameOf(last.sender) ?? "") : "";
  return h(`div.chat-item${c.chatId === store.chatId ? ".active" : ""}${watching ? ".watching" : ""}`,
    { dataset: { chat: c.chatId }, title: c.chatId, onclick: () => onOpen(c.chatId) },
    h("div.chat-avatar", {}, icon, unread ? h("span.unread-badge", {}, unread > 99 ? "99+" : String(unread)) : null),
    h("div.chat-text", {},
      h("div.chat-line", {}, h("span.chat-name", {}, title), tag, h("span.chat-time", {}, last ? formatTime(last.createTime, snap.timezone) : "")),
      h("div.chat-preview", {},
        urgent ? h("span.urgent-dot", {}, "[加急] ") : null,
        last ? `${c.type === "group" && from ? `${from}：` : ""}${preview(last)}` : c.botIn ? "暂无消息" : "机器人不在本群")));
}
