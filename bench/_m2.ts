import { readFileSync } from "node:fs";
const show = (l: string) => { const s = readFileSync("/proc/self/status", "utf8"); const g = (k: string) => /\d+/.exec(s.split("\n").find((x) => x.startsWith(k))!)![0]; console.log(l.padEnd(20), "rss", (+g("VmRSS") / 1024).toFixed(0), "anon", (+g("RssAnon") / 1024).toFixed(0), "file", (+g("RssFile") / 1024).toFixed(0), "heapUsed", (process.memoryUsage().heapUsed / 1048576).toFixed(0)); };
show("start");
await import("@larksuiteoapi/node-sdk"); show("lark sdk");
await import("exceljs"); show("exceljs");
await import("docx"); show("docx");
await import("../src/runtime.ts"); show("runtime");
(globalThis as any).gc?.(); show("after gc");
