import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE_DIR, CATEGORIES, loadCatalogue, parseStoredCatalogue, pointsLabel } from "../../src/features/evaluation/catalogue.ts";
import { computeSheet, propose, rulesInWords, type ScoreEntry } from "../../src/features/evaluation/scoring.ts";
import { excellentWarning } from "../../src/features/evaluation/determination.ts";
import { emptyCounts } from "../../src/features/evaluation/grades.ts";

/** The catalogues are data (catalogues/appraisal/*.json); these checks keep an edit from breaking a round. */

const gov = loadCatalogue("gov_institution");
const entry = (itemCode: string, points = 0): ScoreEntry => {
  const item = gov.items.find((i) => i.code === itemCode)!;
  return { itemCode, kind: item.kind, title: item.title, points: points || item.points || 0 };
};

describe("catalogue files", () => {
  it.each(CATEGORIES)("%s loads: common items plus its own, each with a description and evidence", (category) => {
    const c = loadCatalogue(category);
    expect(c.baseScore).toBe(80);
    expect(c.bonusCap).toBe(20);
    for (const kind of ["bonus", "deduction", "veto"]) expect(c.items.some((i) => i.kind === kind)).toBe(true);
    expect(c.items.some((i) => i.code.includes("-"))).toBe(true); // the domain's own items
    for (const i of c.items) {
      expect(i.description.length).toBeGreaterThan(0);
      expect(pointsLabel(i)).toBeTruthy();
    }
    expect(rulesInWords(c).at(-1)).toContain("其他");
  });

  it("keeps each domain's own items apart", () => {
    expect(loadCatalogue("village_community").items.some((i) => i.code === "GOV-B1")).toBe(false);
    expect(loadCatalogue("new_econ_social_org").items.some((i) => i.code.startsWith("NEW-"))).toBe(true);
  });
});

describe("the bot never proposes a grade below 合格", () => {
  it.each(CATEGORIES)("%s: every rule proposes 优秀 or 合格, or flags the case for discussion", (category) => {
    const c = loadCatalogue(category);
    for (const r of c.proposal.rules) expect(r.grade === undefined ? r.discuss : ["EXCELLENT", "QUALIFIED"].includes(r.grade)).toBe(true);
    expect(c.rectification).not.toHaveProperty("UNQUALIFIED"); // no invented correction period
  });

  it("refuses a catalogue file whose rule would propose 不合格", () => {
    const dir = mkdtempSync(join(tmpdir(), "catalogue-"));
    const common = JSON.parse(readFileSync(join(CATALOGUE_DIR, "common.json"), "utf8"));
    common.proposal.rules[0] = { grade: "UNQUALIFIED", when: { veto: true }, explain: "有否决项：不合格" };
    writeFileSync(join(dir, "common.json"), JSON.stringify(common));
    writeFileSync(join(dir, "gov_institution.json"), readFileSync(join(CATALOGUE_DIR, "gov_institution.json")));
    expect(() => loadCatalogue("gov_institution", dir)).toThrow(/expected one of \\"EXCELLENT\\"\|\\"QUALIFIED\\"/);
  });

  it("reads a round stored with an older below-合格 rule as a case for discussion", () => {
    const stored = JSON.parse(JSON.stringify(gov));
    stored.proposal.rules[0] = { grade: "UNQUALIFIED", when: { veto: true }, explain: "旧规则" };
    stored.rectification.UNQUALIFIED = { days: 180, problem: "旧" };
    const c = parseStoredCatalogue(JSON.stringify(stored));
    expect(c.proposal.rules[0]).toMatchObject({ discuss: true });
    expect(c.proposal.rules[0]!.grade).toBeUndefined();
  });
});

describe("评星 arithmetic", () => {
  it("caps an item, caps the total bonus, floors at zero and maps to stars", () => {
    const sheet = computeSheet(gov, [entry("B01"), entry("B01"), entry("B01"), entry("B02", 5), entry("B04", 5), entry("B04", 5), entry("GOV-B1", 5)]);
    expect(sheet.lines.find((l) => l.itemCode === "B01")).toMatchObject({ count: 3, points: 6, capped: true });
    expect(sheet.bonus).toBe(20);
    expect(sheet.bonusCapped).toBe(true);
    expect(sheet).toMatchObject({ score: 100, stars: 5 });
    const low = computeSheet(gov, Array.from({ length: 30 }, () => entry("D01")));
    expect(low).toMatchObject({ score: 0, stars: 1 });
    expect(computeSheet(gov, []).stars).toBe(3);
    expect(computeSheet(gov, [entry("D01"), entry("D01")])).toMatchObject({ score: 74, stars: 2 });
  });

  it("a veto gives one star and only flags the case for discussion, whatever the score", () => {
    const sheet = computeSheet(gov, [entry("B01"), entry("B02", 5), entry("B04", 5), entry("V01")]);
    expect(sheet.score).toBe(93);
    expect(sheet.stars).toBe(1);
    const excellent = { ...emptyCounts(), EXCELLENT: 8 };
    const p = propose(gov, sheet, { raterCount: 8, counts: excellent });
    expect(p.grade).toBe("DISCUSS");
    expect(p.reason).toContain("不提出等次建议");
  });
});

describe("proposal rules", () => {
  const five = computeSheet(gov, [entry("B01"), entry("B01"), entry("B02", 5), entry("B04", 5)]);
  it("proposes 优秀 only with five stars and at least half 优秀 among at least three raters", () => {
    expect(propose(gov, five, { raterCount: 4, counts: { ...emptyCounts(), EXCELLENT: 2, QUALIFIED: 2 } }).grade).toBe("EXCELLENT");
    expect(propose(gov, five, { raterCount: 4, counts: { ...emptyCounts(), EXCELLENT: 1, QUALIFIED: 3 } }).grade).toBe("QUALIFIED");
  });

  it("treats missing peer data (below the threshold) as 缺项: no peer rule applies, and the reason says so", () => {
    const p = propose(gov, five, { raterCount: 2, counts: null });
    expect(p.grade).toBe("QUALIFIED");
    expect(p.reason).toContain("参评不足 3 人");
  });

  it("asks the committee to discuss when half the raters say 基本合格 or 不合格", () => {
    const sheet = computeSheet(gov, []);
    const p = propose(gov, sheet, { raterCount: 6, counts: { ...emptyCounts(), QUALIFIED: 3, BASICALLY_QUALIFIED: 2, UNQUALIFIED: 1 } });
    expect(p.grade).toBe("DISCUSS");
    expect(p.reason).toContain("互评中半数及以上评为基本合格或不合格");
  });

  it("warns above one third 优秀, not at it", () => {
    expect(excellentWarning("建议", 3, 9)).toBeUndefined();
    expect(excellentWarning("建议", 4, 10)).toContain("最多 3 人");
  });
});
