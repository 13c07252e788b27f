/**
 * Type-ahead over `patients.search`: a short debounce after the last keystroke, and only the answer
 * to the query now in the field is ever shown. A slow answer for "moh" that arrives after "moha"
 * was typed is dropped (each query's effect run owns a `current` flag that the next run clears),
 * so a doctor never opens a patient from a list that belongs to an older query.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PatientSearchResult } from '../../../main/contract/types';
import { invoke } from '../tabib-client';

/** Long enough to skip the intermediate queries of a typist, short enough to feel immediate. */
export const SEARCH_DEBOUNCE_MS = 150;
/** How many patients a list shows; beyond, main says `truncated` and the screen asks to refine. */
export const SEARCH_LIMIT = 50;

/** The services' answer to one query: its result, or the error it ended with. */
export type SearchAnswer =
  | { query: string; result: PatientSearchResult; error: null }
  | { query: string; result: null; error: unknown };

export interface PatientSearchView {
  /** The query as sent: the field's text, trimmed. Empty means nothing is searched. */
  query: string;
  /**
   * What the list shows: the latest answer, which while `pending` is the previous query's (kept on
   * screen so the list does not blink at each keystroke). Null when the field is empty.
   */
  shown: SearchAnswer | null;
  /** The answer to `query` is on its way; `shown` belongs to an earlier query. */
  pending: boolean;
  /**
   * Runs `then` with the answer to the current query: at once if it is here, else as soon as it
   * arrives (the debounce is skipped). A barcode scanner or a quick typist pressing Enter gets the
   * patient they typed, not the row that was selected for an earlier prefix.
   */
  whenAnswered(then: (answer: SearchAnswer) => void): void;
}

/** `revision`: raise it when the local record changed under the same query, to ask again. */
export function usePatientSearch(text: string, revision = 0): PatientSearchView {
  const query = text.trim();
  const [answer, setAnswer] = useState<SearchAnswer | null>(null);
  const waiting = useRef<((answer: SearchAnswer) => void) | null>(null);
  const sendNow = useRef<(() => void) | null>(null);

  useEffect(() => {
    waiting.current = null;
    if (!query) return;
    let current = true;
    let sent = false;
    const send = async () => {
      if (sent) return;
      sent = true;
      clearTimeout(timer);
      let next: SearchAnswer;
      try {
        next = {
          query,
          result: await invoke('patients.search', { query, limit: SEARCH_LIMIT }),
          error: null,
        };
      } catch (error) {
        next = { query, result: null, error };
      }
      if (!current) return; // the field holds another query now: this answer is stale
      setAnswer(next);
      const then = waiting.current;
      waiting.current = null;
      then?.(next);
    };
    const timer = setTimeout(() => void send(), SEARCH_DEBOUNCE_MS);
    sendNow.current = () => void send();
    return () => {
      current = false;
      clearTimeout(timer);
      sendNow.current = null;
    };
  }, [query, revision]);

  const current = answer?.query === query ? answer : null;
  const whenAnswered = useCallback(
    (then: (answer: SearchAnswer) => void) => {
      if (current) {
        then(current);
        return;
      }
      waiting.current = then;
      sendNow.current?.();
    },
    [current],
  );

  return { query, shown: query ? answer : null, pending: query !== '' && !current, whenAnswered };
}
