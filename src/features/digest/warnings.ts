import type { Tx } from "../../db/client.ts";
import type { OrgInfo } from "../../app/context.ts";
import type { Outbox } from "../../app/outbox.ts";

/**
 * Early warnings (预警, domain.md §4.2). A rule looks at every organisation at once and says
 * which conditions hold now; `syncWarnings` raises the new ones (telling their recipient once)
 * and clears the ones that ended. Personal warnings go privately, never to the group.
 */
export type WarningAudience = "group" | "secretary" | "committee" | "parent" | { openId: string };

export interface WarningCondition {
  subjectKey: string;
  message: string;
  audience: WarningAudience;
  severity?: "notice" | "warning";
}

export interface WarningRule {
  id: string; // W1 … W16
  title: string;
  evaluate(tx: Tx, orgs: OrgInfo[], now: Date): Promise<Map<number, WarningCondition[]>>;
}

export class WarningRules {
  private readonly rules: WarningRule[] = [];
  register(rule: WarningRule): void {
    if (this.rules.some((r) => r.id === rule.id)) throw new Error(`warning rule ${rule.id} registered twice`);
    this.rules.push(rule);
  }
  all(): readonly WarningRule[] {
    return this.rules;
  }
}

function audienceKey(a: WarningAudience): string {
  return typeof a === "string" ? a : `person:${a.openId}`;
}

async function recipients(tx: Tx, org: OrgInfo, audience: WarningAudience): Promise<Array<{ chatId: string } | { openId: string }>> {
  if (typeof audience === "object") return [{ openId: audience.openId }];
  if (audience === "group") return [{ chatId: org.chatId }];
  if (audience === "parent") {
    const parent = org.parentId ? await tx.partyOrg.findUnique({ where: { id: org.parentId } }) : null;
    return parent ? [{ chatId: parent.chatId }] : [];
  }
  const posts = audience === "secretary" ? ["secretary", "deputy_secretary"] : ["secretary", "deputy_secretary", "committee_member"];
  const people = await tx.member.findMany({ where: { orgId: org.id, active: true, post: { in: posts } }, orderBy: { id: "asc" } });
  const chosen = audience === "secretary" ? people.filter((p) => p.post === "secretary").slice(0, 1) : people;
  return (chosen.length ? chosen : people.slice(0, 1)).map((p) => ({ openId: p.openId }));
}

/** Raises new conditions (once each) and clears ended ones for one rule and these organisations. */
export async function syncWarnings(
  tx: Tx,
  out: Outbox,
  rule: WarningRule,
  orgs: OrgInfo[],
  conditions: Map<number, WarningCondition[]>,
  now: Date,
): Promise<{ raised: number; cleared: number }> {
  const open = await tx.earlyWarning.findMany({ where: { orgId: { in: orgs.map((o) => o.id) }, ruleId: rule.id, clearedAt: null } });
  const openByKey = new Map(open.map((w) => [w.openKey, w]));
  let raised = 0;
  const stillOpen = new Set<string>();
  for (const org of orgs) {
    // New conditions of this rule for one recipient go in one card (issue #22: every call counts).
    const cards = new Map<string, { to: { chatId: string } | { openId: string }; messages: string[] }>();
    for (const c of conditions.get(org.id) ?? []) {
      const openKey = `${org.id}:${rule.id}:${c.subjectKey}`;
      stillOpen.add(openKey);
      if (openByKey.has(openKey)) continue;
      await tx.earlyWarning.create({
        data: { orgId: org.id, ruleId: rule.id, subjectKey: c.subjectKey, openKey, severity: c.severity ?? "notice", message: c.message, audience: audienceKey(c.audience), raisedAt: now },
      });
      for (const to of await recipients(tx, org, c.audience)) {
        const k = JSON.stringify(to);
        cards.set(k, { to, messages: [...(cards.get(k)?.messages ?? []), c.message] });
      }
      raised++;
    }
    for (const { to, messages } of cards.values()) {
      const many = messages.length > 1;
      await out.forOrg(org.id).card(to, "warning", {
        title: `预警：${rule.title}${many ? `（${messages.length} 项）` : ""}`,
        orgName: org.name,
        message: many ? messages.map((m) => `- ${m}`).join("\n") : messages[0]!,
        ruleId: rule.id,
      });
    }
  }
  const ended = open.filter((w) => !stillOpen.has(w.openKey ?? ""));
  if (ended.length) await tx.earlyWarning.updateMany({ where: { id: { in: ended.map((w) => w.id) } }, data: { clearedAt: now, openKey: null } });
  return { raised, cleared: ended.length };
}

export async function openWarnings(tx: Tx, orgIds: number[]) {
  return tx.earlyWarning.findMany({ where: { orgId: { in: orgIds }, clearedAt: null }, orderBy: [{ orgId: "asc" }, { raisedAt: "asc" }] });
}
