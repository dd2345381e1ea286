// The page's state: the last snapshot from the server plus what this browser chose (who am I,
// which chat is open, what was already read). Choices persist in localStorage.

export const store = {
  /** @type {any} the last /sandbox/api/state answer */
  snap: null,
  viewer: localStorage.getItem("sandbox.viewer") ?? "",
  chatId: localStorage.getItem("sandbox.chat") ?? "",
  seen: safeJson(localStorage.getItem("sandbox.seen")) ?? {},
  /** The message the composer replies to (quote reply), if any. */
  replyTo: null,
};

function safeJson(text) {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export function setViewer(openId) {
  store.viewer = openId;
  localStorage.setItem("sandbox.viewer", openId);
}

export function setChat(chatId) {
  store.chatId = chatId;
  store.replyTo = null;
  localStorage.setItem("sandbox.chat", chatId);
}

export function person(openId) {
  return store.snap?.people.find((p) => p.openId === openId);
}

export function nameOf(openId) {
  if (!openId) return undefined;
  if (openId === "bot" || openId === store.snap?.bot.openId) return store.snap?.bot.name;
  return person(openId)?.name;
}

export function chat(chatId) {
  return store.snap?.chats.find((c) => c.chatId === chatId);
}

export function messagesIn(chatId) {
  return (store.snap?.messages ?? []).filter((m) => m.chatId === chatId);
}

export function isMember(c, openId) {
  return !!c && c.members.includes(openId);
}

const seenKey = (viewer, chatId) => `${viewer}|${chatId}`;

/** Messages in a chat the viewer has not looked at yet (their own do not count). */
export function unreadCount(viewer, chatId) {
  const list = messagesIn(chatId);
  const seen = store.seen[seenKey(viewer, chatId)] ?? 0;
  return list.slice(seen).filter((m) => m.sender !== viewer && !m.deleted).length;
}

export function markSeen(viewer, chatId) {
  const count = messagesIn(chatId).length;
  const key = seenKey(viewer, chatId);
  if (store.seen[key] === count) return;
  store.seen[key] = count;
  localStorage.setItem("sandbox.seen", JSON.stringify(store.seen));
}

/** Urgent (buzzed) bot messages addressed to the viewer in a chat. */
export function urgentFor(viewer, chatId) {
  return messagesIn(chatId).filter((m) => !m.deleted && m.urgentFor.includes(viewer)).length;
}
