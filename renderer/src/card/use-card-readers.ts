import { useCallback, useEffect, useState } from 'react';
import type { CardReaderView } from '../../../main/contract/types';
import { invoke, subscribe } from '../tabib-client';

export type ReadersState =
  | { status: 'loading' }
  | { status: 'ready'; readers: CardReaderView[] }
  | { status: 'error'; error: unknown };

/**
 * The workstation's card readers, kept current: listed once, then again on every insertion or
 * removal (card.inserted, card.removed). `onInserted` is told which reader received a card.
 */
export function useCardReaders(onInserted?: (reader: string) => void): {
  state: ReadersState;
  refresh(): void;
} {
  const [state, setState] = useState<ReadersState>({ status: 'loading' });

  const refresh = useCallback(() => {
    invoke('card.readers', {}).then(
      ({ readers }) => setState({ status: 'ready', readers }),
      (error: unknown) => setState({ status: 'error', error }),
    );
  }, []);

  useEffect(() => {
    // Listing the readers is asking an external system; state is set when it answers.
    refresh();
    const offInserted = subscribe('card.inserted', ({ reader }) => {
      refresh();
      onInserted?.(reader);
    });
    const offRemoved = subscribe('card.removed', () => refresh());
    return () => {
      offInserted();
      offRemoved();
    };
  }, [refresh, onInserted]);

  return { state, refresh };
}
