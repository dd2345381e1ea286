import { zoned, dayjs } from "../src/core/time.ts";
const orig = (dayjs.prototype as any).pluginTz;
const zones = ["Asia/Shanghai", "UTC", "America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kathmandu", "America/St_Johns", "Pacific/Chatham", "Europe/Berlin", "America/Sao_Paulo"];
let bad = 0, n = 0;
const start = Date.parse("2024-01-01T00:00:00Z");
const sig = (a: any, tz: string) => [a.format("YYYY-MM-DD HH:mm:ss.SSS Z"), a.valueOf(), a.utcOffset(), a.day(), a.startOf("day").valueOf(), a.startOf("month").format(), a.add(1, "day").format(), a.endOf("week").valueOf(), a.isoWeek(), a.quarter(), a.tz("Asia/Tokyo").format(), a.$x.$timezone, a.$L, a.toDate().getTime()].join("|");
for (const tz of zones) for (let i = 0; i < 3000; i++) {
  const at = new Date(start + Math.floor(i * 7_919_317.3) + (i % 7) * 123);
  for (const src of [dayjs(at), dayjs.utc(at), dayjs(at).utcOffset(330), orig.call(dayjs(at), "Europe/Paris")]) {
    const a = orig.call(src, tz), b = src.tz(tz);
    n++; const fa = sig(a, tz), fb = sig(b, tz); if (fa !== fb) { bad++; if (bad < 5) console.log(tz, at.toISOString(), "\n ", fa, "\n ", fb); }
  }
}
console.log(`${bad} differences in ${n}`);
const N = 20000; const base = Date.parse("2026-11-30T01:00:00Z");
let t = performance.now(); for (let i = 0; i < N; i++) zoned(new Date(base + i * 3_600_000), "Asia/Shanghai"); console.log("zoned", ((performance.now() - t) * 1000 / N).toFixed(1), "µs");
t = performance.now(); for (let i = 0; i < N; i++) orig.call(dayjs(new Date(base + i * 3_600_000)), "Asia/Shanghai"); console.log("plugin", ((performance.now() - t) * 1000 / N).toFixed(1), "µs");
