import type { Tx } from "../db/client.ts";
import type { Outbox } from "./outbox.ts";
import type { CardAction, CardResponse, IncomingMessage, Mention, MembershipChange } from "./inbound.ts";
import type { Actor, MemberClass, Permission, Post } from "./roles.ts";

export type OrgKind = "branch" | "committee";

export interface OrgInfo {
  id: number;
  kind: OrgKind;
  name: string;
  category: string | null;
  chatId: string;
  parentId: number | null;
  timezone: string;
}

/** A mistake in what the user typed: the reply says what was wrong and shows a correct example. */
export class UsageError extends Error {
  constructor(message: string, readonly example?: string) {
    super(message);
  }
}

/** The actor may not do this; the reply says who may. */
export class PermissionError extends Error {}

interface BaseContext {
  tx: Tx;
  out: Outbox;
  /** The bot's clock (BOT_CLOCK in demos and tests). */
  now: Date;
  /** The organisation's time zone, or the bot's default (BOT_TIMEZONE). */
  timezone: string;
  org?: OrgInfo;
  actor?: Actor;
  /** Every organisation the person belongs to (for private chats). */
  memberships: Array<{ org: OrgInfo; actor: Actor }>;
  /** Tells the capabilities that a chat was just bound (they set up its schedules). */
  orgBound(org: OrgInfo): Promise<void>;
}

export interface CommandContext extends BaseContext {
  message: IncomingMessage;
  command: string;
  /** Arguments split on white space; a `@name` token stands for the next entry of `mentions`. */
  args: string[];
  /** Everything after the command name, as typed. */
  rest: string;
  mentions: Mention[];
  reply(text: string): Promise<void>;
  replyCard(template: string, data: Record<string, unknown>, opts?: { cardRef?: string }): Promise<void>;
}

export interface CommandDef {
  name: string;
  aliases: string[];
  summary: string;
  usage: string;
  example: string;
  permission: Permission;
  /** Where it can be used: a branch chat, a committee chat, either, or anywhere (also private/unbound). */
  scope: "branch" | "committee" | "org" | "any";
  /** Help groups commands under these headings. */
  group: string;
  /**
   * Who may do what, where it is finer than `permission` (sub-commands by role, rules on the
   * object itself): a short Chinese sentence for the README's command reference.
   */
  access?: string;
  run(ctx: CommandContext): Promise<void>;
}

export interface ActionContext extends BaseContext {
  action: CardAction;
  value: Record<string, unknown>;
  form: Record<string, unknown>;
}

export interface ActionDef {
  name: string;
  permission: Permission;
  /** The button, and who may press it in practice (the README's card action reference), in Chinese. */
  access?: string;
  /**
   * The submitted values must not be traceable to the person who clicked (anonymous ratings,
   * anonymous opinions): the click's stored record keeps no identity (its key hashes only
   * Lark's id of this one click) and of the answer only its toast, so the toast must not echo
   * the values; the answer's card (which may carry a ballot key) is never stored.
   */
  sensitive?: boolean;
  /**
   * How the organisation is found: the chat the card is in (group cards), or `value.org`
   * (cards sent privately). Either way the actor must belong to it unless permission is anyone.
   */
  run(ctx: ActionContext): Promise<CardResponse>;
}

export interface MembershipContext {
  tx: Tx;
  out: Outbox;
  now: Date;
  timezone: string;
  change: MembershipChange;
  org?: OrgInfo;
}

/** A non-command message (e.g. a reply "请假 出差" to an announcement). Returns true if handled. */
export type MessageListener = (ctx: Omit<CommandContext, "command" | "args" | "rest">) => Promise<boolean>;

export type { MemberClass, Post };
