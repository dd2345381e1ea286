import type { Tx } from "../db/client.ts";
import type { Logger } from "../core/log.ts";
import { Outbox } from "./outbox.ts";
import type { CardAction, CardResponse, IncomingMessage, InboundEvent, MembershipChange } from "./inbound.ts";
import {
  PermissionError,
  UsageError,
  type ActionContext,
  type ActionDef,
  type CommandContext,
  type CommandDef,
  type MessageListener,
  type MembershipContext,
  type OrgInfo,
} from "./context.ts";
import { actorIn, membershipsOf, orgByChat, orgById } from "./actors.ts";
import { allows, PERMISSION_LABEL, type Actor } from "./roles.ts";
import { parseCommand } from "./command-parser.ts";
import { echo, rowNumber } from "./args.ts";
import { ensureJob, type JobHandler, type JobSpec } from "./jobs.ts";

export type MembershipListener = (ctx: MembershipContext) => Promise<void>;
/** Runs once when the bot starts, before the loops (e.g. to make sure recurring jobs exist). */
export type StartHook = (tx: Tx, now: Date) => Promise<void>;
/** Runs in the binding transaction when a chat becomes a branch or committee. */
export type OrgBoundHook = (tx: Tx, org: OrgInfo, now: Date) => Promise<void>;

export interface BotDeps {
  log: Logger;
  now: () => Date;
  /** BOT_TIMEZONE: used where no organisation's own zone applies. */
  timezone: string;
  realNow?: () => Date;
}

const POST_RANK: Record<string, number> = { secretary: 3, deputy_secretary: 2, committee_member: 1 };

function privateHome(memberships: Array<{ org: OrgInfo; actor: Actor }>) {
  return [...memberships].sort((a, b) => (POST_RANK[b.actor.post ?? ""] ?? 0) - (POST_RANK[a.actor.post ?? ""] ?? 0))[0];
}

const SCOPE_TEXT: Record<CommandDef["scope"], string> = {
  branch: "只能在已绑定的党支部群里使用",
  committee: "只能在已绑定的党委（总支）群里使用",
  org: "只能在已绑定的党支部或党委群里使用",
  any: "",
};

/**
 * The application, independent of transport: commands, card actions, listeners and jobs are
 * registered once here and served by whichever receiver (webhook or long connection) is on.
 */
export class Bot {
  readonly commands = new Map<string, CommandDef>();
  private readonly commandList: CommandDef[] = [];
  private readonly actions = new Map<string, ActionDef>();
  private readonly membershipListeners: MembershipListener[] = [];
  private readonly messageListeners: MessageListener[] = [];
  readonly jobHandlers = new Map<string, JobHandler>();
  readonly startHooks: StartHook[] = [];
  private readonly orgBoundHooks: OrgBoundHook[] = [];

  constructor(readonly deps: BotDeps) {}

  command(def: CommandDef): this {
    for (const key of [def.name, ...def.aliases].map((k) => k.toLowerCase())) {
      if (this.commands.has(key)) throw new Error(`command name "${key}" registered twice`);
      this.commands.set(key, def);
    }
    this.commandList.push(def);
    return this;
  }

  allCommands(): readonly CommandDef[] {
    return this.commandList;
  }

  action(def: ActionDef): this {
    if (this.actions.has(def.name)) throw new Error(`card action "${def.name}" registered twice`);
    this.actions.set(def.name, def);
    return this;
  }

  allActions(): readonly ActionDef[] {
    return [...this.actions.values()];
  }

  onMembership(listener: MembershipListener): this {
    this.membershipListeners.push(listener);
    return this;
  }

  onMessage(listener: MessageListener): this {
    this.messageListeners.push(listener);
    return this;
  }

  job(kind: string, handler: JobHandler): this {
    if (this.jobHandlers.has(kind)) throw new Error(`job kind "${kind}" registered twice`);
    this.jobHandlers.set(kind, handler);
    return this;
  }

  onStart(hook: StartHook): this {
    this.startHooks.push(hook);
    return this;
  }

  onOrgBound(hook: OrgBoundHook): this {
    this.orgBoundHooks.push(hook);
    return this;
  }

  private orgBoundIn(tx: Tx) {
    return async (org: OrgInfo) => {
      for (const hook of this.orgBoundHooks) await hook(tx, org, this.deps.now());
    };
  }

  schedule(tx: Tx, spec: JobSpec): Promise<boolean> {
    return ensureJob(tx, spec, this.deps.now());
  }

  /** Processes one stored event inside the caller's transaction. */
  async process(tx: Tx, event: InboundEvent): Promise<void> {
    if (event.kind === "message") await this.processMessage(tx, event);
    else await this.processMembership(tx, event);
  }

  private async processMembership(tx: Tx, change: MembershipChange): Promise<void> {
    const org = await orgByChat(tx, change.chatId);
    const ctx: MembershipContext = { tx, out: new Outbox(tx, org?.id, this.deps.realNow), now: this.deps.now(), timezone: org?.timezone ?? this.deps.timezone, change, org };
    for (const listener of this.membershipListeners) await listener(ctx);
  }

