/**
 * An instance's bytes from main (imaging.instance, base64), and a study's first image fetched
 * ahead of the image loader, as soon as the study's view is known (StudyViewer's openFirstImage),
 * so that its bytes travel, and it is decoded, while the reading screen and the viewer mount. The
 * loader takes a prefetched answer once. Kept free of Cornerstone: the screens that open a study
 * call it before the viewer's chunk is rendered.
 */
import { invoke } from '../../tabib-client';
import { AskedAhead } from '../asked-ahead';
import { base64ToBytes } from './base64';
import { markOpening } from './opening-marks';

/** Instances' bytes, by SOP Instance UID. */
const early = new AskedAhead<ArrayBuffer>();

async function fetchBytes(sopInstanceUid: string): Promise<ArrayBuffer> {
  const { data } = await invoke('imaging.instance', { sopInstanceUid });
  return base64ToBytes(data).buffer;
}

/**
 * Starts fetching the image a study's viewer shows first (its first series' first instance). One
 * study opens at a time: an image fetched ahead for another and never taken is dropped.
 */
export function prefetchFirstImage(sopInstanceUid: string): void {
  if (early.has(sopInstanceUid)) return;
  early.clear();
  markOpening('first-bytes-requested');
  early.keep(
    sopInstanceUid,
    fetchBytes(sopInstanceUid).then((bytes) => {
      markOpening('first-bytes-received');
      return bytes;
    }),
  );
}

/** The instance's bytes: the prefetched answer if there is one, else fetched now. */
export function fetchInstanceFromMain(sopInstanceUid: string): Promise<ArrayBuffer> {
  return early.take(sopInstanceUid, () => fetchBytes(sopInstanceUid));
}
