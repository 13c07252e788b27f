/**
 * Staged rollout: an installation's place is decided by its random id alone — the same answer
 * every time, uniform over installations, monotone in the percentage, and nobody at 0 %.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInRollout, rolloutBucket } from '../../main/update/rollout';

const fleet = Array.from({ length: 20_000 }, () => randomUUID());

describe('rollout buckets', () => {
  it('are deterministic per installation id, in [0, 100)', () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const bucket = rolloutBucket(id);
        expect(rolloutBucket(id)).toBe(bucket);
        expect(bucket).toBeGreaterThanOrEqual(0);
        expect(bucket).toBeLessThan(100);
      }),
    );
  });

  it('do not change with the time or the process: a fixed id has a fixed bucket', () => {
    expect(rolloutBucket('0b8f5a52-3c1e-4f0a-9d6b-7e2c4a1f8b3d')).toBeCloseTo(86.397, 3);
  });

  it('spread a fleet evenly: each decile holds 10 % ± 1 of 20,000 installations', () => {
    const deciles = Array.from({ length: 10 }, () => 0);
    for (const id of fleet) deciles[Math.floor(rolloutBucket(id) / 10)]! += 1;
    for (const count of deciles) expect(Math.abs(count / fleet.length - 0.1)).toBeLessThan(0.01);
  });

  it('are monotone: raising the percentage keeps everyone already in', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (id, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          if (isInRollout(id, low)) expect(isInRollout(id, high)).toBe(true);
        },
      ),
    );
  });

  it('take nobody at 0 % and everybody at 100 %', () => {
    expect(fleet.filter((id) => isInRollout(id, 0))).toEqual([]);
    expect(fleet.every((id) => isInRollout(id, 100))).toBe(true);
  });
});
