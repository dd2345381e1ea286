import type { Bot } from "../../app/bot.ts";
import { UsageError, type CommandContext } from "../../app/context.ts";
import { splitMentions, requireOne, echo } from "../../app/args.ts";
import { roleLabel, type Actor } from "../../app/roles.ts";
import { mention } from "../../app/cards.ts";
import {
  assignToGroup, changeRole, childOrgs, createGroup, ensureLinkCode, fullMemberCount, linkToParent, listGroups, listMembers,
  setGroupLeader, ROLE_EXAMPLE, ROLE_WORDS, type MemberView,
} from "./service.ts";
import { postBindingCard } from "./binding.ts";
import { parseDay } from "../rectification/dates.ts";

const GROUP = "支部与成员";

function membersCardData(orgName: string, members: MemberView[], groups: Awaited<ReturnType<typeof listGroups>>) {
  const label = (m: MemberView) => `${m.name}（${roleLabel({ memberClass: m.memberClass, post: m.post }, m.committeeDuty)}）`;
  const committee = members.filter((m) => m.post);
  const full = members.filter((m) => !m.post && m.memberClass === "full");
  const probationary = members.filter((m) => m.memberClass === "probationary");
  const observers = members.filter((m) => m.memberClass === "non_member");
  const pending = members.filter((m) => m.memberClass === "pending");
  const sections = [
    { title: `支委（${committee.length} 人）`, lines: committee.map(label).join("、") || "暂无" },
    { title: `正式党员（${full.length + committee.length} 人，含支委）`, lines: full.map((m) => m.name).join("、") || "—" },
    ...(probationary.length ? [{ title: `预备党员（${probationary.length} 人，无表决权）`, lines: probationary.map((m) => m.name).join("、") }] : []),
    ...(observers.length ? [{ title: `非党员 / 列席（${observers.length} 人，不计入统计）`, lines: observers.map((m) => m.name).join("、") }] : []),
  ];
  return {
    orgName,
    summary: `共 ${members.length} 人：正式党员 ${fullMemberCount(members)} 人，预备党员 ${probationary.length} 人，非党员 ${observers.length} 人${pending.length ? `，待确认 ${pending.length} 人` : ""}`,
    sections,
    groups: groups.map((g) => ({ name: g.name, leader: g.leader ?? "未设", members: g.members.join("、") || "暂无成员" })),
    notes: [
      pending.length
        ? `待确认 ${pending.length} 人：${pending.map((m) => m.name).join("、")}。进群不等于党员身份，确认前不计入应到、法定人数和任何统计；书记已收到确认卡片，也可发送 /角色 @成员 正式党员（或 预备党员 接收日期、非党员）。`
        : "新进群的成员先列为「待确认」，由书记确认身份（正式党员、预备党员或非党员）后才计入统计。",
    ],
  };
}

async function membersCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const [members, groups] = await Promise.all([listMembers(ctx.tx, org.id), listGroups(ctx.tx, org.id)]);
  await ctx.replyCard("members", membersCardData(org.name, members, groups));
}

async function roleCommand(ctx: CommandContext) {
  const { people, words } = splitMentions(ctx.args, ctx.mentions);
  const target = requireOne(people, "要调整的成员（请 @ 该成员）", ROLE_EXAMPLE);
  const word = words[0];
  const change = word ? ROLE_WORDS[word] : undefined;
  if (!change) {
    throw new UsageError(`${word ? `不认识身份「${echo(word)}」。` : "缺少身份。"}可选：${Object.keys(ROLE_WORDS).join("、")}。`, ROLE_EXAMPLE);
  }
  const admittedOn = words.slice(1).map(parseDay).find((d) => d !== undefined);
  const note = await changeRole(ctx.tx, ctx.org!, target, change, ctx.now, admittedOn);
  await ctx.reply(`已将 ${target.name} 设为${word}。${note ? `\n${note}` : ""}`);
}

const GROUP_EXAMPLE = "/党小组 新建 第一党小组 @张三";

