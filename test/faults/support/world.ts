import { expect } from "vitest";
import { textOf, type TestBot } from "../../support/harness.ts";
import type { DemoPerson } from "../../../src/sandbox/demo.ts";
import type { FakeMessage } from "../../../src/sandbox/fake-platform/index.ts";
import { COMMAND_REFUSALS, isRefusal, USAGE_SUFFIX } from "./refusals.ts";
import { sayOverWebhook } from "./direct.ts";

/**
 * A lived-in demo world for the authorisation and forged-value tests: real objects of every
 * capability in both branches (and the committee), made the way people make them — commands
 * and card clicks through the fake platform — so a forged click can name a real meeting,
 * round, item … of this branch or of the other one.
 */

/** The seven roles of issue 9, and the committee's own 支委 for committee-chat commands and cards. */
export function rolesOf(t: TestBot) {
  const p = t.people;
  return {
    书记: p.s1, // 王建国
    委员: p.x1, // 张红, 宣传委员 (and leader of 第二党小组)
    党小组长: p.m1, // 刘洋: made leader of 第一党小组 below; not a committee member
    正式党员: p.m2, // 陈静
    预备党员: p.pr1, // 孙悦
    非党员: p.nm1, // 郑爽
    其他支部: p.m6, // 徐丽 of 后勤服务中心党支部
    党委书记: p.committeeSecretary, // 马国庆
    党委委员: p.committeeOfficer, // 何平, 组织委员 of 机关党委
  } satisfies Record<string, DemoPerson>;
}
export type RoleName = keyof ReturnType<typeof rolesOf>;

export interface Branch {
  org: number;
  chat: string;
  /** An upcoming 党员大会 (everyone on the roster who is a party member is expected). */
  partyMeeting: { id: number; seq: number };
  /** A held 党员大会 with minutes (branch1: submitted by the recorder 李明, version 1). */
  heldMeeting: { id: number; seq: number };
  /** The open 民主评议 round. */
  openRound: number;
  /** A person's score item (评星), recorded by the secretary. */
  scoreItem: number;
  orgLifeSession: number;
  /** A 谈心谈话 pair: the secretary and one member (branch1: 陈静; branch2: 徐丽). */
  talk: number;
  /** A personal rectification item (branch1: 陈静's; branch2: 徐丽's), not public. */
  personalItem: { id: number; seq: number };
  /** A branch-level item, verified and closed (in the spot check). */
  doneItem: { id: number; seq: number };
  /** A digest waiting for the secretary's line. */
  digest: number;
}

export interface World {
  committee: { org: number; chat: string; spotCheck: number; spotCheckSeq: number };
  b1: Branch & {
    /** 第一党小组's upcoming 党小组会, scheduled by its leader 刘洋. */
    groupMeeting: { id: number; seq: number };
    /** 第一党小组 (led by 刘洋). */
    firstGroup: number;
    /** The upcoming 组织生活会 (a meeting of type org_life_meeting). */
    orgLifeMeeting: { id: number; seq: number };
    /** The 2025 round: closed, determined and published (周敏 基本合格 → a disposition is due). */
    finishedRound: number;
    /** 周敏 (member id), 基本合格 in the finished round. */
    zhouMin: number;
    /** A file 陈静 sent privately that waits for her to choose the item (she has two open ones). */
    upload: number;
    /** 陈静's second personal item. */
    secondItem: { id: number; seq: number };
    linkCode: string;
  };
  b2: Branch;
  /** Member ids by open id, per organisation. */
  memberIds: Map<string, number>;
}

const idKey = (org: number, openId: string) => `${org}:${openId}`;

export function memberIdOf(w: World, org: number, person: { openId: string }): number {
  const id = w.memberIds.get(idKey(org, person.openId));
  if (id === undefined) throw new Error(`${person.openId} is not on the roster of org ${org}`);
  return id;
}

