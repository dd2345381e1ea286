import { describe, expect, it } from "vitest";
import { CARD_COMPONENT_LIMIT, CARD_SIZE_LIMIT, countComponents } from "../../src/app/cards.ts";
import { buildContent, parseVotes, type MeetingFacts } from "../../src/features/minutes/content.ts";
import { renderForm } from "../../src/features/minutes/flows.ts";
import { CAPS, CLEAR_WORD, emptyResolution, emptyState, layoutFor, parseForm, type FormState, type ResolutionInput } from "../../src/features/minutes/form.ts";
import type { MeetingType } from "../../src/features/meetings/types.ts";

/** The form and the record's rules without the platform: parsing, checks, and the 30 KB card budget. */

function facts(type: MeetingType, opts: { members?: number; entitled?: number; present?: number } = {}): MeetingFacts {
  const members = opts.members ?? 11;
  const roster = Array.from({ length: members }, (_, i) => ({ memberId: i + 1, openId: `ou_${String(i + 1).padStart(32, "0")}`, name: `成员${i + 1}`, committee: i < 4 }));
  const entitled = opts.entitled ?? 9;
  const present = opts.present ?? 7;
  const voting = type === "branch_general_meeting" ? "general" : type === "branch_committee_meeting" ? "committee" : null;
  return {
    org: { id: 1, kind: "branch", name: "机关第一党支部", category: null, chatId: "oc_x", parentId: null, timezone: "Asia/Shanghai" },
    meeting: {
      id: 1, orgId: 1, seqNo: 3, type, status: "held", startAt: new Date("2026-03-03T06:30:00Z"), endAt: new Date("2026-03-03T08:00:00Z"), previousStartAt: null,
      place: "三楼会议室", topic: "议题", chair: { id: 1, openId: roster[0]!.openId, name: "成员1" }, recorder: { id: 2, openId: roster[1]!.openId, name: "成员2" },
      lecturer: null, group: null, cancelReason: null, revision: 1, heldAt: null, entitledCount: null, presentVoting: null, quorumMet: null, calendarEventId: null, createdBy: "ou", createdAt: new Date("2026-02-25T02:00:00Z"),
    },
    attendance: roster.map((p, i) => ({
      memberId: p.memberId, openId: p.openId, name: p.name, memberClass: "full", post: null, expected: true, rsvp: null,
      leaveReason: i === members - 1 ? "出差" : null, leaveDecision: null, signedInAt: null, final: i === members - 1 ? "leave" : "present", makeupRequired: false, makeupDoneAt: null,
    })),
    quorum: { applies: !!voting, kind: voting, entitled, present, attending: 0, needed: Math.floor(entitled / 2) + 1, met: !!voting && present > entitled / 2, excluded: [], pending: 0 },
    roster,
  };
}

/** A resolution as typed; a vote is by show of hands unless said otherwise. */
const res = (r: Partial<ResolutionInput>): ResolutionInput => ({ ...emptyResolution(), method: "hands", ...r });

const complete = (f: MeetingFacts, patch: Partial<FormState> = {}): FormState => ({
  ...emptyState(),
  place: "三楼会议室",
  chairOpenId: f.roster[0]!.openId,
  agenda: "学习",
  discussion: ["发言摘要"],
  ...patch,
});

const OPTS = { today: "2026-03-03", amendment: false };

describe("votes as typed", () => {
  it("reads digits, full-width digits and 票, and never guesses words", () => {
    expect(parseVotes("11")).toBe(11);
    expect(parseVotes("１１")).toBe(11);
    expect(parseVotes(" 7票 ")).toBe(7);
    expect(parseVotes("")).toBeNull();
    expect(parseVotes("十一")).toBeNaN();
  });
});