async function groupCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const { people, words } = splitMentions(ctx.args, ctx.mentions);
  const [verb, name] = words;
  if (!verb) {
    const groups = await listGroups(ctx.tx, org.id);
    await ctx.reply(
      groups.length
        ? groups.map((g) => `${g.name}（组长：${g.leader ?? "未设"}）：${g.members.join("、") || "暂无成员"}`).join("\n")
        : `本支部还没有党小组。书记可发送 ${GROUP_EXAMPLE} 新建。`,
    );
    return;
  }
  if (!ctx.actor?.post) throw new UsageError("只有支委（书记、副书记、委员）可以调整党小组。");
  if (!name) throw new UsageError("缺少党小组名称。", GROUP_EXAMPLE);
  switch (verb) {
    case "新建":
      await createGroup(ctx.tx, org, name, people[0]);
      await ctx.reply(`已新建党小组「${name}」${people[0] ? `，组长 ${people[0].name}` : ""}。`);
      return;
    case "组长":
      await setGroupLeader(ctx.tx, org, name, requireOne(people, "组长（请 @ 该成员）", `/党小组 组长 ${name} @李四`));
      await ctx.reply(`已设 ${people[0]!.name} 为「${name}」组长。`);
      return;
    case "分配": {
      if (people.length === 0) throw new UsageError("请 @ 要分到该党小组的成员。", `/党小组 分配 ${name.length > 20 ? "第一党小组" : name} @李四 @王五`);
      await assignToGroup(ctx.tx, org, name, people);
      await ctx.reply(`已把 ${people.map((p) => p.name).join("、")} 分到「${name}」。`);
      return;
    }
    default:
      throw new UsageError(`不认识「${echo(verb)}」。可用：新建、组长、分配。`, GROUP_EXAMPLE);
  }
}

async function bindCommand(ctx: CommandContext) {
  if (ctx.message.chatType !== "group") throw new UsageError("请在要绑定的群里发送 /绑定。");
  if (ctx.org) {
    await ctx.reply(`本群已绑定为「${ctx.org.name}」。成员和分工可用 /成员、/角色 调整。`);
    return;
  }
  const chat = await ctx.tx.chat.findUnique({ where: { chatId: ctx.message.chatId } });
  await postBindingCard(ctx.out, ctx.message.chatId, chat?.name ?? "本群", chat?.addedBy ?? ctx.message.senderOpenId);
}

const TERM_EXAMPLE = "/换届 2024-06-01";

async function termCommand(ctx: CommandContext) {
  const org = ctx.org!;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(ctx.args[0] ?? "");
  const at = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 4)) : undefined;
  if (!at || Number.isNaN(at.getTime()) || at > ctx.now) throw new UsageError("请写明本届支委会的选举日期（不晚于今天）。", TERM_EXAMPLE);
  await ctx.tx.partyOrg.update({ where: { id: org.id }, data: { committeeTermStart: at } });
  const years = org.category === "village_community" ? 5 : 3;
  await ctx.reply(`已记录本届支委会于 ${ctx.args[0]} 选举产生，任期 ${years} 年。届满前 6 个月我会提醒书记筹备换届。`);
}

const SECRETARY_TYPE_EXAMPLE = "/书记类型 兼职 非一把手";

/** 专职/兼职 and whether the secretary is also the unit's head: indicators compare within a type. */
async function secretaryTypeCommand(ctx: CommandContext) {
  const words = new Set(ctx.args);
  const tenure = words.has("专职") ? "full_time" : words.has("兼职") ? "part_time" : undefined;
  const unitHead = words.has("一把手") ? true : words.has("非一把手") ? false : undefined;
  if (!tenure && unitHead === undefined) throw new UsageError("请写明专职或兼职，以及是否由行政一把手兼任。", SECRETARY_TYPE_EXAMPLE);
  await ctx.tx.partyOrg.update({ where: { id: ctx.org!.id }, data: { ...(tenure ? { secretaryTenure: tenure } : {}), ...(unitHead !== undefined ? { secretaryIsUnitHead: unitHead } : {}) } });
  await ctx.reply(`已记录书记类型：${ctx.args.join(" ")}。上级党委的周报只在同类型书记之间比较履职情况。`);
}

