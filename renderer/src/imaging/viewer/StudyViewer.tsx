/**
 * The study viewer (issue 7, deliverable 3): what the imaging screens embed. Cornerstone3D and its
 * codecs load with it, in their own chunk, the first time a study is opened.
 */
import { Center, Loader } from '@mantine/core';
import { lazy, Suspense, type JSX } from 'react';
import { useTranslation } from 'react-i18next';
import type { StudyView } from '../../../../main/contract/imaging-types';

export interface StudyViewerProps {
  study: StudyView;
  /** The radiologist may measure and save measurements (imaging.report permission); others only read. */
  canMeasure: boolean;
}

const loadViewerCore = () => import('./ViewerCore');
const ViewerCore = lazy(loadViewerCore);

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
