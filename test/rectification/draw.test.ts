import { describe, expect, it } from "vitest";
import { drawSample, frameDigest, randomStream, sampleSize, type Frame } from "../../src/features/rectification/spotcheck/draw.ts";

/** 10 機关 branches with 0–9 items, 4 village branches, 1 uncategorised, listed out of order. */
const frame: Frame = {
  strata: [
    { category: "village_community", branches: [14, 11, 13, 12].map((orgId) => ({ orgId, items: [orgId * 100 + 2, orgId * 100 + 1] })) },
    { category: "gov_institution", branches: Array.from({ length: 10 }, (_, i) => ({ orgId: 10 - i, items: Array.from({ length: 10 - i - 1 }, (_, k) => (10 - i) * 100 + k) })) },
    { category: "uncategorised", branches: [{ orgId: 20, items: [] }] },
  ],
};

describe("the spot-check draw", () => {
  it("is a pure function of the frame, the ratio and the seed", () => {
    const a = drawSample(frame, 20, "9f86d081884c7d65");
    const reordered: Frame = { strata: [...frame.strata].reverse().map((s) => ({ ...s, branches: [...s.branches].reverse() })) };
    expect(drawSample(reordered, 20, "9f86d081884c7d65")).toEqual(a);
    expect(frameDigest(reordered)).toBe(frameDigest(frame));
  });

  it("takes the ratio from every stratum, at least one each, and items only from drawn branches", () => {
    const { branches } = drawSample(frame, 20, "seed-1");
    const per = (c: string) => branches.filter((b) => b.category === c);
    expect(per("gov_institution")).toHaveLength(2);
    expect(per("village_community")).toHaveLength(1);
    expect(per("uncategorised")).toHaveLength(1);
    for (const b of branches) {
      const own = frame.strata.flatMap((s) => s.branches).find((x) => x.orgId === b.orgId)!;
      expect(b.items).toHaveLength(sampleSize(own.items.length, 20));
      expect(new Set(b.items).size).toBe(b.items.length);
      for (const i of b.items) expect(own.items).toContain(i);
    }
  });

  it("gives different samples for different seeds (it is random, not the first n)", () => {
    const samples = new Set(Array.from({ length: 20 }, (_, i) => JSON.stringify(drawSample(frame, 20, `seed-${i}`).branches.map((b) => b.orgId))));
    expect(samples.size).toBeGreaterThan(5);
  });

  it("draws uniformly: each of 10 branches is drawn about equally often", () => {
    const counts = new Map<number, number>();
    const oneStratum: Frame = { strata: [frame.strata[1]!] };
    for (let i = 0; i < 2000; i++) for (const b of drawSample(oneStratum, 10, `u${i}`).branches) counts.set(b.orgId, (counts.get(b.orgId) ?? 0) + 1);
    for (const n of counts.values()) expect(n).toBeGreaterThan(140); // expected 200 each
    expect(counts.size).toBe(10);
  });

  it("uses SHA-256 of seed:counter, so anyone can recompute the numbers", () => {
    const next = randomStream("abc");
    // sha256("abc:0") = 5f36efce…; 0x5f36efce / 2^32
    expect(next()).toBeCloseTo(0x5f36efce / 2 ** 32, 12);
  });

  it("sizes: ceil(ratio × population), at least one of a non-empty list, none of an empty one", () => {
    expect([sampleSize(0, 20), sampleSize(1, 20), sampleSize(5, 20), sampleSize(6, 20), sampleSize(3, 100)]).toEqual([0, 1, 1, 2, 3]);
  });
});
