import type { OrgInfo } from "../../app/context.ts";
import { mention } from "../../app/cards.ts";
import { dayLabel, dayOf } from "../rectification/dates.ts";
import { finalLine, meetingTitle } from "../meetings/view.ts";
import { formatWhen, formatDay, zoned } from "../meetings/time.ts";
import { TYPE_LABEL } from "../meetings/types.ts";
import { exclusionsSentence, pendingSentence } from "../meetings/service.ts";
import { isLesson, isThemeDay, pickerPeople, presentVotersLabel, takesVotes, type MeetingFacts } from "./content.ts";
import { CAPS, CLEAR_WORD, packLayout, savedPreview, type FormState, type Layout } from "./form.ts";
import type { MinutesView, VersionView } from "./service.ts";
import { STATUS_LABEL, VERSION_KIND_LABEL, VOTE_METHOD_LABEL, type MinutesContent, type ResolutionRecord } from "./types.ts";

/** Card data for cards/minutes-*.json and the plain-text forms of a record. */

export const recapRef = (meetingId: number) => `minutes:${meetingId}:recap`;
export const formRef = (meetingId: number, memberId: number) => `minutes:${meetingId}:form:${memberId}`;

const orUndefined = (s: string | undefined | null) => (s ? s : undefined);

/** "14:30" style stamps in the branch's zone, with the day. */
export function stamp(at: Date, tz: string): string {
  return `${formatDay(at, tz)}${zoned(at, tz).format("HH:mm")}`;
}

/** A stamp with its year, for files read years later (the record book, the ledger). */
export function fullStamp(at: Date, tz: string): string {
  return `${zoned(at, tz).year()}年${stamp(at, tz)}`;
}

export interface FormCardOptions {
  now: Date;
  amendment: boolean;
  /** Long saved texts shown as previews instead of filled boxes (to stay under 30 KB). */
  compact?: boolean;
  /** Whether a list may grow by one more click (it still fits a card). */
  canGrow?: (w: keyof Layout) => boolean;
  errors?: string[];
  note?: string;
}

/** The 主题党日's plan, material and photos on the form (the plan may be long: a compact card previews it). */
function themeDayFields(s: FormState, text: (value: string | undefined, hint: string) => { value: string | undefined; hint: string }) {
  const plan = text(s.themePlan, "活动安排：时间、地点、流程、分工");
  return { themePlan: plan.value, themePlanHint: plan.hint, themeMaterial: orUndefined(s.themeMaterial), photos: orUndefined(s.photos) };
}

const HINTS = {
  agenda: "本次会议的议题，多个议题可分行写；行政、业务工作的议题在行首写「业务：」",
  discussion: "传达学习的内容、与会同志的主要发言、主持人小结（每栏最多 1000 字，写不下可点「续写」）",
  keyPoints: "党课的主要内容和要点（每栏最多 1000 字，写不下可点「续写」）",
  resolution: "决议内容",
  action: "要做的事",
};

