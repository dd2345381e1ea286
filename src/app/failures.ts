import { secretaryOf } from "./actors.ts";
import type { Db } from "../db/client.ts";
import type { OutboxMessage } from "../generated/prisma/client.ts";
import { describeError, type Logger } from "../core/log.ts";
import { Outbox } from "./outbox.ts";

/**
 * Messages that could not be delivered for good are reported privately to the secretary of
 * the organisation they belonged to, once per batch, never about the secretary themself.
 */
export async function notifyPermanentFailures(db: Db, rows: OutboxMessage[], log: Logger): Promise<void> {
  const byOrg = new Map<number, OutboxMessage[]>();
  // A refused card update (too old, recalled) left a card showing an earlier state: nothing was
  // lost and nobody can act on it, so it is logged, not reported (issue #22: every call counts).
  for (const r of rows) if (r.orgId && r.kind !== "patch") byOrg.set(r.orgId, [...(byOrg.get(r.orgId) ?? []), r]);
  for (const [orgId, failed] of byOrg) {
    try {
      await db.$transaction(async (tx) => {
        const org = await tx.partyOrg.findUnique({ where: { id: orgId } });
        const secretary = await secretaryOf(tx, orgId);
        if (!org || !secretary) return;
        const relevant = failed.filter((r) => r.target !== secretary.openId);
        if (relevant.length === 0) return;
        const people = await tx.member.findMany({ where: { orgId, openId: { in: relevant.map((r) => r.target) } } });
        const names = new Map(people.map((p) => [p.openId, p.name]));
        const lines = relevant.slice(0, 10).map((r) => {
          const to = r.target === org.chatId ? "本支部群" : names.get(r.target) ?? "一位成员";
          return `- 发往${to}的消息：${r.failReason ?? "未知原因"}`;
        });
        const more = relevant.length > 10 ? `\n……另有 ${relevant.length - 10} 条` : "";
        await new Outbox(tx, orgId).text(
          { openId: secretary.openId },
          `【送达失败】「${org.name}」有 ${relevant.length} 条消息未能送达：\n${lines.join("\n")}${more}\n如机器人被移出群，请重新拉入；成员离开的无需处理。`,
        );
      });
    } catch (err) {
      log.error({ err: describeError(err), orgId }, "could not notify the secretary about failed messages");
    }
  }
}
