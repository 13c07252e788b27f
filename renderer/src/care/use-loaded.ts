/**
 * A value loaded from the services for a screen or a chart tab: loaded when first needed (a tab
 * when it is first shown), kept while hidden, loaded again on `reload()` after a change. Only the
 * answer to the latest request is kept: one that arrives after a newer request was made is dropped.
 */
import { useCallback, useEffect, useState } from 'react';

export type Loaded<T> =
  { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: unknown };

export function useLoaded<T>(load: () => Promise<T>, needed: boolean): { state: Loaded<T>; reload(): void } {
  const [revision, setRevision] = useState(0);
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  // Once needed, always: a tab that was shown keeps its data fresh after changes even while hidden.
  const [wanted, setWanted] = useState(needed);
  if (needed && !wanted) setWanted(true);

  useEffect(() => {
    if (!wanted) return;
    let current = true;
    load().then(
      (value) => current && setState({ status: 'ready', value }),
      (error: unknown) => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [load, wanted, revision]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);
  return { state, reload };
}
