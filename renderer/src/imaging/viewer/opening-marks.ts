/**
 * User Timing marks along a study's opening, from the click to its first image: DevTools'
 * Performance panel shows them on the timeline, and bench:imaging prints the time between them,
 * so where the first image's wait goes can be read, not guessed. A mark costs microseconds.
 */
export type OpeningStep =
  | 'study-requested'
  | 'study-received'
  | 'first-bytes-requested'
  | 'first-bytes-received'
  | 'viewport-enabled'
  | 'stack-requested'
  | 'stack-set'
  | 'image-rendered';

export const OPENING_MARK_PREFIX = 'tabib:imaging:';

export function markOpening(step: OpeningStep): void {
  performance.mark(OPENING_MARK_PREFIX + step);
}
