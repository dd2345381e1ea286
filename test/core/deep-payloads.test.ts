import { describe, expect, it } from "vitest";
import { jsonTooDeep, MAX_JSON_DEPTH } from "../../src/lark/depth.ts";
import { normalizeCardAction, normalizeMembership, normalizeMessage } from "../../src/lark/normalize.ts";

/**
 * Deep payloads (issue 21 item 4): over the long connection the SDK hands us parsed objects, so
 * normalising must not recurse without bound; a payload nested deeper than Lark's ever are is
 * ignored (acknowledged), never a stack overflow.
 */

function nested(levels: number): unknown {
  let v: unknown = "底";
  for (let i = 0; i < levels; i++) v = { v };
  return v;
}

describe("deep payloads", () => {
  it("are ignored by normalisation, however deep, and ordinary ones still read", () => {
    const deep = nested(20_000);
    const card = { event_id: "e", operator: { open_id: "ou_a" }, context: { open_message_id: "om_1" }, action: { value: deep } };
    expect(normalizeCardAction(card)).toBeNull();
    expect(normalizeMessage({ message: { message_id: "om", chat_id: "oc", content: "{}", extra: deep } }, "ou_bot")).toBeNull();
    expect(normalizeMembership("im.chat.member.user.added_v1", { chat_id: "oc", users: [deep] })).toBeNull();
    const ok = normalizeCardAction({ ...card, action: { value: nested(6) } });
    expect(ok?.value).toEqual(nested(6));
  });

  it("are measured on the text without parsing it; brackets inside strings do not count", () => {
    expect(jsonTooDeep("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonTooDeep("[".repeat(MAX_JSON_DEPTH + 1) + "]".repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonTooDeep(JSON.stringify({ text: "[".repeat(1000) + '\\"{' }))).toBe(false);
  });
});
