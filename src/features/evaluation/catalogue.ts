import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { GRADES, PROPOSABLE_GRADES } from "./grades.ts";
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

/**
 * A proposal rule either proposes 优秀/合格 or flags the case for the committee's discussion
 * (`discuss: true`); a grade below 合格 is refused in a catalogue file (domain.md §2.3: the
 * bot never labels a member).
 */
const proposable = z.enum(PROPOSABLE_GRADES);
const rule = z
  .object({ grade: proposable.optional(), discuss: z.literal(true).optional(), when: condition, explain: z.string().min(1) })
  .strict()
  .refine((r) => (r.grade === undefined) !== (r.discuss === undefined), {
    message: "a proposal rule proposes 优秀 or 合格 (grade) or flags the case for discussion (discuss: true); the bot never proposes a grade below 合格",
  });

/** Rounds stored before proposals stopped below 合格: such a rule is read as a discussion flag. */
const storedRule = z.preprocess((r) => {
  if (r && typeof r === "object" && "grade" in r && (r.grade === "BASICALLY_QUALIFIED" || r.grade === "UNQUALIFIED")) {
    const { grade: _g, ...rest } = r as Record<string, unknown>;
    return { ...rest, discuss: true };
  }
  return r;
}, rule);

const settings = z.object({
  name: z.string(),
  baseScore: z.number().int().min(0).max(100),
  bonusCap: z.number().int().min(0),
  minRaters: z.number().int().min(3),
  stars: z.array(z.object({ stars: z.number().int().min(1).max(5), minScore: z.number() })).min(1),
  vetoStars: z.number().int().min(1).max(5),
  proposal: z.object({ intro: z.string(), rules: z.array(rule), default: z.object({ grade: proposable, explain: z.string() }) }),
  /**
   * 基本合格 gets a rectification item (指出不足、帮助改进). 不合格 gets none from the
   * catalogue: a 限期改正 period is decided and entered by the branch in the 处置 procedure.
   */
  rectification: z.object({
    BASICALLY_QUALIFIED: z.object({ days: z.number().int().positive(), problem: z.string().min(1) }),
  }),
  items: z.array(item),
});

/** The same settings as stored in a round's row, older rule forms accepted. */
const storedSettings = settings.extend({
  proposal: z.object({ intro: z.string(), rules: z.array(storedRule), default: z.object({ grade: proposable, explain: z.string() }) }),
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
  return storedSettings.parse(JSON.parse(json)) as Catalogue;
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
