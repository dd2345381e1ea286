/**
 * How the bot says no, word for word as the code says it: a reply or toast is a refusal when
 * it starts like one of these. Anything else passed the authorisation (it may still be a
 * usage error, which says what to type instead).
 */

/** Replies to commands. */
export const COMMAND_REFUSALS: readonly RegExp[] = [
  /^抱歉，「\/[^」]+」只有.+可以使用。/, // the core's coarse check; also /评议, /组织生活会 sub-commands (requirePermission)
  /^抱歉，问题清单只有支委或本次组织生活会的记录人可以记录。/,
  /^只有.+可以/, // a feature's finer rule: 只有支委（书记、副书记、委员）可以…, 只有书记、副书记可以…
  /^您不在本支部的?成员名单中。/,
  /^会议记录确认后由书记、副书记更正。/,
  /^整改事项 #\d+ 是个人事项，未在支部公开。/,
  /^您无权查看整改事项 #\d+。/,
  /^责任人不能验收自己的整改事项/,
  /^整改事项 #\d+ 由.+验收，您不能验收。/,
  /^是否公开个人整改事项由支委决定，只有支委可以操作。/,
];

/** What the core appends to a UsageError: the person typed something wrong, not something forbidden. */
export const USAGE_SUFFIX = /\n(正确示例：|用法：)/;

/** Toasts answering card clicks. */
export const ACTION_REFUSALS: readonly RegExp[] = [
  // the core: permission, and the card's organisation
  /^只有.+可以进行此操作(（您的身份待书记确认）)?。$/,
  /^卡片与本群不匹配，操作未执行。$/,
  /^找不到这张卡片所属的支部，操作未执行。$/,
  /^这个按钮已失效/,
  // not on the organisation's roster, or not in the round
  /^您不在(本|这个)支部的成员名单中/,
  /^您不在「.+」的参评名单中/,
  // the object the value names is not this organisation's (or not this person's)
  /^找不到这次会议，卡片可能已失效/,
  /^这张评议卡片已失效/,
  /^这张卡片已失效/,
  /^找不到这个整改事项/,
  /^找不到这次抽查/,
  /^找不到这期周报/,
  /^找不到这次谈话安排/,
  /^找不到这条记分记录/,
  /^找不到这份材料/,
  /^绑定卡片与本群不匹配/,
  // the person's role on the object
  /^只有.+可以/,
  /^预备党员没有表决权/,
  /^责任人不能验收/,
  /由.+验收，您不能验收。$/,
  /^是否公开个人整改事项由支委决定/,
  /请由其他同志核验（回避）。$/,
  /^这条请假不由您审批/,
];

export const isRefusal = (text: string, patterns: readonly RegExp[]) => patterns.some((p) => p.test(text));
