/** Deterministic time and chance for the retry rules: a clock that moves only when slept on, a seeded PRNG. */
import type { RetryEnvironment } from '../../main/sync/retry';
import { seededRandom } from '../support/seeded-random';

export { seededRandom } from '../support/seeded-random';

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
