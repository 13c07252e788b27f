/**
 * The viewer's plain pieces (renderer/src/imaging/viewer/): image ids of the tabib: scheme,
 * window presets, the measurement conversion both ways, orientation markers, base64, and the tag
 * browser's rows over a DCMTK file (explicit little and big endian, a character set).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metaData, utilities as coreUtilities } from '@cornerstonejs/core';
import dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeasurementView, SeriesView } from '../../../main/contract/imaging-types';
import { base64ToBytes } from '../../../renderer/src/imaging/viewer/base64';
import { decoderLabel, filterTagRows, tagRows } from '../../../renderer/src/imaging/viewer/dicom-tags';
import {
  frameImageId,
  middleImageId,
  parseTabibImageId,
  seriesImageIds,
} from '../../../renderer/src/imaging/viewer/image-ids';
import {
  annotationToMeasurement,
  imagePlaneSpace,
  measurementToAnnotation,
  sameMeasurement,
  type AnnotationLike,
  type CoordinateSpace,
  type Point2,
  type Point3,
} from '../../../renderer/src/imaging/viewer/measurements';
import { orientationLetters, orientationMarkers } from '../../../renderer/src/imaging/viewer/orientation';
import { windowPresets } from '../../../renderer/src/imaging/viewer/presets';
import { dcmtk, makeCorpus, type Corpus } from '../../imaging/dicom-corpus';

const instance = (sopInstanceUid: string, frames = 1) => ({
  sopInstanceUid,
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  instanceNumber: null,
  frames,
  rows: 64,
  columns: 64,
  transferSyntaxUid: '1.2.840.10008.1.2.1',
});

describe('image ids', () => {
  const series: SeriesView = {
    seriesInstanceUid: '1.2.3',
    seriesNumber: 1,
    modality: 'CT',
    description: '',
    bodyPart: '',
    instances: [instance('1.2.3.1'), instance('1.2.3.2', 3), instance('1.2.3.3')],
  };

  it('stack every frame of every instance, in order; a multi-frame instance by frame', () => {
    expect(seriesImageIds(series)).toEqual([
      'tabib:1.2.3.1',
      'tabib:1.2.3.2?frame=1',
      'tabib:1.2.3.2?frame=2',
      'tabib:1.2.3.2?frame=3',
      'tabib:1.2.3.3',
    ]);
    expect(middleImageId(series)).toBe('tabib:1.2.3.2?frame=2');
    expect(middleImageId({ ...series, instances: [] })).toBeNull();
  });

  it('read back to the instance and 1-based frame; other schemes are not ours', () => {
    expect(parseTabibImageId('tabib:1.2.3.2?frame=3')).toEqual({ sopInstanceUid: '1.2.3.2', frame: 3 });
    expect(parseTabibImageId(frameImageId('1.2.9', 1, 1))).toEqual({ sopInstanceUid: '1.2.9', frame: 1 });
    expect(parseTabibImageId('wadouri:http://x/1.2')).toBeNull();
    expect(parseTabibImageId('tabib:1.2;drop')).toBeNull();
  });
});

describe('window presets', () => {
  it('are the five CT windows on keys 1 to 5, in Hounsfield units', () => {
    expect(windowPresets.map((preset) => [preset.key, preset.id, preset.width, preset.center])).toEqual([
      ['1', 'brain', 80, 40],
      ['2', 'lung', 1500, -600],
      ['3', 'bone', 2500, 480],
      ['4', 'abdomen', 400, 40],
      ['5', 'mediastinum', 350, 50],
    ]);
  });
});

describe('measurements between Cornerstone and the contract', () => {
  // An axial slice at z = 10, 0.8 mm pixels, origin at (-25, -25): Cornerstone's imageToWorldCoords.
  const space: CoordinateSpace = {
    toWorld: ([column, row]) => [-25 + column * 0.8, -25 + row * 0.8, 10],
    toImage: ([x, y]) => [(x + 25) / 0.8, (y + 25) / 0.8],
  };
  const imageId = 'tabib:1.2.3.2?frame=2';
  const annotation: AnnotationLike = {
    annotationUID: '0b7e3a56-6a86-4a0c-9f5e-2f1d3c4b5a69',
    metadata: { toolName: 'EllipticalROI', referencedImageId: imageId },
    data: {
      handles: {
        points: [
          space.toWorld([10, 20]),
          space.toWorld([10, 4]),
          space.toWorld([2, 12]),
          space.toWorld([18, 12]),
        ],
      },
      label: '',
      cachedStats: {
        [`imageId:${imageId}`]: {
          area: 160.84954,
          mean: 41.123456,
          stdDev: 8.5,
          min: 10,
          max: Number.NaN,
          areaUnit: 'mm²',
        },
      },
    },
  };

  it('keeps the handles in image pixels, the values computed, HU for CT', () => {
    const measurement = annotationToMeasurement(
      annotation,
      { sopInstanceUid: '1.2.3.2', frame: 2, seriesInstanceUid: '1.2.3' },
      space,
      'CT',
    );
    expect(measurement).toEqual({
      id: annotation.annotationUID as string,
      kind: 'ellipse',
      seriesInstanceUid: '1.2.3',
      sopInstanceUid: '1.2.3.2',
      frame: 2,
      points: [
        [10, 20],
        [10, 4],
        [2, 12],
        [18, 12],
      ],
      label: '',
      values: { area: 160.8495, mean: 41.1235, stdDev: 8.5, min: 10 },
      unit: 'HU',
    } satisfies MeasurementView);
  });

  it('says when Cornerstone measured in pixels (an image without pixel spacing)', () => {
    const ref = { sopInstanceUid: '1.2.3.2', frame: 2, seriesInstanceUid: '1.2.3' };
    const stats = annotation.data.cachedStats?.[`imageId:${imageId}`] as Record<string, unknown>;
    const inPixels = {
      ...annotation,
      data: { ...annotation.data, cachedStats: { [`imageId:${imageId}`]: { ...stats, areaUnit: 'px²' } } },
    };
    expect(annotationToMeasurement(inPixels, ref, space, 'US')?.geometryUnit).toBe('px');
    expect(annotationToMeasurement(annotation, ref, space, 'US')).not.toHaveProperty('geometryUnit');
    const length: AnnotationLike = {
      ...annotation,
      metadata: { toolName: 'Length', referencedImageId: imageId },
      data: { ...annotation.data, cachedStats: { [`imageId:${imageId}`]: { length: 42, unit: 'px' } } },
    };
    expect(annotationToMeasurement(length, ref, space, 'US')).toMatchObject({
      values: { length: 42 },
      geometryUnit: 'px',
    });
  });

  it('draws a saved measurement back where it was (world coordinates, its image, its id)', () => {
    const measurement = annotationToMeasurement(
      annotation,
      { sopInstanceUid: '1.2.3.2', frame: 2, seriesInstanceUid: '1.2.3' },
      space,
      'CT',
    )!;
    const drawn = measurementToAnnotation(measurement, imageId, space, {
      viewPlaneNormal: [0, 0, -1],
      viewUp: [0, -1, 0],
      frameOfReferenceUid: '1.2.3.9',
    });
    expect(drawn.annotationUID).toBe(measurement.id);
    expect(drawn.metadata).toMatchObject({
      toolName: 'EllipticalROI',
      referencedImageId: imageId,
      FrameOfReferenceUID: '1.2.3.9',
    });
    expect(drawn.data.handles.points).toEqual(annotation.data.handles.points);
    const again = annotationToMeasurement(
      drawn,
      { sopInstanceUid: '1.2.3.2', frame: 2, seriesInstanceUid: '1.2.3' },
      space,
      'CT',
    )!;
    expect(sameMeasurement(again, measurement)).toBe(true);
    expect(sameMeasurement({ ...again, points: [[10, 21], ...again.points.slice(1)] }, measurement)).toBe(
      false,
    );
  });

  it('leaves out the tools the contract does not keep; a length has no modality unit', () => {
    const ref = { sopInstanceUid: '1.2.3.2', frame: 1, seriesInstanceUid: '1.2.3' };
    expect(
      annotationToMeasurement({ ...annotation, metadata: { toolName: 'Crosshairs' } }, ref, space, 'CT'),
    ).toBeNull();
    const length = annotationToMeasurement(
      {
        annotationUID: '1c0f5c1e-2d3b-4a59-8e6f-7a8b9c0d1e2f',
        metadata: { toolName: 'Length' },
        data: {
          handles: { points: [space.toWorld([0, 0]), space.toWorld([30, 40])] },
          cachedStats: { x: { length: 40, unit: 'mm' } },
        },
      },
      ref,
      space,
      'CT',
    );
    expect(length).toMatchObject({ kind: 'length', values: { length: 40 }, unit: '' });
  });
});

describe("an image's coordinate space (imagePlaneSpace)", () => {
  // An oblique plane, as a CT's or MR's ImagePositionPatient and ImageOrientationPatient give it.
  const oblique = {
    rowCosines: [0.8, 0.6, 0],
    columnCosines: [0, 0, -1],
    imagePositionPatient: [-120.5, 33, 80.25],
    rowPixelSpacing: 0.7,
    columnPixelSpacing: 0.45,
  };
  const planes = new Map<string, object>([
    ['test:oblique', oblique],
    ['test:no-geometry', {}],
  ]);
  const provider = (type: string, imageId: unknown) =>
    type === 'imagePlaneModule' ? planes.get(String(imageId)) : undefined;
  beforeAll(() => metaData.addProvider(provider, 10_000));
  afterAll(() => metaData.removeProvider(provider));

  it("agrees with Cornerstone's own conversions where the image has a plane", () => {
    const space = imagePlaneSpace(oblique);
    for (const point of [
      [0, 0],
      [12.25, 300.5],
      [511, 3],
    ] as Point2[]) {
      // Cornerstone computes in 32-bit floats (gl-matrix): equal to about a micrometre.
      const world = coreUtilities.imageToWorldCoords('test:oblique', point) as Point3;
      space.toWorld(point).forEach((value, axis) => expect(value).toBeCloseTo(world[axis]!, 3));
      const back = coreUtilities.worldToImageCoords('test:oblique', world) as Point2;
      space.toImage(world).forEach((value, axis) => expect(value).toBeCloseTo(back[axis]!, 3));
      space
        .toImage(space.toWorld(point))
        .forEach((value, axis) => expect(value).toBeCloseTo(point[axis]!, 9));
    }
  });

  it('gives an image without geometry the plane the stack viewport draws it on, where Cornerstone throws', () => {
    // Ultrasound, secondary capture, most multi-frame images: no ImagePositionPatient nor orientation.
    expect(() => coreUtilities.worldToImageCoords('test:no-geometry', [1, 2, 0])).toThrow();
    const space = imagePlaneSpace(metaData.get('imagePlaneModule', 'test:no-geometry'));
    expect(space.toWorld([0.5, 0.5])).toEqual([0, 0, 0]);
    expect(space.toWorld([10.5, 20.5])).toEqual([10, 20, 0]);
    expect(space.toImage([10, 20, 0])).toEqual([10.5, 20.5]);
  });
});

describe('orientation markers', () => {
  it('name the patient direction, strongest first, obliques with two letters', () => {
    expect(orientationLetters([1, 0, 0])).toBe('L');
    expect(orientationLetters([0, -1, 0])).toBe('A');
    expect(orientationLetters([0, 0.5, -0.9])).toBe('IP');
    expect(orientationLetters([0, 0, 0])).toBe('');
  });

  it('of an axial image: A at the top, the patient’s right on the screen’s left', () => {
    // Screen right along the rows (+x, patient's left), screen up against the columns (−y, anterior).
    expect(orientationMarkers([1, 0, 0], [0, -1, 0])).toEqual({
      top: 'A',
      bottom: 'P',
      left: 'R',
      right: 'L',
    });
    // Flipped horizontally.
    expect(orientationMarkers([-1, 0, 0], [0, -1, 0])).toMatchObject({ left: 'L', right: 'R' });
  });
});

describe('base64', () => {
  it('gives the bytes back', () => {
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255, 68, 73, 67, 77]);
    expect(Buffer.from(base64ToBytes(bytes.toString('base64')))).toEqual(bytes);
  });
});

describe('the tag browser’s rows', () => {
  let dir = '';
  let corpus: Corpus;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tabib-viewer-tags-'));
    corpus = makeCorpus(dir);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const rowsOf = (path: string) => tagRows(dicomParser.parseDicom(new Uint8Array(readFileSync(path))));

  it('name each element, read its value in the file’s byte order, and are searchable', () => {
    for (const file of [corpus.transferSyntaxes[0]!, corpus.transferSyntaxes[2]!]) {
      const rows = rowsOf(file.path);
      const find = (tag: string) => rows.find((row) => row.tag === tag);
      expect(find('(0010,0010)')).toMatchObject({
        name: 'PatientName',
        vr: 'PN',
        value: 'Synthetic^Patient',
      });
      expect(find('(0028,0010)')).toMatchObject({ name: 'Rows', vr: 'US', value: '64' });
      expect(find('(0008,0018)')?.value).toBe(file.sopUid);
      expect(find('(7FE0,0010)')?.value).toBe(`${64 * 64 * 2} B`);
      expect(filterTagRows(rows, 'rows').map((row) => row.tag)).toContain('(0028,0010)');
      expect(filterTagRows(rows, '0028,0011').map((row) => row.name)).toEqual(['Columns']);
    }
    // The big endian file really is one (DCMTK wrote it so).
    expect(dcmtk('dcmdump', ['+P', '0002,0010', corpus.transferSyntaxes[2]!.path])).toContain('BigEndian');
  });

  it('decode text in the Specific Character Set', () => {
    expect(decoderLabel('ISO_IR 127')).toBe('iso-8859-6');
    expect(decoderLabel('ISO_IR 192')).toBe('utf-8');
    expect(decoderLabel(undefined)).toBe('iso-8859-1');
    const name = (path: string) => rowsOf(path).find((row) => row.tag === '(0010,0010)')?.value;
    expect(name(corpus.arabic.path)).toBe('بنعلي^فاطمة');
    expect(name(corpus.french.path)).toBe('Lefèvre^Françoise^Hélène');
    expect(name(corpus.utf8.path)).toBe('Zerhouni^Nadia=زرهوني^نادية');
  });
});
