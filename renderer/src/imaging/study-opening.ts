/**
 * A study's opening, started by the click that asks for it rather than by the reading screen's
 * first render: the study's view (imaging.study) and the image it opens on (imaging.firstImage,
 * instance-prefetch.ts) are asked for at once, side by side, so both travel while React mounts the
 * reading screen and the viewer. The reading screen takes the request it finds (once); a reload, or
 * a study opened another way, asks again. Free of Cornerstone, like instance-prefetch.ts.
 */
import type { StudyView } from '../../../main/contract/imaging-types';
import { invoke } from '../tabib-client';
import { AskedAhead } from './asked-ahead';
import { prefetchStudyFirstImage } from './viewer/instance-prefetch';
import { markOpening } from './viewer/opening-marks';

const started = new AskedAhead<StudyView>();

function requestStudy(studyInstanceUid: string): Promise<StudyView> {
  markOpening('study-requested');
  return invoke('imaging.study', { studyInstanceUid }).then((view) => {
    markOpening('study-received');
    return view;
  });
}

/**
 * Starts opening a study: its view and its first image asked for now. One opening at a time: one
 * started before and never taken is dropped.
 */
export function startOpeningStudy(studyInstanceUid: string): void {
  if (started.has(studyInstanceUid)) return;
  started.clear();
  started.keep(studyInstanceUid, requestStudy(studyInstanceUid));
  prefetchStudyFirstImage(studyInstanceUid);
}

/** The study's view: the opening's request if one was started, else asked for now. */
export function loadStudyView(studyInstanceUid: string): Promise<StudyView> {
  return started.take(studyInstanceUid, () => requestStudy(studyInstanceUid));
}
