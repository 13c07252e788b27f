/**
 * The study viewer (issue 7, deliverable 3): what the imaging screens embed. Cornerstone3D and its
 * codecs load with it, in their own chunk, the first time a study is opened.
 */
import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type JSX } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudyView } from '../../../../main/contract/imaging-types';
import { instanceImageIds, openingSeries } from './image-ids';
import { prefetchFirstImage } from './instance-prefetch';
import type * as ViewerCoreModule from './ViewerCore';

export interface StudyViewerProps {
  study: StudyView;
  /** The radiologist may measure and save measurements (imaging.report permission); others only read. */
  canMeasure: boolean;
  /** A first image is drawn, or cannot be (each time a viewport shows its series' first image or its error). */
  onImageShown?(): void;
}

/** The viewer's module once loaded: rendered directly, never through Suspense again. */
let loadedViewer: typeof ViewerCoreModule | null = null;
const loadViewerCore = () =>
  import('./ViewerCore').then((module) => {
    loadedViewer = module;
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

/** The image openFirstImage last asked for: the same study's view again (a reload) asks nothing. */
let lastOpened: string | null = null;

/**
 * The image a study opens on (its first series' first image), as soon as the study's view comes
 * (study-opening.ts, for every view the reading screen shows): its bytes asked for, once per study
 * (not again when its view is reloaded: the image is in Cornerstone's cache then); and, once the
 * viewer has started, decoded into Cornerstone's cache while the reading screen mounts.
 */
export function openFirstImage(view: StudyView): void {
  const series = openingSeries(view);
  const first = series?.instances[0];
  const imageId = first && instanceImageIds(first)[0];
  if (!first || !imageId || imageId === lastOpened) return;
  lastOpened = imageId;
  prefetchFirstImage(first.sopInstanceUid);
  loadedViewer?.decodeAheadOnceStarted(imageId);
}

export function StudyViewer(props: StudyViewerProps): JSX.Element {
  const { t } = useTranslation();
  // Loaded already (preloadStudyViewer, or an earlier study): no suspension, for React holds a
  // revealed fallback about 300 ms before showing what replaces it.
  const ViewerCore = loadedViewer?.default ?? LazyViewerCore;
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
