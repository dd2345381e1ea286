import { createHash, randomBytes } from "node:crypto";

/**
 * The spot-check draw, kept pure so anyone holding the seed and the frame can re-derive it.
 *
 * Random numbers: the n-th number is the first 4 bytes of SHA-256("<seed>:<n>") read as an
 * unsigned 32-bit integer, divided by 2^32. Within each stratum (branch category, in code
 * order) branches are listed by id and drawn without replacement (partial Fisher–Yates);
 * then, for each drawn branch in draw order, its closed items (by id) the same way. A stratum
 * or item list that is not empty always yields at least one.
 */

export interface FrameBranch {
  orgId: number;
  /** Closed items of the period, by id. */
  items: number[];
}

export interface Frame {
  strata: Array<{ category: string; branches: FrameBranch[] }>;
}

export interface DrawResult {
  branches: Array<{ orgId: number; category: string; items: number[] }>;
}

export function newSeed(): string {
  return randomBytes(8).toString("hex");
}

export function randomStream(seed: string): () => number {
  let counter = 0;
  return () => createHash("sha256").update(`${seed}:${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
}

export function sampleSize(population: number, ratioPct: number): number {
  return population === 0 ? 0 : Math.min(population, Math.max(1, Math.ceil((population * ratioPct) / 100)));
}

/** Draws k of the list without replacement, in draw order. */
export function choose<T>(list: readonly T[], k: number, rand: () => number): T[] {
  const pool = [...list];
  const picked: T[] = [];
  for (let i = 0; i < k && pool.length; i++) {
    const j = Math.floor(rand() * pool.length);
    picked.push(pool[j]!);
    pool.splice(j, 1);
  }
  return picked;
}

/** The frame in canonical order, so the same population always gives the same frame. */
export function canonicalFrame(frame: Frame): Frame {
  return {
    strata: [...frame.strata]
      .sort((a, b) => (a.category < b.category ? -1 : a.category > b.category ? 1 : 0))
      .map((s) => ({
        category: s.category,
        branches: [...s.branches].sort((a, b) => a.orgId - b.orgId).map((b) => ({ orgId: b.orgId, items: [...b.items].sort((x, y) => x - y) })),
      })),
  };
}

export function drawSample(frame: Frame, ratioPct: number, seed: string): DrawResult {
  const rand = randomStream(seed);
  const branches: DrawResult["branches"] = [];
  const canonical = canonicalFrame(frame);
  for (const stratum of canonical.strata) {
    for (const b of choose(stratum.branches, sampleSize(stratum.branches.length, ratioPct), rand)) {
      branches.push({ orgId: b.orgId, category: stratum.category, items: [] });
    }
  }
  const byId = new Map(canonical.strata.flatMap((s) => s.branches).map((b) => [b.orgId, b]));
  for (const b of branches) {
    const items = byId.get(b.orgId)!.items;
    b.items = choose(items, sampleSize(items.length, ratioPct), rand);
  }
  return { branches };
}

/** A short fingerprint of the frame, printed with the seed so a re-derivation can be checked. */
export function frameDigest(frame: Frame): string {
  return createHash("sha256").update(JSON.stringify(canonicalFrame(frame))).digest("hex").slice(0, 12);
}
