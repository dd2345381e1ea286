import type { Tx } from "../../db/client.ts";

export interface RectificationSettingsView {
  reminderDays: number[];
  buzzAfterDays: number;
}

export async function settingsOf(tx: Tx, orgId: number): Promise<RectificationSettingsView> {
  const s = await tx.rectificationSettings.findUnique({ where: { orgId } });
  return { reminderDays: parseReminderDays(s?.reminderDays ?? "7,3,1") ?? [7, 3, 1], buzzAfterDays: s?.buzzAfterDays ?? 3 };
}

/** "7,3,1" (also 7、3、1 or 7 3 1) → [7, 3, 1]; undefined if not a list of 1–60 day counts. */
export function parseReminderDays(text: string): number[] | undefined {
  const parts = text.split(/[,，、\s]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 6) return undefined;
  const days = parts.map(Number);
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 60)) return undefined;
  return [...new Set(days)].sort((a, b) => b - a);
}

export async function saveSettings(tx: Tx, orgId: number, patch: { reminderDays?: number[]; buzzAfterDays?: number }): Promise<void> {
  const data = {
    ...(patch.reminderDays ? { reminderDays: patch.reminderDays.join(",") } : {}),
    ...(patch.buzzAfterDays !== undefined ? { buzzAfterDays: patch.buzzAfterDays } : {}),
  };
  await tx.rectificationSettings.upsert({ where: { orgId }, create: { orgId, ...data }, update: data });
}
