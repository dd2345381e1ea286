import type { PlatformContext } from "./context.ts";
import type { DeliveryResult, Deliverer } from "./delivery.ts";
import { cardActionEvent, type CardAction } from "./event-builders.ts";
import { isRecord } from "./http.ts";
import { newCardToken } from "./ids.ts";

export interface ClickCardInput extends CardAction {
  messageId: string;
  operatorOpenId: string;
}

export interface ClickCardResult {
  status: number;
  toast: unknown;
  /** The `card` field of the answer, if any (`{ type: "raw" | "template", data }`). */
  card: unknown;
  /** The `c-…` token handed to the bot (for the delayed update API). */
  token: string;
  /** What the Feishu client would show instead of applying the answer (200671 non-200 answer, 200830 2.0 card replaced by 1.0). */
  clientError?: number;
  raw: DeliveryResult;
}

/** A user clicking a card: `card.action.trigger` to /lark/cards, then apply the answer like the Feishu client. */
export class CardActions {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly deliverer: Deliverer,
  ) {}

  async clickCard(input: ClickCardInput): Promise<ClickCardResult> {
    const { world } = this.ctx;
    const message = world.message(input.messageId);
    if (!message || message.msgType !== "interactive") throw new Error(`fake platform: ${input.messageId} is not a card message`);
    if (message.deleted) throw new Error(`fake platform: ${input.messageId} was recalled; nothing to click`);
    const operator = world.users.get(input.operatorOpenId);
    if (!operator) throw new Error(`fake platform: unknown operator ${input.operatorOpenId}`);
    const token = newCardToken();
    world.cardTokens.set(token, { token, messageId: message.messageId, issuedAt: this.ctx.nowMs(), uses: 0 });
    const raw = await this.deliverer.deliverEvent("card.action.trigger", cardActionEvent(this.ctx, message, operator, token, input), {
      path: "/lark/cards",
    });
    if (raw.status !== 200) return { status: raw.status, toast: undefined, card: undefined, token, clientError: 200671, raw };
    const answer = isRecord(raw.body) ? raw.body : {};
    const card = answer.card;
    let clientError: number | undefined;
    if (isRecord(card) && (card.type === "raw" || card.type === "template")) {
      const next = card.type === "raw" ? card.data : { type: "template", data: card.data };
      if (isV2(message.content) && !isV2(next)) clientError = 200830;
      else world.replaceContent(message, next, this.ctx.nowMs());
    }
    return { status: raw.status, toast: answer.toast, card, token, clientError, raw };
  }
}

function isV2(card: unknown): boolean {
  return isRecord(card) && card.schema === "2.0";
}
