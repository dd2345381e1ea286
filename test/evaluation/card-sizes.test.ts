import { describe, expect, it } from "vitest";
import { CARD_SIZE_LIMIT, renderCard } from "../../src/app/cards.ts";
import type { OrgInfo } from "../../src/app/context.ts";
import { loadCatalogue } from "../../src/features/evaluation/catalogue.ts";
import { computeSheet } from "../../src/features/evaluation/scoring.ts";
import type { ResultView } from "../../src/features/evaluation/determination.ts";
import type { Participant, Round } from "../../src/features/evaluation/rounds.ts";
import { determinationPageData, peerCardData, resultCardData } from "../../src/features/evaluation/views.ts";
import { disposalCardData } from "../../src/features/evaluation/disposal.ts";
import { packText } from "../../src/features/evaluation/notify.ts";

/** The largest cards a 50-member branch can produce still fit Lark's 30 KB, escapes included. */

const catalogue = loadCatalogue("village_community");
const org: OrgInfo = { id: 1, kind: "branch", name: "某某村党支部".repeat(3), category: "village_community", chatId: "oc_x", parentId: null, timezone: "Asia/Shanghai" };
const round = { id: 1, orgId: 1, name: "二〇二五年度民主评议党员工作（第一轮）", year: 2025, status: "closed", deadline: new Date("2026-03-10T00:00:00+08:00"), rules: JSON.stringify(catalogue) } as Round;
const hostile = "*[<>]()#_`&~".repeat(8); // every character escaped in card markdown
const people: Participant[] = Array.from({ length: 50 }, (_, i) => ({
  memberId: i + 1, openId: `ou_${i}`, name: `欧阳${i}号同志`, memberClass: i % 7 ? "full" : "probationary", post: i < 5 ? "committee_member" : null,
  active: true, voter: i % 7 !== 0, selfDone: true, peerDone: false, peerPagesDone: [],
}));
const results: ResultView[] = people.map((p) => ({
  memberId: p.memberId, openId: p.openId, name: p.name, role: "正式党员", memberClass: p.memberClass, active: true, raterCount: 40,
  peerCounts: { EXCELLENT: 10, QUALIFIED: 10, BASICALLY_QUALIFIED: 10, UNQUALIFIED: 10 }, score: 59, stars: 1,
  vetoes: catalogue.items.filter((i) => i.kind === "veto").map((i) => i.title),
  proposedGrade: "DISCUSS", proposalReason: `${catalogue.proposal.rules[0]!.explain}${hostile}`,
  finalGrade: "UNQUALIFIED", decisionReason: hostile.slice(0, 200), decidedBy: 1, rectificationItemId: 1,
}));

function size(template: string, data: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(renderCard(template, data)));
}

describe("worst-case card sizes", () => {
  it("peer card page of 10", () => {
    expect(size("evaluation-peer", peerCardData(org, round, people[1]!, people, 1, "f".repeat(64)))).toBeLessThan(CARD_SIZE_LIMIT);
  });

  it("determination page of 8 with long reasons full of escaped characters", () => {
    const names = new Map(people.map((p) => [p.memberId, p.name]));
    const selves = new Map(people.map((p) => [p.memberId, "QUALIFIED"]));
    expect(size("evaluation-determine", determinationPageData(org, round, results, 1, selves, names, catalogue))).toBeLessThan(CARD_SIZE_LIMIT);
  });

  it("a result card with the comments that stay on it, and every item of a sheet", () => {
    const comments = Array.from({ length: 20 }, () => hostile.slice(0, 100));
    const sheet = computeSheet(catalogue, catalogue.items.map((i) => ({ itemCode: i.code, kind: i.kind, title: i.title, points: i.points ?? i.minPoints ?? 0 })));
    expect(size("evaluation-result", resultCardData(org, round, results[0]!, sheet, comments, catalogue, { seqNo: 999, due: "2026-09-07" }))).toBeLessThan(CARD_SIZE_LIMIT);
  });

  it("a 组织处置 card of 6 with every step recorded but the last, long notes", () => {
    const steps = ["finding", "prereview", "vote", "approval"];
    const history = results.flatMap((r) => steps.map((step, i) => ({ memberId: r.memberId, step, outcome: "correction_period", meetingNo: 999, dueOn: "2027-03-20", note: hostile.slice(0, 200), recordedBy: 1, recordedAt: new Date(i) })));
    const data = disposalCardData(org, round, results.slice(0, 6), history, new Map([[1, "书记"]]));
    expect(size("evaluation-disposition", data)).toBeLessThan(CARD_SIZE_LIMIT);
  });

  it("splits long material into messages between blocks", () => {
    const blocks = Array.from({ length: 50 }, (_, i) => `【${i}】${"自评".repeat(500)}`);
    const messages = packText("材料", blocks);
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.every((m) => m.length <= 12_000)).toBe(true);
    expect(messages.join("").split("【").length - 1).toBe(50);
  });
});
