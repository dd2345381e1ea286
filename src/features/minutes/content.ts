import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import { orgById } from "../../app/actors.ts";
import { quorumSentence } from "../meetings/quorum.ts";
import { checkResolution } from "./resolutions.ts";
import { attendanceOf, countAttendance, loadMeeting, meetingQuorum, type AttendanceView, type MeetingView, type QuorumView } from "../meetings/service.ts";
import { TYPE_LABEL } from "../meetings/types.ts";
import { meetingTitle } from "../meetings/view.ts";
import { emptyState, resolutionEmpty, SHORT_MAX, type FormState } from "./form.ts";
import type { ActionRecord, AttendanceRecord, MinutesContent, NamedPerson, QuorumRecord, ResolutionRecord, ThemeDayRecord } from "./types.ts";

/** Everything a record takes from its meeting: header, attendance from sign-in, quorum, the roster. */
export interface MeetingFacts {
  org: OrgInfo;
  meeting: MeetingView;
  attendance: AttendanceView[];
  quorum: QuorumView;
  /** Active members of the branch, for the person pickers. */
  roster: Array<NamedPerson & { committee: boolean }>;
}

export async function loadFacts(tx: Tx, meetingId: number): Promise<MeetingFacts | undefined> {
  const meeting = await loadMeeting(tx, meetingId);
  const org = meeting ? await orgById(tx, meeting.orgId) : undefined;
  if (!meeting || !org) return undefined;
  const [attendance, quorum, members] = await Promise.all([
    attendanceOf(tx, meeting.id),
    meetingQuorum(tx, meeting),
    tx.member.findMany({ where: { orgId: org.id, active: true }, orderBy: { id: "asc" }, select: { id: true, openId: true, name: true, post: true } }),
  ]);
  return { org, meeting, attendance, quorum, roster: members.map((m) => ({ memberId: m.id, openId: m.openId, name: m.name, committee: !!m.post })) };
}

export const isLesson = (f: Pick<MeetingFacts, "meeting">) => f.meeting.type === "party_lesson";
export const isThemeDay = (f: Pick<MeetingFacts, "meeting">) => f.meeting.type === "theme_party_day";

/** Links separated by spaces, commas or new lines. */
function links(text: string): string[] {
  return text.split(/[\s,，、]+/).map((x) => x.trim()).filter(Boolean);
}

/**
 * The 主题党日's "六有" (issue #18 item 2): 有主题 (the agenda), 有方案, 有签到 (attendance), 有记录
 * (the discussion), 有照片 and 有后续 (a follow-up item). Without them the day is not counted as held.
 */
function checkThemeDay(s: FormState, problems: string[]): ThemeDayRecord {
  if (!s.themePlan.trim()) problems.push("活动方案（主题党日「六有」：有方案）");
  if (s.themeMaterial && !isUrl(s.themeMaterial)) problems.push(`主题材料链接「${s.themeMaterial.slice(0, 40)}」不是网址，请粘贴以 https:// 开头的链接`);
  const photos = links(s.photos);
  const notUrl = photos.find((p) => !isUrl(p));
  if (!photos.length) problems.push("活动照片链接（主题党日「六有」：有照片；可把照片传到飞书云文档或相册后粘贴链接）");
  else if (notUrl) problems.push(`照片链接「${notUrl.slice(0, 40)}」不是网址，请粘贴以 https:// 开头的链接`);
  if (!s.actions.some((a) => a.text.trim())) problems.push("后续事项（主题党日「六有」：有后续，至少写一项，如成果转化、问题整改）");
  return { plan: s.themePlan.trim(), materialUrl: s.themeMaterial.trim() || null, photos };
}
/** Votes are recorded where the rules count them: 党员大会 and 支委会. */
export const takesVotes = (f: Pick<MeetingFacts, "quorum">) => f.quorum.applies;

/** Pickers list the whole branch up to this size; beyond it (a card has 30 KB) those present and the committee. */
export const PICKER_ROSTER_MAX = 60;

