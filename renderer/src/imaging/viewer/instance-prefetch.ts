/**
 * An instance's bytes from main (imaging.instance, base64), and the fetch of a study's first image
 * started as soon as the study is known, so the bytes travel while the viewer mounts and
 * Cornerstone makes its viewport. Kept free of Cornerstone: the screen that opens a study calls it
 * before the viewer's chunk is rendered.
 */
import type { StudyView } from '../../../../main/contract/imaging-types';
import { invoke } from '../../tabib-client';
import { base64ToBytes } from './base64';
import { markOpening } from './opening-marks';

const early = new Map<string, Promise<ArrayBuffer>>();

async function fetchBytes(sopInstanceUid: string): Promise<ArrayBuffer> {
  const { data } = await invoke('imaging.instance', { sopInstanceUid });
  return base64ToBytes(data).buffer;
}

/** Starts fetching an instance; the image loader takes the answer (once) when it asks for it. */
export function prefetchInstance(sopInstanceUid: string): void {
  if (early.has(sopInstanceUid)) return;
  markOpening('first-bytes-requested');
  const fetching = fetchBytes(sopInstanceUid).then((bytes) => {
    markOpening('first-bytes-received');
    return bytes;
  });
  // A failure is the loader's to report when it takes the answer; none is left unhandled here.
  fetching.catch(() => undefined);
  early.set(sopInstanceUid, fetching);
}

/** The image a study's viewer shows first (its first series with images, from its first instance): its bytes start now. */
export function prefetchFirstImage(view: StudyView): void {
  const first = view.series.find((series) => series.instances.length > 0)?.instances[0];
  if (first) prefetchInstance(first.sopInstanceUid);
}

/** The instance's bytes: the prefetched answer if there is one, else fetched now. */
export function fetchInstanceFromMain(sopInstanceUid: string): Promise<ArrayBuffer> {
  const fetching = early.get(sopInstanceUid);
  if (!fetching) return fetchBytes(sopInstanceUid);
  early.delete(sopInstanceUid);
  return fetching;
}
