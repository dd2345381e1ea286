import { QueryCompiler } from "@prisma/client/runtime/query_compiler_bg.sqlite.mjs";

/**
 * A cache of Prisma's query plans, keyed by the shape of the query.
 *
 * Prisma 6.19's client compiles every query from scratch in its WebAssembly query compiler:
 * about 0.45 ms for a lookup by a unique key, four fifths of the query's cost, and the largest
 * item of the bot's CPU profile under load (bench/README.md). Prisma 7 caches plans by
 * parameterising the query; this does the same for the version we can run here.
 *
 * A query's values (strings, integers, dates) are replaced by sentinels, the sentinel query is
 * compiled once, and later queries of the same shape get a copy of that plan with their own
 * values put where the sentinels are (equal values share one). A shape is cached only if every
 * sentinel comes out of the compiler unchanged as a whole value; a value the compiler
 * transforms (`contains` → `%x%`) or that decides the plan's structure (`take`, `orderBy`,
 * nulls, booleans, big integers) keeps the query uncached or in the key.
 * `ZHIBU_PLAN_CACHE_VERIFY=1` (set for the tests) compiles every cached query again and fails
 * on any difference.
 */

/** Arguments whose values are structure, kept in the key whole (`select`/`include` are walked:
 * their flags are booleans, and the filters of the relations they read are values). */
const STRUCTURAL_KEYS = new Set(["by", "take", "skip", "orderBy", "distinct", "mode", "nulls", "sort", "relationLoadStrategy"]);
const MARK = "\uE000";
const INT_BASE = 2_000_000_000;
const DATE_BASE = Date.UTC(2999, 0, 1);
const MAX_SHAPES = 2_000;
const INT32 = 2 ** 31;

type Slot = { kind: "string"; value: string } | { kind: "int"; value: number } | { kind: "date"; value: string };
type Plan = unknown;

const stringSentinel = (i: number) => `${MARK}${i}${MARK}`;
const intSentinel = (i: number) => INT_BASE + i;
const dateSentinel = (i: number) => new Date(DATE_BASE + i).toISOString();

/** Replaces the query's values by sentinels; returns the sentinel query and the values in order. */
function parameterize(query: unknown): { shaped: unknown; slots: Slot[] } {
  const slots: Slot[] = [];
  // Equal values share a sentinel: the compiler compares some (an upsert whose where equals its
  // create becomes INSERT … ON CONFLICT), so which values are equal is part of the shape.
  const seen = new Map<string, number>();
  const slot = (s: Slot): number => {
    const id = `${s.kind}:${s.value}`;
    let i = seen.get(id);
    if (i === undefined) seen.set(id, (i = slots.push(s) - 1));
    return i;
  };
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (key !== undefined && STRUCTURAL_KEYS.has(key)) return node;
    if (typeof node === "string") return stringSentinel(slot({ kind: "string", value: node }));
    if (typeof node === "number") {
      if (!Number.isInteger(node) || Math.abs(node) >= INT32) return node;
      return intSentinel(slot({ kind: "int", value: node }));
    }
    if (node === null || typeof node !== "object") return node;
    if (Array.isArray(node)) return node.map((item) => walk(item, undefined));
    const record = node as Record<string, unknown>;
    if ("$type" in record) {
      if (record.$type === "DateTime" && typeof record.value === "string") {
        return { $type: "DateTime", value: dateSentinel(slot({ kind: "date", value: record.value })) };
      }
      return node;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, walk(v, k)]));
  };
  const q = query as { query?: { arguments?: unknown } };
  if (!q.query || q.query.arguments === undefined) return { shaped: query, slots };
  return { shaped: { ...q, query: { ...q.query, arguments: walk(q.query.arguments, undefined) } }, slots };
}

/** Which slot a plan value is the sentinel of, if it is one; -1 for a mangled sentinel. */
function slotOf(value: unknown, slots: Slot[]): number | undefined {
  if (typeof value === "string") {
    if (value.includes(MARK)) {
      const i = Number(value.slice(1, -1));
      return value === stringSentinel(i) && slots[i]?.kind === "string" ? i : -1;
    }
    if (value.startsWith("2999-")) {
      const i = Date.parse(value) - DATE_BASE;
      return slots[i]?.kind === "date" && value === dateSentinel(i) ? i : undefined;
    }
    if (/^\d{10}$/.test(value)) {
      const i = Number(value) - INT_BASE;
      return slots[i]?.kind === "int" ? i : undefined;
    }
    return undefined;
  }
  if (typeof value === "number") {
    const i = value - INT_BASE;
    return slots[i]?.kind === "int" ? i : undefined;
  }
  return undefined;
}

/** A compiled sentinel plan, and which of its objects and arrays hold a sentinel somewhere inside. */
interface Template {
  plan: Plan;
  holders: WeakSet<object>;
}