/** A command that must work: its replies (if it replies) are neither a refusal nor a usage error. */
async function sayOk(t: TestBot, who: DemoPerson, chat: string, text: string, mentions?: DemoPerson[]): Promise<void> {
  const sent = await sayOverWebhook(t, who, chat, text, mentions);
  for (const reply of t.botMessages(chat).filter((m) => m.parentId === sent.messageId).map((m) => textOf(m))) {
    expect(isRefusal(reply, COMMAND_REFUSALS) || USAGE_SUFFIX.test(reply), `${who.name}: ${text} → ${reply}`).toBe(false);
  }
}

function privateCard(t: TestBot, person: DemoPerson, action: string): FakeMessage {
  const found = t
    .botMessages(person.openId)
    .filter((m) => m.msgType === "interactive" && JSON.stringify(m.content).includes(`"a":"${action}"`))
    .at(-1);
  if (!found) throw new Error(`no card with ${action} sent to ${person.name}`);
  return found;
}

async function clickOk(t: TestBot, who: DemoPerson, card: FakeMessage, value: Record<string, unknown>, form?: Record<string, unknown>) {
  const result = await t.click(who, card, value, form);
  const toast = result.toast as { type?: string; content?: string } | undefined;
  expect(toast?.type, `${who.name} clicks ${String(value.a)}: ${toast?.content}`).not.toBe("error");
  return result;
}

