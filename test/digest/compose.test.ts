import { describe, expect, it } from "vitest";
import { branchDigestCard, committeeDigestCard, type CommitteeRow } from "../../src/features/digest/compose.ts";
import { countComponents, renderCard } from "../../src/app/cards.ts";
import type { DigestSection } from "../../src/features/digest/sections.ts";

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

describe("the committee roll-up at 50 branches", () => {
  const committee = { id: 100, kind: "committee", name: "机关党委", category: null, chatId: "oc_c", parentId: null, timezone: "Asia/Shanghai" } as const;
  const period = { unit: "week" as const, key: "2026-W10", label: "第10周（3月2日—3月8日）", start: new Date("2026-03-02T00:00:00+08:00"), end: new Date("2026-03-09T00:00:00+08:00") };
  const rows: CommitteeRow[] = Array.from({ length: 50 }, (_, i) => ({
    org: { id: i + 1, kind: "branch", name: `第${i + 1}党支部（机关后勤服务中心）`, category: "gov_institution", chatId: `oc_${i}`, parentId: 100, timezone: "Asia/Shanghai" } as const,
    sections: <DigestSection[]>[
      { title: "组织生活要求", lines: [{ text: "x" }], needsAttention: i % 2 === 0, rollup: { 党员大会: i % 2 ? "✓" : "✗", 支委会: "✓", 党小组会: "不设", 党课: i % 3 ? "年内" : "✗", 主题党日: "✓", 组织生活会: "年内" } },
      { title: "整改", lines: [{ text: "y" }], rollup: { 整改: i % 4 ? "无未完成" : "未完成 2，逾期 1" } },
      { title: "预警", lines: [{ text: "z" }], rollup: { 预警: "无" } },
    ],
  }));

  it("is one short line per branch needing attention, the rest by name, within Feishu's limits", () => {
    const data = committeeDigestCard(committee, period, rows, null, new Date("2026-03-09T09:00:00+08:00"));
    const card = renderCard("digest-committee", data);
    const json = JSON.stringify(card);
    expect(json).not.toContain('"tag":"table"');
    expect(countComponents(card)).toBeLessThanOrEqual(200);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(30 * 1024);
    const lines = data.attentionBlocks.join("\n").split("\n");
    expect(lines).toHaveLength(25);
    expect(lines).toContain("**第1党支部（机关后勤服务中心）**　党员大会 ✗ · 党课 ✗ · 整改 未完成 2，逾期 1");
    expect(lines.every((l) => !l.includes("✓") && !l.includes("不设"))).toBe(true);
    expect(data.fineSummary).toContain("其他 25 个支部本期各项要求均已落实或尚在期限内：");
  });

  it("escapes markdown in branch names it prints in bold", () => {
    const odd = [{ ...rows[0]!, org: { ...rows[0]!.org, name: "**假支部**<at id=all></at>" } }];
    const data = committeeDigestCard(committee, period, odd, null, new Date("2026-03-09T09:00:00+08:00"));
    expect(data.attentionBlocks[0]).not.toContain("<at id=all>");
    expect(data.attentionBlocks[0]!.startsWith("**&#42;&#42;假支部&#42;&#42;&#60;at id=all&#62;")).toBe(true);
  });
});
