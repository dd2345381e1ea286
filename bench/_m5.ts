import { readFileSync } from "node:fs";
const show = (l: string) => { const s = readFileSync("/proc/self/status", "utf8"); const g = (k: string) => /\d+/.exec(s.split("\n").find((x) => x.startsWith(k))!)![0]; console.log(l.padEnd(34), "rss", (+g("VmRSS") / 1024).toFixed(0), "heapUsed", (process.memoryUsage().heapUsed / 1048576).toFixed(0)); };
show("start");
for (const m of ["koa", "@koa/router", "pino", "dayjs", "zod", "better-sqlite3", "ws", "docx", "exceljs", "@prisma/adapter-better-sqlite3", "../src/generated/prisma/client.ts", "../src/features/index.ts", "../src/runtime.ts"]) { await import(m); show(m); }