export async function buildWorld(t: TestBot): Promise<World> {
  const db = t.runtime.db;
  const p = t.people;
  const { branch1: c1, branch2: c2, committee: cc } = t.chats;
  const orgOf = async (chatId: string) => (await db.partyOrg.findUniqueOrThrow({ where: { chatId } })).id;
  const [o1, o2, oc] = [await orgOf(c1), await orgOf(c2), await orgOf(cc)];
  const members = await db.member.findMany();
  const memberIds = new Map(members.map((m) => [idKey(m.orgId, m.openId), m.id]));
  const mid = (org: number, person: DemoPerson) => memberIds.get(idKey(org, person.openId))!;
  const meeting = async (org: number, type?: string) => {
    const m = await db.meeting.findFirstOrThrow({ where: { orgId: org, ...(type ? { type } : {}) }, orderBy: { id: "desc" } });
    return { id: m.id, seq: m.seqNo };
  };
  const item = async (org: number) => {
    const i = await db.rectificationItem.findFirstOrThrow({ where: { orgId: org }, orderBy: { id: "desc" } });
    return { id: i.id, seq: i.seqNo };
  };

  // ── 党小组: 刘洋 (正式党员) leads 第一党小组 instead of 李明, for a clean 党小组长 ──
  await sayOk(t, p.s1, c1, "/党小组 组长 第一党小组 @刘洋", [p.m1]);

  // ── meetings held today, with minutes ──
  await sayOk(t, p.s1, c1, "/安排 党员大会 2026-03-03 14:30 三楼会议室 学习贯彻全会精神 记录 @李明", [p.o1]);
  const held1 = await meeting(o1);
  await sayOk(t, p.s2, c2, "/安排 党员大会 2026-03-03 15:00 二楼会议室 学习贯彻全会精神");
  const held2 = await meeting(o2);
  await t.advance(new Date("2026-03-03T19:00:00+08:00").getTime() - t.clock.now().getTime());
  for (const m of [held1, held2]) expect((await db.meeting.findUniqueOrThrow({ where: { id: m.id } })).status).toBe("held");
  const form = privateCard(t, p.o1, "minutes.form");
  const submit = JSON.stringify(form.content).match(/\{"a":"minutes\.form","op":"submit"[^}]*\}/);
  expect(submit, "the minutes form's submit button").not.toBeNull();
  const formValues: Record<string, unknown> = {};
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    if (typeof o.name === "string" && o.tag === "input" && typeof o.default_value === "string") formValues[o.name] = o.default_value;
    if (typeof o.name === "string" && o.tag === "select_person" && typeof o.initial_option === "string") formValues[o.name] = o.initial_option;
    Object.values(o).forEach(walk);
  };
  walk(form.content);
  formValues.d1 = "与会同志结合工作实际逐一发言，一致表示要把学习成果转化为工作实效。";
  await clickOk(t, p.o1, form, JSON.parse(submit![0]) as Record<string, unknown>, formValues);
  expect((await db.minutes.findFirstOrThrow({ where: { meetingId: held1.id } })).version).toBe(1);

  // ── upcoming meetings ──
  await sayOk(t, p.s1, c1, "/安排 党员大会 2026-03-20 14:30 三楼会议室 学习贯彻全会精神");
  const party1 = await meeting(o1, "branch_general_meeting");
  await sayOk(t, p.m1, c1, "/安排 党小组会 2026-03-12 14:30 二楼小会议室 学习党章 第一党小组");
  const group1 = await meeting(o1, "party_group_meeting");
  await sayOk(t, p.s1, c1, "/安排 组织生活会 2026-03-26 14:30 三楼会议室 年度组织生活会");
  const orgLifeMeeting = await meeting(o1, "org_life_meeting");
  await sayOk(t, p.s2, c2, "/安排 党员大会 2026-03-21 09:00 二楼会议室 学习党章");
  const party2 = await meeting(o2, "branch_general_meeting");

  // ── 民主评议: branch1's 2025 round runs to the end; then both branches open 2026 ──
  await sayOk(t, p.s1, c1, "/评议 开始 2025年度民主评议 截止 2026-03-10");
  await sayOk(t, p.s1, c1, "/评议 结束 确认");
  const finished = await db.appraisalRound.findFirstOrThrow({ where: { orgId: o1 }, orderBy: { id: "desc" } });
  const zhouMin = mid(o1, p.m5);
  const results = await db.appraisalResult.findMany({ where: { roundId: finished.id } });
  const grades: Record<string, string> = {};
  for (const r of results) {
    grades[`f_${r.memberId}`] = r.memberId === zhouMin ? "UNQUALIFIED" : "QUALIFIED";
    grades[`r_${r.memberId}`] = "支委会结合平时表现评定";
  }
  const determine = privateCard(t, p.s1, "evaluation.determine");
  for (const page of [1, 2]) await clickOk(t, p.s1, determine, { a: "evaluation.determine", org: o1, r: finished.id, p: page }, grades);
  // The results are determined by the 党员大会 held on 3 March; the world does not simulate its
  // sign-ins, so its quorum is recorded here as the meeting would have recorded it.
  await db.meeting.update({ where: { id: held1.id }, data: { quorumMet: true } });
  await clickOk(t, p.s1, privateCard(t, p.s1, "evaluation.publish"), { a: "evaluation.publish", org: o1, r: finished.id }, { meeting: `#${held1.seq}` });
  expect((await db.appraisalRound.findUniqueOrThrow({ where: { id: finished.id } })).status).toBe("published");
  await sayOk(t, p.s1, c1, "/评议 开始 2026年度民主评议 截止 2026-03-31");
  await sayOk(t, p.s2, c2, "/评议 开始 2026年度民主评议 截止 2026-03-31");
  const openRound = async (org: number) => (await db.appraisalRound.findFirstOrThrow({ where: { orgId: org, status: "open" } })).id;

  // ── 评星: each secretary records one item for a member ──
  const score = async (who: DemoPerson, chat: string, org: number, target: DemoPerson) => {
    await sayOk(t, who, chat, "/评星");
    await clickOk(t, who, privateCard(t, who, "evaluation.score"), { a: "evaluation.score", org }, { member: String(mid(org, target)), item: "D01", points: "1", evidence: "3 月 3 日党员大会考勤记录" });
    return (await db.appraisalScoreItem.findFirstOrThrow({ where: { orgId: org }, orderBy: { id: "desc" } })).id;
  };
  const score1 = await score(p.s1, c1, o1, p.m3);
  const score2 = await score(p.s2, c2, o2, p.m7);

  // ── 组织生活会: talks planned in both branches ──
  await sayOk(t, p.s1, c1, "/组织生活会 谈心");
  await sayOk(t, p.s2, c2, "/组织生活会 谈心");
  const session = async (org: number) => (await db.orgLifeSession.findFirstOrThrow({ where: { orgId: org } })).id;
  const talk = async (org: number, a: DemoPerson, b: DemoPerson) =>
    (await db.heartTalk.findFirstOrThrow({ where: { sessionId: await session(org), aMemberId: mid(org, a), bMemberId: mid(org, b) } })).id;

  // ── 整改: personal items, a branch-level item carried to a verified close, an upload to place ──
  await sayOk(t, p.s1, c1, "/整改 新增 @陈静 2026-04-30 学习笔记不完整 措施：每月补写学习心得", [p.m2]);
  const personal1 = await item(o1);
  await sayOk(t, p.s1, c1, "/整改 新增 @陈静 2026-04-30 发言准备不充分", [p.m2]);
  const second1 = await item(o1);
  await sayOk(t, p.s1, c1, "/整改 新增 支部 @李明 验收 @王建国 2026-04-30 支部学习记录不全", [p.o1, p.s1]);
  const done1 = await item(o1);
  await sayOk(t, p.o1, c1, `/整改 #${done1.seq} 提交 已补齐 2025 年学习记录`);
  await sayOk(t, p.s1, c1, `/整改 #${done1.seq} 通过 记录齐全`);
  await t.fake.sendUserFile({ p2pOpenId: p.m2.openId, senderOpenId: p.m2.openId, fileName: "学习心得.pdf" });
  await t.settle();
  const upload = await db.rectificationEvidence.findFirstOrThrow({ where: { uploadedBy: p.m2.openId, itemId: null } });
  await sayOk(t, p.s2, c2, "/整改 新增 @徐丽 2026-04-30 学习笔记不完整", [p.m6]);
  const personal2 = await item(o2);
  await sayOk(t, p.s2, c2, "/整改 新增 支部 @朱军 验收 @吴涛 2026-04-30 支部学习记录不全", [p.m7, p.s2]);
  const done2 = await item(o2);
  await sayOk(t, p.m7, c2, `/整改 #${done2.seq} 提交 已补齐学习记录`);
  await sayOk(t, p.s2, c2, `/整改 #${done2.seq} 通过 记录齐全`);

  // ── 抽查: the committee samples everything closed this quarter ──
  await sayOk(t, p.committeeSecretary, cc, "/抽查 100% 2026Q1");
  const sc = await db.spotCheck.findFirstOrThrow({ where: { committeeId: oc }, include: { items: true } });
  expect(sc.items.map((i) => i.itemId).sort()).toEqual([done1.id, done2.id].sort());

  // ── 周报寄语: what the invite job leaves for each secretary before Monday's digest ──
  const digest = async (org: number) =>
    (await db.digest.create({ data: { orgId: org, kind: "branch_weekly", periodKey: "2026-W11", scheduledFor: new Date("2026-03-09T09:00:00+08:00"), status: "invited" } })).id;

  const linkCode = (await db.partyOrg.findUniqueOrThrow({ where: { id: oc } })).linkCode;
  expect(linkCode).toBeTruthy();
  return {
    committee: { org: oc, chat: cc, spotCheck: sc.id, spotCheckSeq: sc.seqNo },
    b1: {
      org: o1, chat: c1, partyMeeting: party1, heldMeeting: held1, openRound: await openRound(o1), scoreItem: score1,
      orgLifeSession: await session(o1), talk: await talk(o1, p.s1, p.m2), personalItem: personal1, doneItem: done1, digest: await digest(o1),
      groupMeeting: group1, orgLifeMeeting, firstGroup: (await db.partyGroup.findFirstOrThrow({ where: { orgId: o1, name: "第一党小组" } })).id, finishedRound: finished.id, zhouMin, upload: upload.id, secondItem: second1, linkCode: linkCode!,
    },
    b2: {
      org: o2, chat: c2, partyMeeting: party2, heldMeeting: held2, openRound: await openRound(o2), scoreItem: score2,
      orgLifeSession: await session(o2), talk: await talk(o2, p.s2, p.m6), personalItem: personal2, doneItem: done2, digest: await digest(o2),
    },
    memberIds,
  };
}
