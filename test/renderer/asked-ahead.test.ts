import { describe, expect, it } from 'vitest';
import { AskedAhead } from '../../renderer/src/imaging/asked-ahead';

describe('answers asked for ahead (a study opening)', () => {
  it('gives the kept answer once, then asks again', async () => {
    const ahead = new AskedAhead<string>();
    let asked = 0;
    const ask = () => Promise.resolve(`asked ${++asked}`);
    ahead.keep('study', Promise.resolve('kept'));
    expect(ahead.has('study')).toBe(true);
    expect(await ahead.take('study', ask)).toBe('kept');
    expect(asked).toBe(0);
    expect(ahead.has('study')).toBe(false);
    expect(await ahead.take('study', ask)).toBe('asked 1');
    expect(await ahead.take('other', ask)).toBe('asked 2');
  });

  it('leaves a failure to the taker, unhandled by no one meanwhile, and forgets what it is told to', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const ahead = new AskedAhead<string>();
      ahead.keep('failing', Promise.reject(new Error('IMAGING_STUDY_NOT_FOUND')));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      await expect(ahead.take('failing', () => Promise.resolve('asked'))).rejects.toThrow(
        'IMAGING_STUDY_NOT_FOUND',
      );
      ahead.keep('dropped', Promise.resolve('kept'));
      ahead.clear();
      expect(await ahead.take('dropped', () => Promise.resolve('asked'))).toBe('asked');
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
