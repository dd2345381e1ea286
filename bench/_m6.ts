import { readFileSync } from "node:fs";
const show = (l: string) => { const s = readFileSync("/proc/self/status", "utf8"); const g = (k: string) => /\d+/.exec(s.split("\n").find((x) => x.startsWith(k))!)![0]; console.log(l.padEnd(34), "rss", (+g("VmRSS") / 1024).toFixed(0), "heapUsed", (process.memoryUsage().heapUsed / 1048576).toFixed(0)); };
show("start");
for (const m of ["../src/lark/sdk.ts", "../src/lark/gateway.ts", "../src/app/bot.ts", "../src/features/meetings/index.ts", "../src/features/minutes/index.ts", "../src/features/evaluation/index.ts", "../src/features/rectification/index.ts", "../src/features/index.ts", "../src/sandbox/index.ts", "../src/runtime.ts"]) { await import(m); show(m); }
