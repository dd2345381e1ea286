import type { Permission } from "../../../src/app/roles.ts";
import type { RoleName } from "./world.ts";

/**
 * Who is who in the authorisation matrices, named with the README's words. The people are
 * those of rolesOf(): 书记 王建国, 委员 张红, 党小组长 刘洋, 正式党员 陈静, 预备党员 孙悦,
 * 非党员 郑爽, 其他支部 徐丽 (后勤服务中心党支部), and 机关党委's 党委书记 马国庆 and 党委委员 何平.
 */
export const ROLE_NAMES: readonly RoleName[] = ["书记", "委员", "党小组长", "正式党员", "预备党员", "非党员", "其他支部", "党委书记", "党委委员"];

type Who = readonly RoleName[];

// In the branch chat (机关第一党支部):
export const 所有人: Who = ROLE_NAMES;
export const 名单上的人: Who = ["书记", "委员", "党小组长", "正式党员", "预备党员", "非党员"];
export const 党员: Who = ["书记", "委员", "党小组长", "正式党员", "预备党员"];
export const 正式党员: Who = ["书记", "委员", "党小组长", "正式党员"];
export const 支委: Who = ["书记", "委员"];
export const 书记: Who = ["书记"];
export const 支委或党小组组长: Who = ["书记", "委员", "党小组长"];
export const 没有人: Who = [];
// In the committee chat (机关党委): 王建国 is on its roster as a 正式党员.
export const 党委的党员: Who = ["书记", "党委书记", "党委委员"];
export const 党委的支委: Who = ["党委书记", "党委委员"];
export const 党委书记: Who = ["党委书记"];

/** Who the core lets through, by a command's coarse permission, in a branch chat or the committee chat. */
export function coarse(permission: Permission, place: "branch" | "committee"): Who {
  const table: Record<Permission, Who> =
    place === "branch"
      ? { anyone: 所有人, member: 党员, committee: 支委, secretary: 书记 }
      : { anyone: 所有人, member: 党委的党员, committee: 党委的支委, secretary: 党委书记 };
  return table[permission];
}