/** Leave reasons can be long; the form only needs to show who and roughly why. */
const brief = (text: string, max = 20) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function formCardData(f: MeetingFacts, s: FormState, layout: Layout, opts: FormCardOptions) {
  const { org, meeting: m, quorum: q } = f;
  const tz = org.timezone;
  const compact = !!opts.compact;
  const button = (op: string, w?: keyof Layout) => ({
    a: "minutes.form", op, ...(w ? { w } : {}), m: m.id, org: org.id, s: packLayout(layout), ...(opts.amendment ? { amend: 1 } : {}), ...(compact ? { c: 1 } : {}),
  });
  const more = (w: keyof Layout) => (layout[w] < CAPS[w] && (opts.canGrow?.(w) ?? true) ? button("more", w) : undefined);
  // In a compact card a saved long text is a preview (placeholder) over an empty box.
  const text = (value: string | undefined, hint: string) =>
    compact && value ? { value: undefined, hint: savedPreview(value) } : { value: orUndefined(value), hint };
  const leave = f.attendance.filter((r) => r.expected && r.final === "leave");
  const absent = f.attendance.filter((r) => r.expected && r.final === "absent");
  const present = f.attendance.filter((r) => r.expected && r.final === "present");
  const facts = [
    { label: "时间", value: formatWhen(m.startAt, m.endAt, tz, opts.now) },
    { label: "记录人", value: m.recorder?.name ?? "未指定（由书记记录）" },
    { label: "出席", value: finalLine(f.attendance) },
    { label: "到会人员", value: present.map((r) => r.name).join("、") || "无" },
  ];
  if (leave.length) facts.push({ label: "请假", value: leave.map((r) => `${r.name}（${brief(r.leaveReason ?? "未写事由")}）`).join("、") });
  if (absent.length) facts.push({ label: "缺席", value: absent.map((r) => r.name).join("、") });
  const votes = takesVotes(f);
  const slot = (i: number) => i + 1;
  const agenda = text(s.agenda, HINTS.agenda);
  const pickers = pickerPeople(f, s);
  return {
    title: `会议记录${opts.amendment ? "更正" : ""} · ${meetingTitle(m)}`,
    orgName: org.name,
    color: opts.errors?.length ? "orange" : "blue",
    done: false,
    doneLines: [],
    intro: opts.amendment
      ? `本记录已由书记确认。更正会生成新版本，原版本保留可查；请写明更正原因。`
      : `会议已结束，请整理会议记录。表单已按会议信息和签到情况预填；没填完可以先「保存草稿」，之后发送 /纪要 #${m.seqNo} 接着填。`,
    errors: opts.errors ?? [],
    note: [opts.note, pickers.narrowed ? "本支部人数较多，人员选择框只列出到会人员和支委。" : "", compact ? `内容较多，已保存的长段文字只显示开头（在输入框的提示里）：不改就留空，要改就整段重写，填「${CLEAR_WORD}」清空。完整内容提交后可用 /纪要 #${m.seqNo} 查看。` : ""].filter(Boolean).join("\n"),
    facts,
    quorumLine: q.applies && q.kind ? `${presentVotersLabel(q)}，应到 ${q.entitled} 人，${q.met ? `达到半数以上，可以表决（通过须至少 ${q.needed} 票赞成）。` : `未超过半数，至少要到 ${q.needed} 人；不能表决，决议只能记为未通过。`}${exclusionsSentence(q.excluded)}${pendingSentence(q.pending)}` : "",
    place: orUndefined(s.place),
    chair: orUndefined(s.chairOpenId),
    people: pickers.openIds.map((value) => ({ value })),
    lesson: isLesson(f),
    lecturer: orUndefined(s.lecturerOpenId),
    lessonTitle: orUndefined(s.lessonTitle),
    material: orUndefined(s.materialUrl),
    keyPoints: Array.from({ length: layout.keyPoints }, (_, i) => ({ name: `k${slot(i)}`, label: i === 0 ? "主要内容（要点）" : `主要内容（续 ${slot(i)}）`, ...text(s.keyPoints[i], HINTS.keyPoints) })),
    moreKeyPoints: isLesson(f) ? more("keyPoints") : undefined,
    agenda: agenda.value,
    agendaHint: isThemeDay(f) ? "本次主题党日的主题" : agenda.hint,
    agendaLabel: isThemeDay(f) ? "活动主题（有主题）" : "议题",
    themeDay: isThemeDay(f),
    ...themeDayFields(s, text),
    discussion: Array.from({ length: layout.discussion }, (_, i) => ({
      name: `d${slot(i)}`,
      label: i === 0 ? (isLesson(f) ? "交流讨论（可选）" : "讨论摘要") : `讨论摘要（续 ${slot(i)}）`,
      ...text(s.discussion[i], HINTS.discussion),
    })),
    moreDiscussion: more("discussion"),
    doc: orUndefined(s.docUrl),
    observers: orUndefined(s.observers),
    resolutionsOn: layout.resolutions > 0,
    votesOn: votes,
    // Written opinions of absent voters count only in a 党员大会's 发展党员 votes.
    writtenOn: votes && m.type === "branch_general_meeting",
    resolutionHint: !votes
      ? `${TYPE_LABEL[m.type]}不进行表决，只记录决定事项。`
      : !q.met
        ? `本次${presentVotersLabel(q)}，未超过应到 ${q.entitled} 人的半数，不能表决：决议只能记为未通过，票数可不填。`
        : m.type === "branch_general_meeting"
        ? `每项决议选择表决方式，填写赞成、反对、弃权票数，三项合计应等于${presentVotersLabel(q)}（预备党员不参加表决）；赞成票须超过应到 ${q.entitled} 人的半数（至少 ${q.needed} 票）才算通过。接收预备党员、预备党员转正的表决，未到会党员会前正式提交的书面意见计入票数：选择表决事项，填写书面意见份数，票数含书面意见。`
        : `票数可不填；填写时选择表决方式，三项合计应等于${presentVotersLabel(q)}，赞成票须至少 ${q.needed} 票才算通过。`,
    resolutions: Array.from({ length: layout.resolutions }, (_, i) => {
      const r = s.resolutions[i];
      const t = text(r?.text, HINTS.resolution);
      return {
        n: slot(i), text: t.value, hint: t.hint, yes: orUndefined(r?.yes), no: orUndefined(r?.no), abs: orUndefined(r?.abstain),
        method: orUndefined(r?.method), matter: orUndefined(r?.matter), written: orUndefined(r?.written), dissent: orUndefined(r?.dissent),
      };
    }),
    moreResolutions: layout.resolutions > 0 ? more("resolutions") : undefined,
    actions: Array.from({ length: layout.actions }, (_, i) => {
      const a = s.actions[i];
      const t = text(a?.text, HINTS.action);
      return { n: slot(i), text: t.value, hint: t.hint, owner: orUndefined(a?.ownerOpenId), due: orUndefined(a?.due) };
    }),
    moreActions: more("actions"),
    amendment: opts.amendment,
    reason: orUndefined(s.reason),
    saveValue: button("save"),
    submitValue: button("submit"),
    submitText: opts.amendment ? "提交更正" : "提交记录",
  };
}

