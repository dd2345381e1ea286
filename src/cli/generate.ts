import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../core/paths.ts";
import { POSTGRES_SCHEMA_DIR, postgresSchemaText } from "../db/schema-variant.ts";

/**
 * `npm run generate` (also run by `npm install`): the Prisma clients for both databases from
 * the one schema in prisma/schema — as written for SQLite, and a copy for PostgreSQL that
 * differs only in its datasource provider and the client's output folder.
 */
const source = join(REPO_ROOT, "prisma/schema");
const target = join(REPO_ROOT, POSTGRES_SCHEMA_DIR);
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const file of readdirSync(source).filter((f) => f.endsWith(".prisma"))) {
  writeFileSync(join(target, file), postgresSchemaText(readFileSync(join(source, file), "utf8")));
}
for (const schema of ["prisma/schema", POSTGRES_SCHEMA_DIR]) {
  execFileSync("npx", ["prisma", "generate", "--schema", schema], { cwd: REPO_ROOT, stdio: "inherit" });
}
