/**
 * What Escape does in the chart, decided in one place (ChartScreen): the innermost thing open
 * (a dialog, a form, an edited visit) gets it first; only when nothing takes it does the chart
 * close, back to the patient search. A tab registers its handler while it has something open.
 */
import { createContext, useContext, useEffect, useRef } from 'react';

/** Returns true when it took the Escape (closed, cancelled, asked). */
export type EscapeHandler = () => boolean;

export interface ChartEscape {
  register(handler: EscapeHandler): () => void;
}

export const ChartEscapeContext = createContext<ChartEscape | null>(null);

/** While `enabled`, Escape goes to `handler` before the chart closes. */
export function useChartEscape(enabled: boolean, handler: EscapeHandler): void {
  const escape = useContext(ChartEscapeContext);
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    if (!enabled || !escape) return;
    return escape.register(() => latest.current());
  }, [enabled, escape]);
}
