import { randomInt } from "node:crypto";
import type { Tx } from "../../db/client.ts";
import type { OrgInfo, OrgKind } from "../../app/context.ts";
import { toOrgInfo } from "../../app/actors.ts";
import { MEMBER_CLASS_LABEL, type CommitteeDuty, type MemberClass, type Post } from "../../app/roles.ts";
import { dayOf, localTime } from "../rectification/dates.ts";
import { UsageError } from "../../app/context.ts";
import { echo } from "../../app/args.ts";

export type BranchCategory = "gov_institution" | "village_community" | "new_econ_social_org";

export const CATEGORY_LABEL: Record<BranchCategory, string> = {
  gov_institution: "机关事业单位",
  village_community: "村（社区）",
  new_econ_social_org: "两新组织",
};

export const KIND_LABEL: Record<OrgKind, string> = { branch: "党支部", committee: "党委（总支）" };

export interface Person {
  openId: string;
  name: string;
}

export interface BindingRequest {
  chatId: string;
  kind: OrgKind;
  name: string;
  category: BranchCategory | null;
  secretary: Person;
  committee: Person[];
  parentLinkCode?: string;
  boundBy: string;
  timezone: string;
  now: Date;
}

export interface MemberView {
  id: number;
  openId: string;
  name: string;
  memberClass: MemberClass;
  post: Post | null;
  committeeDuty: CommitteeDuty | null;
  groupName: string | null;
  leadsGroup: boolean;
}

const LINK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function newLinkCode(): string {
  return Array.from({ length: 6 }, () => LINK_ALPHABET[randomInt(LINK_ALPHABET.length)]).join("");
}

/**
 * Adds or re-activates a person in an organisation; never downgrades an existing record. A new
 * person is 待确认 (pending) unless the caller knows better: joining a chat says nothing about
 * Party membership, so the secretary classifies them (pending.ts) and until then they count in nothing.
 */
export async function upsertMember(tx: Tx, orgId: number, p: Person, now: Date, defaults: { memberClass?: MemberClass; post?: Post | null } = {}) {
  return tx.member.upsert({
    where: { orgId_openId: { orgId, openId: p.openId } },
    create: { orgId, openId: p.openId, name: p.name || "未命名成员", joinedAt: now, memberClass: defaults.memberClass ?? "pending", post: defaults.post ?? null },
    update: { active: true, leftAt: null, ...(p.name ? { name: p.name } : {}), ...(defaults.post !== undefined ? { post: defaults.post } : {}) },
  });
}

/** Binds a chat as a branch or committee; the secretary and committee come from the card. */
export async function bindOrg(tx: Tx, req: BindingRequest): Promise<{ org: OrgInfo; parent?: OrgInfo; linkCode?: string }> {
  const existing = await tx.partyOrg.findUnique({ where: { chatId: req.chatId } });
  if (existing) throw new UsageError(`本群已绑定为「${existing.name}」，无需重复绑定。`);
  let parentId: number | null = null;
  let parent: OrgInfo | undefined;
  if (req.parentLinkCode) {
    const p = await tx.partyOrg.findUnique({ where: { linkCode: req.parentLinkCode.trim().toUpperCase() } });
    if (!p) throw new UsageError(`关联码「${echo(req.parentLinkCode)}」不存在。请在上级党委群里发送 /关联码 获取，例如：K7M2QX`);
    parentId = p.id;
    parent = toOrgInfo(p);
  }
  const linkCode = req.kind === "committee" ? newLinkCode() : null;
  const org = await tx.partyOrg.create({
    data: {
      kind: req.kind,
      name: req.name.trim(),
      category: req.category,
      chatId: req.chatId,
      parentId,
      timezone: req.timezone,
      boundBy: req.boundBy,
      boundAt: req.now,
      linkCode,
    },
  });
  // Posts are held by 正式党员 only: the binding card names them, so their class is known.
  await upsertMember(tx, org.id, req.secretary, req.now, { post: "secretary", memberClass: "full" });
  for (const c of req.committee) {
    if (c.openId !== req.secretary.openId) await upsertMember(tx, org.id, c, req.now, { post: "committee_member", memberClass: "full" });
  }
  return { org: toOrgInfo(org), parent, linkCode: linkCode ?? undefined };
}

/** Brings the roster in line with the chat: new people join as 待确认 until the secretary classifies them. */
export async function syncMembers(tx: Tx, orgId: number, people: Person[], now: Date): Promise<{ added: number; left: number }> {
  const current = await tx.member.findMany({ where: { orgId } });
  const byOpenId = new Map(current.map((m) => [m.openId, m]));
  const present = new Set(people.map((p) => p.openId));
  let added = 0;
  for (const p of people) {
    const m = byOpenId.get(p.openId);
    if (!m || !m.active) added++;
    if (!m || !m.active || (p.name && m.name !== p.name)) await upsertMember(tx, orgId, p, now);
  }
  const leaving = current.filter((m) => m.active && !present.has(m.openId)).map((m) => m.id);
  if (leaving.length) await tx.member.updateMany({ where: { id: { in: leaving } }, data: { active: false, leftAt: now } });
  return { added, left: leaving.length };
}

