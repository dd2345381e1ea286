import type { Tx } from "../../db/client.ts";
import type { Outbox } from "../../app/outbox.ts";
import { roleOf } from "./access.ts";
import type { ItemFull } from "./model.ts";
import { itemCardData } from "./views.ts";

export const ITEM_CARD = "rectification-item";

/** Sends the item card privately to one person, with the buttons their role allows. */
export async function sendItemCard(
  tx: Tx,
  out: Outbox,
  item: ItemFull,
  openId: string,
  now: Date,
  opts: { banner?: string; cardRef?: string } = {},
): Promise<void> {
  const role = await roleOf(tx, item, openId);
  await out.forOrg(item.orgId).card({ openId }, ITEM_CARD, itemCardData(item, role, now, { banner: opts.banner }), { cardRef: opts.cardRef });
}