  private async processMessage(tx: Tx, message: IncomingMessage): Promise<void> {
    // The sender's memberships come with their organisations: a member writing in their own
    // organisation's chat (the usual message) needs no second read of the chat's organisation.
    const memberships = await membershipsOf(tx, message.senderOpenId);
    const own = memberships.find((m) => message.chatType === "group" && m.org.chatId === message.chatId);
    const org = own?.org ?? (message.chatType === "group" ? await orgByChat(tx, message.chatId) : undefined);
    const actor = own?.actor;
    const out = new Outbox(tx, org?.id, this.deps.realNow);
    const parsed = parseCommand(message);
    const base = {
      tx,
      out,
      now: this.deps.now(),
      timezone: org?.timezone ?? this.deps.timezone,
      org,
      actor,
      memberships,
      orgBound: this.orgBoundIn(tx),
      message,
      mentions: message.mentions,
      reply: (text: string) => out.replyText(message.chatId, message.messageId, text),
      replyCard: (template: string, data: Record<string, unknown>, opts?: { cardRef?: string }) =>
        out.replyCard(message.chatId, message.messageId, template, data, opts),
    };
    if (message.chatType === "p2p") {
      // In a private chat the person acts for the organisation where they hold the highest post.
      const home = privateHome(memberships);
      if (home) Object.assign(base, { org: home.org, actor: home.actor, timezone: home.org.timezone });
    }
    if (!parsed) {
      for (const listener of this.messageListeners) if (await listener(base)) return;
      return;
    }
    const ctx: CommandContext = { ...base, command: parsed.name, args: parsed.args, rest: parsed.rest };
    if (!parsed.name) {
      await ctx.reply("您好，我是支部助手。发送 /帮助 查看全部命令，例如：/帮助");
      return;
    }
    const def = this.commands.get(parsed.name.toLowerCase());
    if (!def && !parsed.explicit) {
      // A private message that is not a command: let features claim it (e.g. evidence), else guide.
      for (const listener of this.messageListeners) if (await listener(base)) return;
      await ctx.reply("您好，我是支部助手。需要办理什么？发送 /帮助 查看全部命令，例如：/帮助");
      return;
    }
    if (!def) {
      await ctx.reply(`没有「/${echo(parsed.name)}」这个命令。发送 /帮助 查看全部命令，例如：/帮助`);
      return;
    }
    const refusal = this.refusal(def, message, ctx.org, ctx.actor);
    if (refusal) {
      await ctx.reply(refusal);
      return;
    }
    try {
      await def.run(ctx);
    } catch (err) {
      if (err instanceof UsageError) {
        await ctx.reply(`${err.message}${err.example ? `\n正确示例：${err.example}` : `\n用法：${def.usage}\n示例：${def.example}`}`);
      } else if (err instanceof PermissionError) {
        await ctx.reply(err.message);
      } else throw err;
    }
  }

  private refusal(def: CommandDef, message: IncomingMessage, org: OrgInfo | undefined, actor: Actor | undefined): string | undefined {
    if (def.scope !== "any") {
      const inGroup = message.chatType === "group";
      if (!org) {
        return inGroup
          ? `本群尚未绑定为党支部或党委，「/${def.name}」暂不能使用。请把我拉进群的同志填写绑定卡片，或发送 /绑定 重新获取绑定卡片。`
          : `「/${def.name}」${SCOPE_TEXT[def.scope]}，请到对应的群里发送。`;
      }
      if ((def.scope === "branch" && org.kind !== "branch") || (def.scope === "committee" && org.kind !== "committee")) {
        return `「/${def.name}」${SCOPE_TEXT[def.scope]}。`;
      }
    }
    if (!allows(def.permission, actor)) {
      return `抱歉，「/${def.name}」只有${PERMISSION_LABEL[def.permission]}可以使用。${actor?.memberClass === "pending" ? "您进群后身份还待书记确认，确认后即可使用。" : "如需调整身份，请联系支部书记（/角色）。"}`;
    }
    return undefined;
  }

  /** Runs a card click inside the caller's transaction and returns the answer for Lark. */
  async handleCardAction(tx: Tx, action: CardAction): Promise<CardResponse> {
    const name = typeof action.value.a === "string" ? action.value.a : "";
    const def = this.actions.get(name);
    if (!def) return { toast: { type: "error", content: "这个按钮已失效，请重新发送命令获取新卡片。" } };
    const chatOrg = action.chatId ? await orgByChat(tx, action.chatId) : undefined;
    const valueOrgId = typeof action.value.org === "number" ? rowNumber(action.value.org) : undefined;
    const valueOrg = valueOrgId ? await orgById(tx, valueOrgId) : undefined;
    if (chatOrg && valueOrg && chatOrg.id !== valueOrg.id) {
      return { toast: { type: "error", content: "卡片与本群不匹配，操作未执行。" } };
    }
    const org = valueOrg ?? chatOrg;
    const actor = org ? await actorIn(tx, org.id, action.operatorOpenId) : undefined;
    if (def.permission !== "anyone" && !org) {
      return { toast: { type: "error", content: "找不到这张卡片所属的支部，操作未执行。" } };
    }
    if (!allows(def.permission, actor)) {
      const pending = actor?.memberClass === "pending" ? "（您的身份待书记确认）" : "";
      return { toast: { type: "error", content: `只有${PERMISSION_LABEL[def.permission]}可以进行此操作${pending}。` } };
    }
    // The clicked card's own update is returned in the answer (free) instead of PATCHed (issue #22).
    const out = new Outbox(tx, org?.id, this.deps.realNow, { messageId: action.messageId });
    const ctx: ActionContext = {
      tx,
      out,
      now: this.deps.now(),
      timezone: org?.timezone ?? this.deps.timezone,
      org,
      actor,
      memberships: [],
      orgBound: this.orgBoundIn(tx),
      action,
      value: action.value,
      form: action.formValue ?? {},
    };
    let response: CardResponse;
    try {
      response = await def.run(ctx);
    } catch (err) {
      if (!(err instanceof UsageError || err instanceof PermissionError)) throw err;
      response = { toast: { type: "error", content: err.message } };
    }
    const card = await out.settleClickAnswer(response.card !== undefined);
    return card ? { ...response, card } : response;
  }
}
