import type { Bot } from "../../app/bot.ts";
import { rowNumber, echo } from "../../app/args.ts";
import { UsageError, type CommandContext, type OrgInfo } from "../../app/context.ts";
import { isSecretary } from "../../app/roles.ts";
import type { Mention } from "../../app/inbound.ts";
import { roleOf, type ItemRole } from "./access.ts";
import { dayOf, localTime, parseDueDay } from "./dates.ts";
import { SCOPE_WORDS, type RectificationScope } from "./labels.ts";
import { findItemBySeq, isFollowUp, memberName, visibleInGroup, type ItemFull } from "./model.ts";
import { awaitingVerification, applyFilter, countItems, countsLine, FILTER_WORDS, groupView, orgItems, ownedItems, type ListFilter } from "./queries.ts";
import { createRectificationItem } from "./service.ts";
import { parseReminderDays, saveSettings, settingsOf } from "./settings.ts";
import { historyText, itemCardData, listLine } from "./views.ts";
import {
  acceptItem, addEvidence, changeDeadline, noteAsEvidence, reportProgress, returnItem, setDisclosure, submitForVerification, type NewDeadline,
} from "./workflow.ts";
import { ITEM_CARD } from "./notify.ts";

const GROUP = "整改";
export const ADD_EXAMPLE = "/整改 新增 @刘洋 下月底 学习笔记不完整 措施：每月补写学习心得";
const ADD_USAGE = "/整改 新增 [支部|委员|个人] @责任人… [验收 @验收人] <期限，如 下月底|长期> <问题> [措施：…]";
const USAGE = `/整改（支委：登记表单） | /整改 新增（私聊我发送：个人事项的登记表单，群里看不到） | ${ADD_USAGE} | /整改 列表 [我的|逾期|待验收|全部] | /整改 #编号 [进展|佐证|提交|通过|退回|期限|公开|取消公开|历史] … | /整改 设置 [提醒 7,3,1] [加急 3]`;
const SUBCOMMANDS = "新增、列表、#编号（查看、进展、佐证、提交、通过、退回、期限、公开、历史）、设置";

