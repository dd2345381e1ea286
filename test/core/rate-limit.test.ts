import { describe, expect, it } from "vitest";
import { SendLimiter } from "../../src/lark/rate-limit.ts";

describe("send limiter", () => {
  it("allows 5 messages per second to one chat, then asks to wait", () => {
    let now = 1_000_000;
    const l = new SendLimiter(undefined, () => now);
    for (let i = 0; i < 5; i++) expect(l.tryAcquire("oc_a")).toBe(0);
    expect(l.tryAcquire("oc_a")).toBeGreaterThan(0);
    expect(l.tryAcquire("oc_b")).toBe(0);
    now += 1000;
    expect(l.tryAcquire("oc_a")).toBe(0);
  });

  it("caps the app at 50 per second and 1,000 per minute", () => {
    let now = 0;
    const l = new SendLimiter(undefined, () => now);
    let sent = 0;
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 80; i++) if (l.tryAcquire(`oc_${s}_${i}`) === 0) sent++;
      now += 1000;
    }
    expect(sent).toBe(1000);
  });

  it("pauses everything for the platform's reset time", () => {
    let now = 0;
    const l = new SendLimiter(undefined, () => now);
    l.pause(2000);
    expect(l.tryAcquire("oc_x")).toBe(2000);
    now = 2000;
    expect(l.tryAcquire("oc_x")).toBe(0);
  });
});
