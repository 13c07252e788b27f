/**
 * Timers for the sync scheduler that fire only when a test moves the clock: `advance(ms)` runs
 * every timer that falls due, in order, letting the promises each one starts settle in between.
 */
import type { SchedulerTimers } from '../../main/sync/sync-scheduler';

export interface FakeTimers extends SchedulerTimers {
  /** Moves the clock by `ms`, firing due timers in order. */
  advance(ms: number): Promise<void>;
  /** Delays (from now) of the timers still pending, soonest first. */
  pending(): number[];
}

/** Lets every promise chain started so far run to its next real wait. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await new Promise((resolve) => setImmediate(resolve));
}

export function fakeTimers(startMs = Date.UTC(2026, 10, 22, 8, 30), random = () => 0.5): FakeTimers {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    random,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    pending: () => [...timers.values()].map((timer) => timer.at - now).sort((a, b) => a - b),
    async advance(ms) {
      const until = now + ms;
      await settle();
      for (;;) {
        const due = [...timers.entries()]
          .filter(([, timer]) => timer.at <= until)
          .sort(([, a], [, b]) => a.at - b.at)[0];
        if (!due) break;
        const [id, timer] = due;
        timers.delete(id);
        now = timer.at;
        timer.callback();
        await settle();
      }
      now = until;
      await settle();
    },
  };
}
