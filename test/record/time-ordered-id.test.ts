import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../main/record/time-ordered-id';

describe('time-ordered ids (UUID version 7)', () => {
  it('are UUIDs of version 7, variant 10, carrying the millisecond time', () => {
    const now = Date.UTC(2026, 10, 23, 9, 30, 0, 123);
    const id = timeOrderedId(now);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sort in the order they were made, a millisecond apart, and do not repeat', () => {
    const start = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 1000 }, (_, index) => timeOrderedId(start + index));
    expect([...ids].sort()).toEqual(ids);
    const many = Array.from({ length: 10_000 }, () => timeOrderedId(start));
    expect(new Set(many).size).toBe(many.length);
  });
});
