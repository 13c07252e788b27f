import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { SyncProgressView, SyncStatus } from '../../../main/contract/types';
import { invoke, subscribe } from '../tabib-client';

export interface SyncStatusContextValue {
  status: SyncStatus | null;
  /** The run in progress, as sync.progress tells it (fresher than the status's). */
  progress: SyncProgressView | null;
  error: unknown;
  reload: () => Promise<void>;
}

const SyncStatusContext = createContext<SyncStatusContextValue | null>(null);

/**
 * The sync's state for the whole frame (top bar indicator, Sync page, conflicts): loaded from
 * `sync.status`, reloaded when main says it changed (`sync.status`), with the progress of a run
 * from `sync.progress`. The window's `online` event tells main the network is back.
 */
export function SyncStatusProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [progress, setProgress] = useState<SyncProgressView | null>(null);
  const [error, setError] = useState<unknown>(null);

  const reload = useCallback(async () => {
    try {
      const next = await invoke('sync.status', {});
      setStatus(next);
      setProgress(next.progress);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, []);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
    const offStatus = subscribe('sync.status', () => void reload());
    const offProgress = subscribe('sync.progress', (next) => setProgress(next));
    const online = () => {
      void invoke('sync.reconnected', {})
        .then(setStatus)
        .catch(() => undefined);
    };
    window.addEventListener('online', online);
    return () => {
      offStatus();
      offProgress();
      window.removeEventListener('online', online);
    };
  }, [reload]);

  const value = useMemo(() => ({ status, progress, error, reload }), [status, progress, error, reload]);
  return <SyncStatusContext.Provider value={value}>{children}</SyncStatusContext.Provider>;
}

export function useSyncStatus(): SyncStatusContextValue {
  const value = useContext(SyncStatusContext);
  if (!value) throw new Error('useSyncStatus outside SyncStatusProvider');
  return value;
}
