import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Every cached query plan is compared with a fresh compilation (src/db/plan-cache.ts).
    env: { ZHIBU_PLAN_CACHE_VERIFY: "1" },
    include: ["test/**/*.test.ts"],
    exclude: ["test/faults/kill*.test.ts", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    reporters: ["default", ["json", { outputFile: "test-output/vitest-results.json" }]],
  },
});