describe("buildContent", () => {
  it("records a resolution of a 党员大会 without quorum as not passed, with the reason", () => {
    const f = facts("branch_general_meeting", { entitled: 9, present: 4 });
    const r = buildContent(f, complete(f, { resolutions: [res({ text: "决议", yes: "4", no: "0", abstain: "0" })] }), OPTS);
    expect(r.ok).toBe(true);
    const first = r.ok ? r.content.resolutions[0]! : undefined;
    expect(first).toMatchObject({ passed: false, votes: { for: 4, against: 0, abstain: 0 } });
    expect(first?.note).toContain("未超过应到 9 人的半数");
  });

  it("passes only with more than half of those entitled, not of those present", () => {
    const f = facts("branch_general_meeting", { entitled: 20, present: 11 });
    const r = buildContent(f, complete(f, { resolutions: [res({ text: "决议", yes: "10", no: "1", abstain: "0" })] }), OPTS);
    expect(r.ok && r.content.resolutions[0]).toMatchObject({ passed: false });
    expect(r.ok && r.content.resolutions[0]!.note).toContain("至少需要 11 票");
  });

  it("counts the written opinions of absent voters only in 接收预备党员 / 转正 votes, and never more than are absent", () => {
    const f = facts("branch_general_meeting", { entitled: 20, present: 11 });
    const admission = { text: "同意接收张三为中共预备党员", yes: "12", no: "1", abstain: "0", written: "2", matter: "admission" };
    const ok = buildContent(f, complete(f, { resolutions: [res(admission)] }), OPTS);
    expect(ok.ok && ok.content.resolutions[0]).toMatchObject({ passed: true, written: 2, matter: "admission", votes: { for: 12, against: 1, abstain: 0 } });
    const general = buildContent(f, complete(f, { resolutions: [res({ ...admission, matter: "" })] }), OPTS);
    expect(general.ok ? [] : general.problems).toEqual([expect.stringContaining("第 1 项决议：未到会党员的书面意见只在接收预备党员、预备党员转正的表决中计入票数")]);
    const tooMany = buildContent(f, complete(f, { resolutions: [res({ ...admission, yes: "19", written: "10" })] }), OPTS);
    expect(tooMany.ok ? [] : tooMany.problems).toEqual(["第 1 项决议：书面意见 10 份，多于未到会的有表决权正式党员 9 人（应到 20，到会 11）"]);
    const unbalanced = buildContent(f, complete(f, { resolutions: [res({ ...admission, yes: "10" })] }), OPTS);
    expect(unbalanced.ok ? [] : unbalanced.problems[0]).toContain("与到会有表决权的正式党员 11 人加书面意见 2 份，共 13不符");
  });

  it("records the vote method and dissenting opinions, and asks for the method when votes are given", () => {
    const f = facts("branch_committee_meeting", { entitled: 5, present: 4 });
    const noMethod = buildContent(f, complete(f, { resolutions: [res({ text: "决定", yes: "3", no: "1", abstain: "0", method: "" })] }), OPTS);
    expect(noMethod.ok ? [] : noMethod.problems).toEqual(["第 1 项决议缺少表决方式：请选择「举手表决」或「无记名投票」"]);
    const ok = buildContent(f, complete(f, { resolutions: [res({ text: "决定", yes: "3", no: "1", abstain: "0", method: "secret", dissent: "李明：建议推迟一个月" })] }), OPTS);
    expect(ok.ok && ok.content.resolutions[0]).toMatchObject({ method: "secret", dissent: "李明：建议推迟一个月", passed: true });
    const written = buildContent(f, complete(f, { resolutions: [res({ text: "决定", yes: "4", no: "1", abstain: "0", written: "1", matter: "admission" })] }), OPTS);
    expect(written.ok ? [] : written.problems).toEqual(["第 1 项决议：支部委员会不计书面意见，请清空书面意见份数"]);
  });

  it("names every missing or wrong element of a 党员大会 record", () => {
    const f = facts("branch_general_meeting");
    const r = buildContent(f, { ...emptyState(), resolutions: [res({ text: "甲", yes: "", no: "", abstain: "" }), res({ text: "乙", yes: "七", no: "0", abstain: "" })] }, OPTS);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.problems).toEqual([
      "会议地点",
      "主持人",
      "议题",
      "讨论摘要（或填写飞书文档链接）",
      "第 1 项决议缺少表决票数：请填写赞成、反对、弃权票数（没有请填 0）",
      "第 2 项决议的赞成票数「七」不是数字，请填写阿拉伯数字，如 0",
      "第 2 项决议缺少弃权票数（没有请填 0）",
    ]);
  });

  it("refuses votes where no vote is taken, and asks a 党课 for its own elements", () => {
    const f = facts("party_lesson");
    const r = buildContent(f, complete(f, { agenda: "", discussion: [], resolutions: [res({ text: "x", yes: "3", no: "", abstain: "" })] }), OPTS);
    expect(r.ok ? [] : r.problems).toEqual([
      "主讲人",
      "党课题目",
      "党课主要内容（要点），或填写飞书文档链接",
      "第 1 项决议：党课不进行表决，请删去票数（表决在支部党员大会或支委会进行）",
    ]);
  });

  it("accepts a Feishu doc link instead of long text, but only a real link", () => {
    const f = facts("party_group_meeting");
    expect(buildContent(f, complete(f, { discussion: [], docUrl: "https://x.feishu.cn/docx/abc" }), OPTS).ok).toBe(true);
    const bad = buildContent(f, complete(f, { discussion: [], docUrl: "见群文件" }), OPTS);
    expect(bad.ok ? [] : bad.problems).toEqual(["飞书文档链接「见群文件」不是网址，请粘贴以 https:// 开头的链接", "讨论摘要（或填写飞书文档链接）"]);
  });

  it("refuses a new deadline in the past but keeps one that was already in the record", () => {
    const f = facts("branch_committee_meeting", { entitled: 5, present: 4 });
    const action = { text: "落实", ownerOpenId: f.roster[2]!.openId, due: "2026-03-01" };
    const first = buildContent(f, complete(f, { actions: [action] }), { today: "2026-02-27", amendment: false });
    expect(first.ok).toBe(true);
    const late = buildContent(f, complete(f, { actions: [action] }), OPTS);
    expect(late.ok ? [] : late.problems).toEqual(["第 1 项后续事项的完成期限 2026-03-01 已经过去，请选择今天（2026-03-03）或以后的日期"]);
    const kept = buildContent(f, complete(f, { actions: [action], reason: "补充" }), { ...OPTS, amendment: true, previous: first.ok ? first.content : undefined });
    expect(kept.ok).toBe(true);
  });

  it("asks for the reason of an amendment", () => {
    const f = facts("party_group_meeting");
    const r = buildContent(f, complete(f), { ...OPTS, amendment: true });
    expect(r.ok ? [] : r.problems).toEqual(["更正原因（记录已确认，更正须写明原因）"]);
  });
});

