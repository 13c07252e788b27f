/**
 * Synthetic studies for the demonstration workstation, made here in TypeScript (a clinic PC has no
 * DICOM toolkit): a head CT (axial slices of a phantom in Hounsfield units: scalp, skull with its
 * diploe, grey and white matter, lateral and third ventricles, a small hypodense lesion), a
 * frontal chest radiograph (lungs, heart, mediastinum, spine, ribs, clavicles, diaphragm), and an
 * abdominal ultrasound clip in colour (a sector of speckle, a pulsing anechoic structure, colour
 * Doppler). Geometry attributes (orientation, position, spacing) make measurements come out in mm.
 * Deterministic: the same seed, patient and date give the same bytes.
 */
import { createHash } from 'node:crypto';
import { SeededRandom } from '../../record/demo/seeded-random';
import { tag, writeDicomFile, type DicomElement } from './dicom-writer';

export const SOP_CLASS = {
  ct: '1.2.840.10008.5.1.4.1.1.2',
  dxPresentation: '1.2.840.10008.5.1.4.1.1.1.1',
  usMultiFrame: '1.2.840.10008.5.1.4.1.1.3.1',
} as const;

/** The patient as the files name them (PS3.5 §6.2.1.1: alphabetic=ideographic groups). */
export interface DemoStudyPatient {
  /** (0010,0020): the national identifier, so the study matches the record's patient. */
  id: string;
  /** Issuer of Patient ID, e.g. the country's identifier authority; '' when none. */
  issuer: string;
  latin: { family: string; given: string };
  arabic: { family: string; given: string } | null;
  /** YYYY-MM-DD. */
  birthDate: string | null;
  /** M, F, O. */
  sex: string;
}

export interface DemoStudyRequest {
  seed: number;
  patient: DemoStudyPatient;
  /** YYYY-MM-DD and HH:MM:SS of the study. */
  date: string;
  time: string;
  accessionNumber: string;
  institution: string;
  referringPhysician: string;
  /** CT only: how many slices over the same head (thinner as they are more); CT.slices by default. */
  slices?: number;
}

export interface DemoInstance {
  label: string;
  bytes: Buffer;
}

/** A UID under 2.25 (PS3.5 §B.2) from a hash of its parts: the same parts, the same UID. */
export function demoUid(...parts: (string | number)[]): string {
  const digest = createHash('sha256').update(parts.join('|')).digest();
  // 128 bits of the hash as an unsigned integer (at most 39 digits: 2.25. + 39 ≤ 64 characters).
  const value = BigInt(`0x${digest.subarray(0, 16).toString('hex')}`);
  return `2.25.${value.toString()}`;
}

const da = (iso: string) => iso.replaceAll('-', '');
const tm = (iso: string) => iso.replaceAll(':', '');

function personName(patient: DemoStudyPatient): string {
  const latin = `${patient.latin.family}^${patient.latin.given}`;
  return patient.arabic ? `${latin}=${patient.arabic.family}^${patient.arabic.given}` : latin;
}

/** The attributes every instance of a study shares: patient, study, equipment. */
function commonElements(request: DemoStudyRequest, studyUid: string, description: string): DicomElement[] {
  const { patient } = request;
  return [
    { tag: tag(0x0008, 0x0005), vr: 'CS', value: 'ISO_IR 192' },
    { tag: tag(0x0008, 0x0020), vr: 'DA', value: da(request.date) },
    { tag: tag(0x0008, 0x0030), vr: 'TM', value: tm(request.time) },
    { tag: tag(0x0008, 0x0050), vr: 'SH', value: request.accessionNumber },
    { tag: tag(0x0008, 0x0070), vr: 'LO', value: 'Tabib démonstration' },
    { tag: tag(0x0008, 0x0080), vr: 'LO', value: request.institution },
    { tag: tag(0x0008, 0x0090), vr: 'PN', value: request.referringPhysician },
    { tag: tag(0x0008, 0x1030), vr: 'LO', value: description },
    { tag: tag(0x0010, 0x0010), vr: 'PN', value: personName(patient) },
    { tag: tag(0x0010, 0x0020), vr: 'LO', value: patient.id },
    ...(patient.issuer ? [{ tag: tag(0x0010, 0x0021), vr: 'LO' as const, value: patient.issuer }] : []),
    { tag: tag(0x0010, 0x0030), vr: 'DA', value: patient.birthDate ? da(patient.birthDate) : '' },
    { tag: tag(0x0010, 0x0040), vr: 'CS', value: patient.sex },
    { tag: tag(0x0020, 0x000d), vr: 'UI', value: studyUid },
    { tag: tag(0x0020, 0x0010), vr: 'SH', value: request.accessionNumber.slice(-8) },
  ];
}

