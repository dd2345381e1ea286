import type { Tx } from "../../db/client.ts";
import type { Bot } from "../../app/bot.ts";
import type { JobContext } from "../../app/jobs.ts";
import { ensureJob } from "../../app/jobs.ts";
import type { OrgInfo } from "../../app/context.ts";
import { toOrgInfo } from "../../app/actors.ts";
import { mention } from "../../app/cards.ts";
import { Outbox } from "../../app/outbox.ts";
import { nextWeekly, periodContaining, type Period } from "./periods.ts";
import type { DigestSections } from "./sections.ts";
import { branchDigestCard, committeeDigestCard } from "./compose.ts";
import type { WarningRules } from "./warnings.ts";
import { syncWarnings } from "./warnings.ts";
import { branchIndicators, indicatorGroups, memberStructure } from "./indicators.ts";
import { agendaMix, mostlyBusiness, type AgendaMix } from "../minutes/agenda.ts";

export const TICK_JOB = "digest.tick";
export const INVITE_JOB = "digest.invite";
export const ENSURE_JOB = "digest.ensure";
export const WARNINGS_JOB = "digest.warnings";

const INVITE_LEAD_MS = 30 * 60_000;
const LATE_AFTER_MS = 3 * 60 * 60_000; // a few hours late reads as "late"; a clock jump of one hour does not
const STALE_AFTER_MS = 6 * 24 * 3600_000;
const CHUNK = 200;

/** Organisations posting at the same weekday, time and zone share one tick job. */
export interface Slot {
  tz: string;
  weekday: number;
  hour: number;
  minute: number;
}

/** One warnings scan per day; the key is the day, so restarts never double it. */
const warningsKey = (at: Date) => `digest:warnings:${at.toISOString().slice(0, 10)}`;

const slotKey = (s: Slot) => `${s.tz}|${s.weekday}|${s.hour}|${s.minute}`;

export function defaultSlot(tz: string): Slot {
  return { tz, weekday: 1, hour: 9, minute: 0 };
}

async function orgSlots(tx: Tx): Promise<Map<string, { slot: Slot; orgs: OrgInfo[] }>> {
  const orgs = await tx.partyOrg.findMany({ include: { digestSettings: true }, orderBy: { id: "asc" } });
  const map = new Map<string, { slot: Slot; orgs: OrgInfo[] }>();
  for (const o of orgs) {
    if (o.digestSettings?.muted) continue;
    const s = o.digestSettings;
    const slot: Slot = s ? { tz: o.timezone, weekday: s.weekday, hour: s.hour, minute: s.minute } : defaultSlot(o.timezone);
    const entry = map.get(slotKey(slot)) ?? { slot, orgs: [] };
    entry.orgs.push(toOrgInfo(o));
    map.set(slotKey(slot), entry);
  }
  return map;
}

/**
 * Makes sure every slot in use has its next tick (and invitation) after `after` scheduled, and
 * today's warnings scan. Idempotent.
 */
export async function ensureDigestJobs(tx: Tx, now: Date, after = now): Promise<number> {
  let created = 0;
  for (const { slot } of (await orgSlots(tx)).values()) {
    const at = nextWeekly(new Date(after.getTime() - 1), slot.tz, slot.weekday, slot.hour, slot.minute);
    const period = periodContaining(at, slot.tz, "week");
    const payload = { ...slot, at: at.toISOString() };
    if (await ensureJob(tx, { key: `digest:tick:${slotKey(slot)}:${period.key}`, kind: TICK_JOB, runAt: at, payload }, now)) created++;
    await ensureJob(tx, { key: `digest:invite:${slotKey(slot)}:${period.key}`, kind: INVITE_JOB, runAt: new Date(at.getTime() - INVITE_LEAD_MS), payload }, now);
  }
  await ensureJob(tx, { key: warningsKey(now), kind: WARNINGS_JOB, runAt: now, payload: {} }, now);
  return created;
}

function slotOf(payload: Record<string, unknown>): { slot: Slot; at: Date } {
  return { slot: { tz: String(payload.tz), weekday: Number(payload.weekday), hour: Number(payload.hour), minute: Number(payload.minute) }, at: new Date(String(payload.at)) };
}

async function secretaries(tx: Tx, orgIds: number[]) {
  const rows = await tx.member.findMany({ where: { orgId: { in: orgIds }, post: "secretary", active: true } });
  return new Map(rows.map((r) => [r.orgId, r]));
}