/** The people the form's pickers offer (each option costs card bytes in every picker). */
export function pickerPeople(f: MeetingFacts, s: FormState): { openIds: string[]; narrowed: boolean } {
  if (f.roster.length <= PICKER_ROSTER_MAX) return { openIds: f.roster.map((p) => p.openId), narrowed: false };
  const present = new Set(f.attendance.filter((r) => r.final === "present").map((r) => r.openId));
  const chosen = new Set([s.chairOpenId, s.lecturerOpenId, ...s.actions.map((a) => a.ownerOpenId)]);
  const openIds = f.roster.filter((p) => p.committee || present.has(p.openId) || chosen.has(p.openId)).map((p) => p.openId);
  return { openIds, narrowed: true };
}

/** The form as the meeting pre-fills it: place, chair, lecturer, and the topic as agenda or lesson title. */
export function prefill(f: MeetingFacts): FormState {
  const state = emptyState();
  state.place = f.meeting.place ?? "";
  state.chairOpenId = f.meeting.chair?.openId ?? "";
  if (isLesson(f)) {
    state.lecturerOpenId = f.meeting.lecturer?.openId ?? "";
    state.lessonTitle = f.meeting.topic ?? "";
  } else state.agenda = f.meeting.topic ?? "";
  return state;
}

export function attendanceRecord(rows: AttendanceView[]): AttendanceRecord {
  const c = countAttendance(rows);
  const expected = rows.filter((r) => r.expected);
  return {
    expected: c.expected,
    present: c.present,
    presentFull: c.presentFull,
    presentProbationary: c.presentProbationary,
    leave: c.leave,
    absent: c.absent,
    presentNames: expected.filter((r) => r.final === "present").map((r) => r.name),
    leaveList: expected.filter((r) => r.final === "leave").map((r) => ({ name: r.name, reason: r.leaveReason ?? "未写事由" })),
    absentNames: expected.filter((r) => r.final === "absent").map((r) => r.name),
  };
}

export function quorumRecord(q: QuorumView): QuorumRecord | null {
  if (!q.applies || !q.kind) return null;
  return { kind: q.kind, entitled: q.entitled, present: q.present, needed: q.needed, met: q.met, sentence: quorumSentence(q.kind, q.entitled, q.present) };
}

/** "到会有表决权的正式党员 7 人" / "到会支委 4 人" */
export function presentVotersLabel(q: Pick<QuorumView, "kind" | "present">): string {
  return q.kind === "committee" ? `到会支委 ${q.present} 人` : `到会有表决权的正式党员 ${q.present} 人`;
}

export { parseVotes } from "./resolutions.ts";

const isUrl = (s: string) => /^https?:\/\/\S+$/i.test(s.trim());
const parts = (xs: string[]) => xs.map((x) => x.trim()).filter(Boolean);

export type BuildResult = { ok: true; content: MinutesContent } | { ok: false; problems: string[] };

export interface BuildOptions {
  /** Today in the organisation's zone (YYYY-MM-DD): new deadlines may not lie before it. */
  today: string;
  /** Deadlines already in the record may have passed since; only new or changed ones are checked. */
  previous?: MinutesContent;
  /** A confirmed record is amended only with a reason. */
  amendment: boolean;
}

/**
 * Checks every required element (domain.md §1.6) and the vote counts, and builds the record.
 * Problems name exactly what is missing or wrong, in the order of the form.
 */
