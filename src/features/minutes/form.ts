import type { MinutesContent } from "./types.ts";

/**
 * The minutes form as typed: raw strings, exactly as the person left them, so a half-filled
 * form saves without any checks and nothing is lost (votes stay "十一" until corrected).
 *
 * Why slots and not a line format ("决议 | 赞成 | 反对 | 弃权"): in Feishu a person picker and a
 * date picker cannot be mistyped, and three small number boxes under each resolution read
 * like the paper record; a line format would make owners typed names (ambiguous) and dates
 * free text. Each list starts with a few slots and grows with「添加…」up to a cap that keeps
 * the card under Lark's 30 KB limit; long text goes in parts (≤1000 characters each, the
 * card input's limit) or as a Feishu doc link.
 */
export interface ResolutionInput {
  text: string;
  yes: string;
  no: string;
  abstain: string;
  /** "hands" | "secret" | "" (a select). */
  method: string;
  /** A MotionMatter or "" (a select; only a 党员大会 shows it). */
  matter: string;
  /** How many of the votes are written opinions of absent voting members. */
  written: string;
  /** Dissenting or reserved opinions. */
  dissent: string;
}

export function emptyResolution(): ResolutionInput {
  return { text: "", yes: "", no: "", abstain: "", method: "", matter: "", written: "", dissent: "" };
}

export interface ActionInput {
  text: string;
  ownerOpenId: string;
  /** YYYY-MM-DD, or "" */
  due: string;
}

export interface FormState {
  place: string;
  chairOpenId: string;
  agenda: string;
  discussion: string[];
  docUrl: string;
  /** 列席 and 到会指导 persons (domain.md §1.6), as written: they may be outside the roster. */
  observers: string;
  lecturerOpenId: string;
  lessonTitle: string;
  materialUrl: string;
  keyPoints: string[];
  /** 主题党日: the activity plan, the theme material link, the photo links (as typed). */
  themePlan: string;
  themeMaterial: string;
  photos: string;
  resolutions: ResolutionInput[];
  actions: ActionInput[];
  /** Why a confirmed record is amended. */
  reason: string;
}

/** How many of each repeated input a card shows; carried in the buttons so a click is read the way its card was drawn. */
export interface Layout {
  resolutions: number;
  actions: number;
  discussion: number;
  keyPoints: number;
}

export const TEXT_MAX = 1000;
export const RESOLUTION_MAX = 500;
export const ACTION_MAX = 200;
export const SHORT_MAX = 200;
export const LINK_MAX = 500;
export const REASON_MAX = 300;
export const CAPS: Layout = { resolutions: 6, actions: 6, discussion: 3, keyPoints: 3 };
/** How many slots a list grows by per click. */
export const GROW: Layout = { resolutions: 2, actions: 2, discussion: 1, keyPoints: 1 };

export function emptyState(): FormState {
  return {
    place: "", chairOpenId: "", agenda: "", discussion: [], docUrl: "", observers: "",
    lecturerOpenId: "", lessonTitle: "", materialUrl: "", keyPoints: [],
    themePlan: "", themeMaterial: "", photos: "",
    resolutions: [], actions: [], reason: "",
  };
}

/** The slots to draw: at least what the state holds, at least the defaults, never over the caps. */
export function layoutFor(state: FormState, opts: { votes: boolean; lesson: boolean }, grow?: keyof Layout): Layout {
  const layout: Layout = {
    resolutions: opts.lesson ? 0 : Math.max(state.resolutions.length, opts.votes ? 2 : 1),
    actions: Math.max(state.actions.length, 2),
    discussion: Math.max(state.discussion.length, 1),
    keyPoints: opts.lesson ? Math.max(state.keyPoints.length, 1) : 0,
  };
  if (grow && (grow !== "resolutions" || !opts.lesson) && (grow !== "keyPoints" || opts.lesson)) layout[grow] += GROW[grow];
  for (const k of Object.keys(layout) as Array<keyof Layout>) layout[k] = Math.min(layout[k], CAPS[k]);
  return layout;
}

/** Only the slots that hold something (the last resort when a card is too large). */
export function shrinkLayout(l: Layout, s: FormState): Layout {
  return {
    resolutions: Math.min(l.resolutions, s.resolutions.length),
    actions: Math.min(l.actions, s.actions.length),
    discussion: Math.min(l.discussion, Math.max(1, s.discussion.length)),
    keyPoints: Math.min(l.keyPoints, Math.max(l.keyPoints ? 1 : 0, s.keyPoints.length)),
  };
}

/** Compact form of a layout for a button value. */
export function packLayout(l: Layout): number[] {
  return [l.resolutions, l.actions, l.discussion, l.keyPoints];
}