/** 30 minutes before: invite each secretary to add one line of their own. */
async function inviteJob(ctx: JobContext): Promise<void> {
  const { slot, at } = slotOf(ctx.payload);
  await ctx.commit(async (tx, out) => {
    const entry = (await orgSlots(tx)).get(slotKey(slot));
    if (!entry || ctx.now.getTime() > at.getTime()) return; // too late to invite: the digest goes as is
    const period = periodContaining(at, slot.tz, "week");
    const secs = await secretaries(tx, entry.orgs.map((o) => o.id));
    for (const org of entry.orgs) {
      const digest = await tx.digest.upsert({
        where: { orgId_kind_periodKey: { orgId: org.id, kind: kindOf(org), periodKey: period.key } },
        create: { orgId: org.id, kind: kindOf(org), periodKey: period.key, scheduledFor: at },
        update: {},
      });
      const sec = secs.get(org.id);
      if (!sec || digest.status !== "invited") continue;
      await out.forOrg(org.id).card({ openId: sec.openId }, "digest-invite", {
        orgName: org.name, time: `${String(slot.hour).padStart(2, "0")}:${String(slot.minute).padStart(2, "0")}`,
        org: org.id, digestId: digest.id, secretary: mention(sec.openId),
      }, { cardRef: `digest:${digest.id}:invite`, sheddable: true }); // an invitation: the digest goes anyway
    }
  });
}

const kindOf = (org: OrgInfo) => (org.kind === "committee" ? "committee_weekly" : "branch_weekly");

export interface DigestDeps {
  sections: DigestSections;
  warnings: WarningRules;
}

/** Posts the digest of every organisation in the slot, exactly once each, then schedules next week. */
async function tickJob(ctx: JobContext, deps: DigestDeps): Promise<void> {
  const { slot, at } = slotOf(ctx.payload);
  const period = periodContaining(at, slot.tz, "week");
  const entry = (await orgSlots(ctx.db)).get(slotKey(slot));
  const orgs = entry?.orgs ?? [];
  const stale = ctx.now.getTime() - at.getTime() > STALE_AFTER_MS;
  if (stale) ctx.log.info({ period: period.key, scheduledFor: at.toISOString(), branches: orgs.length }, "digest skipped: more than 6 days late, the week is over");
  for (const chunk of familyChunks(orgs, CHUNK)) {
    await ctx.db.$transaction(async (tx) => postDigests(tx, chunk, period, at, ctx.now, stale, deps), { timeout: 120_000 });
  }
  // The next week after this one, not after now: after a long stop every missed week is handled
  // in turn (each its own job, by its key), down to the current week, which then still goes out.
  await ctx.commit(async (tx) => {
    await ensureDigestJobs(tx, ctx.now, new Date(at.getTime() + 60_000));
  });
}

/**
 * Chunks of at most `size` organisations (one transaction each), a committee always together
 * with its children of the same slot: its roll-up needs their sections, which are then computed
 * once for both digests. Cut by position instead, the first chunk would hold every committee
 * and so compute the sections of every branch at once (bench/README.md, target 3).
 */
