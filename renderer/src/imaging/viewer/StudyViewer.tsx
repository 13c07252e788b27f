/**
 * The study viewer (issue 7, deliverable 3): what the imaging screens embed. Cornerstone3D and its
 * codecs load with it, in their own chunk, the first time a study is opened.
 */
import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, useMemo, type JSX } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudyView } from '../../../../main/contract/imaging-types';
import { openingSeries } from './image-ids';
import { prefetchFirstImage } from './instance-prefetch';
import type ViewerCoreDefault from './ViewerCore';

export interface StudyViewerProps {
  study: StudyView;
  /** The radiologist may measure and save measurements (imaging.report permission); others only read. */
  canMeasure: boolean;
  /** A first image is drawn (each time a viewport draws its series' first image). */
  onImageShown?(): void;
}

type ViewerCoreComponent = typeof ViewerCoreDefault;

/** The viewer's module once loaded: rendered directly, never through Suspense again. */
let loadedViewerCore: ViewerCoreComponent | null = null;
const loadViewerCore = () =>
  import('./ViewerCore').then((module) => {
    loadedViewerCore = module.default;
    return module;
  });
const LazyViewerCore = lazy(loadViewerCore);

/**
 * Loads the viewer's code and starts Cornerstone (its workers and codecs) ahead of the first
 * study, e.g. when a worklist is shown, so opening a study only costs the image itself. Once
 * started, the document says so (`data-viewer-ready`, which bench:imaging waits for). A failure
 * here is left for the viewer to report when a study is opened.
 */
export function preloadStudyViewer(): void {
  loadViewerCore()
    .then(({ startViewer }) => startViewer())
    .then(
      () => (document.documentElement.dataset.viewerReady = 'true'),
      () => undefined,
    );
}

export function StudyViewer(props: StudyViewerProps): JSX.Element {
  const { t } = useTranslation();
  // Loaded already (preloadStudyViewer, or an earlier study): no suspension, for React holds a
  // revealed fallback about 300 ms before showing what replaces it.
  const ViewerCore = loadedViewerCore ?? LazyViewerCore;
  // The first image's bytes, once per study (not again when its view is reloaded: the image is in
  // Cornerstone's cache then): taken from the study's opening, else fetched now, while the viewer
  // mounts (the viewports show index 0).
  const studyUid = props.study.study.studyInstanceUid;
  const firstSop = openingSeries(props.study)?.instances[0]?.sopInstanceUid;
  useMemo(() => firstSop && prefetchFirstImage(studyUid, firstSop), [studyUid, firstSop]);
  return (
    <Suspense
      fallback={
        <Center h="100%" data-testid="study-viewer" data-state="loading">
          <Loader aria-label={t('viewer.starting')} />
        </Center>
      }
    >
      <ViewerCore key={props.study.study.studyInstanceUid} {...props} />
    </Suspense>
  );
}
