import type { Ingest } from "../app/ingest.ts";
import type { CardAction, CardResponse } from "../app/inbound.ts";
import type { Logger } from "../core/log.ts";
import { normalizeCardAction, normalizeMembership, normalizeMessage } from "./normalize.ts";
import { lark, type EventDispatcher } from "./sdk.ts";

export const MEMBERSHIP_EVENTS = [
  "im.chat.member.bot.added_v1",
  "im.chat.member.bot.deleted_v1",
  "im.chat.member.user.added_v1",
  "im.chat.member.user.deleted_v1",
  "im.chat.member.user.withdrawn_v1",
  "im.chat.disbanded_v1",
] as const;

/** Our answer in the shape Lark expects from a card callback. */
export function toLarkCardResponse(r: CardResponse): Record<string, unknown> {
  return {
    ...(r.toast ? { toast: r.toast } : {}),
    ...(r.card ? { card: { type: "raw", data: r.card } } : {}),
  };
}

/**
 * The single handler registry, as the SDK's EventDispatcher: the long connection invokes it
 * directly, the webhook receiver after its own checks. Handlers only store (events) or answer
 * from the database (cards); they never throw, so Lark never re-pushes because of us.
 */
export function createDispatcher(ingest: Ingest, botOpenId: () => Promise<string>, log: Logger): EventDispatcher {
  const storeSafely = async (type: string, store: () => Promise<unknown>) => {
    try {
      await store();
    } catch (err) {
      log.error({ eventType: type, err: (err as Error).message }, "could not store event");
      throw err; // not stored: let Lark retry (webhook answers 500, WS acks code 500)
    }
    return {};
  };
  const handles: Record<string, (data: any) => Promise<unknown>> = {
    "im.message.receive_v1": (data) =>
      storeSafely("im.message.receive_v1", async () => {
        // Unknown until Lark answers once: failing here makes Lark retry instead of losing "@bot …".
        const message = normalizeMessage(data, await botOpenId());
        if (message) await ingest.storeEvent(message, "im.message.receive_v1");
      }),
    "card.action.trigger": async (data) => toLarkCardResponse(await answerCard(ingest, normalizeCardAction(data))),
  };
  for (const type of MEMBERSHIP_EVENTS) {
    handles[type] = (data) =>
      storeSafely(type, async () => {
        const change = normalizeMembership(type, data);
        if (change) await ingest.storeEvent(change, type);
      });
  }
  return new lark.EventDispatcher({ loggerLevel: lark.LoggerLevel.error }).register(handles);
}

export async function answerCard(ingest: Ingest, action: CardAction | null): Promise<CardResponse> {
  if (!action) return { toast: { type: "error", content: "无法识别这次点击，请重新打开卡片。" } };
  return ingest.handleCard(action);
}
