/**
 * The order a viewer stacks a series in. Where every instance of the series has an
 * ImagePositionPatient and they share one ImageOrientationPatient, along the slice normal (the
 * cross product of the row and column direction cosines, PS3.3 C.7.6.2.1.1): the position
 * projected on it is the slice's location, whatever InstanceNumber says (a scanner may number
 * from the feet, or restart). Otherwise (a radiograph, an ultrasound clip, positions missing or
 * planes that differ) by InstanceNumber, then UID.
 */
import type { InstanceView, SeriesView } from '../contract/imaging-types';
import type { IndexedInstance, IndexedSeries } from './imaging-types';

type Vector = [number, number, number];

/** The unit normal of a plane given by its row and column direction cosines; null if degenerate. */
export function sliceNormal(orientation: readonly number[]): Vector | null {
  const [rx, ry, rz, cx, cy, cz] = orientation as [number, number, number, number, number, number];
  const normal: Vector = [ry * cz - rz * cy, rz * cx - rx * cz, rx * cy - ry * cx];
  const length = Math.hypot(...normal);
  if (!(length > 1e-6)) return null;
  return normal.map((value) => value / length) as Vector;
}

const ORIENTATION_TOLERANCE = 1e-4;

function sameOrientation(a: readonly number[], b: readonly number[]): boolean {
  return a.every((value, index) => Math.abs(value - (b[index] as number)) < ORIENTATION_TOLERANCE);
}

function byNumber(a: IndexedInstance, b: IndexedInstance): number {
  const na = a.instanceNumber;
  const nb = b.instanceNumber;
  if (na !== nb) {
    if (na === null) return 1;
    if (nb === null) return -1;
    return na - nb;
  }
  return a.sopInstanceUid < b.sopInstanceUid ? -1 : a.sopInstanceUid > b.sopInstanceUid ? 1 : 0;
}

/** The instances of one series in viewing order. */
export function stackOrder(instances: readonly IndexedInstance[]): IndexedInstance[] {
  const first = instances[0];
  const orientation = first?.orientation;
  const normal = orientation ? sliceNormal(orientation) : null;
  const spatial =
    normal !== null &&
    instances.length > 1 &&
    instances.every(
      (instance) =>
        instance.position !== null &&
        instance.orientation !== null &&
        sameOrientation(instance.orientation, orientation as readonly number[]),
    );
  if (!spatial) return [...instances].sort(byNumber);
  const location = (instance: IndexedInstance) => {
    const [x, y, z] = instance.position as Vector;
    return x * normal[0] + y * normal[1] + z * normal[2];
  };
  return instances
    .map((instance) => ({ instance, at: location(instance) }))
    .sort((a, b) => a.at - b.at || byNumber(a.instance, b.instance))
    .map(({ instance }) => instance);
}

function instanceView(instance: IndexedInstance): InstanceView {
  return {
    sopInstanceUid: instance.sopInstanceUid,
    sopClassUid: instance.sopClassUid,
    instanceNumber: instance.instanceNumber,
    frames: instance.frames,
    rows: instance.rows,
    columns: instance.columns,
    transferSyntaxUid: instance.transferSyntaxUid,
  };
}

/** A study's series (by SeriesNumber, then UID) with their instances in viewing order. */
export function seriesViews(series: readonly IndexedSeries[]): SeriesView[] {
  return [...series]
    .sort((a, b) => {
      const na = a.seriesNumber ?? Number.MAX_SAFE_INTEGER;
      const nb = b.seriesNumber ?? Number.MAX_SAFE_INTEGER;
      return na - nb || (a.seriesInstanceUid < b.seriesInstanceUid ? -1 : 1);
    })
    .map((entry) => ({
      seriesInstanceUid: entry.seriesInstanceUid,
      seriesNumber: entry.seriesNumber,
      modality: entry.modality,
      description: entry.description,
      bodyPart: entry.bodyPart,
      instances: stackOrder(entry.instances).map(instanceView),
    }));
}
