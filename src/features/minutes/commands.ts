import { childOrgs } from "../branches/service.ts";
import type { Bot } from "../../app/bot.ts";
import { PermissionError, UsageError, type CommandContext, type OrgInfo } from "../../app/context.ts";
import { ensureJob } from "../../app/jobs.ts";
import { isSecretary, type Actor } from "../../app/roles.ts";
import { meetingBySeq, parseSeq, type MeetingView } from "../meetings/service.ts";
import { formatDay, zoned } from "../meetings/time.ts";
import { meetingTitle } from "../meetings/view.ts";
import { loadFacts, type MeetingFacts } from "./content.ts";
import { confirmRecord, sendForm } from "./flows.ts";
import { yearRange } from "./export/book.ts";
import { EXPORT_JOB } from "./jobs.ts";
import { sendRecord } from "./record.ts";
import { ensureMinutes, listVersions, mayWrite, recorderOf, type MinutesView } from "./service.ts";
import { STATUS_LABEL } from "./types.ts";
import { versionLine } from "./view.ts";
import { echo } from "../../app/args.ts";

const GROUP = "会议记录";
const MINUTES_EXAMPLE = "/纪要 #12";
const EXPORT_EXAMPLE = "/导出 2026";
const HOUR = 3_600_000;

function requireActor(ctx: CommandContext): Actor {
  if (!ctx.actor) throw new PermissionError("您不在本支部的成员名单中。");
  return ctx.actor;
}

/** In a group the answer goes privately (names, leave reasons) and the group hears only that. */
async function notePrivately(ctx: CommandContext, text = "已私信发给您。"): Promise<void> {
  if (ctx.message.chatType === "group") await ctx.reply(text);
}

/** The meeting's record, refusing meetings that have none (not yet held, or cancelled). */
async function heldMeeting(ctx: CommandContext, org: OrgInfo, word: string): Promise<{ facts: MeetingFacts; minutes: MinutesView }> {
  const seq = parseSeq(word);
  if (seq === undefined) throw new UsageError(`看不懂会议编号「${echo(word)}」。发送 /会议 查看会议及编号。`, MINUTES_EXAMPLE);
  const meeting: MeetingView = await meetingBySeq(ctx.tx, org, seq);
  if (meeting.status === "cancelled") throw new UsageError(`${meetingTitle(meeting)} 已取消，没有会议记录。`);
  if (meeting.status !== "held") {
    const recorder = await recorderOf(ctx.tx, meeting);
    throw new UsageError(`${meetingTitle(meeting)} 还没有结束。会议结束、考勤确定后，我会把记录表单私信发给记录人${recorder ? `（${recorder.name}）` : ""}。`);
  }
  const facts = (await loadFacts(ctx.tx, meeting.id))!;
  return { facts, minutes: await ensureMinutes(ctx.tx, meeting, ctx.now) };
}

// ───────────────────────────── /纪要 ─────────────────────────────

async function minutesCommand(ctx: CommandContext): Promise<void> {
  const org = ctx.org!;
  const actor = requireActor(ctx);
  if (ctx.args.length === 0) return listRecords(ctx, org);
  const { facts, minutes } = await heldMeeting(ctx, org, ctx.args[0]!);
  const m = facts.meeting;
  const sub = ctx.args[1];
  const recorder = await recorderOf(ctx.tx, m);
  const writer = mayWrite(actor, recorder);
  const to = { openId: actor.openId };
  // In a private chat the command's outbox has no organisation yet; these messages belong to this one.
  const out = ctx.out.forOrg(org.id);

  if (sub === "版本") return versionsCommand(ctx, org, facts, minutes, ctx.args[2]);
  if (sub === "确认") {
    if (!isSecretary(actor)) throw new PermissionError("只有书记、副书记可以确认会议记录。");
    const result = await confirmRecord(ctx.tx, out, facts, actor, undefined, ctx.now);
    await ctx.reply(result.message);
    return;
  }
  if (sub === "更正") {
    if (!isSecretary(actor)) throw new PermissionError("会议记录确认后由书记、副书记更正。如发现记录有误，请告诉书记。");
    if (minutes.status !== "confirmed") throw new UsageError(`${meetingTitle(m)} 的记录还没有确认，可以直接修改：/纪要 #${m.seqNo}`);
    await sendForm(ctx.tx, out, facts, actor, ctx.now, true);
    return notePrivately(ctx, "已把更正表单私信发给您。");
  }
  if (sub !== undefined) throw new UsageError(`看不懂「${echo(sub)}」。可以写：/纪要 #${m.seqNo}、/纪要 #${m.seqNo} 版本、/纪要 #${m.seqNo} 确认（书记）、/纪要 #${m.seqNo} 更正（书记）。`, MINUTES_EXAMPLE);

  if (writer && minutes.status !== "confirmed") {
    await sendForm(ctx.tx, out, facts, actor, ctx.now);
    return notePrivately(ctx, `已把 ${meetingTitle(m)} 的记录表单私信发给您。`);
  }
  if (minutes.version === 0) {
    await ctx.reply(`${meetingTitle(m)} 的会议记录还没有提交${recorder ? `（记录人：${recorder.name}）` : ""}。`);
    return;
  }
  await sendRecord(ctx.tx, out, to, org, minutes, minutes.version, m.seqNo);
  if (writer) await out.text(to, `记录已确认锁定。如需更正，${isSecretary(actor) ? "请" : "请书记"}发送 /纪要 #${m.seqNo} 更正。`);
  await notePrivately(ctx);
}

