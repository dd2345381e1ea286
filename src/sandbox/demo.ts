import type { Db } from "../db/client.ts";
import type { Bot } from "../app/bot.ts";
import type { Clock } from "../core/clock.ts";
import type { FakePlatform } from "./fake-platform/index.ts";
import { dayOf } from "../features/rectification/dates.ts";
import { bindOrg, changeRole, createGroup, assignToGroup, syncMembers, ROLE_WORDS, type BranchCategory } from "../features/branches/service.ts";

/** The demo world the sandbox starts with: one committee, two bound branches, one chat to bind. */
export interface DemoPerson {
  openId: string;
  name: string;
  role: string; // the /角色 word, for the "who am I" switch
}

export interface DemoChat {
  chatId: string;
  name: string;
  kind: "branch" | "committee" | "unbound";
  category?: BranchCategory;
  people: DemoPerson[];
  groups?: Array<{ name: string; leader: string; members: string[] }>;
}

const p = (n: number, name: string, role: string): DemoPerson => ({ openId: `ou_demo${String(n).padStart(4, "0")}`, name, role });

export const DEMO_PEOPLE = {
  committeeSecretary: p(1, "马国庆", "书记"),
  committeeOfficer: p(2, "何平", "组织委员"),
  s1: p(11, "王建国", "书记"),
  o1: p(12, "李明", "组织委员"),
  x1: p(13, "张红", "宣传委员"),
  d1: p(14, "赵强", "纪检委员"),
  m1: p(15, "刘洋", "正式党员"),
  m2: p(16, "陈静", "正式党员"),
  m3: p(17, "杨帆", "正式党员"),
  m4: p(18, "黄磊", "正式党员"),
  m5: p(19, "周敏", "正式党员"),
  pr1: p(20, "孙悦", "预备党员"),
  nm1: p(21, "郑爽", "非党员"),
  s2: p(31, "吴涛", "书记"),
  m6: p(32, "徐丽", "正式党员"),
  m7: p(33, "朱军", "正式党员"),
  pr2: p(34, "高翔", "预备党员"),
  s3: p(41, "林海", "正式党员"),
  m8: p(42, "罗佳", "正式党员"),
  m9: p(43, "梁晨", "正式党员"),
};

const D = DEMO_PEOPLE;

export const DEMO_CHATS: DemoChat[] = [
  { chatId: "oc_demo_committee", name: "机关党委", kind: "committee", people: [D.committeeSecretary, D.committeeOfficer, D.s1, D.s2] },
  {
    chatId: "oc_demo_branch1",
    name: "机关第一党支部",
    kind: "branch",
    category: "gov_institution",
    people: [D.s1, D.o1, D.x1, D.d1, D.m1, D.m2, D.m3, D.m4, D.m5, D.pr1, D.nm1],
    groups: [
      { name: "第一党小组", leader: D.o1.openId, members: [D.m1.openId, D.m2.openId, D.m3.openId] },
      { name: "第二党小组", leader: D.x1.openId, members: [D.m4.openId, D.m5.openId, D.pr1.openId] },
    ],
  },
  { chatId: "oc_demo_branch2", name: "后勤服务中心党支部", kind: "branch", category: "gov_institution", people: [D.s2, D.m6, D.m7, D.pr2] },
  { chatId: "oc_demo_branch3", name: "第三党支部（待绑定）", kind: "unbound", people: [D.s3, D.m8, D.m9] },
];

/** Creates the demo people and chats in the fake platform (always: it is in memory). */
export function seedFakeWorld(fake: FakePlatform): void {
  for (const person of Object.values(DEMO_PEOPLE)) fake.addUser({ openId: person.openId, name: person.name });
  for (const chat of DEMO_CHATS) {
    fake.addChat({ chatId: chat.chatId, name: chat.name, members: chat.people.map((x) => x.openId), botIn: chat.kind !== "unbound", ownerOpenId: chat.people[0]!.openId });
  }
}

/**
 * Binds the demo committee and branches in the database through the same services the
 * binding card uses. Idempotent: a restarted sandbox keeps its data.
 */
export async function seedDemoDatabase(db: Db, clock: Clock, timezone: string): Promise<boolean> {
  if (await db.chat.findUnique({ where: { chatId: DEMO_CHATS[0]!.chatId } })) return false;
  await bindChats(db, DEMO_CHATS.filter((c) => c.kind !== "unbound"), clock.now(), timezone);
  return true;
}

/**
 * Binds chats as organisations (a committee first: the branches after it are linked to it, or
 * to `parentLinkCode`), with their people's classes and posts and their 党小组. Also used by
 * the month benchmark to build committee-sized worlds the same way.
 */
export async function bindChats(db: Db, chats: DemoChat[], now: Date, timezone: string, parentLinkCode?: string): Promise<string | undefined> {
  return db.$transaction(async (tx) => {
    let committeeCode = parentLinkCode;
    for (const chat of chats) {
      const secretary = chat.people[0]!;
      await tx.chat.create({ data: { chatId: chat.chatId, name: chat.name, addedBy: secretary.openId, addedAt: now } });
      const { org, linkCode } = await bindOrg(tx, {
        chatId: chat.chatId, kind: chat.kind as "branch" | "committee", name: chat.name, category: chat.category ?? null,
        secretary, committee: [], parentLinkCode: chat.kind === "branch" ? committeeCode : undefined,
        boundBy: secretary.openId, timezone, now,
      });
      committeeCode ??= linkCode;
      await syncMembers(tx, org.id, chat.people, now);
      for (const person of chat.people) {
        // Every person's class is set explicitly: joining a chat makes nobody a Party member.
        if (person.openId === secretary.openId) continue;
        // Branch secretaries in the committee's chat are its 正式党员 there, without a post.
        const change = ROLE_WORDS[person.role === "书记" ? "正式党员" : person.role]!;
        if (change.kind === "post") await changeRole(tx, org, person, ROLE_WORDS["正式党员"]!, now);
        await changeRole(tx, org, person, change, now, dayOf(now, timezone));
      }
      for (const g of chat.groups ?? []) {
        const leader = chat.people.find((x) => x.openId === g.leader)!;
        await createGroup(tx, org, g.name, leader);
        await assignToGroup(tx, org, g.name, chat.people.filter((x) => g.members.includes(x.openId)));
      }
    }
    return committeeCode;
  }, { timeout: 60_000 });
}

/**
 * Seeds the demo organisations once, lets the capabilities set up their schedules for them (the
 * start hooks ran before they existed), then adds the bot to the chat still waiting to be bound.
 */
export async function seedDemo(db: Db, bot: Bot, clock: Clock, fake: FakePlatform): Promise<boolean> {
  if (!(await seedDemoDatabase(db, clock, bot.deps.timezone))) return false;
  for (const hook of bot.startHooks) await db.$transaction((tx) => hook(tx, clock.now()));
  const unbound = DEMO_CHATS.find((c) => c.kind === "unbound")!;
  await fake.addBotToChat(unbound.chatId, unbound.people[0]!.openId);
  return true;
}
