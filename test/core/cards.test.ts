import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CARD_SIZE_LIMIT, CARDS_DIR, cardTemplates, escapeMarkdown, renderCard } from "../../src/app/cards.ts";

const files = readdirSync(CARDS_DIR).filter((f) => f.endsWith(".json"));

function walk(v: unknown, visit: (o: Record<string, unknown>) => void): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit));
  else if (v && typeof v === "object") {
    visit(v as Record<string, unknown>);
    Object.values(v).forEach((x) => walk(x, visit));
  }
}

describe("card templates", () => {
  it("has templates", () => expect(files.length).toBeGreaterThan(3));

  describe.each(files)("%s", (file) => {
    const name = file.replace(/\.json$/, "");
    it("is valid JSON with sample data", () => {
      const raw = JSON.parse(readFileSync(join(CARDS_DIR, file), "utf8"));
      expect(raw.$sample, `${file} needs "$sample" data`).toBeTypeOf("object");
    });

    it("renders its sample as a JSON 2.0 shared card under 30 KB with no unfilled placeholders", () => {
      const card = renderCard(name, cardTemplates().get(name)!.sample);
      expect(card.schema).toBe("2.0");
      expect((card.config as { update_multi?: boolean }).update_multi).toBe(true);
      const json = JSON.stringify(card);
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(CARD_SIZE_LIMIT);
      expect(json).not.toMatch(/\{\{|\$each|\$if/);
      expect((card.header as { title?: { content?: string } })?.title?.content, "a header title").toBeTruthy();
    });

    it("follows Lark's form rules: named components, a submit button, unique names", () => {
      const card = renderCard(name, cardTemplates().get(name)!.sample);
      const names: string[] = [];
      walk(card, (o) => {
        if (o.tag === "form") {
          let submit = false;
          walk(o.elements, (c) => {
            if (["input", "select_static", "multi_select_static", "select_person", "multi_select_person", "date_picker", "picker_time", "picker_datetime", "checker"].includes(String(c.tag))) {
              expect(c.name, `${file}: form component ${String(c.tag)} needs a name`).toBeTruthy();
            }
            if (c.tag === "button" && c.form_action_type === "submit") submit = true;
          });
          expect(submit, `${file}: form needs a submit button`).toBe(true);
        }
        if (typeof o.name === "string" && o.tag) names.push(o.name);
      });
      expect(new Set(names).size).toBe(names.length);
    });
  });
});

describe("card renderer", () => {
  it("escapes user text in markdown so it cannot inject links, mentions or formatting", () => {
    const card = renderCard("notice", { title: "t", template: "blue", lines: ["**粗** [链接](https://x.example) <at id=all></at>"] });
    const md = JSON.stringify(card);
    expect(md).not.toContain("<at id=all>");
    expect(md).not.toContain("[链接](");
    expect(escapeMarkdown("<at id=all></at>")).toBe("&#60;at id=all&#62;&#60;/at&#62;");
  });

  it("leaves plain_text fields unescaped (they are shown literally by Feishu)", () => {
    const card = renderCard("notice", { title: "A&B <x>", template: "blue", lines: [] });
    expect((card.header as { title: { content: string } }).title.content).toBe("A&B <x>");
  });

  it("refuses to build a card over Lark's size limit", () => {
    expect(() => renderCard("notice", { title: "t", template: "blue", lines: Array.from({ length: 400 }, () => "很长的一行".repeat(20)) })).toThrow(/30720-byte limit/);
  });

  it("refuses to build a card with more components than Lark takes, however small", () => {
    expect(() => renderCard("notice", { title: "t", template: "blue", lines: Array.from({ length: 201 }, () => "短") })).toThrow(/201 components, over Lark's limit of 200/);
    expect(() => renderCard("notice", { title: "t", template: "blue", lines: Array.from({ length: 150 }, () => "短") })).not.toThrow();
  });
});
