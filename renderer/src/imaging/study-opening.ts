/**
 * A study's opening, started by the click that asks for it rather than by the reading screen's
 * first render: the study's view (imaging.study) is asked for at once; as soon as it comes, the
 * image it opens on is asked for and decoded (StudyViewer's openFirstImage) while React mounts the
 * reading screen and the viewer. The view comes first and alone: asked for side by side, an
 * image's bytes (~0.7 MB) travelled with it and made the screen wait. The reading screen takes the
 * request it finds (once); a reload, or a study opened another way, asks again. Free of
 * Cornerstone, like instance-prefetch.ts.
 */
import type { CachedStudy, StudyView } from '../../../main/contract/imaging-types';
import { invoke } from '../tabib-client';
import { AskedAhead } from './asked-ahead';
import { markOpening } from './viewer/opening-marks';
import { openFirstImage } from './viewer/StudyViewer';

const started = new AskedAhead<StudyView>();

function requestStudy(studyInstanceUid: string): Promise<StudyView> {
  markOpening('study-requested');
  return invoke('imaging.study', { studyInstanceUid }).then((view) => {
    markOpening('study-received');
    // Its first image decoded now, before React mounts the reading screen and the viewer.
    openFirstImage(view);
    return view;
  });
}

/** What the screen that opened the study knew of it (the worklist's row), while its view travels. */
let summary: CachedStudy | null = null;

/**
 * Starts opening a study: its view asked for now (its first image as soon as it comes). One
 * opening at a time: one started before and never taken is dropped. `known`, the study as the
 * worklist lists it, lets the reading screen draw itself and its viewer before the view comes.
 */
export function startOpeningStudy(studyInstanceUid: string, known?: CachedStudy): void {
  summary = known?.studyInstanceUid === studyInstanceUid ? known : null;
  if (started.has(studyInstanceUid)) return;
  started.clear();
  started.keep(studyInstanceUid, requestStudy(studyInstanceUid));
}

/** The study's view: the opening's request if one was started, else asked for now. */
export function loadStudyView(studyInstanceUid: string): Promise<StudyView> {
  return started.take(studyInstanceUid, () => requestStudy(studyInstanceUid));
}

/** The study being opened as the screen that opened it knew it, if it gave it. */
export function openingSummary(studyInstanceUid: string): CachedStudy | null {
  return summary?.studyInstanceUid === studyInstanceUid ? summary : null;
}
