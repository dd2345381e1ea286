import type { Tx } from "../../db/client.ts";
import type { Actor } from "../../app/roles.ts";
import { isSecretary } from "../../app/roles.ts";
import type { MeetingView } from "../meetings/service.ts";
import { secretaryOf as secretaryRow } from "../rectification/model.ts";
import { readState, type FormState } from "./form.ts";
import type { MinutesContent, MinutesStatus, NamedPerson, VersionKind } from "./types.ts";

/** Minutes, versions and drafts in the database: plain data in, plain data out. */

export interface MinutesView {
  id: number;
  meetingId: number;
  orgId: number;
  status: MinutesStatus;
  version: number;
  submittedBy: string | null;
  submittedAt: Date | null;
  confirmedBy: string | null;
  confirmedAt: Date | null;
  confirmedVersion: number | null;
}

export interface VersionView {
  version: number;
  kind: VersionKind;
  content: MinutesContent;
  authorOpenId: string;
  authorName: string;
  reason: string | null;
  createdAt: Date;
}

type MinutesRow = NonNullable<Awaited<ReturnType<Tx["minutes"]["findUnique"]>>>;

const toView = (m: MinutesRow): MinutesView => ({
  id: m.id,
  meetingId: m.meetingId,
  orgId: m.orgId,
  status: m.status as MinutesStatus,
  version: m.version,
  submittedBy: m.submittedBy,
  submittedAt: m.submittedAt,
  confirmedBy: m.confirmedBy,
  confirmedAt: m.confirmedAt,
  confirmedVersion: m.confirmedVersion,
});

/** The record of a meeting, created (empty, status draft) on first need. Idempotent. */
export async function ensureMinutes(tx: Tx, meeting: Pick<MeetingView, "id" | "orgId">, now: Date): Promise<MinutesView> {
  const row = await tx.minutes.upsert({
    where: { meetingId: meeting.id },
    create: { meetingId: meeting.id, orgId: meeting.orgId, createdAt: now, updatedAt: now },
    update: {},
  });
  return toView(row);
}

export async function minutesOf(tx: Tx, meetingId: number): Promise<MinutesView | undefined> {
  const row = await tx.minutes.findUnique({ where: { meetingId } });
  return row ? toView(row) : undefined;
}

export async function loadVersion(tx: Tx, minutesId: number, version: number): Promise<VersionView | undefined> {
  const v = await tx.minutesVersion.findUnique({ where: { minutesId_version: { minutesId, version } } });
  return v
    ? { version: v.version, kind: v.kind as VersionKind, content: JSON.parse(v.content) as MinutesContent, authorOpenId: v.authorOpenId, authorName: v.authorName, reason: v.reason, createdAt: v.createdAt }
    : undefined;
}

export async function listVersions(tx: Tx, minutesId: number): Promise<Array<Omit<VersionView, "content">>> {
  const rows = await tx.minutesVersion.findMany({ where: { minutesId }, orderBy: { version: "asc" }, select: { version: true, kind: true, authorOpenId: true, authorName: true, reason: true, createdAt: true } });
  return rows.map((v) => ({ ...v, kind: v.kind as VersionKind }));
}

// ───────────────────────────── who keeps the record ─────────────────────────────

/** The recorder named at scheduling while still in the branch, otherwise the secretary. */
export async function recorderOf(tx: Tx, meeting: MeetingView): Promise<NamedPerson | undefined> {
  if (meeting.recorder) {
    const r = await tx.member.findFirst({ where: { id: meeting.recorder.id, active: true } });
    if (r) return { memberId: r.id, openId: r.openId, name: r.name };
  }
  const s = await secretaryOf(tx, meeting.orgId);
  return s ?? undefined;
}

export async function secretaryOf(tx: Tx, orgId: number): Promise<NamedPerson | undefined> {
  const s = await secretaryRow(tx, orgId);
  return s ? { memberId: s.id, openId: s.openId, name: s.name } : undefined;
}

/** The recorder and the secretary (or deputy) fill in the record. */
export function mayWrite(actor: Actor | undefined, recorder: NamedPerson | undefined): boolean {
  return !!actor && (isSecretary(actor) || actor.memberId === recorder?.memberId);
}

// ───────────────────────────── drafts ─────────────────────────────

export interface DraftView {
  memberId: number;
  state: FormState;
  baseVersion: number;
  updatedAt: Date;
}

export async function saveDraft(tx: Tx, meetingId: number, memberId: number, state: FormState, baseVersion: number, now: Date): Promise<void> {
  const data = { state: JSON.stringify(state), baseVersion, updatedAt: now };
  await tx.minutesDraft.upsert({ where: { meetingId_memberId: { meetingId, memberId } }, create: { meetingId, memberId, ...data }, update: data });
}

/** The person's own draft, else the newest anyone saved (the secretary may finish the recorder's). */
export async function draftFor(tx: Tx, meetingId: number, memberId: number): Promise<(DraftView & { own: boolean; authorName: string }) | undefined> {
  const own = await tx.minutesDraft.findUnique({ where: { meetingId_memberId: { meetingId, memberId } }, include: { member: true } });
  const row = own ?? (await tx.minutesDraft.findFirst({ where: { meetingId }, orderBy: { updatedAt: "desc" }, include: { member: true } }));
  return row ? { memberId: row.memberId, state: readState(row.state), baseVersion: row.baseVersion, updatedAt: row.updatedAt, own: !!own, authorName: row.member.name } : undefined;
}

/** Only the person's own draft: what their open cards were drawn from. */
export async function ownDraft(tx: Tx, meetingId: number, memberId: number): Promise<FormState | undefined> {
  const row = await tx.minutesDraft.findUnique({ where: { meetingId_memberId: { meetingId, memberId } } });
  return row ? readState(row.state) : undefined;
}

