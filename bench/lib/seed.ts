/**
 * Seeds a committee-scale database straight through better-sqlite3 prepared statements in one
 * transaction (millions of rows in seconds; Prisma's createMany would take minutes). The schema
 * comes from the shipped migrations (src/db/migrate.ts), so the bot opens the file as its own.
 *
 * The world, as of Monday 2026-11-30 08:59 (Asia/Shanghai), one year of organisational life:
 * - ⌈B/100⌉ committees (党委), each with its own chat and 7 members; B branches under them.
 * - 30 members per branch: 书记, 副书记, 3 委员, 22 正式党员, 2 预备党员, 1 非党员; 3 党小组.
 * - December 2025 – November 2026: 支委会 and 主题党日 monthly, 党小组会 monthly per group,
 *   党员大会 and 党课 quarterly, 组织生活会 in January; about 8 % skipped (so the digests have
 *   something to flag). Held meetings have final attendance, sign-ins, quorum snapshots and
 *   confirmed minutes with resolutions and follow-up actions; last week's records are partly
 *   missing or unconfirmed.
 * - 6 rectification items per branch in every state, with their history; open warnings for 1 in 5.
 * - Branches 1–200 have a 党员大会 today at 14:30 (sign-in opens 14:15): target 2's storm.
 */
import Database from "better-sqlite3";
import { migrateDatabase } from "../../src/db/migrate.ts";
import { periodContaining } from "../../src/features/digest/periods.ts";
import { mulberry32 } from "../../src/sandbox/fake-platform/faults.ts";

export { mulberry32 }; // the scenarios draw from the same generator

export const TZ = "Asia/Shanghai";
/** Just before the weekly digest (Monday 09:00): target 3 starts the bot here. */
export const DIGEST_TIME = new Date("2026-11-30T09:00:00+08:00");
/** Targets 1 and 2 run the same afternoon: the storm meetings start at 14:30. */
export const AFTERNOON = new Date("2026-11-30T14:20:00+08:00");
export const STORM_MEETING_START = new Date("2026-11-30T14:30:00+08:00");
export const STORM_BRANCHES = 200;
export const MEMBERS_PER_BRANCH = 30;
export const APP_ID_HEX = "a1b2c3d4e5f60718";

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

/** Stable Lark-looking ids, so the driver and the fake platform can name everyone without a lookup. */
const hex32 = (n: number) => n.toString(16).padStart(32, "0");
export const chatIdOf = (orgNo: number) => `oc_${hex32(orgNo)}`;
export const openIdOf = (orgNo: number, memberNo: number) => `ou_${hex32(orgNo * 100 + memberNo)}`;

export interface SeedPlan {
  branches: number;
  committees: number;
}

export function planFor(branches: number): SeedPlan {
  return { branches, committees: Math.ceil(branches / 100) };
}

/** Org numbers: committees 1..C, branches C+1..C+B (also their database ids). */
export function branchOrgNo(plan: SeedPlan, i: number): number {
  return plan.committees + 1 + i;
}


/** A date in Asia/Shanghai (UTC+8, no DST) as epoch ms. */
const local = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h - 8, min);
const dayText = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);

type Row = Record<string, unknown>;

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: unknown;
  pk: number;
}

/**
 * INSERT for the given columns. Columns of the live schema that are NOT NULL without a default
 * and that the seed does not know (another capability added them) get a neutral value, so the
 * seed keeps working while the schema grows.
 */
function inserter(db: Database.Database, table: string, columns: string[], fallbackTime: number) {
  const info = db.prepare(`PRAGMA table_info("${table}")`).all() as Column[];
  if (info.length === 0) throw new Error(`table ${table} does not exist`);
  const known = new Set(info.map((c) => c.name));
  for (const c of columns) if (!known.has(c)) throw new Error(`${table}.${c} is not in the schema any more; update bench/lib/seed.ts`);
  const extra = info.filter((c) => c.notnull && c.dflt_value === null && !c.pk && !columns.includes(c.name));
  const fill = extra.map((c) => (/DATE/i.test(c.type) ? fallbackTime : /INT|BOOL|REAL|NUM/i.test(c.type) ? 0 : ""));
  const all = [...columns, ...extra.map((c) => c.name)];
  const stmt = db.prepare(`INSERT INTO "${table}" (${all.map((c) => `"${c}"`).join(", ")}) VALUES (${all.map(() => "?").join(", ")})`);
  let count = 0;
  const run = (row: Row): number => {
    count++;
    const values = columns.map((c) => {
      const v = row[c];
      return v === undefined ? null : typeof v === "boolean" ? (v ? 1 : 0) : v;
    });
    return Number(stmt.run(...values, ...fill).lastInsertRowid);
  };
  return { run, count: () => count };
}

