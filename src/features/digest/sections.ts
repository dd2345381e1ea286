import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { Period } from "./periods.ts";

/**
 * A digest is assembled from sections that each capability contributes. A provider gets every
 * organisation of a run at once, so a digest for thousands of branches takes a bounded number
 * of queries (one or a few per provider), not one per member per meeting.
 */
export interface DigestLine {
  text: string;
  /** Shown in orange: something a person should look at. */
  attention?: boolean;
}

export interface DigestSection {
  title: string;
  lines: DigestLine[];
  /** Obligations met / not met, shown as a table (only the obligations section uses this). */
  table?: { columns: string[]; rows: string[][] };
  /** A VChart spec (line/bar); the attendance trend. */
  chart?: Record<string, unknown>;
  /** True if this section wants the branch to be listed under "需关注" in the committee roll-up. */
  needsAttention?: boolean;
  /** Cells for the committee roll-up table, keyed by column name. */
  rollup?: Record<string, string>;
}

export interface SectionProvider {
  id: string;
  order: number;
  /** Zero or more sections per organisation (absent key = nothing to say). */
  collect(tx: Tx, orgs: OrgInfo[], period: Period, now: Date): Promise<Map<number, DigestSection[]>>;
}

/** The sections every capability contributes; created once per bot in src/features/index.ts. */
export class DigestSections {
  private readonly providers: SectionProvider[] = [];

  register(p: SectionProvider): void {
    if (this.providers.some((x) => x.id === p.id)) throw new Error(`digest section "${p.id}" registered twice`);
    this.providers.push(p);
    this.providers.sort((a, b) => a.order - b.order);
  }

  /** Runs every provider once for all organisations; returns sections per organisation, in order. */
  async collect(tx: Tx, orgs: OrgInfo[], period: Period, now: Date): Promise<Map<number, DigestSection[]>> {
    const result = new Map<number, DigestSection[]>(orgs.map((o) => [o.id, []]));
    for (const provider of this.providers) {
      const byOrg = await provider.collect(tx, orgs, period, now);
      for (const org of orgs) result.get(org.id)!.push(...(byOrg.get(org.id) ?? []));
    }
    return result;
  }
}
