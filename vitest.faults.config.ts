import { defineConfig } from "vitest/config";

/** `npm run test:faults`: the process-kill tests (real child processes, a minute or two), kept out of `npm test`. */
export default defineConfig({
  test: {
    // Every cached query plan is compared with a fresh compilation (src/db/plan-cache.ts).
    env: { ZHIBU_PLAN_CACHE_VERIFY: "1" },
    include: ["test/faults/kill*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default", ["json", { outputFile: "test-output/vitest-faults.json" }]],
  },
});
