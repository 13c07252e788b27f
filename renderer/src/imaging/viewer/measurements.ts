/**
 * Measurements between Cornerstone's annotations (handles in world coordinates, patient LPS mm)
 * and the contract's MeasurementView (handles in image pixel coordinates: column, row, the centre
 * of the first pixel at 0,0 as Cornerstone's imageToWorldCoords has it). The conversion itself is
 * given (CoordinateSpace), so this stays plain data in, data out.
 */
import type { MeasurementKind, MeasurementView } from '../../../../main/contract/imaging-types';
import type { FrameRef } from './image-ids';

export type Point3 = [number, number, number];
export type Point2 = [number, number];

export interface CoordinateSpace {
  toWorld(point: Point2): Point3;
  toImage(point: Point3): Point2;
}

/** The part of Cornerstone's imagePlaneModule the conversions read; any of it may be missing. */
export interface ImagePlaneLike {
  rowCosines?: ArrayLike<number> | null;
  columnCosines?: ArrayLike<number> | null;
  imagePositionPatient?: ArrayLike<number> | null;
  rowPixelSpacing?: number | null;
  columnPixelSpacing?: number | null;
}

/**
 * An image's coordinate space as the stack viewport draws it: its plane's values, or where the
 * image has none (ultrasound, secondary capture, most multi-frame images) Cornerstone's defaults —
 * origin 0, rows along x, columns along y, 1 mm pixels (core's getImagePlaneModule). Core's own
 * imageToWorldCoords and worldToImageCoords read the plane without those defaults and throw on such
 * an image, which left a measurement drawn on it out of the list, unsaved. Same formulas as theirs.
 */
export function imagePlaneSpace(plane: ImagePlaneLike | null | undefined): CoordinateSpace {
  const row = Array.from(plane?.rowCosines ?? [1, 0, 0]);
  const column = Array.from(plane?.columnCosines ?? [0, 1, 0]);
  const origin = Array.from(plane?.imagePositionPatient ?? [0, 0, 0]);
  const rowSpacing = plane?.rowPixelSpacing || 1;
  const columnSpacing = plane?.columnPixelSpacing || 1;
  const at = (vector: number[], index: number) => vector[index] ?? 0;
  return {
    toWorld: ([x, y]) =>
      [0, 1, 2].map(
        (axis) =>
          at(origin, axis) +
          at(row, axis) * rowSpacing * (x - 0.5) +
          at(column, axis) * columnSpacing * (y - 0.5),
      ) as Point3,
    toImage: (point) => {
      const corner = [0, 1, 2].map(
        (axis) =>
          at(point, axis) -
          (at(origin, axis) - (at(column, axis) * columnSpacing) / 2 - (at(row, axis) * rowSpacing) / 2),
      );
      const along = (vector: number[]) =>
        corner.reduce((sum, value, axis) => sum + value * at(vector, axis), 0);
      return [along(row) / rowSpacing, along(column) / columnSpacing];
    },
  };
}

/** Cornerstone's tool names for the contract's kinds. */
export const toolNameOfKind: Record<MeasurementKind, string> = {
  length: 'Length',
  angle: 'Angle',
  ellipse: 'EllipticalROI',
  rectangle: 'RectangleROI',
  probe: 'Probe',
  arrow: 'ArrowAnnotate',
};

export const kindOfToolName: Record<string, MeasurementKind> = Object.fromEntries(
  Object.entries(toolNameOfKind).map(([kind, toolName]) => [toolName, kind as MeasurementKind]),
);

/** The part of a Cornerstone annotation this module reads and writes. */
export interface AnnotationLike {
  annotationUID?: string;
  metadata: {
    toolName: string;
    referencedImageId?: string;
    FrameOfReferenceUID?: string;
    viewPlaneNormal?: Point3;
    viewUp?: Point3;
  };
  data: {
    handles: { points: Point3[]; activeHandleIndex?: number | null; textBox?: unknown };
    label?: string;
    cachedStats?: Record<string, Record<string, unknown>>;
  };
  highlighted?: boolean;
  isLocked?: boolean;
  isVisible?: boolean;
  invalidated?: boolean;
}

const round = (value: number, digits: number) => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

