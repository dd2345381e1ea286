import { zoned, dayjs } from "../src/core/time.ts";
const zones = ["Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Europe/Berlin", "America/Sao_Paulo"];
let bad = 0, n = 0;
const start = Date.parse("2024-01-01T00:00:00Z");
for (const tz of zones) for (let i = 0; i < 4000; i++) {
  const at = new Date(start + Math.floor(i * 7_919_317.3) + (i % 7) * 123);
  const a = dayjs(at).tz(tz), b = zoned(at, tz);
  const fa = [a.format("YYYY-MM-DD HH:mm:ss.SSS Z"), a.valueOf(), a.utcOffset(), a.day(), a.startOf("day").valueOf(), a.startOf("month").format(), a.add(1, "day").format(), a.endOf("week").valueOf(), a.isoWeek(), a.quarter(), a.tz(tz).format()].join("|");
  const fb = [b.format("YYYY-MM-DD HH:mm:ss.SSS Z"), b.valueOf(), b.utcOffset(), b.day(), b.startOf("day").valueOf(), b.startOf("month").format(), b.add(1, "day").format(), b.endOf("week").valueOf(), b.isoWeek(), b.quarter(), b.tz(tz).format()].join("|");
  n++; if (fa !== fb) { bad++; if (bad < 5) console.log(tz, at.toISOString(), "\n ", fa, "\n ", fb); }
}
console.log(`${bad} differences in ${n}`);
const N = 20000; const base = Date.parse("2026-11-30T01:00:00Z");
let t = performance.now(); for (let i = 0; i < N; i++) zoned(new Date(base + i * 3_600_000), "Asia/Shanghai"); console.log("zoned", ((performance.now() - t) * 1000 / N).toFixed(1), "µs");
