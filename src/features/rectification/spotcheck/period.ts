import { dayjs } from "../../../core/time.ts";


/** The span a spot-check looks at: items closed in [start, end), in the committee's zone. */
export interface CheckPeriod {
  label: string;
  year: number;
  start: Date;
  end: Date;
}

const QUARTER_NAMES = ["一", "二", "三", "四"];
const QUARTER_DIGITS: Record<string, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 一: 1, 二: 2, 三: 3, 四: 4 };

function quarter(year: number, q: number, tz: string): CheckPeriod {
  const start = dayjs.tz(`${year}-${String((q - 1) * 3 + 1).padStart(2, "0")}-01 00:00`, tz);
  return { label: `${year}年第${QUARTER_NAMES[q - 1]}季度`, year, start: start.toDate(), end: start.add(3, "month").toDate() };
}

function wholeYear(year: number, tz: string): CheckPeriod {
  const start = dayjs.tz(`${year}-01-01 00:00`, tz);
  return { label: `${year}年`, year, start: start.toDate(), end: start.add(1, "year").toDate() };
}

function month(year: number, m: number, tz: string): CheckPeriod | undefined {
  if (m < 1 || m > 12) return undefined;
  const start = dayjs.tz(`${year}-${String(m).padStart(2, "0")}-01 00:00`, tz);
  return { label: `${year}年${m}月`, year, start: start.toDate(), end: start.add(1, "month").toDate() };
}

export const PERIOD_EXAMPLES = "2026Q1、2026年第一季度、2026-03、2026、本季度、上季度、今年、去年";

/** Reads a period word; none means the current year. Undefined if not understood. */
export function parseCheckPeriod(word: string | undefined, now: Date, tz: string): CheckPeriod | undefined {
  const local = dayjs(now).tz(tz);
  const year = local.year();
  const q = Math.floor(local.month() / 3) + 1;
  if (!word || word === "今年" || word === "本年" || word === "本年度") return wholeYear(year, tz);
  if (word === "去年" || word === "上年" || word === "上年度") return wholeYear(year - 1, tz);
  if (word === "本季度" || word === "本季") return quarter(year, q, tz);
  if (word === "上季度" || word === "上季") return q === 1 ? quarter(year - 1, 4, tz) : quarter(year, q - 1, tz);
  let m = /^(\d{4})\s*-?\s*[Qq]([1-4])$/.exec(word) ?? /^(\d{4})年?第?([1-4一二三四])季度?$/.exec(word);
  if (m) return quarter(Number(m[1]), QUARTER_DIGITS[m[2]!]!, tz);
  m = /^(\d{4})年?(?:度)?$/.exec(word);
  if (m) return wholeYear(Number(m[1]), tz);
  m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})月?$/.exec(word);
  if (m) return month(Number(m[1]), Number(m[2]), tz);
  return undefined;
}
