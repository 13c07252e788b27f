/**
 * The country's divisions and insurance plans for the registration form: asked of main once per
 * country (they change only with an update of Tabib), shared by every form opened afterwards.
 */
import { useEffect, useState } from 'react';
import type { CoveragePlansView, PlacesView } from '../../../main/contract/registration-types';
import type { Country } from '../../../main/contract/types';
import { invoke } from '../tabib-client';

export interface ReferenceData {
  places: PlacesView;
  coverages: CoveragePlansView;
}

const loaded = new Map<Country, Promise<ReferenceData>>();

function load(country: Country): Promise<ReferenceData> {
  let loading = loaded.get(country);
  if (!loading) {
    loading = Promise.all([invoke('reference.places', {}), invoke('reference.coverages', {})]).then(
      ([places, coverages]) => ({ places, coverages }),
    );
    // A failure is not kept: the next form asks again.
    loading.catch(() => loaded.delete(country));
    loaded.set(country, loading);
  }
  return loading;
}

export type ReferenceState =
  { status: 'loading' } | { status: 'ready'; data: ReferenceData } | { status: 'error'; error: unknown };

export function useReferenceData(country: Country): { state: ReferenceState; retry(): void } {
  const [state, setState] = useState<ReferenceState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let current = true;
    load(country).then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => current && setState({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [country, attempt]);
  return {
    state,
    retry: () => {
      setState({ status: 'loading' });
      setAttempt((value) => value + 1);
    },
  };
}
