import { describe, expect, it } from "vitest";
import { checkMotion, majorityOf, quorumMet, quorumSentence } from "../../src/features/meetings/quorum.ts";

describe("quorum maths (domain.md §1.2)", () => {
  it("needs strictly more than half, for even and odd numbers", () => {
    expect(majorityOf(20)).toBe(11);
    expect(majorityOf(9)).toBe(5);
    expect(majorityOf(4)).toBe(3);
    expect(quorumMet(10, 20)).toBe(false);
    expect(quorumMet(11, 20)).toBe(true);
    expect(quorumMet(0, 0)).toBe(false);
  });

  it("the domain example: 20 entitled, 11 present → quorum met, a motion needs ≥11 yes (every attendee)", () => {
    const ten = checkMotion({ entitled: 20, present: 11, yes: 10 });
    expect(ten.quorumMet).toBe(true);
    expect(ten.passed).toBe(false);
    expect(ten.yesNeeded).toBe(11);
    expect(ten.reason).toContain("至少需要 11 票");
    expect(checkMotion({ entitled: 20, present: 11, yes: 11 }).passed).toBe(true);
  });

  it("counts yes votes against those entitled, not those present", () => {
    // 15 of 20 present, 8 yes: a majority of those present, but not of the 20 entitled.
    expect(checkMotion({ entitled: 20, present: 15, yes: 8 }).passed).toBe(false);
  });

  it("a meeting without quorum cannot pass anything, whatever the count", () => {
    const r = checkMotion({ entitled: 20, present: 10, yes: 10 });
    expect(r.quorumMet).toBe(false);
    expect(r.passed).toBe(false);
    expect(r.reason).toContain("不能记为通过");
  });

  it("says in words whether quorum was met", () => {
    expect(quorumSentence("general", 9, 5)).toContain("可以进行表决");
    expect(quorumSentence("general", 9, 4)).toContain("不能进行表决");
    expect(quorumSentence("committee", 4, 2)).toContain("不能作出决定");
  });
});
