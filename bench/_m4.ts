import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const show = (l: string) => { const s = readFileSync("/proc/self/status", "utf8"); const g = (k: string) => /\d+/.exec(s.split("\n").find((x) => x.startsWith(k))!)![0]; console.log(l.padEnd(20), "rss", (+g("VmRSS") / 1024).toFixed(0), "anon", (+g("RssAnon") / 1024).toFixed(0), "heapUsed", (process.memoryUsage().heapUsed / 1048576).toFixed(0)); };
show("start");
createRequire(import.meta.url)("@larksuiteoapi/node-sdk"); show("sdk required");
await import("@larksuiteoapi/node-sdk"); show("sdk imported too");
