import { rmSync, statSync } from "node:fs";
import { planFor, seedDatabase } from "./lib/seed.ts";
const n = Number(process.argv[2] ?? 2000);
const file = `/tmp/b10/seed-${n}.db`;
for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
const t0 = Date.now();
const counts = seedDatabase(file, planFor(n));
console.log(n, "branches seeded in", Date.now() - t0, "ms", counts, (statSync(file).size / 1e6).toFixed(0), "MB");
