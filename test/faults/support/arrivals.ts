import type { FakePlatform } from "../../../src/sandbox/fake-platform/index.ts";

/** Message creates and replies as the platform received them: arrival time and receiving chat or person. */
export function arrivals(t: { fake: FakePlatform }, since: number): Array<{ at: number; target: string }> {
  const out: Array<{ at: number; target: string }> = [];
  for (const c of t.fake.calls) {
    if (c.arrivedAt < since || c.method !== "POST") continue;
    if (c.path === "/open-apis/im/v1/messages") {
      const target = /"receive_id":"([^"]+)"/.exec(c.body)?.[1];
      if (target) out.push({ at: c.arrivedAt, target });
    } else {
      const replied = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(c.path)?.[1];
      const chat = replied ? t.fake.message(replied)?.chatId : undefined;
      if (chat) out.push({ at: c.arrivedAt, target: chat });
    }
  }
  return out;
}

/** The most arrivals in any window shorter than a second. */
export function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= 1000) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}