/** The template, when every slot comes out of the compiler whole and no sentinel was changed. */
function templateOf(plan: Plan, slots: Slot[]): Template | null {
  const found = new Set<number>();
  const holders = new WeakSet<object>();
  let mangled = false;
  const walk = (node: unknown): boolean => {
    const i = slotOf(node, slots);
    if (i === -1) mangled = true;
    if (i !== undefined) {
      found.add(i);
      return true;
    }
    if (node === null || typeof node !== "object") return false;
    let holds = false;
    for (const child of Array.isArray(node) ? node : Object.values(node)) holds = walk(child) || holds;
    if (holds) holders.add(node);
    return holds;
  };
  walk(plan);
  return !mangled && found.size === slots.length ? { plan, holders } : null;
}

/**
 * The template's plan with the sentinels replaced by this query's values: the objects on the
 * way to a sentinel are copied, the rest (most of a plan: the shape of its result) is shared,
 * as Prisma only reads a plan (ZHIBU_PLAN_CACHE_VERIFY would see a template changed by use).
 */
function instantiate(template: Template, slots: Slot[]): Plan {
  const copy = (node: unknown): unknown => {
    const i = slotOf(node, slots);
    if (i !== undefined && i >= 0) {
      const slot = slots[i]!;
      return slot.kind === "int" && typeof node === "string" ? String(slot.value) : slot.value;
    }
    if (node === null || typeof node !== "object" || !template.holders.has(node)) return node;
    if (Array.isArray(node)) return node.map(copy);
    const out: Record<string, unknown> = {};
    for (const key in node) out[key] = copy((node as Record<string, unknown>)[key]);
    return out;
  };
  return copy(template.plan);
}

export interface PlanCacheStats {
  hits: number;
  misses: number;
  uncacheable: number;
}

const stats: PlanCacheStats = { hits: 0, misses: 0, uncacheable: 0 };
/** Per compiler instance (one per client): a template, or null for a shape that cannot be cached. */
const shapes = new WeakMap<object, Map<string, Template | null>>();

export function planCacheStats(): PlanCacheStats {
  return { ...stats };
}

let installed = false;

/** Installs the cache on Prisma's query compiler (once per process). */
export function installPlanCache(): void {
  if (installed) return;
  installed = true;
  const verify = process.env.ZHIBU_PLAN_CACHE_VERIFY === "1";
  const compile = QueryCompiler.prototype.compile as (this: object, request: string) => Plan;
  const compileBatch = QueryCompiler.prototype.compileBatch as (this: object, request: string) => Plan;
  /**
   * A batch (`$transaction([...])`, or findUnique calls Prisma gathered from one tick) as
   * "multi": each query's own cached plan, run one after another in one transaction — what the
   * compiler answers for any batch it does not compact into one query. Batches with a query
   * that throws when nothing is found keep Prisma's own handling.
   */
  QueryCompiler.prototype.compileBatch = function cachedCompileBatch(this: object, request: string): Plan {
    const { batch } = JSON.parse(request) as { batch: Array<{ action: string }> };
    if (batch.some((q) => q.action.endsWith("OrThrow"))) return compileBatch.call(this, request);
    return { type: "multi", plans: batch.map((q) => cachedCompile.call(this, JSON.stringify(q))) };
  };
  const cachedCompile = function cachedCompile(this: object, request: string): Plan {
    const query = JSON.parse(request) as { action?: string };
    if (query.action === "queryRaw" || query.action === "executeRaw") return compile.call(this, request);
    const { shaped, slots } = parameterize(query);
    const key = JSON.stringify(shaped);
    let byShape = shapes.get(this);
    if (!byShape) shapes.set(this, (byShape = new Map()));
    let template = byShape.get(key);
    if (template === undefined) {
      stats.misses++;
      template = compileTemplate(this, compile, key, slots);
      if (byShape.size >= MAX_SHAPES) byShape.delete(byShape.keys().next().value!);
      byShape.set(key, template);
    } else stats.hits++;
    if (template === null) {
      stats.uncacheable++;
      return compile.call(this, request);
    }
    const plan = instantiate(template, slots);
    if (verify) verifyPlan(plan, compile.call(this, request), request);
    return plan;
  };
  QueryCompiler.prototype.compile = cachedCompile;
}

function compileTemplate(compiler: object, compile: (this: object, request: string) => Plan, shapedRequest: string, slots: Slot[]): Template | null {
  try {
    return templateOf(compile.call(compiler, shapedRequest), slots);
  } catch {
    return null; // the sentinels were refused: compile each such query as it comes
  }
}

function verifyPlan(cached: Plan, compiled: Plan, request: string): void {
  const a = JSON.stringify(cached);
  const b = JSON.stringify(compiled);
  if (a === b) return;
  let at = 0;
  while (a[at] === b[at]) at++;
  const around = (s: string) => s.slice(Math.max(0, at - 150), at + 150);
  const err = new Error(`query plan cache: cached plan differs from the compiled one for ${request}\ncached:   …${around(a)}…\ncompiled: …${around(b)}…`);
  console.error(err.message); // loud in tests even where the caller turns the error into a reply
  throw err;
}
