import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import { CardTooLargeError, renderCard } from "../../app/cards.ts";
import type { Outbox, Recipient } from "../../app/outbox.ts";
import { statusLabel } from "../rectification/labels.ts";
import { loadVersion, type MinutesView } from "./service.ts";
import { recordCardData, recordText, statusLine } from "./view.ts";

/** Reading a record: any version, as a card, or as text when it is too long for a card. */

/** "整改 #3 · 待整改" per follow-up action of the current version, once tracked. */
export async function actionStatuses(tx: Tx, minutesId: number): Promise<Map<number, string>> {
  const actions = await tx.followUpAction.findMany({ where: { minutesId, rectificationItemId: { not: null } }, orderBy: { position: "asc" } });
  const items = await tx.rectificationItem.findMany({ where: { id: { in: actions.map((a) => a.rectificationItemId!) } }, select: { id: true, seqNo: true, status: true } });
  const byId = new Map(items.map((i) => [i.id, i]));
  const result = new Map<number, string>();
  for (const a of actions) {
    const item = byId.get(a.rectificationItemId!);
    if (item) result.set(a.position - 1, `跟进事项 #${item.seqNo} · ${statusLabel(item.status, "minutes")}`);
  }
  return result;
}

/** Sends one version of a record to a person or chat; false if that version does not exist. */
export async function sendRecord(tx: Tx, out: Outbox, to: Recipient, org: OrgInfo, minutes: MinutesView, version: number, seqNo: number): Promise<boolean> {
  const v = await loadVersion(tx, minutes.id, version);
  if (!v) return false;
  const statuses = version === minutes.version ? await actionStatuses(tx, minutes.id) : new Map<number, string>();
  const confirmedBy = minutes.confirmedBy ? (await tx.member.findFirst({ where: { orgId: org.id, openId: minutes.confirmedBy } }))?.name : undefined;
  const status = version === minutes.version ? statusLine(minutes, org.timezone, { confirmedBy }) : "";
  const data = recordCardData(org, v.content, v, { status, current: minutes.version, seqNo, actionStatus: (i) => statuses.get(i) });
  try {
    await out.rawCard(to, renderCard("minutes-record", data));
  } catch (err) {
    // A long record does not fit a card (30 KB); a text message takes 150 KB.
    if (!(err instanceof CardTooLargeError)) throw err;
    await out.text(to, recordText(org, v.content, v, seqNo));
  }
  return true;
}
