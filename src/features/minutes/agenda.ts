import type { Tx } from "../../db/client.ts";

/**
 * 议题 tagged 业务 (issue #18 item 5): the recorder starts an administrative item's line with
 * 「业务：」 (or 【业务】). The committee sees branches whose recorded items are mostly 业务 —
 * the seed's 支部会与村委会混开 — as a question to look into, never as a score.
 */

const BUSINESS_MARK = /^\s*(?:【业务】|\[业务\]|业务[:：])/;

export interface AgendaItem {
  text: string;
  business: boolean;
}

/** The 议题 of a record, one per non-empty line. */
export function agendaItems(agenda: string): AgendaItem[] {
  return agenda
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => ({ text: line.replace(BUSINESS_MARK, "").trim(), business: BUSINESS_MARK.test(line) }));
}

export interface AgendaMix {
  items: number;
  business: number;
}

/** Below this many recorded items the share says nothing. */
const MIN_ITEMS = 4;

/** Per branch, the 议题 of the submitted records of meetings held in [from, to). */
export async function agendaMix(tx: Tx, orgIds: number[], from: Date, to: Date): Promise<Map<number, AgendaMix>> {
  const minutes = await tx.minutes.findMany({
    where: { orgId: { in: orgIds }, status: { in: ["submitted", "confirmed"] }, meeting: { status: "held", startAt: { gte: from, lt: to } } },
    // Only the newest version's text: an amended record counts as amended, once.
    select: { orgId: true, versions: { select: { content: true }, orderBy: { version: "desc" }, take: 1 } },
  });
  const result = new Map<number, AgendaMix>();
  for (const m of minutes) {
    const newest = m.versions[0];
    if (!newest) continue;
    const items = agendaItems(String((JSON.parse(newest.content) as { agenda?: unknown }).agenda ?? ""));
    const mix = result.get(m.orgId) ?? { items: 0, business: 0 };
    mix.items += items.length;
    mix.business += items.filter((i) => i.business).length;
    result.set(m.orgId, mix);
  }
  return result;
}

/** Mostly 业务: more than half of at least MIN_ITEMS recorded items. */
export function mostlyBusiness(mix: AgendaMix | undefined): mix is AgendaMix {
  return !!mix && mix.items >= MIN_ITEMS && mix.business * 2 > mix.items;
}