export function familyChunks(orgs: OrgInfo[], size: number): OrgInfo[][] {
  const committees = new Set(orgs.filter((o) => o.kind === "committee").map((o) => o.id));
  const childrenOf = new Map<number, OrgInfo[]>();
  for (const o of orgs) {
    if (o.parentId === null || !committees.has(o.parentId)) continue;
    const list = childrenOf.get(o.parentId) ?? [];
    list.push(o);
    childrenOf.set(o.parentId, list);
  }
  const units = orgs
    .filter((o) => o.parentId === null || !committees.has(o.parentId))
    .map((o) => (o.kind === "committee" ? [o, ...(childrenOf.get(o.id) ?? [])] : [o]));
  const chunks: OrgInfo[][] = [];
  let current: OrgInfo[] = [];
  for (const unit of units) {
    if (current.length > 0 && current.length + unit.length > size) {
      chunks.push(current);
      current = [];
    }
    current.push(...unit);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function postDigests(tx: Tx, orgs: OrgInfo[], period: Period, at: Date, now: Date, stale: boolean, deps: DigestDeps): Promise<void> {
  const existing = await tx.digest.findMany({ where: { orgId: { in: orgs.map((o) => o.id) }, periodKey: period.key } });
  const done = new Set(existing.filter((d) => d.status !== "invited").map((d) => d.orgId));
  const notes = new Map(existing.map((d) => [d.orgId, d.secretaryNote]));
  const todo = orgs.filter((o) => !done.has(o.id));
  if (todo.length === 0) return;
  const status = stale ? "skipped" : "sent";
  const late = !stale && now.getTime() - at.getTime() > LATE_AFTER_MS;
  if (!stale) {
    const reportOn = periodContaining(new Date(at.getTime() - 24 * 3600_000), orgs[0]!.timezone, "week");
    await sendDigests(tx, new Outbox(tx), todo, reportOn, notes, now, late ? at : undefined, deps);
  }
  // Two statements for the whole chunk: rows the invitation made are updated, the others created.
  const invited = new Set(existing.map((d) => d.orgId));
  const sentAt = stale ? null : now;
  await tx.digest.updateMany({ where: { periodKey: period.key, orgId: { in: todo.filter((o) => invited.has(o.id)).map((o) => o.id) } }, data: { status, late, sentAt } });
  await tx.digest.createMany({
    data: todo.filter((o) => !invited.has(o.id)).map((o) => ({ orgId: o.id, kind: kindOf(o), periodKey: period.key, scheduledFor: at, status, late, sentAt })),
  });
}

async function sendDigests(tx: Tx, out: Outbox, orgs: OrgInfo[], period: Period, notes: Map<number, string | null>, now: Date, lateFrom: Date | undefined, deps: DigestDeps) {
  const branches = orgs.filter((o) => o.kind === "branch");
  const committees = orgs.filter((o) => o.kind === "committee");
  const children = committees.length
    ? (await tx.partyOrg.findMany({ where: { parentId: { in: committees.map((c) => c.id) } } })).map(toOrgInfo)
    : [];
  const posting = new Set(branches.map((b) => b.id));
  const all = [...branches, ...children.filter((c) => !posting.has(c.id))];
  const sections = await deps.sections.collect(tx, all, period, now);
  await out.cards(
    branches.map((org) => ({
      to: { chatId: org.chatId },
      template: "digest-branch",
      data: branchDigestCard({ org, period, title: "周报", sections: sections.get(org.id) ?? [], note: notes.get(org.id), lateFrom, now }),
      orgId: org.id,
    })),
  );
  const extras = await committeeExtras(tx, children, now);
  for (const committee of committees) {
    const mine = children.filter((c) => c.parentId === committee.id);
    const rows = mine.map((org) => ({ org, sections: sections.get(org.id) ?? [] }));
    const card = committeeDigestCard(committee, period, rows, notes.get(committee.id), now, lateFrom, await extras(mine));
    await out.forOrg(committee.id).card({ chatId: committee.chatId }, "digest-committee", card);
  }
}

const MAX_MIXED_LINES = 10;

/** Branches whose recorded 议题 this year are mostly 业务 (issue #18 item 5), by name, as facts to ask about. */
function mostlyBusinessLines(mine: OrgInfo[], mix: Map<number, AgendaMix>): string[] {
  const found = mine.filter((b) => mostlyBusiness(mix.get(b.id))).sort((a, b) => a.name.localeCompare(b.name, "zh"));
  const lines = found.slice(0, MAX_MIXED_LINES).map((b) => `${b.name}：今年会议记录的议题 ${mix.get(b.id)!.items} 项，其中业务工作 ${mix.get(b.id)!.business} 项`);
  if (found.length > MAX_MIXED_LINES) lines.push(`另有 ${found.length - MAX_MIXED_LINES} 个支部情况相同（按名称排列，只列出前 ${MAX_MIXED_LINES} 个）。`);
  return lines;
}

/**
 * Year-to-date indicators for all children at once (bounded queries), then per committee the
 * groups by secretary type, the member structure and the branches whose 议题 are mostly 业务.
 */
export async function committeeExtras(tx: Tx, children: OrgInfo[], now: Date) {
  const tz = children[0]?.timezone ?? "Asia/Shanghai";
  const year = periodContaining(now, tz, "year");
  const ind = children.length ? await branchIndicators(tx, children, year.start, now) : new Map();
  const mix = children.length ? await agendaMix(tx, children.map((c) => c.id), year.start, now) : new Map();
  return async (mine: OrgInfo[]) => ({ groups: indicatorGroups(mine, ind), structure: mine.length ? await memberStructure(tx, mine) : [], mostlyBusiness: mostlyBusinessLines(mine, mix) });
}

/** Once a day: evaluate every warning rule for all organisations. */
async function warningsJob(ctx: JobContext, deps: DigestDeps): Promise<void> {
  await ctx.commit(async (tx, out) => {
    const orgs = (await tx.partyOrg.findMany({ orderBy: { id: "asc" } })).map(toOrgInfo);
    for (const rule of deps.warnings.all()) {
      await syncWarnings(tx, out, rule, orgs, await rule.evaluate(tx, orgs, ctx.now), ctx.now);
    }
    const tomorrow = new Date(ctx.now.getTime() + 24 * 3600_000);
    await ensureJob(tx, { key: warningsKey(tomorrow), kind: WARNINGS_JOB, runAt: tomorrow, payload: {} }, ctx.now);
    await ensureDigestJobs(tx, ctx.now); // picks up organisations bound since yesterday
  });
}

export function registerDigestJobs(bot: Bot, deps: DigestDeps): void {
  bot.job(INVITE_JOB, inviteJob);
  bot.job(TICK_JOB, (ctx) => tickJob(ctx, deps));
  bot.job(WARNINGS_JOB, (ctx) => warningsJob(ctx, deps));
  bot.job(ENSURE_JOB, async (ctx) => {
    await ctx.commit(async (tx) => {
      await ensureDigestJobs(tx, ctx.now);
    });
  });
}

export { sendDigests };
