import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * What a fault test survived (events redelivered, faults injected, kills, inputs fuzzed),
 * written to test-output/fault-counts/<name>.json and printed, for the closing note.
 */
export function reportCounts(name: string, counts: Record<string, number>): void {
  const dir = join("test-output", "fault-counts");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(counts, null, 2)}\n`);
  console.info(`[fault counts] ${name}: ${JSON.stringify(counts)}`);
}

/** Deterministic shuffle (Fisher–Yates) with the given random source. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