/** "#7", "＃7" or "7号" → 7. */
function parseSeq(word: string | undefined): number | undefined {
  const m = /^[#＃](\d+)$/.exec(word ?? "") ?? /^(\d+)号$/.exec(word ?? "");
  return m ? rowNumber(m[1]) : undefined;
}

/** The text after the first `n` words of what was typed, spacing kept. */
function textAfter(rest: string, n: number): string {
  let s = rest.trim();
  for (let i = 0; i < n; i++) s = s.replace(/^\S+\s*/, "");
  return s.trim();
}

function requireOrg(ctx: CommandContext): OrgInfo {
  if (ctx.org) return ctx.org;
  if (ctx.message.chatType === "group") throw new UsageError("本群尚未绑定为党支部或党委，整改功能暂不能使用。请先发送 /绑定。");
  throw new UsageError(
    ctx.memberships.length ? "您在多个组织中，请到对应的支部群里发送这个命令。" : "您还不在任何已绑定的支部里，无法使用整改功能。",
  );
}

function inGroup(ctx: CommandContext): boolean {
  return ctx.message.chatType === "group";
}

// ── /整改 (no arguments): the form for 支委, otherwise the list ──

async function openForm(ctx: CommandContext): Promise<void> {
  if (!inGroup(ctx) || !ctx.actor?.post) return listCommand(ctx, []);
  await sendForm(ctx, "here");
}

/**
 * The registration form: in the group its person pickers offer the chat's members; sent
 * privately (where personal items belong) they offer the branch's members by name.
 */
async function sendForm(ctx: CommandContext, where: "here" | "privately", banner = ""): Promise<void> {
  const org = requireOrg(ctx);
  const { reminderDays } = await settingsOf(ctx.tx, org.id);
  const privately = where === "privately" || !inGroup(ctx);
  const members = privately ? await ctx.tx.member.findMany({ where: { orgId: org.id, active: true, memberClass: { not: "pending" } }, orderBy: { id: "asc" }, select: { openId: true } }) : [];
  const data = { org: org.id, orgName: org.name, cadence: reminderDays.join("、"), people: members.map((m) => ({ value: m.openId })), pickFrom: privately ? "本支部成员" : "本群成员", banner };
  if (where === "privately" && inGroup(ctx)) await ctx.out.forOrg(org.id).card({ openId: ctx.message.senderOpenId }, "rectification-form", data);
  else await ctx.replyCard("rectification-form", data);
}

// ── /整改 新增 ──

/** Splits `新增` arguments: @owners (one item each), "验收 @人" for the verifier, and the words. */
function addArguments(ctx: CommandContext) {
  const owners: Mention[] = [];
  let verifier: Mention | undefined;
  const words: string[] = [];
  let next = 0;
  for (const a of ctx.args.slice(1)) {
    if (a.startsWith("@") && next < ctx.mentions.length) {
      const person = ctx.mentions[next++]!;
      if (words.at(-1) === "验收" || words.at(-1) === "验收人") {
        words.pop();
        verifier = person;
      } else owners.push(person);
    } else words.push(a);
  }
  return { owners, verifier, words };
}

async function memberIdIn(ctx: CommandContext, orgId: number, p: Mention | undefined, what: string): Promise<number | undefined> {
  if (!p) return undefined;
  const m = await ctx.tx.member.findFirst({ where: { orgId, openId: p.openId, active: true } });
  if (!m) throw new UsageError(`${p.name} 不在本支部成员名单中，不能作为${what}。`, ADD_EXAMPLE);
  return m.id;
}

async function addCommand(ctx: CommandContext): Promise<void> {
  const org = requireOrg(ctx);
  if (!ctx.actor?.post) throw new UsageError("只有支委（书记、副书记、委员）可以登记整改事项。");
  if (ctx.args.length === 1) return sendForm(ctx, "here");
  const { owners, verifier, words } = addArguments(ctx);
  let scope: RectificationScope | undefined = SCOPE_WORDS[words[0] ?? ""];
  if (scope) words.shift();
  const dateWord = words.shift();
  if (!dateWord) throw new UsageError("缺少整改期限和问题。", ADD_EXAMPLE);
  const longTerm = dateWord === "长期" || dateWord === "长期坚持";
  const dueOn = longTerm ? undefined : parseDueDay(dateWord, ctx.now, org.timezone);
  if (!longTerm && !dueOn) throw new UsageError(`「${echo(dateWord)}」不是有效的期限。请写日期（如 下月底、下周五、12月31日），长期坚持的事项写「长期」。`, ADD_EXAMPLE);
  const [problem, measures] = words.join(" ").split(/措施[:：]/).map((s) => s.trim());
  if (!problem) throw new UsageError("缺少问题描述。", ADD_EXAMPLE);
  scope ??= owners.length ? "individual" : "branch";
  const verifierMemberId = await memberIdIn(ctx, org.id, verifier, "验收人");
  const made: Array<{ seqNo: number; owner: string; visible: boolean }> = [];
  // Several people with the same problem each get their own item: each is reminded and closed on its own.
  for (const owner of owners.length ? owners : [undefined]) {
    const { id, seqNo } = await createRectificationItem(ctx.tx, {
      orgId: org.id, source: "manual", scope, problem, measures,
      ownerMemberId: await memberIdIn(ctx, org.id, owner, "责任人"),
      verifierMemberId,
      dueDate: dueOn ? localTime(dueOn, "12:00", org.timezone) : null,
      longTerm,
      createdBy: ctx.message.senderOpenId,
      now: ctx.now,
    });
    const item = await ctx.tx.rectificationItem.findUniqueOrThrow({ where: { id }, include: { owner: true } });
    made.push({ seqNo, owner: item.owner?.name ?? "未指定", visible: visibleInGroup(item) });
  }
  const numbers = made.map((m) => `#${m.seqNo}`).join("、");
  if (made.every((m) => m.visible)) {
    await ctx.reply(`已登记整改事项 ${numbers}（支部层面），责任人 ${made.map((m) => m.owner).join("、")}。发送 /整改 ${made.length === 1 ? numbers : "列表"} 查看。`);
    return;
  }
  if (!inGroup(ctx)) {
    await ctx.reply(`已登记整改事项 ${numbers}（${made.map((m) => m.owner).join("、")}），已私信告知责任人和验收人。`);
    return;
  }
  // Typed in the group, a personal item was already read by everyone there; the bot cannot take
  // that message back. The group learns only that something was registered; the rest goes privately.
  await ctx.reply(`已登记 ${made.length} 项个人整改事项，详情只私信给责任人和验收人。个人事项请私聊我登记（私聊发送 /整改 新增 会收到登记表单），群里就不会出现姓名和问题。`);
  // One private card, not a text and a card: the note rides on the form (every call counts).
  await sendForm(ctx, "privately", `您在群里登记了个人整改事项 ${numbers}（${made.map((m) => m.owner).join("、")}）。群里已看到您那条消息，我无法撤回它；以后请在这里登记：填写下面的表单即可。`);
}

// ── /整改 列表 ──

function section(title: string, items: ItemFull[], now: Date, showOwner: boolean, empty: string) {
  return { title, lines: items.map((i) => listLine(i, now, showOwner)), empty: items.length ? "" : empty };
}

async function listCommand(ctx: CommandContext, words: string[]): Promise<void> {
  const word = words[0];
  const filter: ListFilter | undefined = word ? FILTER_WORDS[word] : undefined;
  if (word && !filter) throw new UsageError(`不认识「${echo(word)}」。可选：我的、逾期、待验收、全部。`, "/整改 列表 逾期");
  if (inGroup(ctx)) return groupList(ctx, filter ?? "open");
  return privateList(ctx, filter);
}

async function groupList(ctx: CommandContext, filter: ListFilter): Promise<void> {
  const org = requireOrg(ctx);
  if (filter === "mine") {
    await privateList(ctx, "mine", { openId: ctx.message.senderOpenId });
    await ctx.reply("您的整改事项已私信发送给您。");
    return;
  }
  const { counts, visible, followUps } = await groupView(ctx.tx, org.id, ctx.now, org.timezone);
  const shown = applyFilter(visible, filter, ctx.now);
  const personal = counts.open - visible.filter((i) => i.status !== "done").length;
  await ctx.replyCard("rectification-list", {
    title: `${org.name} · 整改事项${filter === "overdue" ? "（逾期）" : filter === "submitted" ? "（待验收）" : ""}`,
    summary: countsLine(counts),
    sections: [
      section("支部层面与已公开的事项", shown, ctx.now, true, filter === "all" ? "暂无" : "暂无未完成的支部层面事项"),
      { title: "个人事项", lines: [], empty: `未完成的个人整改事项 ${personal} 项：个人事项只私信责任人，群里只显示数量。` },
      ...(followUps.length ? [section("跟进事项（会议决定的事项，不计入整改）", applyFilter(followUps, filter, ctx.now), ctx.now, true, "暂无未完成的跟进事项")] : []),
    ],
    footer: "发送 /整改 #编号 查看详情；/整改 列表 我的 查看本人事项（私信发送）。",
  });
}

/** Private lists: the person's own items and what waits for them; 支委 also see their organisation's. */
async function privateList(ctx: CommandContext, filter: ListFilter | undefined, to?: { openId: string }): Promise<void> {
  const openId = ctx.message.senderOpenId;
  const committeeOrgs = ctx.memberships.filter((m) => m.actor.post).map((m) => m.org);
  const send = (data: Record<string, unknown>) => (to ? ctx.out.card(to, "rectification-list", data) : ctx.replyCard("rectification-list", data));
  if (filter && filter !== "mine" && committeeOrgs.length) {
    const sections = [];
    let summary = "";
    for (const org of committeeOrgs) {
      const everything = await orgItems(ctx.tx, org.id);
      const all = everything.filter((i) => !isFollowUp(i));
      const followUps = everything.filter(isFollowUp);
      summary ||= countsLine(countItems(all, dayOf(ctx.now, org.timezone)));
      sections.push(section(org.name, applyFilter(all, filter, ctx.now), ctx.now, true, "暂无"));
      if (followUps.length) sections.push(section(`${org.name} · 跟进事项（会议决定，不计入整改）`, applyFilter(followUps, filter, ctx.now), ctx.now, true, "暂无"));
    }
    await send({ title: "整改事项（支委视图）", summary, sections, footer: "个人事项请勿转发到群里。发送 /整改 #编号 查看详情。" });
    return;
  }
  const mine = await ownedItems(ctx.tx, openId, false);
  const openMine = mine.filter((i) => i.status !== "done");
  const doneMine = mine.filter((i) => i.status === "done").slice(-10);
  const toVerify = await awaitingVerification(ctx.tx, openId);
  const sections = [section("我负责的未完成事项", filter === "overdue" ? applyFilter(openMine, "overdue", ctx.now) : openMine, ctx.now, false, "暂无")];
  if (toVerify.length) sections.push(section("等我验收的事项", toVerify, ctx.now, true, ""));
  if (filter === "all" && doneMine.length) sections.push(section("我已完成的事项（最近 10 项）", doneMine, ctx.now, false, ""));
  await send({
    title: "我的整改事项",
    summary: `未完成 ${openMine.length} 项，等我验收 ${toVerify.length} 项`,
    sections,
    footer: "发送 /整改 #编号 查看详情、报告进展；也可以直接把图片或文件发给我作为佐证。",
  });
}

// ── /整改 #7 … ──

/** Finds the item: in a group, the group's organisation; privately, wherever the person may see it. */
async function resolveItem(ctx: CommandContext, seq: number): Promise<{ item: ItemFull; role: ItemRole }> {
  const openId = ctx.message.senderOpenId;
  if (inGroup(ctx)) {
    const org = requireOrg(ctx);
    const item = await findItemBySeq(ctx.tx, org.id, seq);
    if (!item) throw new UsageError(`本${org.kind === "branch" ? "支部" : "组织"}没有整改事项 #${seq}。发送 /整改 列表 查看。`, "/整改 #1");
    return { item, role: await roleOf(ctx.tx, item, openId) };
  }
  const orgIds = new Set(ctx.memberships.map((m) => m.org.id));
  const verifying = await ctx.tx.rectificationItem.findMany({ where: { seqNo: seq, verifier: { openId } }, select: { orgId: true } });
  for (const v of verifying) orgIds.add(v.orgId);
  const found: Array<{ item: ItemFull; role: ItemRole }> = [];
  for (const orgId of orgIds) {
    const item = await findItemBySeq(ctx.tx, orgId, seq);
    if (!item) continue;
    const role = await roleOf(ctx.tx, item, openId);
    if (role.canSee) found.push({ item, role });
  }
  if (found.length === 0) throw new UsageError(`没有找到您可以查看的整改事项 #${seq}。发送 /整改 列表 查看您的事项。`, "/整改 列表 我的");
  if (found.length > 1) {
    throw new UsageError(`${found.map((f) => `「${f.item.org.name}」`).join("和")}都有整改事项 #${seq}，请到对应的群里发送这个命令。`);
  }
  return found[0]!;
}

async function showItem(ctx: CommandContext, item: ItemFull, role: ItemRole): Promise<void> {
  if (inGroup(ctx)) {
    if (visibleInGroup(item)) {
      await ctx.replyCard(ITEM_CARD, itemCardData(item, role, ctx.now, { inGroup: true }), { cardRef: `rect:${item.id}:group:${ctx.message.messageId}` });
      return;
    }
    if (!role.canSee) {
      await ctx.reply(`整改事项 #${item.seqNo} 是个人事项，未在支部公开。`);
      return;
    }
    await ctx.out.forOrg(item.orgId).card({ openId: role.openId }, ITEM_CARD, itemCardData(item, role, ctx.now), { cardRef: `rect:${item.id}:view:${ctx.message.messageId}` });
    await ctx.reply(`整改事项 #${item.seqNo} 是个人事项，不在群里显示，详情已私信发送给您。`);
    return;
  }
  if (!role.canSee) throw new UsageError(`您无权查看整改事项 #${item.seqNo}。`);
  await ctx.replyCard(ITEM_CARD, itemCardData(item, role, ctx.now), { cardRef: `rect:${item.id}:view:${ctx.message.messageId}` });
}

function parseDeadline(word: string | undefined, seq: number, now: Date, tz: string): NewDeadline {
  const example = `/整改 #${seq} 期限 下月底`;
  if (!word) throw new UsageError("缺少新的期限。", example);
  if (word === "长期" || word === "长期坚持") return { longTerm: true };
  const dueOn = parseDueDay(word, now, tz);
  if (!dueOn) throw new UsageError(`「${echo(word)}」不是有效的日期。`, example);
  return { dueOn };
}

async function itemCommand(ctx: CommandContext, seq: number, verb: string | undefined): Promise<void> {
  const { item, role } = await resolveItem(ctx, seq);
  const text = textAfter(ctx.rest, 2);
  const who = () => memberName(ctx.tx, role.openId, item.orgId);
  let answer: string;
  switch (verb) {
    case undefined:
    case "查看":
      return showItem(ctx, item, role);
    case "历史":
      if (!role.canSee) throw new UsageError(`您无权查看整改事项 #${seq}。`);
      if (inGroup(ctx) && !visibleInGroup(item)) {
        await ctx.out.text({ openId: role.openId }, historyText(item));
        answer = `整改事项 #${seq} 的处理记录已私信发送给您。`;
      } else answer = historyText(item);
      break;
    case "进展":
      answer = await reportProgress(ctx.tx, item, role, text, ctx.now);
      break;
    case "佐证":
      if (!text) throw new UsageError("请写明佐证内容（文字说明或链接），图片和文件可以直接发给我。", `/整改 #${seq} 佐证 https://example.com/学习心得`);
      answer = await addEvidence(ctx.tx, item, role, noteAsEvidence(text), ctx.now, await who());
      break;
    case "提交":
      answer = await submitForVerification(ctx.tx, ctx.out, item, role, text, ctx.now, await who());
      break;
    case "通过":
    case "验收":
      answer = await acceptItem(ctx.tx, ctx.out, item, role, text, ctx.now);
      break;
    case "退回":
      answer = await returnItem(ctx.tx, ctx.out, item, role, text, ctx.now);
      break;
    case "期限":
      answer = await changeDeadline(ctx.tx, ctx.out, item, role, parseDeadline(ctx.args[2], seq, ctx.now, item.org.timezone), ctx.now);
      break;
    case "公开":
      answer = await setDisclosure(ctx.tx, ctx.out, item, role, true, ctx.now);
      break;
    case "取消公开":
      answer = await setDisclosure(ctx.tx, ctx.out, item, role, false, ctx.now);
      break;
    default:
      throw new UsageError(`不认识「${echo(verb)}」。可用：进展、佐证、提交、通过、退回、期限、公开、取消公开、历史。`, `/整改 #${seq} 进展 已补写 2 月学习心得`);
  }
  await ctx.reply(answer);
}

// ── /整改 设置 ──

async function settingsCommand(ctx: CommandContext, words: string[]): Promise<void> {
  const org = requireOrg(ctx);
  const example = "/整改 设置 提醒 7,3,1 加急 3";
  if (words.length) {
    if (!isSecretary(ctx.actor)) throw new UsageError("只有书记、副书记可以修改整改提醒设置。");
    const patch: { reminderDays?: number[]; buzzAfterDays?: number } = {};
    for (let i = 0; i < words.length; i += 2) {
      const [key, value] = [words[i], words[i + 1] ?? ""];
      if (key === "提醒") {
        patch.reminderDays = parseReminderDays(value);
        if (!patch.reminderDays) throw new UsageError(`「${echo(value)}」不是有效的提醒天数。请写期限前几天提醒，用逗号分开（1–60 天，最多 6 个）。`, example);
      } else if (key === "加急") {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1 || n > 60) throw new UsageError(`「${echo(value)}」不是有效的天数。请写逾期几天后加急提醒（1–60）。`, example);
        patch.buzzAfterDays = n;
      } else throw new UsageError(`不认识设置项「${echo(key)}」。可设置：提醒、加急。`, example);
    }
    await saveSettings(ctx.tx, org.id, patch);
  }
  const s = await settingsOf(ctx.tx, org.id);
  await ctx.reply(
    `${words.length ? "已保存。" : ""}「${org.name}」整改提醒设置：\n· 期限前 ${s.reminderDays.join("、")} 天私信提醒责任人（对之后登记或调整期限的事项生效）\n· 逾期后每天私信提醒，逾期第 1 天告知书记，逾期 ${s.buzzAfterDays} 天起加急提醒\n书记可修改，例如：${example}`,
  );
}