export async function markLeft(tx: Tx, orgId: number, openIds: string[], now: Date): Promise<number> {
  const { count } = await tx.member.updateMany({ where: { orgId, openId: { in: openIds }, active: true }, data: { active: false, leftAt: now } });
  return count;
}

export async function listMembers(tx: Tx, orgId: number): Promise<MemberView[]> {
  const rows = await tx.member.findMany({ where: { orgId, active: true }, include: { partyGroup: true }, orderBy: { id: "asc" } });
  // The organisation's own groups, not a relation count (which groups the whole table).
  const leaders = new Set((await tx.partyGroup.findMany({ where: { orgId }, select: { leaderId: true } })).map((g) => g.leaderId));
  return rows.map((m) => ({
    id: m.id,
    openId: m.openId,
    name: m.name,
    memberClass: m.memberClass as MemberClass,
    post: (m.post as Post | null) ?? null,
    committeeDuty: (m.committeeDuty as CommitteeDuty | null) ?? null,
    groupName: m.partyGroup?.name ?? null,
    leadsGroup: leaders.has(m.id),
  }));
}

export function fullMemberCount(members: MemberView[]): number {
  return members.filter((m) => m.memberClass === "full").length;
}

/** Roles a secretary can set with /角色, by their Chinese names. */
export type RoleChange =
  | { kind: "post"; post: Post; duty?: CommitteeDuty }
  | { kind: "clear_post" }
  | { kind: "class"; memberClass: MemberClass };

export const ROLE_WORDS: Record<string, RoleChange> = {
  书记: { kind: "post", post: "secretary" },
  副书记: { kind: "post", post: "deputy_secretary" },
  委员: { kind: "post", post: "committee_member" },
  组织委员: { kind: "post", post: "committee_member", duty: "organization" },
  宣传委员: { kind: "post", post: "committee_member", duty: "publicity" },
  纪检委员: { kind: "post", post: "committee_member", duty: "discipline" },
  免去职务: { kind: "clear_post" },
  正式党员: { kind: "class", memberClass: "full" },
  预备党员: { kind: "class", memberClass: "probationary" },
  非党员: { kind: "class", memberClass: "non_member" },
};

export const ROLE_EXAMPLE = "/角色 @张三 预备党员 2026-01-15";

/** The 预备期 runs from the day the branch meeting admitted the person (domain.md §1.4), as the secretary enters it. */
export function requireAdmissionDay(name: string, day: string | undefined, today: string): string {
  if (!day) throw new UsageError(`请写明 ${name} 被支部党员大会接收为预备党员的日期（预备期从这一天算起）。`, ROLE_EXAMPLE);
  if (day > today) throw new UsageError(`接收日期 ${day} 晚于今天，请写支部党员大会通过接收的日期。`, ROLE_EXAMPLE);
  return day;
}

/** Applies a role change after checking the rules; returns a note for the reply, if any. */
export async function changeRole(tx: Tx, org: OrgInfo, target: Person, change: RoleChange, now: Date, admittedOn?: string): Promise<string | undefined> {
  const member = await tx.member.findUnique({ where: { orgId_openId: { orgId: org.id, openId: target.openId } } });
  if (!member || !member.active) throw new UsageError(`${target.name} 不在本${org.kind === "branch" ? "支部" : "组织"}的成员名单中（需要先在群里）。`, ROLE_EXAMPLE);
  if (change.kind === "class") {
    if (change.memberClass !== "full" && member.post) {
      throw new UsageError(`${member.name} 目前担任职务，职务须由正式党员担任。请先发送 /角色 @${member.name} 免去职务。`);
    }
    const probationStart = change.memberClass === "probationary"
      ? dayStart(requireAdmissionDay(member.name, admittedOn, dayOf(now, org.timezone)), org.timezone)
      : undefined;
    await tx.member.update({ where: { id: member.id }, data: { memberClass: change.memberClass, ...(probationStart ? { probationStart } : {}) } });
    return change.memberClass === "probationary" ? `预备期从 ${admittedOn} 算起。预备党员参加会议、可以发言，但不参与表决，也不计入表决的应到人数。` : undefined;
  }
  if (change.kind === "clear_post") {
    if (member.post === "secretary") throw new UsageError("书记职务不能直接免去：请先发送 /角色 @新书记 书记 设置新的书记，原书记会自动改为委员。");
    await tx.member.update({ where: { id: member.id }, data: { post: null, committeeDuty: null } });
    return undefined;
  }
  if (member.memberClass !== "full") {
    throw new UsageError(`${member.name} 是${MEMBER_CLASS_LABEL[member.memberClass as MemberClass] ?? "非党员"}，${member.memberClass === "pending" ? "请先确认身份为正式党员，职务须由正式党员担任。" : "没有选举权和被选举权，不能担任支部职务。"}`);
  }
  let note: string | undefined;
  if (change.post === "secretary") {
    const current = await tx.member.findFirst({ where: { orgId: org.id, post: "secretary", active: true, NOT: { id: member.id } } });
    if (current) {
      await tx.member.update({ where: { id: current.id }, data: { post: "committee_member" } });
      note = `原书记 ${current.name} 已改为委员；如需免去，请发送 /角色 @${current.name} 免去职务。`;
    }
  }
  await tx.member.update({ where: { id: member.id }, data: { post: change.post, committeeDuty: change.duty ?? null } });
  if (change.post === "committee_member" && org.kind === "branch") {
    const full = await tx.member.count({ where: { orgId: org.id, active: true, memberClass: "full" } });
    if (full < 7) {
      note = `提示：本支部正式党员 ${full} 人，不足 7 人的支部一般不设支部委员会，只设书记（可设副书记）。`;
    }
  }
  return note;
}

