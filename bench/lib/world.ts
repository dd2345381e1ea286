/** The seeded organisations as the fake platform must know them: every member and every chat. */
import { branchOrgNo, chatIdOf, MEMBERS_PER_BRANCH, openIdOf, type SeedPlan } from "./seed.ts";

export interface FakeWorld {
  users: Array<{ openId: string; name: string }>;
  chats: Array<{ chatId: string; name: string; members: string[] }>;
}

export function fakeWorld(plan: SeedPlan): FakeWorld {
  const users: FakeWorld["users"] = [];
  const chats: FakeWorld["chats"] = [];
  const org = (orgNo: number, size: number, name: string) => {
    const members = Array.from({ length: size }, (_, j) => openIdOf(orgNo, j));
    for (const m of members) users.push({ openId: m, name: m.slice(-6) });
    chats.push({ chatId: chatIdOf(orgNo), name, members });
  };
  for (let c = 1; c <= plan.committees; c++) org(c, 7, `第${c}党委`);
  for (let b = 0; b < plan.branches; b++) org(branchOrgNo(plan, b), MEMBERS_PER_BRANCH, `第${b + 1}党支部`);
  return { users, chats };
}
