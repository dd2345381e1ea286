/** What a counted cause means, in the secretary's words (`/用量`). */

const KIND: Record<string, string> = { send: "发送", reply: "回复", patch: "更新", urgent: "加急", job: "定时任务" };

const WHAT: Record<string, string> = {
  "meeting:announce": "会议通知卡片",
  "meeting:copy": "会议卡片（/会议 查看）",
  "meeting:signin": "签到卡片",
  "meeting:nudge": "私信提醒卡片",
  "minutes:form": "会议记录表单",
  "minutes:recap": "会议纪要卡片",
  "digest:invite": "周报留言邀请",
  text: "文字消息",
  file: "文件",
  interactive: "卡片",
};

const FEATURE: Record<string, string> = {
  meeting: "会议卡片", minutes: "会议记录卡片", digest: "周报卡片", rect: "整改卡片", eval: "民主评议卡片",
  orglife: "组织生活会卡片", spotcheck: "抽查卡片", roster: "名册卡片", branch: "绑定卡片",
};

export function causeLabel(cause: string): string {
  const [kind = "", what = ""] = cause.split(" ");
  if (kind === "job") return `定时任务（${what}）`;
  if (kind === "other") return "其他（绑定、查询群成员等）";
  const thing = WHAT[what] ?? FEATURE[what.split(":")[0] ?? ""] ?? what;
  return `${KIND[kind] ?? kind}${thing}`;
}