export async function ensureLinkCode(tx: Tx, org: OrgInfo): Promise<string> {
  const row = await tx.partyOrg.findUniqueOrThrow({ where: { id: org.id } });
  if (row.linkCode) return row.linkCode;
  const code = newLinkCode();
  await tx.partyOrg.update({ where: { id: org.id }, data: { linkCode: code } });
  return code;
}

export async function linkToParent(tx: Tx, branch: OrgInfo, code: string): Promise<OrgInfo> {
  const parent = await tx.partyOrg.findUnique({ where: { linkCode: code.trim().toUpperCase() } });
  if (!parent || parent.kind !== "committee") {
    throw new UsageError(`关联码「${echo(code)}」不存在。请在上级党委群里发送 /关联码 获取。`, "/关联 K7M2QX");
  }
  if (parent.id === branch.id) throw new UsageError("不能把组织关联到它自己。");
  await tx.partyOrg.update({ where: { id: branch.id }, data: { parentId: parent.id } });
  return toOrgInfo(parent);
}

export async function childOrgs(tx: Tx, parentId: number): Promise<Array<OrgInfo & { memberCount: number }>> {
  const rows = await tx.partyOrg.findMany({
    where: { parentId },
    include: { _count: { select: { members: { where: { active: true } } } } },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({ ...toOrgInfo(r), memberCount: r._count.members }));
}

// ── 党小组 ──

export async function createGroup(tx: Tx, org: OrgInfo, name: string, leader?: Person): Promise<void> {
  // Group names show on the member list and meeting cards: a long one would overflow them.
  if (name.length > 20) throw new UsageError("党小组名称最多 20 个字。", "/党小组 新建 第一党小组 @张三");
  const exists = await tx.partyGroup.findUnique({ where: { orgId_name: { orgId: org.id, name } } });
  if (exists) throw new UsageError(`党小组「${name}」已存在。`, `/党小组 组长 ${name} @李四`);
  const group = await tx.partyGroup.create({ data: { orgId: org.id, name } });
  if (leader) await setGroupLeader(tx, org, name, leader);
  void group;
}

async function groupByName(tx: Tx, org: OrgInfo, name: string) {
  const group = await tx.partyGroup.findUnique({ where: { orgId_name: { orgId: org.id, name } } });
  if (!group) throw new UsageError(`没有名为「${echo(name)}」的党小组。发送 /党小组 查看现有党小组。`, `/党小组 新建 ${name.length > 20 ? "第一党小组" : name} @张三`);
  return group;
}

async function activeMember(tx: Tx, org: OrgInfo, p: Person) {
  const m = await tx.member.findUnique({ where: { orgId_openId: { orgId: org.id, openId: p.openId } } });
  if (!m || !m.active) throw new UsageError(`${p.name} 不在本支部成员名单中。`);
  return m;
}

export async function setGroupLeader(tx: Tx, org: OrgInfo, name: string, leader: Person): Promise<void> {
  const group = await groupByName(tx, org, name);
  const m = await activeMember(tx, org, leader);
  await tx.partyGroup.update({ where: { id: group.id }, data: { leaderId: m.id } });
  await tx.member.update({ where: { id: m.id }, data: { partyGroupId: group.id } });
}

export async function assignToGroup(tx: Tx, org: OrgInfo, name: string, people: Person[]): Promise<number> {
  const group = await groupByName(tx, org, name);
  for (const p of people) {
    const m = await activeMember(tx, org, p);
    await tx.member.update({ where: { id: m.id }, data: { partyGroupId: group.id } });
  }
  return people.length;
}

export async function listGroups(tx: Tx, orgId: number) {
  const groups = await tx.partyGroup.findMany({
    where: { orgId },
    // `orgId` as well (a group's members are the organisation's): Member has no index on its
    // group, so without it every /党小组 read all members of every branch (4 ms at 60,000).
    include: { leader: true, members: { where: { active: true, orgId } } },
    orderBy: { id: "asc" },
  });
  return groups.map((g) => ({ name: g.name, leader: g.leader?.name ?? null, members: g.members.map((m) => m.name) }));
}

/** Midnight at the start of a day in the organisation's zone. */
function dayStart(day: string, tz: string): Date {
  return localTime(day, "00:00", tz);
}
