/** Meeting types (domain.md §1.1, glossary §6) and the words people type for them. */

export const MEETING_TYPES = [
  "branch_general_meeting",
  "branch_committee_meeting",
  "party_group_meeting",
  "party_lesson",
  "theme_party_day",
  "org_life_meeting",
] as const;

export type MeetingType = (typeof MEETING_TYPES)[number];
export type MeetingStatus = "scheduled" | "cancelled" | "held";
export type Rsvp = "attending" | "leave";
export type FinalStatus = "present" | "leave" | "absent";
export type LeaveDecision = "pending" | "approved" | "declined";

export const TYPE_LABEL: Record<MeetingType, string> = {
  branch_general_meeting: "支部党员大会",
  branch_committee_meeting: "支部委员会",
  party_group_meeting: "党小组会",
  party_lesson: "党课",
  theme_party_day: "主题党日",
  org_life_meeting: "组织生活会",
};

/** What a person may type for a type; the canonical label is accepted too. */
export const TYPE_WORDS: Record<string, MeetingType> = {
  支部党员大会: "branch_general_meeting",
  党员大会: "branch_general_meeting",
  大会: "branch_general_meeting",
  支部委员会: "branch_committee_meeting",
  支部委员会会议: "branch_committee_meeting",
  支委会: "branch_committee_meeting",
  党小组会: "party_group_meeting",
  小组会: "party_group_meeting",
  党课: "party_lesson",
  主题党日: "theme_party_day",
  组织生活会: "org_life_meeting",
};

export const TYPE_CHOICES = "党员大会、支委会、党小组会、党课、主题党日、组织生活会";

/** Who is expected: everyone in the branch (正式 and 预备党员), the committee, or one party group. */
export type Audience = "all" | "committee" | "group";

export const AUDIENCE: Record<MeetingType, Audience> = {
  branch_general_meeting: "all",
  branch_committee_meeting: "committee",
  party_group_meeting: "group",
  party_lesson: "all",
  theme_party_day: "all",
  org_life_meeting: "all",
};

/** Default length in minutes when none is given. */
export const DEFAULT_DURATION: Record<MeetingType, number> = {
  branch_general_meeting: 90,
  branch_committee_meeting: 60,
  party_group_meeting: 60,
  party_lesson: 90,
  theme_party_day: 120,
  org_life_meeting: 120,
};

/** Absence from these is made up by 补课 (domain.md §1.5). */
/** Missed content is made up (补课/补学, domain.md §1.5): 三会一课 for members and the 主题党日. */
export const MAKEUP_TYPES: ReadonlySet<MeetingType> = new Set<MeetingType>(["party_lesson", "branch_general_meeting", "party_group_meeting", "theme_party_day"]);

export function isMeetingType(v: unknown): v is MeetingType {
  return typeof v === "string" && (MEETING_TYPES as readonly string[]).includes(v);
}

export const RSVP_LABEL: Record<Rsvp, string> = { attending: "参加", leave: "请假" };
export const FINAL_LABEL: Record<FinalStatus, string> = { present: "出席", leave: "请假", absent: "缺席" };
