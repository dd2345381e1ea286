import { describe, expect, it } from "vitest";
import { buildPlan, effectiveRules, hasCommittee, periodAt, periodsOf, type PlanInput } from "../../src/features/meetings/rules.ts";
import { parseDateTime, parsePickerDateTime } from "../../src/features/meetings/time.ts";
import { parseScheduleArgs } from "../../src/features/meetings/parse.ts";
import { parseReplyAnswer } from "../../src/features/meetings/replies.ts";

const TZ = "Asia/Shanghai";
const at = (s: string) => new Date(s);

describe("frequencies and periods", () => {
  it("uses the 条例 defaults and ignores overrides the rules do not allow", () => {
    const rules = effectiveRules({ frequencies: JSON.stringify({ branch_general_meeting: "year", party_lesson: "half_year", theme_party_day: "quarter" }) });
    expect(rules.frequencies.branch_general_meeting).toBe("quarter"); // cannot be loosened
    expect(rules.frequencies.party_lesson).toBe("half_year"); // local practice allows it
    expect(rules.frequencies.theme_party_day).toBe("month");
    expect(rules.reminderOffsets).toEqual([1440, 60]);
  });

  it("cuts a year into periods in the branch's time zone", () => {
    const quarters = periodsOf("quarter", 2026, TZ);
    expect(quarters.map((q) => q.label)).toEqual(["第一季度", "第二季度", "第三季度", "第四季度"]);
    expect(quarters[0]!.start.toISOString()).toBe("2025-12-31T16:00:00.000Z");
    expect(quarters[3]!.end.toISOString()).toBe("2026-12-31T16:00:00.000Z");
    // 1 April 00:30 in Beijing is still 31 March in UTC, but belongs to Q2.
    expect(periodAt("quarter", at("2026-04-01T00:30:00+08:00"), TZ).key).toBe("2026-Q2");
    expect(periodsOf("month", 2026, TZ)).toHaveLength(12);
  });

  it("knows a branch with fewer than 7 正式党员 has no committee", () => {
    expect(hasCommittee(6)).toBe(false);
    expect(hasCommittee(7)).toBe(true);
  });
});

describe("the year plan", () => {
  const base = (over: Partial<PlanInput> = {}): PlanInput => ({
    year: 2026,
    timezone: TZ,
    now: at("2026-05-10T10:00:00+08:00"),
    trackedSince: at("2026-02-01T00:00:00+08:00"),
    rules: effectiveRules(),
    fullMemberCount: 9,
    groups: [{ id: 1, name: "第一党小组" }],
    meetings: [],
    ...over,
  });
  const meeting = (seqNo: number, type: PlanInput["meetings"][number]["type"], start: string, status = "scheduled", partyGroupId: number | null = null, recorded = status === "held") => ({
    seqNo, type, status, startAt: at(start), endAt: new Date(at(start).getTime() + 3_600_000), partyGroupId, recorded,
  });

  it("marks each period done, scheduled, due, missing, upcoming or untracked", () => {
    const plan = buildPlan(base({
      meetings: [
        meeting(1, "branch_general_meeting", "2026-03-20T14:30:00+08:00", "held"),
        meeting(2, "branch_general_meeting", "2026-06-10T14:30:00+08:00"),
        meeting(3, "branch_committee_meeting", "2026-04-08T09:00:00+08:00", "cancelled"),
      ],
    }));
    const general = plan.rows.find((r) => r.type === "branch_general_meeting")!;
    expect(general.cells.map((c) => c.status)).toEqual(["done", "scheduled", "upcoming", "upcoming"]);
    const committee = plan.rows.find((r) => r.type === "branch_committee_meeting")!;
    // January was before the bot kept records; a cancelled meeting does not count.
    expect(committee.cells.slice(0, 6).map((c) => c.status)).toEqual(["untracked", "missing", "missing", "missing", "due", "upcoming"]);
    expect(plan.dueNow.map((d) => `${d.label} ${d.period.label}`)).toContain("支部委员会 5月");
  });

  it("counts a meeting as met only when held with attendance final and minutes submitted", () => {
    const plan = buildPlan(base({
      meetings: [
        meeting(1, "branch_general_meeting", "2026-03-20T14:30:00+08:00", "held", null, false), // held, no minutes
        meeting(2, "party_lesson", "2026-04-20T14:30:00+08:00", "scheduled"), // over, attendance never finalised
        meeting(3, "theme_party_day", "2026-05-05T14:30:00+08:00", "held", null, true),
      ],
    }));
    const status = (type: string) => plan.rows.find((r) => r.type === type)!.cells.find((c) => c.meetings.length)!.status;
    expect(status("branch_general_meeting")).toBe("unrecorded");
    expect(status("party_lesson")).toBe("unrecorded");
    expect(status("theme_party_day")).toBe("done");
  });

  it("never demands a committee meeting from a small branch, and tracks each party group", () => {
    const plan = buildPlan(base({ fullMemberCount: 3, groups: [] }));
    expect(plan.hasCommittee).toBe(false);
    expect(plan.rows.some((r) => r.type === "branch_committee_meeting")).toBe(false);
    expect(plan.rows.some((r) => r.type === "party_group_meeting")).toBe(false);
    const big = buildPlan(base({ groups: [{ id: 1, name: "一组" }, { id: 2, name: "二组" }], meetings: [meeting(4, "party_group_meeting", "2026-05-12T19:00:00+08:00", "scheduled", 2)] }));
    const groups = big.rows.filter((r) => r.type === "party_group_meeting");
    expect(groups.map((r) => r.label)).toEqual(["党小组会 · 一组", "党小组会 · 二组"]);
    expect(groups.map((r) => r.cells[4]!.status)).toEqual(["due", "scheduled"]);
  });

  it("lists 民主评议 as an annual activity, with the status the appraisal feature reports", () => {
    const row = (appraisal?: "done" | "in_progress" | null) => buildPlan(base({ appraisal })).rows.find((r) => r.type === "member_appraisal")!;
    expect(row().cells[0]!.status).toBe("due");
    expect(row("in_progress").cells[0]!.status).toBe("in_progress");
    expect(row("done").cells[0]!.status).toBe("done");
  });
});

