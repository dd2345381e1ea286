import type { MessageListener } from "../../app/context.ts";
import type { Tx } from "../../db/client.ts";
import { roleOf } from "./access.ts";
import { dayLabel } from "./dates.ts";
import { loadItem, memberName } from "./model.ts";
import { ownedItems } from "./queries.ts";
import { addEvidence, type EvidenceInput } from "./workflow.ts";
import { short } from "./labels.ts";

type Ctx = Parameters<MessageListener>[0];

/**
 * The item a replied-to message is about: an item id for our item cards, null for another
 * feature's card (not ours to take), undefined for anything else.
 */
async function itemOfReply(tx: Tx, parentId: string | undefined): Promise<number | null | undefined> {
  if (!parentId) return undefined;
  const card = await tx.sentCard.findFirst({ where: { messageId: parentId } });
  if (!card) return undefined;
  const m = /^rect:(\d+):/.exec(card.cardRef);
  return m ? Number(m[1]) : null;
}

/**
 * Images and files as evidence: privately to the bot (attached to the sender's open item, or
 * they choose among several), or in a group as a reply to an item card. Whatever is taken is
 * answered: what it was attached to, or why not.
 */
export const onEvidenceMessage: MessageListener = async (ctx: Ctx) => {
  const m = ctx.message;
  if (m.messageType !== "image" && m.messageType !== "file") return false;
  const openId = m.senderOpenId;
  const target = await itemOfReply(ctx.tx, m.parentId);
  if (target === null) return false;
  if (m.chatType === "group" && target === undefined) return false;
  if (await ctx.tx.rectificationEvidence.findUnique({ where: { messageId: m.messageId } })) return true;
  const what = m.messageType === "image" ? "图片" : `文件「${m.fileName ?? "未命名"}」`;
  const ev: EvidenceInput = { kind: m.messageType, fileKey: m.fileKey, imageKey: m.imageKey, fileName: m.fileName, messageId: m.messageId };
  const name = await memberName(ctx.tx, openId);

  if (target !== undefined) {
    const item = await loadItem(ctx.tx, target);
    const role = await roleOf(ctx.tx, item, openId);
    if (!role.canReport) {
      await ctx.reply(`只有责任人${item.scope === "branch" ? "或支委" : ""}可以为整改事项 #${item.seqNo} 提交佐证，这份${what}没有附上。`);
    } else if (item.status === "done") {
      await ctx.reply(`整改事项 #${item.seqNo} 已验收销号，这份${what}没有附上。`);
    } else {
      await ctx.reply(await addEvidence(ctx.tx, item, role, ev, ctx.now, name));
    }
    return true;
  }

  const open = await ownedItems(ctx.tx, openId, true);
  if (open.length === 0) {
    await ctx.reply(`您目前没有未完成的整改事项，这份${what}没有作为佐证附上。如果是其他用途，请按相应提示发送。`);
    return true;
  }
  if (open.length === 1) {
    const item = open[0]!;
    await ctx.reply(await addEvidence(ctx.tx, item, await roleOf(ctx.tx, item, openId), ev, ctx.now, name));
    return true;
  }
  const upload = await ctx.tx.rectificationEvidence.create({
    data: { itemId: null, kind: ev.kind, fileKey: ev.fileKey ?? null, imageKey: ev.imageKey ?? null, fileName: ev.fileName ?? null, messageId: m.messageId, uploadedBy: openId, uploaderName: name, at: ctx.now },
  });
  await ctx.replyCard("rectification-attach", {
    what: m.messageType === "image" ? "图片" : "文件",
    count: open.length,
    items: open.map((i) => ({
      org: i.orgId,
      item: i.id,
      ev: upload.id,
      label: `#${i.seqNo} ${short(i.problem, 24)}（${i.longTerm ? "长期坚持" : i.dueOn ? dayLabel(i.dueOn) : "未定期限"}）`,
    })),
  });
  return true;
};
