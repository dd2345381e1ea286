import { checkMotion } from "../meetings/quorum.ts";
import { TYPE_LABEL, type MeetingType } from "../meetings/types.ts";
import type { QuorumView } from "../meetings/service.ts";
import { RESOLUTION_MAX, type ResolutionInput } from "./form.ts";
import { WRITTEN_OPINION_MATTERS, VOTE_METHOD_LABEL, MOTION_MATTER_LABEL, type MotionMatter, type ResolutionRecord, type VoteMethod } from "./types.ts";

/**
 * One resolution as the rules record it (domain.md §1.2, §1.6): its text; for a vote, the
 * method and counts that add up to those present (plus, in 发展党员 votes of a 党员大会, the
 * written opinions of absent voting members handed in before the meeting); whether it passed
 * against the ENTITLED; and any dissenting opinion. Problems are pushed in Chinese.
 */

const FULLWIDTH = /[０-９]/g;

/** "11", "１１", "11票" → 11; "" → null; anything else → NaN (reported, never guessed). */
export function parseVotes(raw: string): number | null {
  const text = raw.replace(FULLWIDTH, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).trim();
  if (!text) return null;
  const m = /^(\d{1,4})\s*[票人份]?$/.exec(text);
  return m ? Number(m[1]) : NaN;
}

const asMethod = (v: string): VoteMethod | null => (v in VOTE_METHOD_LABEL ? (v as VoteMethod) : null);
const asMatter = (v: string): MotionMatter => (v in MOTION_MATTER_LABEL ? (v as MotionMatter) : "general");

export interface ResolutionContext {
  type: MeetingType;
  /** Whether this meeting votes at all (党员大会, 支委会). */
  votes: boolean;
  quorum: Pick<QuorumView, "kind" | "entitled" | "present" | "met">;
}

export function checkResolution(ctx: ResolutionContext, r: ResolutionInput, n: number, problems: string[]): ResolutionRecord | null {
  const label = `第 ${n} 项决议`;
  const text = r.text.trim();
  if (!text) problems.push(`${label}填了票数或意见，但没有决议内容`);
  const dissent = r.dissent.trim().slice(0, RESOLUTION_MAX) || null;
  const q = ctx.quorum;
  const raw = { 赞成: r.yes, 反对: r.no, 弃权: r.abstain };
  const given = Object.values(raw).some((v) => v.trim());
  if (!ctx.votes) {
    if (given || r.written.trim()) problems.push(`${label}：${TYPE_LABEL[ctx.type]}不进行表决，请删去票数（表决在支部党员大会或支委会进行）`);
    return text ? { text, votes: null, passed: null, note: null, dissent } : null;
  }
  const matter = ctx.type === "branch_general_meeting" ? asMatter(r.matter) : "general";
  const notMet = checkMotion({ entitled: q.entitled, present: q.present, yes: 0 });
  if (!given) {
    if (r.written.trim()) problems.push(`${label}填了书面意见份数，但没有票数：票数应包含书面意见`);
    // A 党员大会 that reached quorum votes on each resolution; without quorum no vote could be held.
    if (ctx.type === "branch_general_meeting" && q.met) {
      problems.push(`${label}缺少表决票数：请填写赞成、反对、弃权票数（没有请填 0）`);
      return null;
    }
    return text ? { text, votes: null, matter, passed: q.met ? null : false, note: q.met ? null : notMet.reason, dissent } : null;
  }
  const method = asMethod(r.method);
  if (!method) problems.push(`${label}缺少表决方式：请选择「举手表决」或「无记名投票」`);
  const values = Object.entries(raw).map(([k, v]) => ({ k, v, n: parseVotes(v) }));
  const bad = values.filter((x) => x.n !== null && Number.isNaN(x.n));
  for (const x of bad) problems.push(`${label}的${x.k}票数「${x.v.trim()}」不是数字，请填写阿拉伯数字，如 0`);
  const missing = values.filter((x) => x.n === null).map((x) => x.k);
  if (missing.length) problems.push(`${label}缺少${missing.join("、")}票数（没有请填 0）`);
  const written = checkWritten(ctx, matter, r.written, label, problems);
  if (bad.length || missing.length || written === null) return null;
  const [yes, no, abstain] = values.map((x) => x.n as number) as [number, number, number];
  const total = yes + no + abstain;
  if (total !== q.present + written) {
    const who = q.kind === "committee" ? "到会支委" : "到会有表决权的正式党员";
    const expected = written ? `${who} ${q.present} 人加书面意见 ${written} 份，共 ${q.present + written}` : `${who} ${q.present} 人`;
    problems.push(
      `${label}：赞成 ${yes} + 反对 ${no} + 弃权 ${abstain} = ${total} 票，与${expected}不符${q.kind === "general" ? "（预备党员和列席人员不参加表决）" : ""}。请核对票数`,
    );
    return null;
  }
  if (!method) return null;
  const check = checkMotion({ entitled: q.entitled, present: q.present, yes });
  return { text, votes: { for: yes, against: no, abstain }, method, matter, written, passed: check.passed, note: check.passed ? null : check.reason, dissent };
}

/**
 * The written opinions counted in this vote: 0 when none; null (with a problem) when the
 * number is not one, the motion is not a 发展党员 vote, or there are more than absent voters.
 */
function checkWritten(ctx: ResolutionContext, matter: MotionMatter, raw: string, label: string, problems: string[]): number | null {
  const written = parseVotes(raw);
  if (written === null || written === 0) return 0;
  if (Number.isNaN(written)) {
    problems.push(`${label}的书面意见份数「${raw.trim()}」不是数字，请填写阿拉伯数字，没有请留空`);
    return null;
  }
  if (!WRITTEN_OPINION_MATTERS.includes(matter)) {
    problems.push(
      ctx.type === "branch_general_meeting"
        ? `${label}：未到会党员的书面意见只在接收预备党员、预备党员转正的表决中计入票数。如果本项是这类表决，请在「表决事项」中选择；否则请清空书面意见份数，票数只算到会的人`
        : `${label}：${TYPE_LABEL[ctx.type]}不计书面意见，请清空书面意见份数`,
    );
    return null;
  }
  const absent = Math.max(0, ctx.quorum.entitled - ctx.quorum.present);
  if (written > absent) {
    problems.push(`${label}：书面意见 ${written} 份，多于未到会的有表决权正式党员 ${absent} 人（应到 ${ctx.quorum.entitled}，到会 ${ctx.quorum.present}）`);
    return null;
  }
  return written;
}