describe("parseForm", () => {
  const layout = { resolutions: 2, actions: 2, discussion: 1, keyPoints: 0 };

  it("keeps entries an older, smaller card did not show", () => {
    const previous = { ...emptyState(), discussion: ["一", "二"], resolutions: [res({ text: "a", yes: "", no: "", abstain: "" }), res({ text: "b", yes: "", no: "", abstain: "" }), res({ text: "c", yes: "1", no: "", abstain: "" })] };
    const s = parseForm({ d1: "一改", r1_text: "a改", r2_text: "b" }, layout, previous);
    expect(s.discussion).toEqual(["一改", "二"]);
    expect(s.resolutions.map((r) => r.text)).toEqual(["a改", "b", "c"]);
  });

  it("in a compact card, an empty box keeps the saved text and 删除 clears it", () => {
    const previous = { ...emptyState(), agenda: "很长的议题", discussion: ["很长的摘要"] };
    const kept = parseForm({ agenda: "", d1: "" }, layout, previous, true);
    expect(kept).toMatchObject({ agenda: "很长的议题", discussion: ["很长的摘要"] });
    const cleared = parseForm({ agenda: CLEAR_WORD, d1: "重写" }, layout, previous, true);
    expect(cleared).toMatchObject({ agenda: "", discussion: ["重写"] });
  });

  it("reads pickers the way the client answers them", () => {
    const s = parseForm({ a1_text: "事", a1_owner: ["ou_a"], a1_due: "2026-04-30 +0800" }, layout);
    expect(s.actions).toEqual([{ text: "事", ownerOpenId: "ou_a", due: "2026-04-30" }]);
  });
});

describe("the form card stays under Lark's 30 KB", () => {
  const zh = (n: number) => "会".repeat(n);
  const size = (card: unknown) => Buffer.byteLength(JSON.stringify(card));

  it("shows everything in its boxes when it fits", () => {
    const f = facts("branch_general_meeting");
    const s = complete(f, { discussion: [zh(900)] });
    const r = renderForm(f, s, layoutFor(s, { votes: true, lesson: false }), new Date(), false)!;
    expect(r.compact).toBe(false);
    expect(JSON.stringify(r.card)).toContain(zh(900));
  });

  it("falls back to previews for long texts, and offers more slots only while they fit", () => {
    const f = facts("branch_general_meeting", { members: 50 });
    const s = complete(f, {
      agenda: zh(1000),
      discussion: [zh(1000), zh(1000), zh(1000)],
      resolutions: Array.from({ length: 4 }, () => (res({ text: zh(500), yes: "7", no: "0", abstain: "0" }))),
      actions: Array.from({ length: 3 }, (_, i) => ({ text: zh(200), ownerOpenId: f.roster[i]!.openId, due: "2026-03-31" })),
    });
    const r = renderForm(f, s, layoutFor(s, { votes: true, lesson: false }), new Date(), false)!;
    expect(r.compact).toBe(true);
    expect(size(r.card)).toBeLessThanOrEqual(CARD_SIZE_LIMIT);
    expect(JSON.stringify(r.card)).toContain("已保存 1000 字");
    expect(JSON.stringify(r.card)).toContain('"c":1');
  });

  it("at every cap stays within Lark's 200 components, growing only while it does", () => {
    const f = facts("branch_general_meeting");
    const s = complete(f, {
      discussion: ["一", "二", "三"],
      resolutions: Array.from({ length: CAPS.resolutions }, (_, i) => res({ text: `决议${i}`, yes: "7", no: "0", abstain: "0", dissent: "意见" })),
      actions: Array.from({ length: CAPS.actions }, (_, i) => ({ text: `事${i}`, ownerOpenId: f.roster[i]!.openId, due: "2026-03-31" })),
    });
    const r = renderForm(f, s, CAPS, new Date(), false)!;
    expect(countComponents(r.card.body)).toBeLessThanOrEqual(CARD_COMPONENT_LIMIT);
    expect(JSON.stringify(r.card)).toContain("r6_dissent");
  });

  it("lists only those present and the committee in the pickers of a very large branch", () => {
    const f = facts("branch_general_meeting", { members: 120, entitled: 110, present: 60 });
    f.attendance.forEach((a, i) => (a.final = i < 60 ? "present" : "absent"));
    const s = complete(f);
    const r = renderForm(f, s, layoutFor(s, { votes: true, lesson: false }), new Date(), false)!;
    expect(size(r.card)).toBeLessThanOrEqual(CARD_SIZE_LIMIT);
    expect(JSON.stringify(r.card)).toContain("人员选择框只列出到会人员和支委");
    expect(JSON.stringify(r.card)).not.toContain(f.roster[100]!.openId);
  });
});
