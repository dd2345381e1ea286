// The message box: typing as the chosen person, @mentions picked from the chat's members
// (including the bot), a slash-command list, quote replies.
import { api } from "./api.js";
import { toast } from "./overlay.js";
import { preview } from "./messages.js";
import { chat, isMember, nameOf, person, store } from "./store.js";
import { avatar, h } from "./util.js";

export function mountComposer(root, onSent) {
  const input = root.querySelector("#composer-input");
  const pop = root.querySelector("#composer-popover");
  const replyBar = root.querySelector("#reply-bar");
  const sendBtn = root.querySelector("#send-btn");
  let candidates = [];
  let active = 0;
  let mode = null; // "mention" | "command"

  const closePop = () => {
    mode = null;
    pop.hidden = true;
  };

  const openPop = (nextMode, list) => {
    mode = nextMode;
    candidates = list;
    active = Math.min(active, Math.max(0, list.length - 1));
    if (!list.length) return closePop();
    pop.hidden = false;
    pop.replaceChildren(
      h("div.pop-title", {}, nextMode === "mention" ? "提及群成员" : "支部助手的命令"),
      ...list.map((c, i) => h(`div.pop-item${i === active ? ".active" : ""}`, { onmousedown: (e) => { e.preventDefault(); pick(c); } }, c.render())),
    );
  };

  const mentionCandidates = (query) => {
    const c = chat(store.chatId);
    if (!c || c.type !== "group") return [];
    const bot = store.snap.bot;
    const list = [
      { label: bot.name, insert: bot.name, render: () => [h("span.avatar.bot-avatar.xs", {}, "助"), h("span", {}, bot.name), h("span.pop-sub", {}, "机器人")] },
      { label: "所有人", insert: "所有人", render: () => [h("span.avatar.xs", { style: { background: "#8f959e" } }, "全"), h("span", {}, "所有人")] },
      ...c.members.map((id) => {
        const p = person(id);
        return { label: p?.name ?? id, insert: p?.name ?? id, render: () => [avatar(id, p?.name ?? id, "xs"), h("span", {}, p?.name ?? id), h("span.pop-sub", {}, p?.role ?? "")] };
      }),
    ];
    return list.filter((x) => x.label.includes(query));
  };

  const commandCandidates = (query) =>
    store.snap.commands
      .filter((c) => !query || c.name.startsWith(query) || c.aliases.some((a) => a.startsWith(query)))
      .map((c) => ({ label: c.name, command: c, render: () => [h("b", {}, `/${c.name}`), h("span.pop-sub", {}, `${c.summary} · 例：${c.example}`)] }));

  const update = () => {
    const before = input.value.slice(0, input.selectionStart);
    const mention = /(^|\s)@([^\s@]*)$/.exec(before);
    const command = /^\/([^\s]*)$/.exec(input.value);
    if (mention) openPop("mention", mentionCandidates(mention[2]));
    else if (command) openPop("command", commandCandidates(command[1]));
    else closePop();
  };

  const pick = (c) => {
    if (mode === "mention") {
      const caret = input.selectionStart;
      const before = input.value.slice(0, caret).replace(/@([^\s@]*)$/, `@${c.insert} `);
      input.value = before + input.value.slice(caret);
      input.setSelectionRange(before.length, before.length);
    } else if (mode === "command") {
      input.value = `/${c.command.name} `;
    }
    closePop();
    input.focus();
  };

  input.addEventListener("input", () => {
    active = 0;
    update();
  });
  input.addEventListener("keydown", (e) => {
    if (e.isComposing) return;
    if (mode && !pop.hidden) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        active = (active + (e.key === "ArrowDown" ? 1 : candidates.length - 1)) % candidates.length;
        openPop(mode, candidates);
        return;
      }
      if (e.key === "Escape") return closePop();
      // Enter on a command that is already typed in full sends it; otherwise it completes.
      const typedInFull = mode === "command" && input.value.trim() === `/${candidates[active]?.command.name}`;
      if ((e.key === "Enter" && !e.shiftKey && !typedInFull) || e.key === "Tab") {
        e.preventDefault();
        pick(candidates[active]);
        return;
      }
    }
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  });
  input.addEventListener("blur", () => setTimeout(closePop, 150));
  sendBtn.addEventListener("click", () => void send());
  root.querySelector("#mention-btn").addEventListener("click", () => {
    input.focus();
    const caret = input.selectionStart;
    const pad = caret > 0 && !/\s$/.test(input.value.slice(0, caret)) ? " " : "";
    input.setRangeText(`${pad}@`, caret, caret, "end");
    update();
  });
  root.querySelector("#command-btn").addEventListener("click", () => {
    input.value = "/";
    input.focus();
    update();
  });
  replyBar.addEventListener("click", (e) => {
    if (e.target.closest(".reply-x")) {
      store.replyTo = null;
      paintReply();
    }
  });
  document.addEventListener("sandbox:reply", () => {
    paintReply();
    input.focus();
  });

  const paintReply = () => {
    const m = store.replyTo ? store.snap.messages.find((x) => x.id === store.replyTo) : undefined;
    replyBar.hidden = !m;
    if (m) replyBar.replaceChildren(h("span", {}, `回复 ${m.sender === "bot" ? store.snap.bot.name : nameOf(m.sender) ?? ""}：${preview(m)}`), h("button.reply-x.link-btn", { type: "button", title: "取消回复" }, "×"));
  };

  async function send() {
    const text = input.value.trim();
    if (!text) return;
    const c = chat(store.chatId);
    const group = c?.type === "group";
    // "@Name" in the text is a mention when Name is in this chat (longest names first).
    const members = group ? [...c.members].sort((a, b) => (nameOf(b)?.length ?? 0) - (nameOf(a)?.length ?? 0)) : [];
    const mentions = members.filter((id) => nameOf(id) && text.includes(`@${nameOf(id)}`));
    sendBtn.disabled = true;
    try {
      await api.send({
        as: store.viewer,
        chatId: store.chatId,
        text,
        mentions,
        mentionBot: group && text.includes(`@${store.snap.bot.name}`),
        mentionAll: group && text.includes("@所有人"),
        parentId: store.replyTo ?? undefined,
      });
      input.value = "";
      store.replyTo = null;
      paintReply();
      closePop();
      onSent();
    } catch (err) {
      toast("error", err.message);
    } finally {
      sendBtn.disabled = false;
    }
  }

  return {
    /** Enables the box only where the chosen person may speak. */
    refresh() {
      const c = chat(store.chatId);
      const me = person(store.viewer);
      const canSpeak = c && (c.type === "p2p" ? c.members[0] === store.viewer : isMember(c, store.viewer));
      root.classList.toggle("readonly", !canSpeak);
      input.disabled = !canSpeak;
      sendBtn.disabled = !canSpeak;
      root.querySelector("#mention-btn").disabled = !canSpeak || c?.type !== "group";
      root.querySelector("#command-btn").disabled = !canSpeak;
      const who = me?.name ?? "";
      input.placeholder = canSpeak
        ? `以「${who}」的身份发送到 ${c.type === "p2p" ? "与支部助手的私聊" : c.name}（/ 查看命令，@ 提及成员）`
        : c?.type === "p2p"
          ? `这是 ${nameOf(c.members[0]) ?? ""} 与支部助手的私聊，只能旁观。在上方「我是」切换身份后可发言。`
          : `${who} 不在本群，只能旁观。在上方「我是」切换为群成员后可发言。`;
      paintReply();
    },
  };
}