function seriesElements(
  seriesUid: string,
  modality: string,
  number: number,
  description: string,
  bodyPart: string,
): DicomElement[] {
  return [
    { tag: tag(0x0008, 0x0060), vr: 'CS', value: modality },
    { tag: tag(0x0008, 0x103e), vr: 'LO', value: description },
    { tag: tag(0x0018, 0x0015), vr: 'CS', value: bodyPart },
    { tag: tag(0x0020, 0x000e), vr: 'UI', value: seriesUid },
    { tag: tag(0x0020, 0x0011), vr: 'IS', value: number },
  ];
}

function asBytes(array: Int16Array | Uint16Array | Uint8Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

// ---- head CT ------------------------------------------------------------------------------------

export const CT = {
  size: 512,
  pixelSpacing: 0.5,
  slices: 60,
  sliceSpacing: 2.5,
  /** z of the first slice (mm, patient LPS); slices go up towards the vertex. */
  firstZ: -45,
  intercept: -1024,
} as const;

/** Head ellipsoid (mm): centre and semi-axes, left-right, antero-posterior, cranio-caudal. */
const HEAD = { cx: 0, cy: 8, cz: 40, a: 72, b: 92, c: 96 } as const;

/** Hounsfield units of the phantom's tissues. */
const HU = {
  air: -1000,
  scalp: 45,
  bone: 1500,
  diploe: 550,
  grey: 38,
  white: 27,
  csf: 6,
  lesion: 14,
} as const;

/** What one axial slice of the head ellipsoid is: its half-axes at that height (null above or below it). */
function headSection(z: number): { ax: number; by: number } | null {
  const t = (z - HEAD.cz) / HEAD.c;
  if (Math.abs(t) >= 1) return null;
  const scale = Math.sqrt(1 - t * t);
  return { ax: HEAD.a * scale, by: HEAD.b * scale };
}

/** The phantom at (x, y, z), in HU (before noise), inside the section `section` of its slice. */
function headHu(x: number, y: number, z: number, section: { ax: number; by: number }): number {
  const { ax, by } = section;
  const dx = x - HEAD.cx;
  const dy = y - HEAD.cy;
  const r = Math.sqrt((dx / ax) ** 2 + (dy / by) ** 2);
  if (r >= 1) return HU.air;
  const distance = Math.sqrt(dx * dx + dy * dy);
  // Depth under the surface along the ray from the centre (mm).
  const depth = r > 0 ? distance * (1 / r - 1) : Math.min(ax, by);
  if (depth < 4) return HU.scalp;
  if (depth < 11) {
    const within = (depth - 4) / 7;
    return within > 0.3 && within < 0.7 ? HU.diploe : HU.bone;
  }
  if (depth < 14) return HU.grey;
  // Lateral ventricles (frontal horns and bodies), the third ventricle, a lesion.
  const vz = z - (HEAD.cz + 2);
  if (Math.abs(vz) < 18) {
    const shrink = Math.sqrt(1 - (vz / 18) ** 2);
    for (const side of [-1, 1]) {
      const vx = (dx - side * 11) / (6 * shrink + 1);
      const vy = (dy + 6) / (26 * shrink + 2);
      if (vx * vx + vy * vy < 1) return HU.csf;
    }
  }
  if (z > HEAD.cz - 26 && z < HEAD.cz - 8 && Math.abs(dx) < 1.6 && Math.abs(dy - 4) < 11) return HU.csf;
  const lz = (z - (HEAD.cz + 12)) * 1.2;
  if ((dx + 34) ** 2 + (dy - 24) ** 2 + lz * lz < 49) return HU.lesion;
  // White matter inside, grey matter nearer the surface (and the deep grey nuclei).
  if (r > 0.78) return HU.grey;
  if (Math.abs(vz + 8) < 10 && Math.abs(Math.abs(dx) - 20) < 6 && Math.abs(dy) < 12) return HU.grey + 2;
  return HU.white;
}

/** The stored values (HU − intercept) of slice `index`, with the scanner's noise. */
export function headCtSlice(
  index: number,
  random: SeededRandom,
  sliceSpacing: number = CT.sliceSpacing,
): Int16Array {
  const { size, pixelSpacing } = CT;
  const z = CT.firstZ + index * sliceSpacing;
  const pixels = new Int16Array(size * size);
  const origin = -((size - 1) / 2) * pixelSpacing;
  const section = headSection(z);
  for (let row = 0; row < size; row++) {
    const y = origin + row * pixelSpacing;
    // The columns the head covers on this row; air (and the air's noise) elsewhere.
    const half =
      section && Math.abs(y - HEAD.cy) < section.by
        ? section.ax * Math.sqrt(1 - ((y - HEAD.cy) / section.by) ** 2)
        : -1;
    for (let column = 0; column < size; column++) {
      const x = origin + column * pixelSpacing;
      const inside = section !== null && Math.abs(x - HEAD.cx) < half;
      const hu = inside ? headHu(x, y, z, section) : HU.air;
      // Quantum noise, larger in soft tissue than the air around the head (which the scanner clips).
      const noise = hu === HU.air ? (random.next() - 0.5) * 8 : (random.next() + random.next() - 1) * 9;
      pixels[row * size + column] = Math.round(hu + noise - CT.intercept);
    }
  }
  return pixels;
}

export function headCt(request: DemoStudyRequest): {
  studyInstanceUid: string;
  instances: Generator<DemoInstance>;
} {
  const slices = request.slices ?? CT.slices;
  const sliceSpacing = (CT.slices * CT.sliceSpacing) / slices;
  const key = [
    request.seed,
    request.patient.id,
    request.date,
    'ct-head',
    ...(request.slices ? [slices] : []),
  ];
  const studyUid = demoUid(...key, 'study');
  const seriesUid = demoUid(...key, 'series');
  const frameOfReference = demoUid(...key, 'frame-of-reference');
  const origin = -((CT.size - 1) / 2) * CT.pixelSpacing;
  const common = [
    ...commonElements(request, studyUid, 'TDM cérébrale sans injection'),
    ...seriesElements(seriesUid, 'CT', 2, 'Encéphale axial 2,5 mm', 'HEAD'),
  ];
  function* instances(): Generator<DemoInstance> {
    for (let index = 0; index < slices; index++) {
      const z = CT.firstZ + index * sliceSpacing;
      const sopUid = demoUid(...key, 'instance', index);
      const pixels = headCtSlice(index, new SeededRandom(request.seed, index, 0xc7), sliceSpacing);
      const bytes = writeDicomFile([
        ...common,
        { tag: tag(0x0008, 0x0008), vr: 'CS', value: 'ORIGINAL\\PRIMARY\\AXIAL' },
        { tag: tag(0x0008, 0x0016), vr: 'UI', value: SOP_CLASS.ct },
        { tag: tag(0x0008, 0x0018), vr: 'UI', value: sopUid },
        { tag: tag(0x0018, 0x0050), vr: 'DS', value: sliceSpacing },
        { tag: tag(0x0018, 0x0060), vr: 'DS', value: 120 },
        { tag: tag(0x0018, 0x0088), vr: 'DS', value: sliceSpacing },
        { tag: tag(0x0018, 0x5100), vr: 'CS', value: 'HFS' },
        { tag: tag(0x0020, 0x0013), vr: 'IS', value: index + 1 },
        { tag: tag(0x0020, 0x0032), vr: 'DS', value: [origin, origin, z] },
        { tag: tag(0x0020, 0x0037), vr: 'DS', value: [1, 0, 0, 0, 1, 0] },
        { tag: tag(0x0020, 0x0052), vr: 'UI', value: frameOfReference },
        { tag: tag(0x0020, 0x1041), vr: 'DS', value: z },
        { tag: tag(0x0028, 0x0002), vr: 'US', value: 1 },
        { tag: tag(0x0028, 0x0004), vr: 'CS', value: 'MONOCHROME2' },
        { tag: tag(0x0028, 0x0010), vr: 'US', value: CT.size },
        { tag: tag(0x0028, 0x0011), vr: 'US', value: CT.size },
        { tag: tag(0x0028, 0x0030), vr: 'DS', value: [CT.pixelSpacing, CT.pixelSpacing] },
        { tag: tag(0x0028, 0x0100), vr: 'US', value: 16 },
        { tag: tag(0x0028, 0x0101), vr: 'US', value: 16 },
        { tag: tag(0x0028, 0x0102), vr: 'US', value: 15 },
        { tag: tag(0x0028, 0x0103), vr: 'US', value: 1 },
        { tag: tag(0x0028, 0x1050), vr: 'DS', value: [40, 400] },
        { tag: tag(0x0028, 0x1051), vr: 'DS', value: [80, 2000] },
        { tag: tag(0x0028, 0x1052), vr: 'DS', value: CT.intercept },
        { tag: tag(0x0028, 0x1053), vr: 'DS', value: 1 },
        { tag: tag(0x0028, 0x1054), vr: 'LO', value: 'HU' },
        { tag: tag(0x7fe0, 0x0010), vr: 'OW', value: asBytes(pixels) },
      ]);
      yield { label: `démonstration/tdm-cerebrale/IM${String(index + 1).padStart(4, '0')}.dcm`, bytes };
    }
  }
  return { studyInstanceUid: studyUid, instances: instances() };
}

// ---- chest radiograph ---------------------------------------------------------------------------

export const CXR = { size: 1024, pixelSpacing: 0.35, bitsStored: 12 } as const;

const inEllipse = (x: number, y: number, cx: number, cy: number, a: number, b: number) =>
  ((x - cx) / a) ** 2 + ((y - cy) / b) ** 2 < 1;

/** Attenuation (0–4095, brighter = more) at (u, v), both in [-0.5, 0.5] of the detector; u to the patient's left. */
function chestValue(u: number, v: number, texture: number): number {
  // The patient's right is on the viewer's left (a PA film seen as facing the patient): u < 0.
  const trunk = inEllipse(u, v + 0.02, 0, 0.1, 0.44, 0.62);
  if (!trunk) return 180;
  let value = 1700;
  const rightLung = inEllipse(u, v, -0.19, -0.04, 0.15, 0.3) && v < 0.2 - 0.25 * (u + 0.19) ** 2;
  const leftLung = inEllipse(u, v, 0.19, -0.02, 0.14, 0.29) && v < 0.23 - 0.25 * (u - 0.19) ** 2;
  const heart = inEllipse(u, v, 0.06, 0.12, 0.15, 0.12);
  if ((rightLung || leftLung) && !heart) {
    // Aerated lung, with the vessels fading towards the periphery.
    const hilum = Math.sqrt(Math.min((u + 0.08) ** 2, (u - 0.08) ** 2) + (v - 0.02) ** 2);
    value = 820 + Math.max(0, 260 - hilum * 1100) + texture * 90;
  }
  if (Math.abs(u) < 0.055 || heart) value = Math.max(value, 2450 + texture * 30);
  if (Math.abs(u) < 0.03 && v > -0.45) value = Math.max(value, 2750 + texture * 20); // spine
  if (v > 0.2 - 0.25 * (u + 0.19) ** 2 && u < 0 && v < 0.55) value = Math.max(value, 2150); // liver
  // Ribs: posterior arcs over the lungs, nine a side, 0.058 apart.
  const along = Math.abs(u);
  if (along >= 0.04 && along <= 0.36) {
    const first = -0.28 - 0.9 * (along - 0.2) ** 2 + 0.02 * along;
    const rib = Math.round((v - first) / 0.058);
    if (
      rib >= 0 &&
      rib < 9 &&
      Math.abs(v - (first + rib * 0.058)) < 0.0105 &&
      inEllipse(u, v, 0, 0.1, 0.42, 0.6)
    )
      value += 380;
  }
  // Clavicles.
  const clavicle = -0.33 + 0.18 * (Math.abs(u) - 0.12) ** 2;
  if (Math.abs(u) > 0.04 && Math.abs(u) < 0.3 && Math.abs(v - clavicle) < 0.013) value += 520;
  return value;
}

export function chestRadiograph(request: DemoStudyRequest): {
  studyInstanceUid: string;
  instances: Generator<DemoInstance>;
} {
  const key = [request.seed, request.patient.id, request.date, 'chest'];
  const studyUid = demoUid(...key, 'study');
  const seriesUid = demoUid(...key, 'series');
  function* instances(): Generator<DemoInstance> {
    const random = new SeededRandom(request.seed, 1, 0xd7);
    const { size } = CXR;
    const pixels = new Uint16Array(size * size);
    // A coarse random field, interpolated: the lungs' texture.
    const grid = 33;
    const field = Float64Array.from({ length: grid * grid }, () => random.next() * 2 - 1);
    for (let row = 0; row < size; row++) {
      const v = row / (size - 1) - 0.5;
      const gy = (row / size) * (grid - 1);
      const y0 = Math.floor(gy);
      const fy = gy - y0;
      for (let column = 0; column < size; column++) {
        const u = column / (size - 1) - 0.5;
        const gx = (column / size) * (grid - 1);
        const x0 = Math.floor(gx);
        const fx = gx - x0;
        const at = (x: number, y: number) => field[y * grid + x] as number;
        const texture =
          at(x0, y0) * (1 - fx) * (1 - fy) +
          at(x0 + 1, y0) * fx * (1 - fy) +
          at(x0, y0 + 1) * (1 - fx) * fy +
          at(x0 + 1, y0 + 1) * fx * fy;
        const value = chestValue(u, v, texture) + (random.next() - 0.5) * 40;
        pixels[row * size + column] = Math.max(0, Math.min(4095, Math.round(value)));
      }
    }
    const bytes = writeDicomFile([
      ...commonElements(request, studyUid, 'Radiographie thoracique de face'),
      ...seriesElements(seriesUid, 'DX', 1, 'Thorax PA', 'CHEST'),
      { tag: tag(0x0008, 0x0008), vr: 'CS', value: 'ORIGINAL\\PRIMARY' },
      { tag: tag(0x0008, 0x0016), vr: 'UI', value: SOP_CLASS.dxPresentation },
      { tag: tag(0x0008, 0x0018), vr: 'UI', value: demoUid(...key, 'instance', 0) },
      { tag: tag(0x0008, 0x0068), vr: 'CS', value: 'FOR PRESENTATION' },
      { tag: tag(0x0018, 0x1164), vr: 'DS', value: [CXR.pixelSpacing, CXR.pixelSpacing] },
      { tag: tag(0x0018, 0x5101), vr: 'CS', value: 'PA' },
      { tag: tag(0x0020, 0x0013), vr: 'IS', value: 1 },
      { tag: tag(0x0020, 0x0020), vr: 'CS', value: 'L\\F' },
      { tag: tag(0x0028, 0x0002), vr: 'US', value: 1 },
      { tag: tag(0x0028, 0x0004), vr: 'CS', value: 'MONOCHROME2' },
      { tag: tag(0x0028, 0x0010), vr: 'US', value: size },
      { tag: tag(0x0028, 0x0011), vr: 'US', value: size },
      { tag: tag(0x0028, 0x0030), vr: 'DS', value: [CXR.pixelSpacing, CXR.pixelSpacing] },
      { tag: tag(0x0028, 0x0100), vr: 'US', value: 16 },
      { tag: tag(0x0028, 0x0101), vr: 'US', value: CXR.bitsStored },
      { tag: tag(0x0028, 0x0102), vr: 'US', value: CXR.bitsStored - 1 },
      { tag: tag(0x0028, 0x0103), vr: 'US', value: 0 },
      { tag: tag(0x0028, 0x1040), vr: 'CS', value: 'LIN' },
      { tag: tag(0x0028, 0x1050), vr: 'DS', value: 2048 },
      { tag: tag(0x0028, 0x1051), vr: 'DS', value: 4096 },
      { tag: tag(0x0028, 0x1052), vr: 'DS', value: 0 },
      { tag: tag(0x0028, 0x1053), vr: 'DS', value: 1 },
      { tag: tag(0x2050, 0x0020), vr: 'CS', value: 'IDENTITY' },
      { tag: tag(0x7fe0, 0x0010), vr: 'OW', value: asBytes(pixels) },
    ]);
    yield { label: 'démonstration/radio-thorax/IM0001.dcm', bytes };
  }
  return { studyInstanceUid: studyUid, instances: instances() };
}

// ---- abdominal ultrasound clip ------------------------------------------------------------------

export const US = { rows: 192, columns: 256, frames: 16, frameTimeMs: 66.7 } as const;

export function ultrasoundClip(request: DemoStudyRequest): {
  studyInstanceUid: string;
  instances: Generator<DemoInstance>;
} {
  const key = [request.seed, request.patient.id, request.date, 'ultrasound'];
  const studyUid = demoUid(...key, 'study');
  const seriesUid = demoUid(...key, 'series');
  function* instances(): Generator<DemoInstance> {
    const { rows, columns, frames } = US;
    const random = new SeededRandom(request.seed, 2, 0x05);
    // Static speckle (the tissue) and a little per-frame noise.
    const speckle = Float64Array.from({ length: rows * columns }, () => -Math.log(1 - random.next() * 0.999));
    const rgb = new Uint8Array(rows * columns * 3 * frames);
    const apex = { x: columns / 2, y: 6 };
    const halfAngle = (36 * Math.PI) / 180;
    for (let frame = 0; frame < frames; frame++) {
      const phase = Math.sin((2 * Math.PI * frame) / frames);
      const cyst = { x: columns / 2 + 4, y: 104, a: 34 + 5 * phase, b: 24 + 3 * phase };
      for (let row = 0; row < rows; row++) {
        for (let column = 0; column < columns; column++) {
          const at = ((frame * rows + row) * columns + column) * 3;
          const dx = column - apex.x;
          const dy = row - apex.y;
          const depth = Math.sqrt(dx * dx + dy * dy);
          const angle = Math.atan2(dx, dy);
          // The depth scale: a white tick every 16 pixels at the right edge.
          if (column >= columns - 6 && row % 16 === 0) {
            rgb.fill(220, at, at + 3);
            continue;
          }
          if (Math.abs(angle) > halfAngle || depth > rows - 8 || depth < 4) continue;
          const e = ((column - cyst.x) / cyst.a) ** 2 + ((row - cyst.y) / cyst.b) ** 2;
          let grey: number;
          if (e < 1) grey = 6 + 4 * random.next();
          else if (e < 1.25) grey = 190 + 40 * random.next();
          else {
            const tissue =
              120 * Math.exp(-depth / 260) * (0.55 + 0.45 * (speckle[row * columns + column] as number));
            grey = tissue + (row > cyst.y + cyst.b && Math.abs(column - cyst.x) < cyst.a * 0.8 ? 35 : 0);
          }
          grey = Math.max(0, Math.min(255, Math.round(grey + (random.next() - 0.5) * 6)));
          rgb[at] = grey;
          rgb[at + 1] = grey;
          rgb[at + 2] = grey;
          // Colour Doppler inside the structure: red towards the probe, blue away, with the beat.
          if (e < 0.6 && Math.abs(phase) > 0.2) {
            const towards = row < cyst.y === phase > 0;
            const strength = Math.round(120 + 120 * Math.abs(phase) * (1 - e));
            rgb[at] = towards ? strength : 0;
            rgb[at + 1] = Math.round(strength * 0.15);
            rgb[at + 2] = towards ? 0 : strength;
          }
        }
      }
    }
    const bytes = writeDicomFile([
      ...commonElements(request, studyUid, 'Échographie abdominale'),
      ...seriesElements(seriesUid, 'US', 1, 'Vésicule biliaire, boucle', 'ABDOMEN'),
      { tag: tag(0x0008, 0x0008), vr: 'CS', value: 'ORIGINAL\\PRIMARY\\ABDOMINAL' },
      { tag: tag(0x0008, 0x0016), vr: 'UI', value: SOP_CLASS.usMultiFrame },
      { tag: tag(0x0008, 0x0018), vr: 'UI', value: demoUid(...key, 'instance', 0) },
      { tag: tag(0x0018, 0x0040), vr: 'IS', value: Math.round(1000 / US.frameTimeMs) },
      { tag: tag(0x0018, 0x1063), vr: 'DS', value: US.frameTimeMs },
      { tag: tag(0x0020, 0x0013), vr: 'IS', value: 1 },
      { tag: tag(0x0028, 0x0002), vr: 'US', value: 3 },
      { tag: tag(0x0028, 0x0004), vr: 'CS', value: 'RGB' },
      { tag: tag(0x0028, 0x0006), vr: 'US', value: 0 },
      { tag: tag(0x0028, 0x0008), vr: 'IS', value: frames },
      { tag: tag(0x0028, 0x0009), vr: 'AT', value: tag(0x0018, 0x1063) },
      { tag: tag(0x0028, 0x0010), vr: 'US', value: rows },
      { tag: tag(0x0028, 0x0011), vr: 'US', value: columns },
      { tag: tag(0x0028, 0x0100), vr: 'US', value: 8 },
      { tag: tag(0x0028, 0x0101), vr: 'US', value: 8 },
      { tag: tag(0x0028, 0x0102), vr: 'US', value: 7 },
      { tag: tag(0x0028, 0x0103), vr: 'US', value: 0 },
      { tag: tag(0x0028, 0x0301), vr: 'CS', value: 'NO' },
      { tag: tag(0x7fe0, 0x0010), vr: 'OB', value: rgb },
    ]);
    yield { label: 'démonstration/echographie/IM0001.dcm', bytes };
  }
  return { studyInstanceUid: studyUid, instances: instances() };
}
