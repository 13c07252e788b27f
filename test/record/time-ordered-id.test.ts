import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../main/record/time-ordered-id';

/** The Unix time in milliseconds a version 7 UUID carries. */
const timeOf = (id: string) => parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('time-ordered ids (UUID version 7)', () => {
  it('are UUIDs of version 7, variant 10, carrying the millisecond they were made in', () => {
    const before = Date.now();
    const id = timeOrderedId();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(after);
  });

  it('sort in the order they were made, many in the same millisecond, and do not repeat', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedId());
    // Made in a tight loop, most share their millisecond with others.
    expect(new Set(ids.map(timeOf)).size).toBeLessThan(ids.length / 2);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