export function buildContent(f: MeetingFacts, s: FormState, opts: BuildOptions): BuildResult {
  const problems: string[] = [];
  const member = (openId: string): NamedPerson | undefined => {
    const p = f.roster.find((r) => r.openId === openId);
    return p && { memberId: p.memberId, openId: p.openId, name: p.name };
  };
  const pick = (openId: string, what: string): NamedPerson | null => {
    if (!openId) return (problems.push(what), null);
    const p = member(openId);
    if (!p) problems.push(`${what.replace(/（.*$/, "")}不在本支部成员名单中，请重新选择`);
    return p ?? null;
  };

  if (!s.place.trim()) problems.push("会议地点");
  const chair = pick(s.chairOpenId, "主持人");
  if (s.docUrl && !isUrl(s.docUrl)) problems.push(`飞书文档链接「${s.docUrl.slice(0, 40)}」不是网址，请粘贴以 https:// 开头的链接`);
  const hasDoc = !!s.docUrl && isUrl(s.docUrl);

  let lesson: MinutesContent["lesson"] = null;
  if (isLesson(f)) {
    const lecturer = pick(s.lecturerOpenId, "主讲人");
    if (!s.lessonTitle.trim()) problems.push("党课题目");
    if (s.materialUrl && !isUrl(s.materialUrl)) problems.push(`课件/材料链接「${s.materialUrl.slice(0, 40)}」不是网址，请粘贴以 https:// 开头的链接`);
    if (parts(s.keyPoints).length === 0 && !hasDoc) problems.push("党课主要内容（要点），或填写飞书文档链接");
    lesson = { lecturer, title: s.lessonTitle.trim(), materialUrl: s.materialUrl.trim() || null, keyPoints: parts(s.keyPoints) };
  } else {
    if (!s.agenda.trim()) problems.push(isThemeDay(f) ? "活动主题" : "议题");
    if (parts(s.discussion).length === 0 && !hasDoc) problems.push("讨论摘要（或填写飞书文档链接）");
  }

  const themeDay = isThemeDay(f) ? checkThemeDay(s, problems) : null;
  const resolutions = s.resolutions
    .map((r, i) => ({ r, n: i + 1 }))
    .filter(({ r }) => !resolutionEmpty(r))
    .map(({ r, n }) => checkResolution({ type: f.meeting.type, votes: takesVotes(f), quorum: f.quorum }, r, n, problems));
  const actions = s.actions
    .map((a, i) => ({ a, n: i + 1 }))
    .filter(({ a }) => a.text.trim() || a.ownerOpenId || a.due)
    .map(({ a, n }) => checkAction(f, a, n, opts, problems));

  if (opts.amendment && !s.reason.trim()) problems.push("更正原因（记录已确认，更正须写明原因）");
  if (problems.length) return { ok: false, problems };

  const m = f.meeting;
  return {
    ok: true,
    content: {
      meeting: {
        id: m.id,
        seqNo: m.seqNo,
        type: m.type,
        typeLabel: TYPE_LABEL[m.type],
        title: meetingTitle(m),
        startAt: m.startAt.toISOString(),
        endAt: m.endAt.toISOString(),
        place: s.place.trim(),
        topic: m.topic,
        group: m.group?.name ?? null,
        chair,
        recorder: m.recorder ? { memberId: m.recorder.id, openId: m.recorder.openId, name: m.recorder.name } : null,
      },
      attendance: attendanceRecord(f.attendance),
      quorum: quorumRecord(f.quorum),
      agenda: s.agenda.trim(),
      discussion: parts(s.discussion),
      docUrl: hasDoc ? s.docUrl.trim() : null,
      observers: s.observers.trim().slice(0, SHORT_MAX) || null,
      lesson,
      themeDay,
      resolutions: resolutions.filter((r): r is ResolutionRecord => r !== null),
      actions: actions.filter((a): a is ActionRecord => a !== null),
    },
  };
}

function checkAction(f: MeetingFacts, a: FormState["actions"][number], n: number, opts: BuildOptions, problems: string[]): ActionRecord | null {
  const label = `第 ${n} 项后续事项`;
  const missing = [!a.text.trim() && "内容", !a.ownerOpenId && "责任人", !a.due && "完成期限"].filter(Boolean);
  if (missing.length) {
    problems.push(`${label}缺少${missing.join("、")}`);
    return null;
  }
  const found = f.roster.find((p) => p.openId === a.ownerOpenId);
  const owner = found && { memberId: found.memberId, openId: found.openId, name: found.name };
  if (!owner) {
    problems.push(`${label}的责任人不在本支部成员名单中，请重新选择`);
    return null;
  }
  const unchanged = opts.previous?.actions.some((p) => p.text === a.text.trim() && p.owner.openId === a.ownerOpenId && p.dueOn === a.due);
  if (a.due < opts.today && !unchanged) {
    problems.push(`${label}的完成期限 ${a.due} 已经过去，请选择今天（${opts.today}）或以后的日期`);
    return null;
  }
  return { text: a.text.trim(), owner, dueOn: a.due };
}
