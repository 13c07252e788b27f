/**
 * The `tabib:` image loader (issue 7, "Reading the bytes"): an instance's DICOM file comes from
 * main over the contract (imaging.instance, base64), the same in Electron and in the harness, and
 * goes to dicom-image-loader's wadouri path: its data-set cache (one fetch and one parse per
 * instance, whatever the frame), its decoding workers and codecs, and its metadata provider.
 */
import { imageLoader, type Types } from '@cornerstonejs/core';
import dicomImageLoader from '@cornerstonejs/dicom-image-loader';
import { TABIB_SCHEME } from './image-ids';
import { fetchInstanceFromMain } from './instance-prefetch';

export type InstanceFetcher = (sopInstanceUid: string) => Promise<ArrayBuffer>;

/** The loader for one fetcher (main's by default; a test may give its own). */
export function tabibImageLoader(fetchInstance: InstanceFetcher = fetchInstanceFromMain) {
  return (imageId: string, options: Record<string, unknown> = {}): Types.IImageLoadObject => {
    const { wadouri } = dicomImageLoader;
    const parsed = wadouri.parseImageId(imageId);
    const dataSetPromise = wadouri.dataSetCacheManager.load(
      parsed.url,
      (sopInstanceUid: string) => fetchInstance(sopInstanceUid),
      imageId,
    );
    return wadouri.loadImageFromPromise(
      dataSetPromise,
      imageId,
      parsed.pixelDataFrame ?? 0,
      parsed.url,
      options,
    );
  };
}

export function registerTabibImageLoader(fetchInstance?: InstanceFetcher): void {
  imageLoader.registerImageLoader(TABIB_SCHEME, tabibImageLoader(fetchInstance));
}

/**
 * What a failed load carries: the wadouri loader rejects with `{ error, dataSet }`, the fetch with
 * the contract's error; the cause, whichever it was.
 */
export function loadFailureCause(failure: unknown): unknown {
  let cause = failure;
  for (let depth = 0; depth < 4; depth++) {
    if (cause && typeof cause === 'object' && 'error' in cause && !(cause instanceof Error)) {
      cause = (cause as { error: unknown }).error;
    } else break;
  }
  return cause;
}
