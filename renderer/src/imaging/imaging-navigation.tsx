/**
 * Opening a study from elsewhere in the frame (the chart's Imaging tab): the frame shows the
 * imaging section, which opens the study asked for. Each request is new (its sequence number),
 * so asking twice for the same study opens it twice.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { CachedStudy } from '../../../main/contract/imaging-types';
import { startOpeningStudy } from './study-opening';

export interface StudyRequest {
  studyInstanceUid: string;
  sequence: number;
}

interface ImagingNavigation {
  request: StudyRequest | null;
  /** `known`: the study as the caller lists it, so the reading screen is drawn before its view comes. */
  openStudy(studyInstanceUid: string, known?: CachedStudy): void;
}

const ImagingNavigationContext = createContext<ImagingNavigation | null>(null);

export function ImagingNavigationProvider({
  onShowImaging,
  children,
}: {
  /** Brings the imaging section on screen. */
  onShowImaging(): void;
  children: ReactNode;
}) {
  const [request, setRequest] = useState<StudyRequest | null>(null);
  const openStudy = useCallback(
    (studyInstanceUid: string, known?: CachedStudy) => {
      startOpeningStudy(studyInstanceUid, known);
      setRequest((previous) => ({ studyInstanceUid, sequence: (previous?.sequence ?? 0) + 1 }));
      onShowImaging();
    },
    [onShowImaging],
  );
  const value = useMemo(() => ({ request, openStudy }), [request, openStudy]);
  return <ImagingNavigationContext.Provider value={value}>{children}</ImagingNavigationContext.Provider>;
}

/** The latest request to open a study (the imaging section follows it). */
export function useStudyRequest(): StudyRequest | null {
  return useContext(ImagingNavigationContext)?.request ?? null;
}

/** Opens a study in the imaging section; null outside the frame (nothing to open it in). */
export function useOpenStudy(): ImagingNavigation['openStudy'] | null {
  return useContext(ImagingNavigationContext)?.openStudy ?? null;
}