interface MemberSeed {
  id: number;
  no: number;
  openId: string;
  name: string;
  memberClass: "full" | "probationary" | "non_member";
  post: string | null;
  groupIdx: number | null;
}

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国文斌宇浩凯健俊帆帅旭宁龙林欣雪梅琳晨";

function personName(n: number): string {
  return `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7) % GIVEN.length]}${n % 3 === 0 ? GIVEN[(n * 13) % GIVEN.length] : ""}`;
}

const TOPICS = ["学习贯彻党的二十届四中全会精神", "深入学习《中国共产党支部工作条例（试行）》", "开展主题教育专题学习", "学习习近平新时代中国特色社会主义思想", "研究部署年度重点工作", "讨论发展党员工作", "学习党章党规", "交流学习心得体会"];
const CATEGORIES = ["gov_institution", "village_community", "new_econ_social_org"];

/** Seeds `file` (deleted first by the caller) and returns row counts per table. */
export function seedDatabase(file: string, plan: SeedPlan, seed = 20261130): Record<string, number> {
  migrateDatabase(`file:${file}`);
  const db = new Database(file);
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -200000");
  db.pragma("foreign_keys = OFF"); // the seed writes parents first anyway; checks would only slow it down
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const now = DIGEST_TIME.getTime() - MIN;
  const boundAt = local(2025, 11, 3, 10);

  const ins = {
    chat: inserter(db, "Chat", ["chatId", "name", "botPresent", "addedBy", "addedAt"], now),
    org: inserter(db, "PartyOrg", ["id", "kind", "name", "category", "chatId", "parentId", "timezone", "boundBy", "boundAt", "linkCode", "committeeTermStart", "nextMeetingNo"], now),
    member: inserter(db, "Member", ["orgId", "openId", "name", "memberClass", "post", "committeeDuty", "partyGroupId", "probationStart", "active", "joinedAt"], now),
    group: inserter(db, "PartyGroup", ["orgId", "name", "leaderId"], now),
    rules: inserter(db, "MeetingRules", ["orgId", "frequencies", "themeDay", "reminderOffsets", "updatedBy", "updatedAt"], now),
    meeting: inserter(db, "Meeting", ["orgId", "seqNo", "type", "status", "startAt", "endAt", "place", "topic", "chairId", "recorderId", "lecturerId", "partyGroupId", "revision", "heldAt", "entitledCount", "presentVoting", "quorumMet", "createdBy", "createdAt", "updatedAt"], now),
    attendance: inserter(db, "MeetingAttendance", ["meetingId", "memberId", "expected", "rsvp", "rsvpAt", "leaveReason", "signedInAt", "final", "memberClass", "makeupRequired"], now),
    minutes: inserter(db, "Minutes", ["meetingId", "orgId", "status", "version", "submittedBy", "submittedAt", "confirmedBy", "confirmedAt", "confirmedVersion", "createdAt", "updatedAt"], now),
    version: inserter(db, "MinutesVersion", ["minutesId", "version", "kind", "content", "authorOpenId", "authorName", "createdAt"], now),
    resolution: inserter(db, "Resolution", ["minutesId", "orgId", "position", "text", "votesFor", "votesAgainst", "votesAbstain", "passed"], now),
    action: inserter(db, "FollowUpAction", ["minutesId", "orgId", "position", "text", "ownerId", "dueOn"], now),
    item: inserter(db, "RectificationItem", ["orgId", "seqNo", "source", "scope", "problem", "measures", "category", "ownerId", "verifierId", "dueOn", "status", "disclosure", "overdueSince", "submittedAt", "closedAt", "closedBy", "createdBy", "createdAt", "updatedAt"], now),
    itemEvent: inserter(db, "RectificationEvent", ["itemId", "at", "actorOpenId", "actorName", "action", "fromStatus", "toStatus", "comment"], now),
    rectSettings: inserter(db, "RectificationSettings", ["orgId", "nextItemNo"], now),
    warning: inserter(db, "EarlyWarning", ["orgId", "ruleId", "subjectKey", "openKey", "severity", "message", "audience", "raisedAt"], now),
    job: inserter(db, "Job", ["key", "kind", "payload", "runAt", "status", "attempts", "createdAt", "doneAt"], now),
  };

  const setLeader = db.prepare(`UPDATE "PartyGroup" SET "leaderId" = ? WHERE "id" = ?`);
  const setNextMeetingNo = db.prepare(`UPDATE "PartyOrg" SET "nextMeetingNo" = ? WHERE "id" = ?`);

  const build = db.transaction(() => {
    let personNo = 0;
    // ── committees ──
    for (let c = 1; c <= plan.committees; c++) {
      const chatId = chatIdOf(c);
      ins.chat.run({ chatId, name: `党委${c}`, botPresent: true, addedBy: openIdOf(c, 0), addedAt: boundAt });
      ins.org.run({ id: c, kind: "committee", name: `第${c}党委`, category: null, chatId, parentId: null, timezone: TZ, boundBy: openIdOf(c, 0), boundAt, linkCode: `K${String(c).padStart(5, "0")}`, committeeTermStart: local(2024, 6, 1), nextMeetingNo: 1 });
      for (let j = 0; j < 7; j++) {
        ins.member.run({ orgId: c, openId: openIdOf(c, j), name: personName(personNo++), memberClass: "full", post: j === 0 ? "secretary" : j === 1 ? "deputy_secretary" : "committee_member", active: true, joinedAt: boundAt });
      }
    }
    // ── branches ──
    for (let b = 0; b < plan.branches; b++) {
      const orgId = branchOrgNo(plan, b);
      const chatId = chatIdOf(orgId);
      const parentId = (b % plan.committees) + 1;
      ins.chat.run({ chatId, name: `第${b + 1}党支部`, botPresent: true, addedBy: openIdOf(orgId, 0), addedAt: boundAt });
      ins.org.run({
        id: orgId, kind: "branch", name: `第${b + 1}党支部`, category: CATEGORIES[b % 3], chatId, parentId, timezone: TZ,
        boundBy: openIdOf(orgId, 0), boundAt, linkCode: null, committeeTermStart: b % 5 === 0 ? null : local(2024, 3, 15), nextMeetingNo: 1,
      });
      const groupIds = [0, 1, 2].map((g) => ins.group.run({ orgId, name: `第${["一", "二", "三"][g]}党小组`, leaderId: null }));
      const members: MemberSeed[] = [];
      for (let j = 0; j < MEMBERS_PER_BRANCH; j++) {
        const memberClass = j === 29 ? "non_member" : j >= 27 ? "probationary" : "full";
        const post = j === 0 ? "secretary" : j === 1 ? "deputy_secretary" : j <= 4 ? "committee_member" : null;
        const groupIdx = j < 29 ? j % 3 : null;
        const m: MemberSeed = { id: 0, no: j, openId: openIdOf(orgId, j), name: personName(personNo++), memberClass, post, groupIdx };
        m.id = ins.member.run({
          orgId, openId: m.openId, name: m.name, memberClass, post,
          committeeDuty: j === 2 ? "organization" : j === 3 ? "publicity" : j === 4 ? "discipline" : null,
          partyGroupId: groupIdx === null ? null : groupIds[groupIdx], probationStart: memberClass === "probationary" ? local(2026, 5, 20) : null,
          active: true, joinedAt: boundAt,
        });
        members.push(m);
      }
      // group leaders: the first ordinary member of each group
      for (let g = 0; g < 3; g++) {
        const leader = members.find((m) => m.groupIdx === g && !m.post)!;
        setLeader.run(leader.id, groupIds[g]);
      }
      if (b % 2 === 0) ins.rules.run({ orgId, frequencies: "{}", themeDay: 5, reminderOffsets: "[1440,60]", updatedBy: members[0]!.openId, updatedAt: boundAt });
      const seqEnd = seedMeetings(orgId, b, members, groupIds);
      setNextMeetingNo.run(seqEnd, orgId);
      seedRectification(orgId, b, members);
      if (b % 5 === 1) {
        ins.warning.run({ orgId, ruleId: "W1", subjectKey: "2026-11", openKey: `W1:${orgId}:2026-11`, severity: "warning", message: "本月主题党日尚未召开，请及时安排。", audience: "group", raisedAt: local(2026, 11, 25, 9) });
      }
      if (b % 7 === 3) {
        ins.warning.run({ orgId, ruleId: "W13", subjectKey: `member:${members[27]!.id}`, openKey: `W13:${orgId}:member:${members[27]!.id}`, severity: "notice", message: "预备党员预备期即将届满，请及时讨论转正。", audience: "secretary", raisedAt: local(2026, 11, 20, 9) });
      }
    }
    // ── jobs as the bot would have left them by 09:00: today's warnings scan and the 08:30 invitations done ──
    const digestPeriod = periodContaining(DIGEST_TIME, TZ, "week").key;
    ins.job.run({ key: `digest:warnings:${DIGEST_TIME.toISOString().slice(0, 10)}`, kind: "digest.warnings", payload: "{}", runAt: local(2026, 11, 30, 0, 5), status: "done", attempts: 1, createdAt: local(2026, 11, 29, 0, 5), doneAt: local(2026, 11, 30, 0, 6) });
    ins.job.run({ key: `digest:invite:${TZ}|1|9|0:${digestPeriod}`, kind: "digest.invite", payload: "{}", runAt: local(2026, 11, 30, 8, 30), status: "done", attempts: 1, createdAt: local(2026, 11, 23, 9), doneAt: local(2026, 11, 30, 8, 30) });
  });

  function seedMeetings(orgId: number, b: number, members: MemberSeed[], groupIds: number[]): number {
    let seq = 1;
    const party = members.filter((m) => m.memberClass !== "non_member");
    const committee = members.filter((m) => m.post);
    const secretary = members[0]!;
    const plans: Array<{ type: string; start: number; minutes: number; group: number | null; audience: MemberSeed[] }> = [];
    const months: Array<[number, number]> = [[2025, 12], ...Array.from({ length: 11 }, (_, i) => [2026, i + 1] as [number, number])];
    for (const [y, m] of months) {
      plans.push({ type: "branch_committee_meeting", start: local(y, m, 3 + Math.floor(rand() * 6), 15), minutes: 60, group: null, audience: committee });
      plans.push({ type: "theme_party_day", start: local(y, m, b % 2 === 0 ? 5 : 8 + Math.floor(rand() * 10), 14, 30), minutes: 120, group: null, audience: party });
      for (let g = 0; g < 3; g++) {
        const audience = party.filter((p) => p.groupIdx === g);
        plans.push({ type: "party_group_meeting", start: local(y, m, 10 + Math.floor(rand() * 14), 19), minutes: 60, group: g, audience });
      }
      if ([12, 3, 6, 9].includes(m) || (m === 10 && b % 3 !== 0) || (m === 11 && b % 3 === 0 && b % 2 === 0)) {
        plans.push({ type: "branch_general_meeting", start: local(y, m, 12 + Math.floor(rand() * 10), 9, 30), minutes: 90, group: null, audience: party });
      }
      if ([2, 5, 8, 11].includes(m)) plans.push({ type: "party_lesson", start: local(y, m, 15 + Math.floor(rand() * 10), 14, 30), minutes: 90, group: null, audience: party });
      if (m === 1) plans.push({ type: "org_life_meeting", start: local(y, m, 20, 9), minutes: 120, group: null, audience: party });
    }
    // Something every branch did last week, so each digest lists substance.
    plans.push({ type: "party_group_meeting", start: local(2026, 11, 24 + (b % 4), 19), minutes: 60, group: b % 3, audience: party.filter((p) => p.groupIdx === b % 3) });
    plans.sort((x, y) => x.start - y.start);
    for (const p of plans) {
      if (p.start >= now || rand() < 0.08) continue; // skipped meetings make the ✗ cells of the digests
      seedHeldMeeting(orgId, seq++, p, members, groupIds, secretary);
    }
    // Upcoming: today's 党员大会 for the storm branches, a 支委会 next week for everyone.
    if (b < STORM_BRANCHES) {
      const start = STORM_MEETING_START.getTime();
      const meetingId = ins.meeting.run({
        orgId, seqNo: seq++, type: "branch_general_meeting", status: "scheduled", startAt: start, endAt: start + 90 * MIN, place: "三楼会议室", topic: pick(TOPICS),
        chairId: secretary.id, recorderId: members[2]!.id, revision: 1, createdBy: secretary.openId, createdAt: local(2026, 11, 23, 10), updatedAt: local(2026, 11, 23, 10),
      });
      for (const a of party) ins.attendance.run({ meetingId, memberId: a.id, expected: true, rsvp: rand() < 0.9 ? "attending" : null, rsvpAt: local(2026, 11, 24, 12), memberClass: null, makeupRequired: false });
      ins.job.run({ key: `meeting:${meetingId}:v1:signin-open`, kind: "meetings.signin_open", payload: JSON.stringify({ meetingId, rev: 1 }), runAt: start - 15 * MIN, status: "pending", attempts: 0, createdAt: local(2026, 11, 23, 10) });
    }
    const next = local(2026, 12, 3, 15);
    const upcomingId = ins.meeting.run({
      orgId, seqNo: seq++, type: "branch_committee_meeting", status: "scheduled", startAt: next, endAt: next + HOUR, place: "支部活动室", topic: "研究12月重点工作",
      chairId: secretary.id, recorderId: members[2]!.id, revision: 1, createdBy: secretary.openId, createdAt: local(2026, 11, 26, 10), updatedAt: local(2026, 11, 26, 10),
    });
    for (const a of committee) ins.attendance.run({ meetingId: upcomingId, memberId: a.id, expected: true, makeupRequired: false });
    return seq;
  }

  function seedHeldMeeting(orgId: number, seqNo: number, p: { type: string; start: number; minutes: number; group: number | null; audience: MemberSeed[] }, members: MemberSeed[], groupIds: number[], secretary: MemberSeed) {
    const end = p.start + p.minutes * MIN;
    const recorder = members[2]!;
    let present = 0;
    let entitled = 0;
    let presentFull = 0;
    const finals = p.audience.map((a) => {
      const roll = rand();
      const final = roll < 0.85 ? "present" : roll < 0.93 ? "leave" : "absent";
      if (final === "present") present++;
      if (a.memberClass === "full") {
        entitled++;
        if (final === "present") presentFull++;
      }
      return { a, final };
    });
    const quorum = p.type === "branch_general_meeting" || p.type === "branch_committee_meeting";
    const meetingId = ins.meeting.run({
      orgId, seqNo, type: p.type, status: "held", startAt: p.start, endAt: end, place: "支部活动室", topic: pick(TOPICS),
      chairId: secretary.id, recorderId: recorder.id, lecturerId: p.type === "party_lesson" ? secretary.id : null,
      partyGroupId: p.group === null ? null : groupIds[p.group], revision: 1, heldAt: end + 30 * MIN,
      entitledCount: quorum ? entitled : null, presentVoting: quorum ? presentFull : null, quorumMet: quorum ? presentFull * 2 > entitled : null,
      createdBy: secretary.openId, createdAt: p.start - 7 * DAY, updatedAt: end + 30 * MIN,
    });
    const makeup = p.type === "party_lesson" || p.type === "branch_general_meeting";
    for (const { a, final } of finals) {
      ins.attendance.run({
        meetingId, memberId: a.id, expected: true, rsvp: final === "leave" ? "leave" : "attending", rsvpAt: p.start - 2 * DAY,
        leaveReason: final === "leave" ? "出差" : null, signedInAt: final === "present" ? p.start - 5 * MIN : null, final,
        memberClass: a.memberClass, makeupRequired: makeup && final !== "present",
      });
    }
    // Minutes: confirmed, except that last week's are partly missing or waiting for the secretary.
    const recent = now - end < 7 * DAY;
    const state = recent ? (rand() < 0.5 ? "draft" : "submitted") : "confirmed";
    const minutesId = ins.minutes.run({
      meetingId, orgId, status: state, version: state === "draft" ? 0 : 1, submittedBy: state === "draft" ? null : recorder.openId,
      submittedAt: state === "draft" ? null : end + DAY, confirmedBy: state === "confirmed" ? secretary.openId : null,
      confirmedAt: state === "confirmed" ? end + 2 * DAY : null, confirmedVersion: state === "confirmed" ? 1 : null, createdAt: end, updatedAt: end + 2 * DAY,
    });
    if (state === "draft") return;
    const content = {
      meeting: { id: meetingId, seqNo, type: p.type, startAt: new Date(p.start).toISOString(), endAt: new Date(end).toISOString(), place: "支部活动室" },
      attendance: { expected: p.audience.length, present, leave: finals.filter((f) => f.final === "leave").length, absent: finals.filter((f) => f.final === "absent").length },
      agenda: ["传达学习上级精神", "研究讨论有关事项"],
      discussion: "与会同志结合工作实际进行了讨论，一致同意有关安排。",
    };
    ins.version.run({ minutesId, version: 1, kind: "submission", content: JSON.stringify(content), authorOpenId: recorder.openId, authorName: recorder.name, createdAt: end + DAY });
    if (quorum) {
      ins.resolution.run({ minutesId, orgId, position: 1, text: "同意有关工作安排", votesFor: presentFull, votesAgainst: 0, votesAbstain: 0, passed: presentFull * 2 > entitled });
      ins.action.run({ minutesId, orgId, position: 1, text: "落实会议议定事项", ownerId: members[2 + (seqNo % 3)]!.id, dueOn: dayText(end + 30 * DAY) });
    }
  }

  function seedRectification(orgId: number, b: number, members: MemberSeed[]) {
    const secretary = members[0]!;
    const kinds: Array<{ status: string; due: number | null; closed?: number; submitted?: number }> = [
      { status: "done", due: local(2026, 6, 30), closed: local(2026, 6, 20) },
      { status: "done", due: local(2026, 11, 30), closed: local(2026, 11, 25 + (b % 3), 16) },
      { status: "in_progress", due: local(2026, 12, 31) },
      { status: "pending", due: local(2026, 11, 10 + (b % 15)) },
      { status: "submitted", due: local(2026, 12, 15), submitted: local(2026, 11, 27) },
      { status: "returned", due: local(2026, 12, 10) },
    ];
    kinds.forEach((k, i) => {
      const owner = members[3 + ((b + i) % 20)]!;
      const scope = i % 3 === 0 ? "individual" : "branch";
      const created = local(2026, 3 + i, 10);
      const overdue = k.due !== null && k.status !== "done" && k.due < now;
      const itemId = ins.item.run({
        orgId, seqNo: i + 1, source: pick(["org_life_meeting", "self_check", "manual", "minutes"]), scope,
        problem: `${["理论学习不够深入", "组织生活不够规范", "发挥作用不够充分", "联系群众不够紧密", "台账资料不齐全", "党费收缴不及时"][i]}`,
        measures: "制定整改措施，按期落实", category: "组织建设", ownerId: owner.id, verifierId: secretary.id, dueOn: k.due === null ? null : dayText(k.due),
        status: k.status, disclosure: scope === "individual" ? "private" : "branch", overdueSince: overdue ? k.due! + DAY : null,
        submittedAt: k.submitted ?? null, closedAt: k.closed ?? null, closedBy: k.closed ? secretary.openId : null,
        createdBy: secretary.openId, createdAt: created, updatedAt: k.closed ?? created,
      });
      ins.itemEvent.run({ itemId, at: created, actorOpenId: secretary.openId, actorName: secretary.name, action: "created", toStatus: "pending" });
      if (k.status !== "pending") ins.itemEvent.run({ itemId, at: created + 3 * DAY, actorOpenId: owner.openId, actorName: owner.name, action: "progress", fromStatus: "pending", toStatus: "in_progress", comment: "已开始整改" });
      if (k.closed) ins.itemEvent.run({ itemId, at: k.closed, actorOpenId: secretary.openId, actorName: secretary.name, action: "accepted", fromStatus: "submitted", toStatus: "done" });
    });
    ins.rectSettings.run({ orgId, nextItemNo: kinds.length + 1 });
  }

  build();
  // As the bot leaves a database it has used (src/db/client.ts runs this at every open): table
  // statistics in place, so a run does not measure a one-off first-open ANALYZE.
  db.pragma("optimize=0x10002");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return Object.fromEntries(Object.entries(ins).map(([k, v]) => [k, v.count()]));
}
