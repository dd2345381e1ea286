/**
 * The bot's notion of "now". In production it is the system clock; with BOT_CLOCK (demos,
 * tests) it starts at a given instant and runs forward, and the sandbox can advance it.
 */
export interface Clock {
  now(): Date;
  /** Moves the clock forward (sandbox and tests only; a no-op error on the system clock). */
  advance(ms: number): void;
  readonly adjustable: boolean;
}

export function systemClock(): Clock {
  return {
    now: () => new Date(),
    advance: () => {
      throw new Error("the system clock cannot be advanced; set BOT_CLOCK to run a demo clock");
    },
    adjustable: false,
  };
}

/** A clock that starts at `start` and runs forward in real time, plus any manual advances. */
export function runningClock(start: Date, realNow: () => number = Date.now): Clock {
  const startedAt = realNow();
  let offset = 0;
  return {
    now: () => new Date(start.getTime() + (realNow() - startedAt) + offset),
    advance: (ms) => {
      offset += ms;
    },
    adjustable: true,
  };
}

/** A clock that only moves when told to (unit tests). */
export function manualClock(start: Date): Clock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance: (ms) => {
      t += ms;
    },
    adjustable: true,
  };
}