/** The form after submission: what happened, no inputs left to click. */
export function formDoneData(org: OrgInfo, c: MinutesContent, lines: string[]) {
  return { title: `会议记录 · ${c.meeting.title}`, orgName: org.name, color: "green", done: true, doneLines: lines, errors: [], facts: [], people: [] };
}

// ───────────────────────────── the record ─────────────────────────────

export function resolutionLine(r: ResolutionRecord): string {
  const method = r.method ? `${VOTE_METHOD_LABEL[r.method]}，` : "";
  const written = r.written ? `（含书面意见 ${r.written} 份）` : "";
  const votes = r.votes ? `${method}赞成 ${r.votes.for}，反对 ${r.votes.against}，弃权 ${r.votes.abstain}${written}` : "";
  // The reason as its own sentence, not in brackets: it has clauses of its own.
  const outcome = r.passed === true ? "通过" : r.passed === false ? `未通过${r.note ? `。${r.note.replace(/。$/, "")}` : ""}` : r.votes ? "" : "未表决";
  const tally = [votes, outcome].filter(Boolean).join("：");
  const tail = [tally, r.dissent ? `不同意见：${r.dissent}` : ""].filter(Boolean).join("；");
  return [r.text, tail].filter(Boolean).join(" —— ");
}

export function statusLine(mv: MinutesView, tz: string, names: { confirmedBy?: string }): string {
  if (mv.status === "confirmed") return `已确认（${names.confirmedBy ?? "书记"}，${mv.confirmedAt ? stamp(mv.confirmedAt, tz) : ""}）`;
  return STATUS_LABEL[mv.status];
}

