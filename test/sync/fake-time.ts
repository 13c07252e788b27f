/** Deterministic time and chance for the retry rules: a clock that moves only when slept on, a seeded PRNG. */
import type { RetryEnvironment } from '../../main/sync/retry';

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FakeTime extends RetryEnvironment {
  sleeps: number[];
  advance(ms: number): void;
}

export function fakeTime(seed = 1, startMs = Date.now()): FakeTime {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: seededRandom(seed),
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