async function rectifyCommand(ctx: CommandContext): Promise<void> {
  const [first, second] = ctx.args;
  if (!first) return openForm(ctx);
  const seq = parseSeq(first);
  if (seq !== undefined) return itemCommand(ctx, seq, second);
  switch (first) {
    case "新增":
    case "登记":
    case "add":
      return addCommand(ctx);
    case "列表":
    case "list":
      return listCommand(ctx, ctx.args.slice(1));
    case "设置":
      return settingsCommand(ctx, ctx.args.slice(1));
    default:
      throw new UsageError(`不认识「${echo(first)}」。可用：${SUBCOMMANDS}。`, ADD_EXAMPLE);
  }
}

export function registerRectificationCommands(bot: Bot): void {
  bot.command({
    name: "整改",
    aliases: ["rectify"],
    group: GROUP,
    summary: "整改事项：登记（支委；个人事项请私聊我发送 /整改 新增）、列表、查看、报告进展、提交佐证、验收（验收人）",
    usage: USAGE,
    example: ADD_EXAMPLE,
    permission: "anyone",
    scope: "any",
    access:
      "列表、查看支部层面和已公开的事项：所有人（个人事项只有责任人、验收人、支委和上级党委的委员能看到）；新增、登记表单：支委；进展、佐证：责任人（支部层面事项也可以是支委）；提交：责任人；通过、退回：验收人或书记、副书记（责任人本人不能）；期限：支委或验收人；公开、取消公开：支委；设置：查看所有人，修改书记、副书记",
    run: rectifyCommand,
  });
}
