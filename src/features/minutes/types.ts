import type { MeetingType } from "../meetings/types.ts";

/** Where a record stands (Minutes.status). */
export type MinutesStatus = "draft" | "submitted" | "confirmed";

export const STATUS_LABEL: Record<MinutesStatus, string> = {
  draft: "待提交",
  submitted: "待书记确认",
  confirmed: "已确认",
};

/** A person as the record names them: the name is kept, so an old version reads the same later. */
export interface NamedPerson {
  memberId: number;
  openId: string;
  name: string;
}

export interface AttendanceRecord {
  expected: number;
  present: number;
  presentFull: number;
  presentProbationary: number;
  leave: number;
  absent: number;
  presentNames: string[];
  leaveList: Array<{ name: string; reason: string }>;
  absentNames: string[];
}

export interface QuorumRecord {
  kind: "general" | "committee";
  entitled: number;
  present: number;
  needed: number;
  met: boolean;
  sentence: string;
}

/** How a vote was taken (domain.md §1.6). */
export type VoteMethod = "hands" | "secret";
export const VOTE_METHOD_LABEL: Record<VoteMethod, string> = { hands: "举手表决", secret: "无记名投票" };

/**
 * What a 党员大会 votes on, where the rules treat it differently: in 发展党员 votes (接收预备党员,
 * 预备党员转正) the written opinion of a voting member who could not attend, handed in before
 * the meeting, is counted in the tally (发展党员工作细则, domain.md §1.2); in other votes it is not.
 */
export type MotionMatter = "general" | "admission" | "full_membership";
export const MOTION_MATTER_LABEL: Record<MotionMatter, string> = { general: "一般事项", admission: "接收预备党员", full_membership: "预备党员转正" };
export const WRITTEN_OPINION_MATTERS: readonly MotionMatter[] = ["admission", "full_membership"];

export interface ResolutionRecord {
  text: string;
  /** Counts include the written opinions (`written`) where those count. */
  votes: { for: number; against: number; abstain: number } | null;
  /** Absent in versions recorded before these fields existed. */
  method?: VoteMethod | null;
  matter?: MotionMatter;
  /** Written opinions of absent voting members counted in `votes` (0 when none). */
  written?: number;
  /** Dissenting or reserved opinions, as written. */
  dissent?: string | null;
  /** null: no vote was taken or none recorded (e.g. a 党小组会 decision). */
  passed: boolean | null;
  /** Why it did not pass, when it did not. */
  note: string | null;
}

export interface ActionRecord {
  text: string;
  owner: NamedPerson;
  /** YYYY-MM-DD in the organisation's zone. */
  dueOn: string;
}

/**
 * A 主题党日's "六有" beyond what every record has (theme = agenda, sign-in = attendance, notes =
 * discussion, follow-up = actions): the activity plan, the theme material and photos as evidence.
 */
export interface ThemeDayRecord {
  plan: string;
  materialUrl: string | null;
  /** Links to the photos (a Feishu album, cloud doc or image links). */
  photos: string[];
}

export interface LessonRecord {
  lecturer: NamedPerson | null;
  title: string;
  materialUrl: string | null;
  keyPoints: string[];
}

/**
 * All elements of one version of a record (domain.md §1.6), stored as JSON in
 * MinutesVersion.content. Header and attendance are a snapshot taken at submission.
 */
export interface MinutesContent {
  meeting: {
    id: number;
    seqNo: number;
    type: MeetingType;
    typeLabel: string;
    title: string;
    startAt: string;
    endAt: string;
    place: string;
    topic: string | null;
    group: string | null;
    chair: NamedPerson | null;
    recorder: NamedPerson | null;
  };
  attendance: AttendanceRecord;
  quorum: QuorumRecord | null;
  agenda: string;
  /** The discussion summary in parts (each fits one card input). */
  discussion: string[];
  /** A Feishu doc with the full text, when it is longer than the card takes. */
  docUrl: string | null;
  /** 列席 / 到会指导 persons; absent in versions recorded before the field existed. */
  observers?: string | null;
  lesson: LessonRecord | null;
  /** 主题党日 only; absent in versions recorded before the field existed. */
  themeDay?: ThemeDayRecord | null;
  resolutions: ResolutionRecord[];
  actions: ActionRecord[];
}

export const VERSION_KIND_LABEL = { submission: "提交", amendment: "更正" } as const;
export type VersionKind = keyof typeof VERSION_KIND_LABEL;
