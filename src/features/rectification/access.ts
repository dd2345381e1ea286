import type { Tx } from "../../db/client.ts";
import { visibleInGroup, type ItemFull } from "./model.ts";

/** What one person may do with one item. */
export interface ItemRole {
  openId: string;
  isOwner: boolean;
  isVerifier: boolean;
  /** 支委 of the item's organisation. */
  isCommittee: boolean;
  /** 支委 of the parent committee (superior oversight). */
  isSuperior: boolean;
  canSee: boolean;
  /** Report progress and add evidence: the owner; for branch-level items also the 支委. */
  canReport: boolean;
  /** Accept or return: the designated verifier, or the secretary; never the owner. */
  canVerify: boolean;
  /** Change the deadline, publish: 支委 or the verifier. */
  canManage: boolean;
}

export async function roleOf(tx: Tx, item: ItemFull, openId: string): Promise<ItemRole> {
  const here = await tx.member.findFirst({ where: { orgId: item.orgId, openId, active: true } });
  const upper = item.org.parentId ? await tx.member.findFirst({ where: { orgId: item.org.parentId, openId, active: true } }) : null;
  const isOwner = item.owner?.openId === openId;
  const isVerifier = item.verifier?.openId === openId;
  const isCommittee = !!here?.post;
  const isSecretary = here?.post === "secretary" || here?.post === "deputy_secretary";
  const isSuperior = !!upper?.post;
  return {
    openId,
    isOwner,
    isVerifier,
    isCommittee,
    isSuperior,
    canSee: isOwner || isVerifier || isCommittee || isSuperior || (!!here && visibleInGroup(item)),
    canReport: isOwner || (item.scope === "branch" && isCommittee),
    canVerify: !isOwner && (isVerifier || isSecretary),
    canManage: isCommittee || isVerifier,
  };
}