export async function dropDraft(tx: Tx, meetingId: number, memberId: number): Promise<void> {
  await tx.minutesDraft.deleteMany({ where: { meetingId, memberId } });
}

// ───────────────────────────── versions ─────────────────────────────

const sameContent = (a: MinutesContent, b: MinutesContent) => JSON.stringify(a) === JSON.stringify(b);

export type RecordOutcome = { kind: "recorded"; version: number; first: boolean } | { kind: "unchanged"; version: number };

/**
 * Appends a version and makes it current: resolutions are replaced; follow-up actions are
 * matched by content and owner so one that already became a rectification item keeps its link.
 * The same content submitted twice (a double click) is one version.
 */
export async function recordVersion(
  tx: Tx,
  minutes: MinutesView,
  input: { content: MinutesContent; author: { openId: string; name: string }; kind: VersionKind; reason?: string; now: Date },
): Promise<RecordOutcome> {
  if (minutes.version > 0) {
    const current = await loadVersion(tx, minutes.id, minutes.version);
    if (current && sameContent(current.content, input.content)) return { kind: "unchanged", version: minutes.version };
  }
  const version = minutes.version + 1;
  const { count } = await tx.minutes.updateMany({
    where: { id: minutes.id, version: minutes.version },
    data: {
      version,
      status: minutes.status === "confirmed" ? "confirmed" : "submitted",
      submittedBy: input.author.openId,
      submittedAt: input.now,
      // The secretary's amendment of a confirmed record is itself confirmed.
      ...(input.kind === "amendment" ? { confirmedVersion: version, confirmedBy: input.author.openId, confirmedAt: input.now } : {}),
      updatedAt: input.now,
    },
  });
  // Someone else submitted in between: the caller answers from the newer state.
  if (count !== 1) return { kind: "unchanged", version: minutes.version };
  await tx.minutesVersion.create({
    data: {
      minutesId: minutes.id,
      version,
      kind: input.kind,
      content: JSON.stringify(input.content),
      authorOpenId: input.author.openId,
      authorName: input.author.name,
      reason: input.reason?.trim() || null,
      createdAt: input.now,
    },
  });
  await replaceResolutions(tx, minutes, input.content);
  await reconcileActions(tx, minutes, input.content);
  return { kind: "recorded", version, first: minutes.version === 0 };
}

async function replaceResolutions(tx: Tx, minutes: MinutesView, c: MinutesContent): Promise<void> {
  await tx.resolution.deleteMany({ where: { minutesId: minutes.id } });
  if (c.resolutions.length === 0) return;
  await tx.resolution.createMany({
    data: c.resolutions.map((r, i) => ({
      minutesId: minutes.id,
      orgId: minutes.orgId,
      position: i + 1,
      text: r.text,
      votesFor: r.votes?.for ?? null,
      votesAgainst: r.votes?.against ?? null,
      votesAbstain: r.votes?.abstain ?? null,
      voteMethod: r.method ?? null,
      matter: r.matter ?? "general",
      writtenVotes: r.written ?? 0,
      dissent: r.dissent ?? null,
      passed: r.passed,
      passNote: r.note,
    })),
  });
}

async function reconcileActions(tx: Tx, minutes: MinutesView, c: MinutesContent): Promise<void> {
  const existing = await tx.followUpAction.findMany({ where: { minutesId: minutes.id }, orderBy: { id: "asc" } });
  const unused = [...existing];
  for (const [i, a] of c.actions.entries()) {
    const match = unused.findIndex((e) => e.text === a.text && e.ownerId === a.owner.memberId);
    if (match >= 0) {
      const [row] = unused.splice(match, 1);
      await tx.followUpAction.update({ where: { id: row!.id }, data: { position: i + 1, dueOn: a.dueOn } });
    } else {
      await tx.followUpAction.create({ data: { minutesId: minutes.id, orgId: minutes.orgId, position: i + 1, text: a.text, ownerId: a.owner.memberId, dueOn: a.dueOn } });
    }
  }
  if (unused.length) await tx.followUpAction.deleteMany({ where: { id: { in: unused.map((u) => u.id) } } });
}

export type ConfirmOutcome = "confirmed" | "already" | "stale" | "not_submitted";

/** The secretary confirms the version he or she saw; a newer version must be seen first. */
export async function confirmVersion(tx: Tx, minutes: MinutesView, version: number, by: string, now: Date): Promise<ConfirmOutcome> {
  if (minutes.version === 0) return "not_submitted";
  if (minutes.status === "confirmed" && minutes.confirmedVersion === minutes.version) return "already";
  if (version !== minutes.version) return "stale";
  const { count } = await tx.minutes.updateMany({
    where: { id: minutes.id, version, status: "submitted" },
    data: { status: "confirmed", confirmedBy: by, confirmedAt: now, confirmedVersion: version, updatedAt: now },
  });
  return count === 1 ? "confirmed" : "already";
}

/** Follow-up actions of a record not yet turned into rectification items. */
export async function unlinkedActions(tx: Tx, minutesId: number) {
  return tx.followUpAction.findMany({ where: { minutesId, rectificationItemId: null }, orderBy: { position: "asc" }, include: { owner: true } });
}

export async function linkAction(tx: Tx, actionId: number, itemId: number): Promise<void> {
  await tx.followUpAction.update({ where: { id: actionId }, data: { rectificationItemId: itemId } });
}

export async function actionsOf(tx: Tx, minutesId: number) {
  return tx.followUpAction.findMany({ where: { minutesId }, orderBy: { position: "asc" } });
}
