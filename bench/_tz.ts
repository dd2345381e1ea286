import { zoned, dayjs } from "../src/core/time.ts";
const N = 20000; const base = Date.parse("2026-11-30T01:00:00Z");
let t = performance.now(); for (let i = 0; i < N; i++) zoned(new Date(base + i * 3_600_000), "Asia/Shanghai"); console.log("zoned", ((performance.now() - t) * 1000 / N).toFixed(1), "µs");
t = performance.now(); for (let i = 0; i < N; i++) zoned(new Date(base + i * 3_600_000), "Asia/Shanghai").format("M月D日"); console.log("zoned+format", ((performance.now() - t) * 1000 / N).toFixed(1), "µs");
t = performance.now(); for (let i = 0; i < N; i++) dayjs.tz(`2026-${String(1 + (i % 12)).padStart(2, "0")}-01 00:00`, "Asia/Shanghai").toDate(); console.log("dayjs.tz parse", ((performance.now() - t) * 1000 / N).toFixed(1), "µs");
