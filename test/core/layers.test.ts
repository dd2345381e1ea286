import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/core/paths.ts";

/**
 * Issue 22 item 4: the outbox and card rendering are the app's port; features depend on the app,
 * and only src/lark/ (wired in src/runtime.ts) knows Lark. Checked on the import lines.
 */

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

function importsOf(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^\s*(?:import|export)[^"']*from\s+["']([^"']+)["']/gm)].map((m) => m[1]!);
}

describe("layers", () => {
  it("src/app and src/features import nothing from src/lark nor the Lark SDK", () => {
    const offenders: string[] = [];
    for (const dir of ["src/app", "src/features"]) {
      for (const file of tsFiles(join(REPO_ROOT, dir))) {
        for (const spec of importsOf(file)) {
          if (/(^|\/)lark\//.test(spec) || spec.startsWith("@larksuiteoapi/")) offenders.push(`${relative(REPO_ROOT, file)} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