async function versionsCommand(ctx: CommandContext, org: OrgInfo, f: MeetingFacts, minutes: MinutesView, which: string | undefined): Promise<void> {
  const m = f.meeting;
  if (minutes.version === 0) {
    await ctx.reply(`${meetingTitle(m)} 的会议记录还没有提交，没有版本。`);
    return;
  }
  if (which !== undefined) {
    const n = Number(which.replace(/^第|版$/g, ""));
    if (!Number.isInteger(n) || n < 1 || n > minutes.version) {
      throw new UsageError(`${meetingTitle(m)} 的记录共 ${minutes.version} 版，请写 1 到 ${minutes.version} 之间的版本号。`, `/纪要 #${m.seqNo} 版本 1`);
    }
    await sendRecord(ctx.tx, ctx.out.forOrg(org.id), { openId: ctx.actor!.openId }, org, minutes, n, m.seqNo);
    return notePrivately(ctx);
  }
  const versions = await listVersions(ctx.tx, minutes.id);
  await ctx.reply(
    [
      `${meetingTitle(m)} 会议记录的版本（当前第 ${minutes.version} 版，${STATUS_LABEL[minutes.status]}）：`,
      ...versions.map((v) => versionLine(v, org.timezone)),
      `查看某一版：/纪要 #${m.seqNo} 版本 ${versions[0]!.version}`,
    ].join("\n"),
  );
}

/** Recent held meetings and where their records stand; 缺项 is said plainly, never hidden. */
async function listRecords(ctx: CommandContext, org: OrgInfo): Promise<void> {
  const rows = await ctx.tx.meeting.findMany({
    where: { orgId: org.id, status: "held" },
    include: { minutes: true, partyGroup: true },
    orderBy: { startAt: "desc" },
    take: 15,
  });
  if (rows.length === 0) {
    await ctx.reply("本支部还没有已召开的会议。会议结束后，记录表单会私信发给记录人。");
    return;
  }
  const line = (r: (typeof rows)[number]) => {
    const title = meetingTitle({ seqNo: r.seqNo, type: r.type as MeetingView["type"], group: r.partyGroup });
    const status = (r.minutes?.status ?? "draft") as MinutesView["status"];
    const overdue = status === "draft" && ctx.now.getTime() - r.endAt.getTime() > 72 * HOUR ? "，已超过 72 小时" : "";
    const version = r.minutes && r.minutes.version > 0 ? `（第 ${r.minutes.version} 版）` : "";
    return `${title} · ${formatDay(r.startAt, org.timezone)} · ${STATUS_LABEL[status]}${version}${overdue}`;
  };
  await ctx.reply([`${org.name} 近期会议记录：`, ...rows.map(line), "查看或填写：/纪要 #编号；导出全年记录本：/导出 年份（支委）"].join("\n"));
}

// ───────────────────────────── /导出 ─────────────────────────────

async function exportCommand(ctx: CommandContext): Promise<void> {
  const org = ctx.org!;
  const actor = requireActor(ctx);
  const word = ctx.args[0]?.replace(/年$/, "");
  const year = word ? Number(word) : zoned(ctx.now, org.timezone).year();
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError(`看不懂年份「${echo(ctx.args[0])}」。`, EXPORT_EXAMPLE);
  const { start, end } = yearRange(year, org.timezone);
  const committee = org.kind === "committee";
  // A committee exports the ledger of all its branches (issue 16 item 3); a branch its own book.
  const orgIds = committee ? (await childOrgs(ctx.tx, org.id)).map((c) => c.id) : [org.id];
  const held = await ctx.tx.meeting.count({ where: { orgId: { in: orgIds }, status: "held", startAt: { gte: start, lt: end } } });
  if (held === 0) {
    await ctx.reply(committee ? `${year} 年各下级支部都没有已召开的会议，暂无台账可导出。` : `${year} 年本支部没有已召开的会议，暂无记录可导出。`);
    return;
  }
  // Building and uploading files is slow network work: a job does it, outside this transaction.
  await ensureJob(ctx.tx, { key: `minutes-export:${org.id}:${year}:${ctx.message.messageId}`, kind: EXPORT_JOB, runAt: ctx.now, payload: { orgId: org.id, year, openId: actor.openId } }, ctx.now);
  await ctx.reply(
    committee
      ? `正在生成 ${org.name} ${year} 年各支部会议台账（${orgIds.length} 个支部，${held} 次会议）：Excel 一份，完成后私信发给您。`
      : `正在生成 ${org.name} ${year} 年会议记录本（${held} 次会议）：Word 记录本和 Excel 台账各一份，完成后私信发给您。`,
  );
}

export function registerMinutesCommands(bot: Bot): void {
  bot
    .command({
      name: "纪要", aliases: ["minutes"], group: GROUP,
      summary: "会议记录：记录人/书记打开填写表单，其他同志查看记录；可看各版本，书记确认或更正",
      usage: "/纪要 [#编号 [版本 [N] | 确认 | 更正]]", example: MINUTES_EXAMPLE,
      permission: "member", scope: "branch", run: minutesCommand,
      access: "查看记录、版本：党员；填写：本次会议的记录人或书记、副书记；确认、更正：书记、副书记",
    })
    .command({
      name: "导出", aliases: ["export"], group: GROUP,
      summary: "导出全年会议记录本（Word）和会议台账（Excel），私信发送；党委群导出各支部的会议台账",
      usage: "/导出 [年份]", example: EXPORT_EXAMPLE,
      permission: "committee", scope: "org", run: exportCommand,
    });
}
