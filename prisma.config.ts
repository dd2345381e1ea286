import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// Driver-adapter mode: the CLI runs migrations through the WebAssembly schema engine
// shipped inside the `prisma` package, so nothing is ever downloaded (see README).
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema",
  // Without it `prisma migrate deploy/status` see no migrations (the runtime applies them itself).
  migrations: { path: "prisma/migrations" },
  async adapter() {
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./data/zhibu.db" });
  },
});
