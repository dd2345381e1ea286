/** Roster class (党员身份) and leadership post (职务), as stored on Member. */
/** `pending` (待确认): joined the chat, not yet classified by the secretary — counted in nothing. */
export type MemberClass = "full" | "probationary" | "non_member" | "pending";
export type Post = "secretary" | "deputy_secretary" | "committee_member";
export type CommitteeDuty = "organization" | "publicity" | "discipline";

/** Who may run a command or press a card button. */
export type Permission = "anyone" | "member" | "committee" | "secretary";

export interface Actor {
  memberId: number;
  openId: string;
  name: string;
  memberClass: MemberClass;
  post: Post | null;
  leadsGroup: boolean;
}

export const MEMBER_CLASS_LABEL: Record<MemberClass, string> = {
  full: "正式党员",
  probationary: "预备党员",
  non_member: "非党员（列席）",
  pending: "待确认",
};

export const POST_LABEL: Record<Post, string> = {
  secretary: "书记",
  deputy_secretary: "副书记",
  committee_member: "委员",
};

export const DUTY_LABEL: Record<CommitteeDuty, string> = {
  organization: "组织委员",
  publicity: "宣传委员",
  discipline: "纪检委员",
};

export const PERMISSION_LABEL: Record<Permission, string> = {
  anyone: "所有人",
  member: "党员",
  committee: "支委（书记、副书记、委员）",
  secretary: "书记、副书记",
};

export function isCommittee(a: Actor | undefined): boolean {
  return !!a?.post;
}

export function isSecretary(a: Actor | undefined): boolean {
  return a?.post === "secretary" || a?.post === "deputy_secretary";
}

export function isPartyMember(a: Actor | undefined): boolean {
  return !!a && (a.memberClass === "full" || a.memberClass === "probationary" || !!a.post);
}

export function allows(permission: Permission, actor: Actor | undefined): boolean {
  switch (permission) {
    case "anyone":
      return true;
    case "member":
      return isPartyMember(actor);
    case "committee":
      return isCommittee(actor);
    case "secretary":
      return isSecretary(actor);
  }
}

/** The role a person has, for display: posts first, then the roster class. */
export function roleLabel(a: Pick<Actor, "memberClass" | "post">, duty?: CommitteeDuty | null): string {
  if (a.post === "committee_member" && duty) return DUTY_LABEL[duty];
  if (a.post) return POST_LABEL[a.post];
  return MEMBER_CLASS_LABEL[a.memberClass];
}