type ValueName = keyof MeasurementView['values'];
const statNames: Record<MeasurementKind, [ValueName, string][]> = {
  length: [['length', 'length']],
  angle: [['angle', 'angle']],
  ellipse: [
    ['area', 'area'],
    ['mean', 'mean'],
    ['stdDev', 'stdDev'],
    ['min', 'min'],
    ['max', 'max'],
  ],
  rectangle: [
    ['area', 'area'],
    ['mean', 'mean'],
    ['stdDev', 'stdDev'],
    ['min', 'min'],
    ['max', 'max'],
  ],
  probe: [['value', 'value']],
  arrow: [],
};

/** Cornerstone's cachedStats of the annotation, for its image. */
function statsOf(annotation: AnnotationLike): Record<string, unknown> {
  const stats = annotation.data.cachedStats ?? {};
  return (
    (annotation.metadata.referencedImageId && stats[`imageId:${annotation.metadata.referencedImageId}`]) ||
    Object.values(stats)[0] ||
    {}
  );
}

/** The annotation's computed values (Cornerstone's cachedStats, for its image), finite ones only. */
export function measurementValues(
  annotation: AnnotationLike,
  kind: MeasurementKind,
): MeasurementView['values'] {
  const target = statsOf(annotation);
  const values: MeasurementView['values'] = {};
  for (const [name, stat] of statNames[kind]) {
    const value = target[stat];
    if (typeof value === 'number' && Number.isFinite(value)) values[name] = round(value, 4);
  }
  return values;
}

/**
 * Whether Cornerstone measured the annotation in pixels: its image has no pixel spacing, and its
 * stats say so ('px' for a length, 'px²' for an area).
 */
function inPixels(annotation: AnnotationLike): boolean {
  const target = statsOf(annotation);
  return [target.unit, target.areaUnit, target.lengthUnit].some(
    (unit) => typeof unit === 'string' && unit.startsWith('px'),
  );
}

/** The contract's view of an annotation drawn on `ref`; null for a tool the contract does not keep. */
export function annotationToMeasurement(
  annotation: AnnotationLike,
  ref: FrameRef & { seriesInstanceUid: string },
  space: CoordinateSpace,
  modality: string,
): MeasurementView | null {
  const kind = kindOfToolName[annotation.metadata.toolName];
  if (!kind || !annotation.annotationUID) return null;
  const points = annotation.data.handles.points.map((point) => {
    const [column, row] = space.toImage(point);
    return [round(column, 3), round(row, 3)] as Point2;
  });
  if (points.length === 0) return null;
  return {
    id: annotation.annotationUID,
    kind,
    seriesInstanceUid: ref.seriesInstanceUid,
    sopInstanceUid: ref.sopInstanceUid,
    frame: ref.frame,
    points,
    label: annotation.data.label ?? '',
    values: measurementValues(annotation, kind),
    unit: modality === 'CT' && kind !== 'length' && kind !== 'angle' && kind !== 'arrow' ? 'HU' : '',
    ...(inPixels(annotation) ? { geometryUnit: 'px' as const } : {}),
  };
}

/** An annotation to add to Cornerstone's state for a saved measurement, on the image `imageId`. */
export function measurementToAnnotation(
  measurement: MeasurementView,
  imageId: string,
  space: CoordinateSpace,
  view: { viewPlaneNormal: Point3; viewUp: Point3; frameOfReferenceUid: string },
): AnnotationLike {
  const points = measurement.points.map((point) => space.toWorld(point));
  return {
    annotationUID: measurement.id,
    highlighted: false,
    isLocked: false,
    isVisible: true,
    invalidated: true,
    metadata: {
      toolName: toolNameOfKind[measurement.kind],
      referencedImageId: imageId,
      FrameOfReferenceUID: view.frameOfReferenceUid,
      viewPlaneNormal: view.viewPlaneNormal,
      viewUp: view.viewUp,
    },
    data: {
      handles: { points, activeHandleIndex: null, textBox: { hasMoved: false } },
      label: measurement.label,
      cachedStats: {},
    },
  };
}

/** Whether two measurements say the same thing (what decides "unsaved"). */
export function sameMeasurement(a: MeasurementView, b: MeasurementView): boolean {
  return (
    a.kind === b.kind &&
    a.sopInstanceUid === b.sopInstanceUid &&
    a.frame === b.frame &&
    a.label === b.label &&
    a.points.length === b.points.length &&
    a.points.every(
      (point, index) =>
        Math.abs(point[0] - (b.points[index]?.[0] ?? NaN)) < 0.01 &&
        Math.abs(point[1] - (b.points[index]?.[1] ?? NaN)) < 0.01,
    )
  );
}