async function linkCodeCommand(ctx: CommandContext) {
  const code = await ensureLinkCode(ctx.tx, ctx.org!);
  await ctx.reply(`本党委的关联码是 ${code}。\n请各支部书记在支部群里发送：/关联 ${code}`);
}

async function linkCommand(ctx: CommandContext) {
  const code = ctx.args[0];
  if (!code) throw new UsageError("缺少关联码。", "/关联 K7M2QX");
  const parent = await linkToParent(ctx.tx, ctx.org!, code);
  await ctx.reply(`已将「${ctx.org!.name}」关联到上级「${parent.name}」。上级的周报和抽查将包含本支部。`);
  await ctx.out.forOrg(parent.id).text({ chatId: parent.chatId }, `「${ctx.org!.name}」已关联到本党委。发送 /下级 查看全部下级支部。`);
}

async function childrenCommand(ctx: CommandContext) {
  const children = await childOrgs(ctx.tx, ctx.org!.id);
  await ctx.reply(
    children.length
      ? `下级支部（${children.length} 个）：\n${children.map((c, i) => `${i + 1}. ${c.name}（${c.memberCount} 人）`).join("\n")}`
      : `还没有支部关联到本党委。请把关联码告诉支部书记：发送 /关联码 查看。`,
  );
}

export function registerBranchCommands(bot: Bot): void {
  bot
    .command({ name: "绑定", aliases: ["bind"], group: GROUP, summary: "（重新）发出本群的绑定卡片", usage: "/绑定", example: "/绑定", permission: "anyone", scope: "any", access: "已绑定的群只回复绑定情况；绑定卡片只能由把我拉进群的同志提交", run: bindCommand })
    .command({ name: "成员", aliases: ["members"], group: GROUP, summary: "查看成员名单与分工", usage: "/成员", example: "/成员", permission: "member", scope: "org", run: membersCommand })
    .command({ name: "角色", aliases: ["role"], group: GROUP, summary: "设置成员身份或职务（书记、委员、预备党员、非党员…）", usage: "/角色 @成员 <身份>", example: ROLE_EXAMPLE, permission: "secretary", scope: "org", run: roleCommand })
    .command({ name: "党小组", aliases: ["group"], group: GROUP, summary: "查看党小组；支委可新建、设组长、分配成员", usage: "/党小组 [新建|组长|分配] <名称> [@成员…]", example: GROUP_EXAMPLE, permission: "member", scope: "branch", access: "查看：党员；新建、组长、分配：支委", run: groupCommand })
    .command({ name: "换届", aliases: ["term"], group: GROUP, summary: "记录本届支委会的选举日期（用于任期届满提醒）", usage: "/换届 <YYYY-MM-DD>", example: TERM_EXAMPLE, permission: "secretary", scope: "branch", run: termCommand })
    .command({ name: "书记类型", aliases: ["secretarytype"], group: GROUP, summary: "登记书记是专职还是兼职、是否行政一把手兼任（用于分类评估）", usage: "/书记类型 <专职|兼职> [一把手|非一把手]", example: SECRETARY_TYPE_EXAMPLE, permission: "secretary", scope: "branch", run: secretaryTypeCommand })
    .command({ name: "关联", aliases: ["link"], group: GROUP, summary: "把本支部关联到上级党委", usage: "/关联 <关联码>", example: "/关联 K7M2QX", permission: "secretary", scope: "branch", run: linkCommand })
    .command({ name: "关联码", aliases: ["linkcode"], group: GROUP, summary: "查看本党委的关联码（党委群）", usage: "/关联码", example: "/关联码", permission: "committee", scope: "committee", run: linkCodeCommand })
    .command({ name: "下级", aliases: ["branches"], group: GROUP, summary: "查看关联到本党委的支部（党委群）", usage: "/下级", example: "/下级", permission: "member", scope: "committee", run: childrenCommand });
}

export type { Actor };
export { mention };
