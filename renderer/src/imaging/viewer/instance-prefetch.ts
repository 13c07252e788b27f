/**
 * An instance's bytes from main (imaging.instance, base64), and a study's first image fetched
 * ahead of the image loader, so that its bytes travel while the reading screen and the viewer
 * mount:
 * - from the click that opens the study, by the study (imaging.firstImage), alongside its view;
 * - else as soon as the study's view is known, by the instance.
 * The loader takes a prefetched answer once. Kept free of Cornerstone: the screens that open a
 * study call it before the viewer's chunk is rendered.
 */
import { invoke } from '../../tabib-client';
import { AskedAhead } from '../asked-ahead';
import { base64ToBytes } from './base64';
import { markOpening } from './opening-marks';

interface FirstImage {
  sopInstanceUid: string;
  bytes: ArrayBuffer;
}

/** Instances' bytes, by SOP Instance UID. */
const early = new AskedAhead<ArrayBuffer>();
/** The first image of the study being opened, by the study (its instance not yet known): one at a time. */
const openings = new AskedAhead<FirstImage>();

async function fetchBytes(sopInstanceUid: string): Promise<ArrayBuffer> {
  const { data } = await invoke('imaging.instance', { sopInstanceUid });
  return base64ToBytes(data).buffer;
}

function received<T>(value: T): T {
  markOpening('first-bytes-received');
  return value;
}

/** Starts fetching the image a study opens on, before its view (and so the image's instance) is known. */
export function prefetchStudyFirstImage(studyInstanceUid: string): void {
  markOpening('first-bytes-requested');
  openings.clear();
  // A failure only means the instance is fetched by itself (prefetchFirstImage).
  openings.keep(
    studyInstanceUid,
    invoke('imaging.firstImage', { studyInstanceUid }).then(({ sopInstanceUid, data }) =>
      received({ sopInstanceUid, bytes: base64ToBytes(data).buffer }),
    ),
  );
}

/**
 * The image a study's viewer shows first (`sopInstanceUid`, its first series' first instance): the
 * answer to the study's own request if one was made, else its bytes fetched now.
 */
export function prefetchFirstImage(studyInstanceUid: string, sopInstanceUid: string): void {
  if (early.has(sopInstanceUid)) return;
  const byInstance = () => fetchBytes(sopInstanceUid);
  const opened = openings.taken(studyInstanceUid);
  let fetching: Promise<ArrayBuffer>;
  if (opened) {
    fetching = opened.then(
      (image) => (image.sopInstanceUid === sopInstanceUid ? image.bytes : byInstance()),
      byInstance,
    );
  } else {
    markOpening('first-bytes-requested');
    fetching = fetchBytes(sopInstanceUid).then(received);
  }
  early.keep(sopInstanceUid, fetching);
}

/** The instance's bytes: the prefetched answer if there is one, else fetched now. */
export function fetchInstanceFromMain(sopInstanceUid: string): Promise<ArrayBuffer> {
  return early.take(sopInstanceUid, () => fetchBytes(sopInstanceUid));
}