function headerLines(c: MinutesContent, tz: string, fullDates: boolean): string[] {
  const start = new Date(c.meeting.startAt);
  const lines = [
    `类型：${c.meeting.typeLabel}${c.meeting.group ? `（${c.meeting.group}）` : ""}`,
    `时间：${fullDates ? `${zoned(start, tz).year()}年` : ""}${formatWhen(start, new Date(c.meeting.endAt), tz)}`,
    `地点：${c.meeting.place || "缺项"}`,
    `主持人：${c.meeting.chair?.name ?? "缺项"}　记录人：${c.meeting.recorder?.name ?? "缺项"}`,
  ];
  if (c.lesson) lines.push(`主讲人：${c.lesson.lecturer?.name ?? "缺项"}`);
  return lines;
}

export function attendanceLines(c: Pick<MinutesContent, "attendance" | "quorum" | "observers">): string[] {
  const a = c.attendance;
  const lines = [
    `应到 ${a.expected} 人，实到 ${a.present} 人（正式党员 ${a.presentFull}，预备党员 ${a.presentProbationary}），请假 ${a.leave} 人，缺席 ${a.absent} 人。`,
    `到会：${a.presentNames.join("、") || "无"}`,
  ];
  if (a.leaveList.length) lines.push(`请假：${a.leaveList.map((l) => `${l.name}（${l.reason}）`).join("、")}`);
  if (a.absentNames.length) lines.push(`缺席：${a.absentNames.join("、")}`);
  if (c.observers) lines.push(`列席、到会指导：${c.observers}`);
  if (c.quorum) lines.push(c.quorum.sentence);
  return lines;
}

/**
 * The whole record as titled sections of plain lines (cards escape them; the record book and
 * the text fallback print them as they are). Missing elements say 缺项.
 */
/**
 * The elements of a record, section by section, for the cards and the record book. `fullDates`:
 * every date with its year (a record book is read years later; a card is read this week).
 */
export function recordSections(
  c: MinutesContent, tz: string, actionStatus?: (i: number) => string | undefined, fullDates = false,
): Array<{ title: string; lines: string[] }> {
  const sections = [
    { title: "基本情况", lines: headerLines(c, tz, fullDates) },
    { title: "出席情况", lines: attendanceLines(c) },
  ];
  if (c.lesson) {
    sections.push({
      title: "党课",
      lines: [`题目：${c.lesson.title || "缺项"}`, `课件/材料：${c.lesson.materialUrl ?? "无"}`, ...(c.lesson.keyPoints.length ? c.lesson.keyPoints : [c.docUrl ? "见飞书文档" : "缺项"])],
    });
  } else sections.push({ title: c.themeDay ? "活动主题" : "议题", lines: [c.agenda || "缺项"] });
  if (c.themeDay) {
    sections.push({
      title: "活动方案与材料",
      lines: [c.themeDay.plan || "缺项", `主题材料：${c.themeDay.materialUrl ?? "无"}`, `活动照片：${c.themeDay.photos.join(" ") || "缺项"}`],
    });
  }
  if (!c.lesson || c.discussion.length) {
    sections.push({ title: c.lesson ? "交流讨论" : "讨论摘要", lines: c.discussion.length ? c.discussion : [c.docUrl ? "见飞书文档" : "缺项"] });
  }
  if (c.docUrl) sections.push({ title: "飞书文档", lines: [c.docUrl] });
  if (!c.lesson || c.resolutions.length) {
    sections.push({ title: "决议 / 决定事项", lines: c.resolutions.length ? c.resolutions.map((r, i) => `${i + 1}. ${resolutionLine(r)}`) : ["本次会议未形成决议。"] });
  }
  sections.push({
    title: "后续事项",
    lines: c.actions.length
      ? c.actions.map((a, i) => `${i + 1}. ${a.text} —— 责任人：${a.owner.name}，${fullDates ? `${a.dueOn.slice(0, 4)}年` : ""}${dayLabel(a.dueOn)}前${actionStatus?.(i) ? `（${actionStatus(i)}）` : ""}`)
      : ["无"],
  });
  return sections;
}

