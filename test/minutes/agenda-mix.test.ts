import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBot, textOf, type TestBot } from "../support/harness.ts";
import { formCard, holdMeeting, submitForm, toastOf } from "./helpers.ts";
import { agendaItems } from "../../src/features/minutes/agenda.ts";

/**
 * 议题 tagged 业务 (issue #18 item 5): the committee digest names branches whose recorded items
 * are mostly 业务 — 支部会与村委会混开 — as a question, not a score.
 */

let t: TestBot;
const committeeDigest = () => textOf(t.botMessages(t.chats.committee).filter((m) => textOf(m).includes("下级支部周报")).at(-1));

async function recordedMeeting(day: string, agenda: string) {
  const { s1, o1, x1, d1 } = t.people;
  await holdMeeting(t, { chat: t.chats.branch1, by: s1, command: `/安排 支委会 ${day} 14:30 书记办公室 研究近期工作`, start: new Date(`${day}T14:30:00+08:00`), present: [s1, o1, x1, d1] });
  const result = await submitForm(t, o1, formCard(t, o1), "submit", { agenda, d1: "与会支委逐项讨论，书记作小结。" });
  expect(toastOf(result), JSON.stringify(result.toast)).toContain("已提交");
}

beforeAll(async () => {
  t = await startTestBot();
});
afterAll(() => t.stop());

describe("议题 tagged 业务", () => {
  it("reads a line starting 业务： or 【业务】 as an administrative item, and every other line as the branch's own", () => {
    expect(agendaItems("业务：部署安全生产检查\n\n【业务】讨论村道硬化\n学习《支部工作条例》")).toEqual([
      { text: "部署安全生产检查", business: true },
      { text: "讨论村道硬化", business: true },
      { text: "学习《支部工作条例》", business: false },
    ]);
  });

  it("names nothing while the branch's records are mostly party business", async () => {
    await recordedMeeting("2026-03-03", "学习《中国共产党支部工作条例》\n讨论发展对象人选\n业务：部署春耕生产");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/小结 本年");
    expect(committeeDigest()).toContain("书记履职与组织生活程序规范化");
    expect(committeeDigest()).not.toContain("议题以业务工作为主的支部");
  });

  it("asks the committee about a branch whose recorded items are mostly 业务, with the counts, not a score", async () => {
    await recordedMeeting("2026-03-05", "业务：研究年度招商引资任务\n业务：部署安全生产检查\n业务：讨论村道硬化工程");
    await t.say(t.people.committeeSecretary, t.chats.committee, "/小结 本年");
    const digest = committeeDigest();
    expect(digest).toContain("议题以业务工作为主的支部");
    expect(digest).toContain("是否存在支部会与行政会、村委会合开");
    expect(digest).toContain("机关第一党支部：今年会议记录的议题 6 项，其中业务工作 4 项");
    expect(digest).not.toContain("后勤服务中心党支部：今年会议记录");
    // The branch's own chat is not told it was named.
    expect(t.botMessages(t.chats.branch1).some((m) => textOf(m).includes("议题以业务工作为主"))).toBe(false);
  });
});
