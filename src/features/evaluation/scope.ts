import { PermissionError, UsageError, type CommandContext, type OrgInfo } from "../../app/context.ts";
import { allows, PERMISSION_LABEL, type Actor, type Permission } from "../../app/roles.ts";

/**
 * Evaluation commands work in the branch chat and in the private chat with the bot (where
 * nobody else sees personal figures). In private, the branch is the person's only branch,
 * or the one `prefer` picks.
 */
export async function resolveBranch(
  ctx: CommandContext,
  what: string,
  prefer?: (org: OrgInfo, actor: Actor) => Promise<boolean>,
): Promise<{ org: OrgInfo; actor: Actor | undefined }> {
  if (ctx.message.chatType === "group") {
    if (!ctx.org) throw new UsageError(`本群尚未绑定为党支部，「${what}」暂不能使用。`);
    if (ctx.org.kind !== "branch") throw new UsageError(`「${what}」在党支部群里使用（或私聊我），党委群里不能使用。`);
    return { org: ctx.org, actor: ctx.actor };
  }
  const branches = ctx.memberships.filter((m) => m.org.kind === "branch");
  if (branches.length === 0) throw new UsageError("您不在任何已绑定党支部的成员名单中。请先加入支部群。");
  if (branches.length === 1) return { org: branches[0]!.org, actor: branches[0]!.actor };
  if (prefer) {
    const picked = [];
    for (const b of branches) if (await prefer(b.org, b.actor)) picked.push(b);
    if (picked.length === 1) return { org: picked[0]!.org, actor: picked[0]!.actor };
  }
  // The core's choice for private chats: the organisation where the person holds the highest post.
  if (ctx.org?.kind === "branch" && ctx.actor) return { org: ctx.org, actor: ctx.actor };
  throw new UsageError(`您同时在${branches.map((b) => `「${b.org.name}」`).join("")}，请到对应的支部群里发送「${what}」。`);
}

export function requirePermission(actor: Actor | undefined, permission: Permission, what: string): Actor {
  if (!actor || !allows(permission, actor)) throw new PermissionError(`抱歉，「${what}」只有${PERMISSION_LABEL[permission]}可以使用。`);
  return actor;
}

/** Personal figures go to the person's private chat; in a group only a short pointer is posted. */
export async function replyPrivately(ctx: CommandContext, org: OrgInfo, openId: string, template: string, data: Record<string, unknown>, groupNote: string, opts?: { cardRef?: string }) {
  await ctx.out.forOrg(org.id).card({ openId }, template, data, opts);
  if (ctx.message.chatType === "group") await ctx.reply(groupNote);
}
