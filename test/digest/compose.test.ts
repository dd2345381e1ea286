import { describe, expect, it } from "vitest";
import { branchDigestCard } from "../../src/features/digest/compose.ts";
import { renderCard } from "../../src/lark/cards.ts";

/** Issue 17 item 10: no divider and heading over nothing; the footer says which report it is. */
describe("the branch digest card", () => {
  const org = { id: 1, kind: "branch", name: "机关第一党支部", category: "gov_institution", chatId: "oc_1", parentId: null, timezone: "Asia/Shanghai" } as const;
  const period = { unit: "month" as const, key: "2026-03", label: "2026年3月", start: new Date("2026-03-01T00:00:00+08:00"), end: new Date("2026-04-01T00:00:00+08:00") };
  const sections = [
    { title: "整改", lines: [{ text: "目前没有未完成的整改事项。" }] },
    { title: "预警", lines: [] },
  ];

  it("leaves out a section with nothing in it", () => {
    const card = renderCard("digest-branch", branchDigestCard({ org, period, title: "工作小结", sections, now: new Date("2026-03-09T10:00:00+08:00") }));
    const elements = (card as { body: { elements: Array<{ tag: string; content?: string }> } }).body.elements;
    expect(elements.map((e) => e.content ?? "").join("\n")).not.toContain("**预警**");
    // Every divider is followed by a heading or the footer, never by another divider.
    elements.forEach((e, i) => {
      if (e.tag === "hr") expect(elements[i + 1]?.tag).toBe("markdown");
    });
    expect(elements.at(-1)!.content).toContain("本工作小结只反映");
  });
});