export function versionLine(v: Omit<VersionView, "content">, tz: string): string {
  return `第 ${v.version} 版 · ${VERSION_KIND_LABEL[v.kind]} · ${v.authorName} · ${stamp(v.createdAt, tz)}${v.reason ? ` · 原因：${v.reason}` : ""}`;
}

export function recordCardData(org: OrgInfo, c: MinutesContent, v: Omit<VersionView, "content">, opts: { status: string; current: number; seqNo: number; actionStatus?: (i: number) => string | undefined }) {
  const tz = org.timezone;
  return {
    title: `会议记录 · ${c.meeting.title}`,
    subtitle: `${org.name} · 第 ${v.version} 版${v.version === opts.current ? `（当前）· ${opts.status}` : `（当前为第 ${opts.current} 版）`}`,
    color: v.version === opts.current ? "blue" : "grey",
    sections: recordSections(c, tz, opts.actionStatus).map((s) => ({ title: s.title, text: s.lines.join("\n") })),
    versionLine: versionLine(v, tz),
    footer: `查看全部版本：/纪要 #${opts.seqNo} 版本`,
  };
}

export function recordText(org: OrgInfo, c: MinutesContent, v: Omit<VersionView, "content">, seqNo: number): string {
  const body = recordSections(c, org.timezone)
    .map((s) => `【${s.title}】\n${s.lines.join("\n")}`)
    .join("\n\n");
  return `会议记录 · ${c.meeting.title}（${org.name}）\n${versionLine(v, org.timezone)}\n\n${body}\n\n查看全部版本：/纪要 #${seqNo} 版本`;
}

/** The group's recap: decisions, who does what by when, and attendance as counts (no names). */
export function recapCardData(org: OrgInfo, c: MinutesContent, mv: MinutesView, opts: { confirmedByName?: string; amendment?: { version: number; reason: string | null } }) {
  const tz = org.timezone;
  const a = c.attendance;
  return {
    title: `会议记录 · ${c.meeting.title}`,
    subtitle: `${org.name} · 第 ${mv.version} 版`,
    color: mv.status === "confirmed" ? "green" : "orange",
    when: `${formatWhen(new Date(c.meeting.startAt), new Date(c.meeting.endAt), tz)} · ${c.meeting.place}`,
    people: `主持人 ${c.meeting.chair?.name ?? "缺项"} · 记录人 ${c.meeting.recorder?.name ?? "缺项"}${c.lesson ? ` · 主讲人 ${c.lesson.lecturer?.name ?? "缺项"}` : ""}`,
    attendance: `应到 ${a.expected} 人，实到 ${a.present} 人（正式党员 ${a.presentFull}，预备党员 ${a.presentProbationary}），请假 ${a.leave} 人，缺席 ${a.absent} 人`,
    quorum: c.quorum?.sentence ?? "",
    topic: c.lesson ? `党课：${c.lesson.title}` : `议题：${c.agenda}`,
    resolutions: c.resolutions.map((r) => resolutionLine(r)),
    noResolutions: c.resolutions.length === 0,
    actions: c.actions.map((x) => ({ text: x.text, owner: mention(x.owner.openId) || x.owner.name, due: `${dayLabel(x.dueOn, dayOf(new Date(c.meeting.startAt), tz))}前` })),
    amendment: opts.amendment ? `第 ${opts.amendment.version} 版为更正版${opts.amendment.reason ? `：${opts.amendment.reason}` : ""}` : "",
    status: mv.status === "confirmed" ? `已由 ${opts.confirmedByName ?? "书记"} 确认（${mv.confirmedAt ? stamp(mv.confirmedAt, tz) : ""}），记录已锁定，如需更正由书记发起。` : "待书记确认。",
    confirmable: mv.status === "submitted",
    confirmValue: { a: "minutes.confirm", m: c.meeting.id, v: mv.version },
    footer: `完整记录（含讨论摘要、出席名单）：发送 /纪要 #${c.meeting.seqNo}`,
  };
}
