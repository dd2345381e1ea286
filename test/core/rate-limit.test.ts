import { describe, expect, it } from "vitest";
import { SendLimiter } from "../../src/lark/rate-limit.ts";

/** Sends answered `ms` after they were decided, as the sender reports them. */
function sendNow(l: SendLimiter, target: string): boolean {
  if (l.tryAcquire(target) !== 0) return false;
  l.settled(target);
  return true;
}

describe("send limiter", () => {
  it("allows 5 messages per second to one chat, then asks to wait", () => {
    let now = 1_000_000;
    const l = new SendLimiter(undefined, () => now);
    for (let i = 0; i < 5; i++) expect(sendNow(l, "oc_a")).toBe(true);
    expect(l.tryAcquire("oc_a")).toBeGreaterThan(0);
    expect(sendNow(l, "oc_b")).toBe(true);
    now += 1100;
    expect(sendNow(l, "oc_a")).toBe(true);
  });

  it("counts a send until it was answered: a slow answer keeps it in the window of its arrival", () => {
    let now = 0;
    const l = new SendLimiter(undefined, () => now);
    for (let i = 0; i < 5; i++) expect(l.tryAcquire("oc_a")).toBe(0); // five requests go out at once…
    now = 900;
    for (let i = 0; i < 5; i++) l.settled("oc_a"); // …and are answered 900 ms later: they may have arrived then
    now = 1001; // a second after the decision, but not after the arrival
    expect(l.tryAcquire("oc_a")).toBeGreaterThan(0);
    now = 1930;
    expect(l.tryAcquire("oc_a")).toBe(0);
  });

  it("waits while every send that fills the window is still in flight", () => {
    let now = 0;
    const l = new SendLimiter(undefined, () => now);
    for (let i = 0; i < 5; i++) expect(l.tryAcquire("oc_a")).toBe(0);
    now = 5000; // unanswered for five seconds: still counts as arriving now
    expect(l.tryAcquire("oc_a")).toBeGreaterThan(0);
  });

  it("remembers the sends of a previous process after a restart", () => {
    let now = 10_000;
    const l = new SendLimiter(undefined, () => now);
    l.remember(Array.from({ length: 5 }, () => ({ target: "oc_a", at: 9_800 })));
    expect(l.tryAcquire("oc_a")).toBeGreaterThan(0);
    now = 10_900;
    expect(sendNow(l, "oc_a")).toBe(true);
  });

  it("caps the app at 50 per second and 1,000 per minute", () => {
    let now = 0;
    const l = new SendLimiter(undefined, () => now);
    let sent = 0;
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 80; i++) if (sendNow(l, `oc_${s}_${i}`)) sent++;
      now += 1000;
    }
    // 50 in each of the first 19 full seconds of a window that frees 25 ms late, then the minute cap.
    expect(sent).toBeLessThanOrEqual(1000);
    expect(sent).toBeGreaterThanOrEqual(950);
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
