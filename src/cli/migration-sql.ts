import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../core/paths.ts";

/**
 * `npm run migration:sql [-- <git rev>]`: the SQL that takes the schema as it was at <rev>
 * (default HEAD, i.e. the last commit) to prisma/schema as it is in the working tree — the
 * body of a new migration. On Prisma 6.19 with a driver adapter, `migrate diff
 * --from-migrations` fails (P3006, and a shadow database for PostgreSQL) and the URL and
 * datasource sources are refused; two datamodels work offline for both providers.
 */
const rev = process.argv[2] ?? "HEAD";
const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" });
const before = mkdtempSync(join(tmpdir(), "zhibu-schema-"));
const dir = join(before, "schema");
mkdirSync(dir);
for (const file of git("ls-tree", "--name-only", `${rev}:prisma/schema`).split("\n").filter((f) => f.endsWith(".prisma"))) {
  writeFileSync(join(dir, file), git("show", `${rev}:prisma/schema/${file}`));
}
// The config's adapter opens DATABASE_URL even for a diff of two datamodels: give it a scratch file.
const sql = execFileSync("npx", ["prisma", "migrate", "diff", "--from-schema-datamodel", dir, "--to-schema-datamodel", "prisma/schema", "--script"], {
  cwd: REPO_ROOT,
  env: { ...process.env, DATABASE_URL: `file:${join(before, "scratch.db")}` },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
process.stdout.write(sql);
