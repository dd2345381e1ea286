/**
 * `npm run bench:month`: a month of branch life (1–31 March 2026) for a committee and N branches
 * of 30 members (default 3), through the real entry points against the embedded fake Open
 * Platform, and the Open Platform calls it cost: per branch-month, by endpoint and by cause
 * (issue #22 item 5). The calls come from the bot's own count (table ApiCallCount), checked
 * against what the fake platform received.
 *
 * Per branch: the meetings the rules ask for in March (支委会, 党员大会, 3 党小组会, 党课, 主题党日)
 * scheduled on the 2nd; for each notice 70 % answer 参加 by button, 10 % 请假 with a reason, 20 %
 * stay silent; 80 % of those who said 参加 sign in; three 整改 items (one closed, one overdue, one
 * open); the clock runs hour by hour so reminders, nudges, sign-in cards, digests and overdue
 * notices fire as they would. Minutes are not filled in (the recorder is only asked).
 *
 * Options: --branches N, --out FILE (JSON; default bench/results/month.json, and then the month
 * section of bench/README.md is rewritten; with --out the README is left alone). MONTH_DEBUG=1
 * prints the texts and cards sent by their first words, and the failed rows: where calls go.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { startTestBot, type TestBot } from "../../test/support/harness.ts";
import { bindChats, type DemoChat, type DemoPerson } from "../../src/sandbox/demo.ts";
import { mulberry32 } from "../../src/sandbox/fake-platform/faults.ts";
import { ROOT } from "../lib/bot.ts";
import { writeMonthSection } from "./report.ts";

const args = process.argv.slice(2);
const BRANCHES = Number(args[args.indexOf("--branches") + 1]) || 3;
const OUT = args.includes("--out") ? args[args.indexOf("--out") + 1]! : join(ROOT, "bench/results/month.json");
const MEMBERS = 30;
const HOUR = 3_600_000;
const rand = mulberry32(20260301);

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚";

function branchChat(b: number): DemoChat {
  const people: DemoPerson[] = Array.from({ length: MEMBERS }, (_, j) => ({
    openId: `ou_month${String(b).padStart(2, "0")}${String(j).padStart(2, "0")}`,
    name: `${SURNAMES[(b * 7 + j) % SURNAMES.length]}${GIVEN[(b * 3 + j * 5) % GIVEN.length]}${j}`,
    role: j === 0 ? "书记" : j === 1 ? "副书记" : j === 2 ? "组织委员" : j === 3 ? "宣传委员" : j === 4 ? "纪检委员" : j === 29 ? "非党员" : j >= 27 ? "预备党员" : "正式党员",
  }));
  const groups = [0, 1, 2].map((g) => {
    const members = people.filter((_, j) => j >= 5 && j < 29 && j % 3 === g);
    return { name: `第${"一二三"[g]}党小组`, leader: members[0]!.openId, members: members.map((m) => m.openId) };
  });
  return { chatId: `oc_month_branch${b}`, name: `月度测算第${b + 1}党支部`, kind: "branch", category: "gov_institution", people, groups };
}

const committee: DemoChat = {
  chatId: "oc_month_committee", name: "月度测算党委", kind: "committee",
  people: [{ openId: "ou_monthc00", name: "党委书记", role: "书记" }, { openId: "ou_monthc01", name: "党委委员", role: "组织委员" }],
};

async function world(t: TestBot, chats: DemoChat[]) {
  for (const c of chats) {
    for (const p of c.people) t.fake.addUser({ openId: p.openId, name: p.name });
    t.fake.addChat({ chatId: c.chatId, name: c.name, members: c.people.map((p) => p.openId), botIn: true, ownerOpenId: c.people[0]!.openId });
  }
  await bindChats(t.runtime.db, chats, t.clock.now(), "Asia/Shanghai");
  for (const hook of t.runtime.bot.startHooks) await t.runtime.db.$transaction((tx) => hook(tx, t.clock.now()));
  await t.settle();
}

/** March's meetings for one branch: [command, when (local)] */
function meetingsFor(chat: DemoChat): string[] {
  const g = chat.groups!;
  return [
    `/安排 支委会 2026-03-06 14:30 支部办公室 研究三月工作`,
    `/安排 党员大会 2026-03-13 14:30 三楼会议室 学习贯彻全会精神`,
    `/安排 党小组会 2026-03-17 15:00 二楼小会议室 学习党章 ${g[0]!.name}`,
    `/安排 党小组会 2026-03-18 15:00 二楼小会议室 学习党章 ${g[1]!.name}`,
    `/安排 党小组会 2026-03-19 15:00 二楼小会议室 学习党章 ${g[2]!.name}`,
    `/安排 党课 2026-03-20 15:00 三楼会议室 主讲 @${chat.people[0]!.name} 党史专题`,
    `/安排 主题党日 2026-03-25 09:00 社区服务中心 志愿服务`,
  ];
}

