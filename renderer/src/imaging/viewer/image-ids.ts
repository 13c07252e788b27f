/**
 * Image ids of the `tabib:` scheme: `tabib:<SOP Instance UID>` for a single-frame instance,
 * `tabib:<SOP Instance UID>?frame=<n>` (1-based) for each frame of a multi-frame one. The part
 * after the scheme is what dicom-image-loader's wadouri code calls the url: its data-set cache and
 * metadata provider key on it, so one instance's bytes are fetched and parsed once for all frames.
 */
import type { InstanceView, SeriesView, StudyView } from '../../../../main/contract/imaging-types';

export const TABIB_SCHEME = 'tabib';

/** The series a study opens on, from its first instance: its first series with images. */
export function openingSeries(view: StudyView): SeriesView | null {
  return view.series.find((series) => series.instances.length > 0) ?? null;
}

export interface FrameRef {
  sopInstanceUid: string;
  /** 1-based. */
  frame: number;
}

export function frameImageId(sopInstanceUid: string, frame: number, frames: number): string {
  return frames > 1
    ? `${TABIB_SCHEME}:${sopInstanceUid}?frame=${frame}`
    : `${TABIB_SCHEME}:${sopInstanceUid}`;
}

export function instanceImageIds(instance: InstanceView): string[] {
  const frames = Math.max(1, instance.frames);
  return Array.from({ length: frames }, (_, index) =>
    frameImageId(instance.sopInstanceUid, index + 1, frames),
  );
}

/** A series' stack, in viewing order: every frame of every instance. */
export function seriesImageIds(series: SeriesView): string[] {
  return series.instances.flatMap(instanceImageIds);
}

/** The instance and frame an image id shows; null for an id of another scheme. */
export function parseTabibImageId(imageId: string): FrameRef | null {
  const match = /^tabib:([0-9.]+)(?:\?frame=(\d+))?$/.exec(imageId);
  if (!match) return null;
  return { sopInstanceUid: match[1] as string, frame: match[2] ? Number(match[2]) : 1 };
}

/** The image shown for a series' thumbnail: its middle image. */
export function middleImageId(series: SeriesView): string | null {
  const ids = seriesImageIds(series);
  return ids.length > 0 ? (ids[Math.floor((ids.length - 1) / 2)] as string) : null;
}