describe("reading what people type", () => {
  const now = at("2026-03-02T09:00:00+08:00");
  it("reads dates and times in several forms, and rejects impossible ones", () => {
    const p = (s: string) => parseDateTime(s.split(" "), 0, now, TZ);
    expect(p("2026-03-10 14:30")).toMatchObject({ start: at("2026-03-10T14:30:00+08:00"), consumed: 2 });
    expect(p("2026/3/10 9:05")).toMatchObject({ start: at("2026-03-10T09:05:00+08:00") });
    expect(p("3月10日 14:00-16:00")).toMatchObject({ start: at("2026-03-10T14:00:00+08:00"), end: at("2026-03-10T16:00:00+08:00") });
    expect(p("2026-03-10T14:30")).toMatchObject({ consumed: 1 });
    expect(p("2026-02-30 14:00")).toHaveProperty("error");
    // Words too (issue 17): read against the clock, and marked so the reply echoes them first.
    expect(p("明天 14:00")).toMatchObject({ start: at("2026-03-03T14:00:00+08:00"), consumed: 2, natural: true });
    expect(p("2026-03-10 14:30")).toMatchObject({ natural: false });
    expect(p("过几天 14:00")).toHaveProperty("error");
    expect(parsePickerDateTime("2026-03-10 14:30 +0800", undefined, TZ)).toEqual(at("2026-03-10T14:30:00+08:00"));
    expect(parsePickerDateTime("2026-03-10 +0800", "09:00 +0800", TZ)).toEqual(at("2026-03-10T09:00:00+08:00"));
  });

  it("reads place, topic, roles, group and duration from /安排", () => {
    const args = "党课 2026-03-10 15:00 三楼会议室 党史 专题 主讲 @李明 记录 @张红 2小时".split(" ");
    const parsed = parseScheduleArgs(args, [{ openId: "ou_a", name: "李明" }, { openId: "ou_b", name: "张红" }], now, TZ, ["第一党小组"]);
    expect(parsed).toMatchObject({ type: "party_lesson", place: "三楼会议室", topic: "党史 专题", durationMin: 120 });
    expect(parsed.lecturer?.openId).toBe("ou_a");
    expect(parsed.recorder?.openId).toBe("ou_b");
    const group = parseScheduleArgs("党小组会 2026-03-10 19:00 第一党小组 活动室".split(" "), [], now, TZ, ["第一党小组"]);
    expect(group).toMatchObject({ groupName: "第一党小组", place: "活动室" });
    expect(() => parseScheduleArgs(["开会"], [], now, TZ, [])).toThrow(/不认识会议类型/);
  });

  it("recognises answers typed as replies to the announcement", () => {
    expect(parseReplyAnswer("请假 出差")).toEqual({ rsvp: "leave", reason: "出差" });
    expect(parseReplyAnswer("请假：孩子生病")).toEqual({ rsvp: "leave", reason: "孩子生病" });
    expect(parseReplyAnswer("请假")).toEqual({ rsvp: "leave", reason: "" });
    expect(parseReplyAnswer("参加")).toEqual({ rsvp: "attending" });
    expect(parseReplyAnswer("参加一下这个讨论吧")).toBeUndefined();
  });
});
