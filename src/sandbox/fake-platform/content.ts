import { badCard, invalidParam, fieldValidation, tooLarge } from "./errors.ts";
import { isRecord } from "./http.ts";

const KB = 1024;
const MSG_TYPES = new Set([
  "text", "post", "image", "file", "audio", "media", "sticker", "interactive", "share_chat", "share_user", "system",
]);

/** Validate a message `content` JSON string for `msgType` and return the parsed object, as Lark would. */
export function parseContent(msgType: unknown, content: unknown): unknown {
  if (typeof msgType !== "string" || !MSG_TYPES.has(msgType)) throw fieldValidation(`msg_type ${String(msgType)}`);
  if (typeof content !== "string") throw invalidParam("content is not a string in json format");
  const limit = msgType === "text" ? 150 * KB : 30 * KB;
  if (Buffer.byteLength(content, "utf8") > limit) throw tooLarge();
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    throw invalidParam("content is not a string in json format");
  }
  if (msgType === "interactive") validateCard(parsed);
  else if (!isRecord(parsed)) throw invalidParam("content is not a json object");
  else if (msgType === "text" && typeof parsed.text !== "string") throw invalidParam("text content needs a text field");
  else if (msgType === "image" && typeof parsed.image_key !== "string") throw invalidParam("image content needs image_key");
  else if (msgType === "file" && typeof parsed.file_key !== "string") throw invalidParam("file content needs file_key");
  return parsed;
}

/** Shape checks a card must pass (raw JSON 1.0/2.0, a builder template, or a CardKit entity). */
export function validateCard(card: unknown): asserts card is Record<string, unknown> {
  if (!isRecord(card)) throw badCard("card content must be a JSON object");
  if (card.type === "template") {
    if (!isRecord(card.data) || typeof card.data.template_id !== "string") throw badCard("template card needs data.template_id");
    return;
  }
  if (card.type === "card") {
    if (!isRecord(card.data) || typeof card.data.card_id !== "string") throw badCard("card entity needs data.card_id");
    return;
  }
  const hasContent = ["header", "elements", "body", "i18n_elements", "i18n_header"].some((k) => k in card);
  if (!hasContent) throw badCard("card has neither header nor elements/body");
  if (card.schema === "2.0") {
    // 2.0 dropped top-level `elements`; a 1.0 habit here renders nothing on the real client.
    if ("elements" in card) throw badCard("schema 2.0 cards must put elements under body.elements");
    if (isRecord(card.config) && card.config.update_multi === false) throw badCard("schema 2.0 supports only update_multi=true");
    const components = componentsIn(card.body);
    if (components > COMPONENT_LIMIT) throw badCard(`card has ${components} components, the limit is ${COMPONENT_LIMIT}`);
  }
}

/** Lark's limit on a 2.0 card, counted here on its own (the bot's guard must not grade itself). */
const COMPONENT_LIMIT = 200;
const TEXT_OBJECTS = new Set(["plain_text", "lark_md", "standard_icon", "custom_icon"]);

function componentsIn(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + componentsIn(x), 0);
  if (!isRecord(v)) return 0;
  const own = typeof v.tag === "string" && !TEXT_OBJECTS.has(v.tag) ? 1 : 0;
  return Object.values(v).reduce((n: number, x) => n + componentsIn(x), own);
}

/** Whether a card is "shared" (updatable for everyone). JSON 2.0 cards are always shared; 1.0 must opt in. */
export function isSharedCard(card: unknown): boolean {
  if (!isRecord(card)) return false;
  if (card.type === "template" || card.type === "card") return true;
  if (isRecord(card.config) && typeof card.config.update_multi === "boolean") return card.config.update_multi;
  return card.schema === "2.0";
}
