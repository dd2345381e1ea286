import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository's root (the folder with package.json), where the card templates, catalogues,
 * migrations and sandbox pages are: found by walking up from this file, so the same code finds
 * them run from src/ (tsx) or compiled into dist/src/ (`npm run build`).
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRoot();
