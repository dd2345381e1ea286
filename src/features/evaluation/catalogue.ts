import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { GRADES } from "./grades.ts";
import { REPO_ROOT } from "../../core/paths.ts";

/**
 * 评星晋级 catalogues: data files in catalogues/appraisal/, one per branch category on top of
 * common.json, editable without code. A round stores the merged catalogue when it opens, so
 * editing a file never changes a round already running.
 */
export const CATALOGUE_DIR = join(REPO_ROOT, "catalogues/appraisal");
export const CATEGORIES = ["gov_institution", "village_community", "new_econ_social_org"] as const;
export type Category = (typeof CATEGORIES)[number];

const grade = z.enum(GRADES);

const item = z
  .object({
    code: z.string().regex(/^[A-Z][A-Z0-9-]{0,11}$/),
    kind: z.enum(["bonus", "deduction", "veto"]),
    title: z.string().min(1).max(60),
    description: z.string().min(1),
    evidence: z.string().min(1),
    unit: z.string().optional(),
    points: z.number().int().positive().optional(),
    minPoints: z.number().int().positive().optional(),
    maxPoints: z.number().int().positive().optional(),
    cap: z.number().int().positive().optional(),
  })
  .refine((i) => (i.kind === "veto" ? i.points === undefined && i.minPoints === undefined : (i.points !== undefined) !== (i.minPoints !== undefined && i.maxPoints !== undefined)), {
    message: "a bonus/deduction item needs either points or minPoints+maxPoints; a veto item needs neither",
  })
  .refine((i) => i.minPoints === undefined || i.maxPoints === undefined || i.minPoints <= i.maxPoints, { message: "minPoints > maxPoints" });

const condition = z
  .object({
    veto: z.boolean().optional(),
    starsAtLeast: z.number().int().min(1).max(5).optional(),
    starsAtMost: z.number().int().min(1).max(5).optional(),
    scoreAtLeast: z.number().optional(),
    scoreBelow: z.number().optional(),
    peerShareAtLeast: z.object({ grades: z.array(grade).min(1), share: z.number().gt(0).max(1) }).optional(),
  })
  .strict();

const rule = z.object({ grade, when: condition, explain: z.string().min(1) });

const settings = z.object({
  name: z.string(),
  baseScore: z.number().int().min(0).max(100),
  bonusCap: z.number().int().min(0),
  minRaters: z.number().int().min(3),
  stars: z.array(z.object({ stars: z.number().int().min(1).max(5), minScore: z.number() })).min(1),
  vetoStars: z.number().int().min(1).max(5),
  proposal: z.object({ intro: z.string(), rules: z.array(rule), default: z.object({ grade, explain: z.string() }) }),
  rectification: z.object({
    BASICALLY_QUALIFIED: z.object({ days: z.number().int().positive(), problem: z.string().min(1) }),
    UNQUALIFIED: z.object({ days: z.number().int().positive(), problem: z.string().min(1) }),
  }),
  items: z.array(item),
});

export type Catalogue = z.infer<typeof settings>;
export type CatalogueItem = Catalogue["items"][number];
export type ProposalRule = z.infer<typeof rule>;
export type Condition = z.infer<typeof condition>;

const layer = settings.partial().extend({ extends: z.string().optional(), $comment: z.string().optional() });

function readLayer(dir: string, name: string): z.infer<typeof layer> {
  const raw: unknown = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  const parsed = layer.safeParse(raw);
  if (!parsed.success) throw new Error(`catalogue ${name}.json: ${parsed.error.message}`);
  return parsed.data;
}

/** The merged catalogue for a category: common settings and items, then the category's. */
export function loadCatalogue(category: Category, dir = CATALOGUE_DIR): Catalogue {
  const own = readLayer(dir, category);
  const base = own.extends ? readLayer(dir, own.extends) : {};
  const { extends: _e, $comment: _c, ...ownSettings } = own;
  const { extends: _e2, $comment: _c2, ...baseSettings } = base as z.infer<typeof layer>;
  const merged = { ...baseSettings, ...ownSettings, items: [...(baseSettings.items ?? []), ...(ownSettings.items ?? [])] };
  const result = settings.safeParse(merged);
  if (!result.success) throw new Error(`catalogue ${category}: ${result.error.message}`);
  const codes = new Set<string>();
  for (const i of result.data.items) {
    if (codes.has(i.code)) throw new Error(`catalogue ${category}: item code ${i.code} appears twice`);
    codes.add(i.code);
  }
  return result.data;
}

/** A round's stored catalogue (JSON), validated again so a hand-edited row fails loudly. */
export function parseStoredCatalogue(json: string): Catalogue {
  return settings.parse(JSON.parse(json));
}

export function isCategory(v: unknown): v is Category {
  return typeof v === "string" && (CATEGORIES as readonly string[]).includes(v);
}

/** "+3 分/次（最多 +6）", "−2～−5 分/项", "一票否决" */
export function pointsLabel(i: CatalogueItem): string {
  if (i.kind === "veto") return "一票否决";
  const sign = i.kind === "bonus" ? "+" : "−";
  const amount = i.points !== undefined ? `${sign}${i.points}` : `${sign}${i.minPoints}～${i.maxPoints}`;
  return `${amount} 分${i.unit ? `/${i.unit}` : ""}${i.cap ? `（本项最多 ${sign}${i.cap}）` : ""}`;
}
