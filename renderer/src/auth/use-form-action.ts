/**
 * A form's call to main: `busy` while it runs (the button shows it and nothing is sent twice),
 * `error` when it fails (the form shows it, in the user's language), cleared on the next try.
 */
import { useCallback, useState } from 'react';

export interface FormAction {
  busy: boolean;
  error: unknown;
  /** Runs the call; true when it succeeded. */
  run(call: () => Promise<unknown>): Promise<boolean>;
  /** Forgets the last error (the form changed under it). */
  reset(): void;
}

export function useFormAction(): FormAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (call: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await call();
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  const reset = useCallback(() => setError(null), []);
  return { busy, error, run, reset };
}
