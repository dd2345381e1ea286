import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../faults/support/child-bot.ts";

/**
 * Issue 17 item 4: `npm start` while another bot (or program) holds the port says so in one
 * plain line, with what to do, instead of an EADDRINUSE stack trace.
 */
describe("starting on a port that is in use", () => {
  it("exits with a clear message and no stack trace", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "0.0.0.0", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("LARK_") && k !== "DATABASE_URL" && k !== "PORT"));
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
        cwd: REPO_ROOT,
        env: { ...env, PORT: String(port), DATABASE_URL: `file:${join(mkdtempSync(join(tmpdir(), "zhibu-port-")), "bot.db")}`, LOG_LEVEL: "warn" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`端口 ${port} 已被占用`);
      expect(run.stderr).toContain(`PORT=${port + 1} npm start`);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise<void>((resolve) => holder.close(() => resolve()));
    }
  }, 90_000);
});
