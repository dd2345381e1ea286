import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../core/paths.ts";
import { postgresSchemaText } from "../db/schema-variant.ts";

/**
 * `npm run migration:sql [-- --postgres] [-- <git rev>]`: the SQL that takes the schema as it
 * was at <rev> (default HEAD, i.e. the last commit) to prisma/schema as it is in the working
 * tree — the body of a new migration, for SQLite (prisma/migrations) or, with --postgres, for
 * PostgreSQL (prisma/migrations-postgres). On Prisma 6.19 with a driver adapter, `migrate diff
 * --from-migrations` fails (P3006, and a shadow database for PostgreSQL) and the URL and
 * datasource sources are refused; two datamodels work offline for both providers.
 */
const args = process.argv.slice(2);
const postgres = args.includes("--postgres");
const rev = args.find((a) => !a.startsWith("--")) ?? "HEAD";
const dialect = (text: string) => (postgres ? postgresSchemaText(text) : text);
const git = (...argv: string[]) => execFileSync("git", argv, { cwd: REPO_ROOT, encoding: "utf8" });
const scratch = mkdtempSync(join(tmpdir(), "zhibu-schema-"));
const before = join(scratch, "before");
const after = join(scratch, "after");
mkdirSync(before);
mkdirSync(after);
for (const file of git("ls-tree", "--name-only", `${rev}:prisma/schema`).split("\n").filter((f) => f.endsWith(".prisma"))) {
  writeFileSync(join(before, file), dialect(git("show", `${rev}:prisma/schema/${file}`)));
}
for (const file of readdirSync(join(REPO_ROOT, "prisma/schema")).filter((f) => f.endsWith(".prisma"))) {
  writeFileSync(join(after, file), dialect(readFileSync(join(REPO_ROOT, "prisma/schema", file), "utf8")));
}
// The config's adapter opens DATABASE_URL even for a diff of two datamodels: give it a scratch file.
const sql = execFileSync("npx", ["prisma", "migrate", "diff", "--from-schema-datamodel", before, "--to-schema-datamodel", after, "--script"], {
  cwd: REPO_ROOT,
  env: { ...process.env, DATABASE_URL: `file:${join(scratch, "scratch.db")}` },
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
process.stdout.write(sql);
