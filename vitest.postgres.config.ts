import { defineConfig } from "vitest/config";
import base from "./vitest.config.ts";

/** `npm run test:postgres`: the whole suite again on PostgreSQL, a private server for the run and a database per test bot. */
export default defineConfig({
  test: {
    ...base.test,
    globalSetup: ["test/support/postgres-setup.ts"],
    reporters: ["default", ["json", { outputFile: "test-output/vitest-postgres.json" }]],
  },
});
