import { copyFileSync, rmSync } from "node:fs";
import { forkTs } from "./lib/ipc.ts";
import { startBot } from "./lib/bot.ts";
import { CREDENTIALS } from "./lib/lark.ts";
import { DIGEST_TIME, chatIdOf, openIdOf, planFor, branchOrgNo, MEMBERS_PER_BRANCH } from "./lib/seed.ts";
const n = Number(process.argv[2] ?? 500);
const src = `/tmp/b10/seed-${n}.db`;
const file = `/tmp/b10/run-${n}.db`;
for (const s of ["", "-wal", "-shm"]) rmSync(file + s, { force: true });
copyFileSync(src, file);
const fake = forkTs("bench/lib/fake-server.ts");
await fake.ready;
const fakeUrl = await fake.call("start", CREDENTIALS);
const plan = planFor(n);
const users = [], chats = [];
for (let c = 1; c <= plan.committees; c++) { const m = Array.from({length:7},(_,j)=>openIdOf(c,j)); m.forEach((o)=>users.push({openId:o,name:o})); chats.push({chatId:chatIdOf(c),name:`c${c}`,members:m}); }
for (let b = 0; b < n; b++) { const o = branchOrgNo(plan,b); const m = Array.from({length:MEMBERS_PER_BRANCH},(_,j)=>openIdOf(o,j)); m.forEach((x)=>users.push({openId:x,name:x})); chats.push({chatId:chatIdOf(o),name:`b${o}`,members:m}); }
console.log(await fake.call("addWorld", { users, chats }));
await fake.call("setRateLimits", { enabled: true });
const t0 = Date.now();
const bot = await startBot({ databaseFile: file, fakeUrl, clock: new Date(DIGEST_TIME.getTime() - 4000), probe: true, nodeArgs: process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/b10/prof"] : process.env.NODEARGS ? process.env.NODEARGS.split(" ") : [] });
console.log("bot up in", Date.now() - t0, "ms; rss", bot.rssMb());
for (let i = 0; i < 60; i++) {
  await new Promise((r) => setTimeout(r, 1000));
  const s = await bot.probe!.call("stats");
  const tick = s.jobs.find((j: any) => j.kind === "digest.tick");
  const msgs = await fake.call("botMessages", 0);
  console.log(i, "rss", bot.rssMb().toFixed(0), "hwm", bot.peakRssMb().toFixed(0), "msgs", msgs.total, tick ? `tick ${(tick.endedAt - tick.startedAt).toFixed(0)} ms, ${tick.statements} stmts` : "");
  if (tick && i > 8) { console.log(JSON.stringify(s.counts, null, 1)); console.log(Object.entries(s.sqliteMs).sort((a:any,b:any)=>b[1]-a[1]).slice(0,15)); console.log(s.providers, Object.fromEntries(Object.entries(s.peaks).map(([k, v]: any) => [k, Math.round(v / 1048576)]))); console.log(await fake.call("calls", 0)); break; }
}
await bot.stop();
fake.child.kill();