export function unpackLayout(v: unknown): Layout {
  const n = Array.isArray(v) ? v.map((x) => Math.max(0, Math.min(10, Math.floor(Number(x) || 0)))) : [];
  return { resolutions: n[0] ?? 0, actions: n[1] ?? 0, discussion: n[2] ?? 1, keyPoints: n[3] ?? 0 };
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
/** Person pickers answer an open id (in some clients a one-element list). */
const person = (v: unknown): string => (Array.isArray(v) ? str(v[0]) : str(v)).trim();
/** Date pickers answer "2026-04-30 +0800". */
const day = (v: unknown): string => /^\d{4}-\d{2}-\d{2}/.exec(str(v).trim())?.[0] ?? "";

/** Trailing empty entries say nothing; inner ones keep their place (slot numbers stay as typed). */
function trimTail<T>(items: T[], empty: (x: T) => boolean): T[] {
  let end = items.length;
  while (end > 0 && empty(items[end - 1]!)) end--;
  return items.slice(0, end);
}

/** A choice in a select alone says nothing; anything typed does. */
export const resolutionEmpty = (r: ResolutionInput) => [r.text, r.yes, r.no, r.abstain, r.written, r.dissent].every((x) => !x.trim());
export const actionEmpty = (a: ActionInput) => !a.text.trim() && !a.ownerOpenId && !a.due;

/**
 * Reads a submitted form back into a state, using the layout the card was drawn with. Entries
 * the card did not show (a newer card of the same form had more slots) are kept from `previous`.
 */
export function parseForm(form: Record<string, unknown>, layout: Layout, previous: FormState = emptyState(), compact = false): FormState {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const list = <T>(shown: T[], before: T[], empty: (x: T) => boolean): T[] => trimTail([...shown, ...before.slice(shown.length)], empty);
  const blank = (x: string) => !x.trim();
  // A compact card shows long texts as previews: an empty box keeps the saved text, 删除 clears it.
  const long = (v: unknown, saved: string | undefined): string => {
    const typed = str(v);
    if (!compact) return typed;
    if (typed.trim() === CLEAR_WORD) return "";
    return typed.trim() ? typed : saved ?? "";
  };
  return {
    place: str(form.place),
    chairOpenId: person(form.chair),
    agenda: long(form.agenda, previous.agenda),
    discussion: list(range(layout.discussion).map((i) => long(form[`d${i}`], previous.discussion[i - 1])), previous.discussion, blank),
    docUrl: str(form.doc).trim(),
    observers: str(form.observers),
    lecturerOpenId: person(form.lecturer),
    lessonTitle: str(form.l_title),
    materialUrl: str(form.l_material).trim(),
    keyPoints: list(range(layout.keyPoints).map((i) => long(form[`k${i}`], previous.keyPoints[i - 1])), previous.keyPoints, blank),
    themePlan: long(form.t_plan, previous.themePlan),
    themeMaterial: str(form.t_material).trim(),
    photos: str(form.t_photos).trim(),
    resolutions: list(
      range(layout.resolutions).map((i) => ({
        text: long(form[`r${i}_text`], previous.resolutions[i - 1]?.text),
        yes: str(form[`r${i}_yes`]),
        no: str(form[`r${i}_no`]),
        abstain: str(form[`r${i}_abs`]),
        method: str(form[`r${i}_method`]).trim(),
        matter: str(form[`r${i}_matter`]).trim(),
        written: str(form[`r${i}_written`]),
        dissent: str(form[`r${i}_dissent`]),
      })),
      previous.resolutions,
      resolutionEmpty,
    ),
    actions: list(
      range(layout.actions).map((i) => ({ text: long(form[`a${i}_text`], previous.actions[i - 1]?.text), ownerOpenId: person(form[`a${i}_owner`]), due: day(form[`a${i}_due`]) })),
      previous.actions,
      actionEmpty,
    ),
    reason: str(form.reason),
  };
}

/** What a person types in a compact card's box to clear a saved text. */
export const CLEAR_WORD = "删除";

/** A compact card's placeholder for a saved text (Lark allows 100 characters). */
export function savedPreview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return `已保存 ${text.length} 字：${flat.slice(0, 14)}…（留空不变，填「${CLEAR_WORD}」清空）`;
}

/** A submitted version back in the form, for an amendment. */
export function stateFromContent(c: MinutesContent): FormState {
  const votes = (n: number | undefined) => (n === undefined ? "" : String(n));
  return {
    place: c.meeting.place,
    chairOpenId: c.meeting.chair?.openId ?? "",
    agenda: c.agenda,
    discussion: [...c.discussion],
    docUrl: c.docUrl ?? "",
    observers: c.observers ?? "",
    lecturerOpenId: c.lesson?.lecturer?.openId ?? "",
    lessonTitle: c.lesson?.title ?? "",
    materialUrl: c.lesson?.materialUrl ?? "",
    keyPoints: [...(c.lesson?.keyPoints ?? [])],
    themePlan: c.themeDay?.plan ?? "",
    themeMaterial: c.themeDay?.materialUrl ?? "",
    photos: (c.themeDay?.photos ?? []).join(" "),
    resolutions: c.resolutions.map((r) => ({
      text: r.text, yes: votes(r.votes?.for), no: votes(r.votes?.against), abstain: votes(r.votes?.abstain),
      method: r.method ?? "", matter: r.matter && r.matter !== "general" ? r.matter : "", written: r.written ? String(r.written) : "", dissent: r.dissent ?? "",
    })),
    actions: c.actions.map((a) => ({ text: a.text, ownerOpenId: a.owner.openId, due: a.dueOn })),
    reason: "",
  };
}

/** Reads a stored draft; a draft from an older build simply fills in what it has. */
export function readState(json: string | null | undefined): FormState {
  if (!json) return emptyState();
  try {
    const saved = JSON.parse(json) as Partial<FormState>;
    // A resolution saved before a field existed reads it as empty.
    const resolutions = (saved.resolutions ?? []).map((r) => ({ ...emptyResolution(), ...r }));
    return { ...emptyState(), ...saved, resolutions };
  } catch {
    return emptyState();
  }
}
