/**
 * Tells main that someone is at the workstation (`auth.activity`), so its idle lock starts again:
 * on keyboard and pointer input, at most once per ACTIVITY_REPORT_MS — the first input at once,
 * the last of a burst at the end of the interval (Mantine's throttle is leading and trailing), so
 * main never believes the workstation idle for longer than it was by more than the interval. Main
 * decides when to lock, on its own timer: this only reports.
 */
import { useThrottledCallback } from '@mantine/hooks';
import { useEffect } from 'react';
import { invoke } from '../tabib-client';

export const ACTIVITY_REPORT_MS = 30_000;

const inputEvents = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

export function useActivityReport(active: boolean): void {
  const report = useThrottledCallback(() => {
    // A report that fails (the session just locked or ended) changes nothing: auth.changed says so.
    invoke('auth.activity', {}).catch(() => undefined);
  }, ACTIVITY_REPORT_MS);
  useEffect(() => {
    if (!active) return;
    const options = { capture: true, passive: true } as const;
    for (const name of inputEvents) window.addEventListener(name, report, options);
    return () => {
      for (const name of inputEvents) window.removeEventListener(name, report, options);
    };
  }, [active, report]);
}