async function main() {
  const t = await startTestBot({ seed: false, env: { LARK_MONTHLY_CALL_BUDGET: "10000" } });
  const started = Date.now();
  try {
    const branches = Array.from({ length: BRANCHES }, (_, b) => branchChat(b));
    await world(t, [committee, ...branches]);
    const db = t.runtime.db;
    const orgIds = new Map<string, number>();
    for (const c of [committee, ...branches]) orgIds.set(c.chatId, (await db.partyOrg.findUniqueOrThrow({ where: { chatId: c.chatId } })).id);
    const callsBefore = await db.apiCallCount.aggregate({ _sum: { calls: true } });
    const fakeBefore = t.fake.calls.length;

    // ── the 2nd: meetings scheduled, 整改 registered ──
    for (const chat of branches) {
      const sec = chat.people[0]!;
      for (const cmd of meetingsFor(chat)) {
        await t.say(sec.openId, chat.chatId, cmd, cmd.includes("主讲") ? { mentions: [sec] } : {});
      }
      for (const [i, due] of ["2026-03-10", "2026-03-16", "2026-03-31"].entries()) {
        const owner = chat.people[5 + i]!;
        await t.say(sec.openId, chat.chatId, `/整改 新增 支部 @${owner.name} ${due} 学习记录不完整${i} 措施：按月补齐学习记录`, { mentions: [owner] });
      }
    }

    // ── answers to every notice ──
    const answeredBy = new Map<number, Set<string>>(); // meeting id → who said 参加
    for (const chat of branches) {
      const orgId = orgIds.get(chat.chatId)!;
      const meetings = await db.meeting.findMany({ where: { orgId }, include: { attendance: { include: { member: true } } } });
      for (const m of meetings) {
        const card = t.botMessages(chat.chatId).find((x) => JSON.stringify(x.content).includes(`"m":${m.id},`) && JSON.stringify(x.content).includes("meetings.rsvp"));
        if (!card) throw new Error(`no notice card for meeting ${m.id}`);
        const yes = new Set<string>();
        for (const a of m.attendance.filter((x) => x.expected)) {
          const r = rand();
          if (a.member.openId === chat.people[0]!.openId || r < 0.7) {
            await t.click(a.member.openId, card, { a: "meetings.rsvp", m: m.id, r: "attending" });
            yes.add(a.member.openId);
          } else if (r < 0.8) {
            await t.click(a.member.openId, card, { a: "meetings.rsvp", m: m.id, r: "leave" }, { reason: "出差" });
          }
        }
        answeredBy.set(m.id, yes);
      }
    }

    // ── the month, hour by hour: reminders, sign-in, digests, overdue notices ──
    const end = new Date("2026-04-01T00:00:00+08:00").getTime();
    const signedIn = new Set<number>();
    const closed = new Set<string>();
    const allIds = [...orgIds.values()];
    while (t.clock.now().getTime() < end) {
      // Step an hour, or to ten minutes before the next meeting so its sign-in card is open.
      const hourOn = t.clock.now().getTime() + HOUR;
      const next = await db.meeting.findFirst({ where: { orgId: { in: allIds }, status: "scheduled", startAt: { gt: t.clock.now() } }, orderBy: { startAt: "asc" } });
      const signInAt = next ? next.startAt.getTime() - 10 * 60_000 : Infinity;
      await t.advance((signInAt > t.clock.now().getTime() && signInAt <= hourOn ? signInAt : hourOn) - t.clock.now().getTime());
      const now = t.clock.now();
      for (const chat of branches) {
        const orgId = orgIds.get(chat.chatId)!;
        const open = await db.meeting.findMany({ where: { orgId, status: "scheduled", startAt: { gt: now, lte: new Date(now.getTime() + 15 * 60_000) } } });
        for (const m of open.filter((x) => !signedIn.has(x.id))) {
          const card = t.botMessages(chat.chatId).find((x) => JSON.stringify(x.content).includes("meetings.signin") && JSON.stringify(x.content).includes(`"m":${m.id}`));
          if (!card) continue;
          signedIn.add(m.id);
          for (const openId of answeredBy.get(m.id) ?? []) if (rand() < 0.8) await t.click(openId, card, { a: "meetings.signin", m: m.id });
        }
        // The first 整改 item is done on the 9th: the owner adds evidence and submits, the verifier passes it.
        if (now >= new Date("2026-03-09T10:00:00+08:00") && !closed.has(chat.chatId)) {
          closed.add(chat.chatId);
          const item = await db.rectificationItem.findFirstOrThrow({ where: { orgId }, orderBy: { seqNo: "asc" }, include: { verifier: true } });
          await t.say(chat.people[5]!.openId, chat.chatId, `/整改 #${item.seqNo} 佐证 已补齐一至二月学习记录`);
          await t.say(chat.people[5]!.openId, chat.chatId, `/整改 #${item.seqNo} 提交`);
          await t.say(item.verifier?.openId ?? chat.people[0]!.openId, chat.chatId, `/整改 #${item.seqNo} 通过`);
        }
      }
    }

    if (process.env.MONTH_DEBUG) {
      const texts = await db.outboxMessage.findMany({ where: { msgType: "text" }, select: { content: true, kind: true, receiveIdType: true } });
      const heads: Record<string, number> = {};
      for (const x of texts) {
        const head = `${x.kind}/${x.receiveIdType ?? "-"} ${(JSON.parse(x.content) as { text: string }).text.slice(0, 14)}`;
        heads[head] = (heads[head] ?? 0) + 1;
      }
      console.log(Object.entries(heads).sort((a, b) => b[1] - a[1]).slice(0, 40));
      const ir = await db.outboxMessage.findMany({ where: { msgType: "interactive", cardRef: null }, select: { content: true } });
      const cards: Record<string, number> = {};
      for (const x of ir) {
        const title = /"content":"([^"]{0,24})/.exec(x.content)?.[1] ?? "?";
        cards[title] = (cards[title] ?? 0) + 1;
      }
      console.log(Object.entries(cards).sort((a, b) => b[1] - a[1]).slice(0, 20));
      const failed = await db.outboxMessage.findMany({ where: { status: "failed" }, select: { kind: true, cardRef: true, target: true, failReason: true, lastError: true } });
      console.log(failed.slice(0, 10), failed.length);
    }
    const rows = await db.apiCallCount.findMany();
    const total = rows.reduce((n, r) => n + r.calls, 0) - (callsBefore._sum.calls ?? 0);
    const fakeCalls = t.fake.calls.slice(fakeBefore).filter((c) => c.path.startsWith("/open-apis/") && !c.path.startsWith("/open-apis/auth/")).length;
    const perOrg = (orgId: number) => rows.filter((r) => r.orgId === orgId).reduce((n, r) => n + r.calls, 0);
    const branchIds = branches.map((c) => orgIds.get(c.chatId)!);
    const branchCalls = branchIds.map(perOrg);
    const committeeCalls = perOrg(orgIds.get(committee.chatId)!);
    const unattributed = perOrg(0);
    const group = (key: "endpoint" | "cause") => {
      const out: Record<string, number> = {};
      for (const r of rows.filter((x) => branchIds.includes(x.orgId))) out[r[key]] = (out[r[key]] ?? 0) + r.calls;
      return Object.fromEntries(Object.entries(out).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round((v / BRANCHES) * 10) / 10]));
    };
    const perBranch = (branchCalls.reduce((a, b) => a + b, 0) + committeeCalls + unattributed) / BRANCHES;
    const result = {
      command: `npm run bench:month -- --branches ${BRANCHES}`,
      date: new Date().toISOString(),
      branches: BRANCHES, membersPerBranch: MEMBERS,
      totalCalls: total, platformReceived: fakeCalls,
      callsPerBranchMonth: Math.round(perBranch),
      callsPerMember: Math.round((perBranch / MEMBERS) * 10) / 10,
      branchesWithin10000: Math.floor(10_000 / perBranch),
      byBranch: branchCalls, committee: committeeCalls, unattributed,
      perBranchByEndpoint: group("endpoint"),
      perBranchByCause: group("cause"),
      wallSeconds: Math.round((Date.now() - started) / 1000),
    };
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, JSON.stringify(result, null, 2) + "\n");
    if (!args.includes("--out")) writeMonthSection(join(ROOT, "bench/README.md"), result);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await t.stop();
  }
}

await main();
