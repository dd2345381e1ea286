import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
const show = (l) => { const s = readFileSync("/proc/self/status", "utf8"); const g = (k) => /\d+/.exec(s.split("\n").find((x) => x.startsWith(k)))[0]; console.log(l.padEnd(24), "rss", (+g("VmRSS") / 1024).toFixed(0), "anon", (+g("RssAnon") / 1024).toFixed(0), "heapUsed", (process.memoryUsage().heapUsed / 1048576).toFixed(0), "threads", g("Threads")); };
show("start");
if (process.argv[2] === "require") createRequire(import.meta.url)("@larksuiteoapi/node-sdk"); else await import("@larksuiteoapi/node-sdk");
show("lark sdk " + (process.argv[2] ?? "import"));
