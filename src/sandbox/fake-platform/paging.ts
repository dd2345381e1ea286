import { fieldValidation } from "./errors.ts";

const TOKEN_PREFIX = "fake_pt_";

/** Lark-style paging: page_size (default 20, 1..100) and an opaque page_token. */
export function paginate<T>(items: T[], query: URLSearchParams): { page: T[]; hasMore: boolean; pageToken: string } {
  const pageSize = Number(query.get("page_size") ?? "20");
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw fieldValidation("page_size must be 1..100");
  const offset = decode(query.get("page_token"));
  const page = items.slice(offset, offset + pageSize);
  const next = offset + page.length;
  const hasMore = next < items.length;
  return { page, hasMore, pageToken: hasMore ? `${TOKEN_PREFIX}${Buffer.from(String(next)).toString("base64url")}` : "" };
}

function decode(token: string | null): number {
  if (!token) return 0;
  const offset = token.startsWith(TOKEN_PREFIX) ? Number(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString()) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw fieldValidation("invalid page_token");
  return offset;
}
