/**
 * A DICOM corpus made by the tests with DCMTK (../shared/docs/test-peers.md), never committed:
 * synthetic pixels written here, wrapped by dump2dcm (exact tags, raw bytes in any character
 * set) or img2dcm (RGB from a BMP), edited by dcmodify, transcoded by dcmconv, dcmcjpeg, dcmcjpls
 * and dcmcrle, and a CD's DICOMDIR by dcmmkdir. Broken files are cut or damaged copies.
 *
 * JPEG 2000 is not made: DCMTK's free tools have no JPEG 2000 encoder (it is a commercial module).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function dcmtk(tool: string, args: string[], cwd?: string): string {
  return execFileSync(tool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A UID of fixed length (2.25 + 38 digits, PS3.5 §B.2), so a file's copies can swap UIDs in place. */
export function newUid(): string {
  const digits = BigInt(`0x${randomBytes(16).toString('hex')}`)
    .toString()
    .padStart(39, '1')
    .slice(0, 38);
  return `2.25.1${digits}`.slice(0, 44);
}

/** Deterministic noise on a gradient: compressible, but no stretch of it repeats. */
export function syntheticPixels(
  width: number,
  height: number,
  bits: 8 | 16,
  frames = 1,
  samples = 1,
  seed = 7,
): Buffer {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return state >>> 16;
  };
  const bytesPerSample = bits / 8;
  const buffer = Buffer.alloc(width * height * frames * samples * bytesPerSample);
  let offset = 0;
  for (let frame = 0; frame < frames; frame++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let sample = 0; sample < samples; sample++) {
          const value =
            bits === 16
              ? (x * 31 + y * 17 + frame * 97 + (next() % 64)) % 4096
              : (x * 2 + y + frame * 9 + sample * 40 + (next() % 16)) % 256;
          if (bits === 16) buffer.writeUInt16LE(value, offset);
          else buffer.writeUInt8(value, offset);
          offset += bytesPerSample;
        }
  return buffer;
}

export interface DumpSpec {
  characterSet?: string;
  /** Raw bytes of the name, already in the character set. */
  patientName: Buffer;
  patientId: string;
  otherPatientIds?: string;
  birthDate?: string;
  sex?: string;
  studyUid: string;
  seriesUid: string;
  sopUid: string;
  studyDate?: string;
  studyTime?: string;
  studyDescription?: Buffer;
  seriesDescription?: string;
  accessionNumber?: string;
  modality?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  width: number;
  height: number;
  bits: 8 | 16;
  frames?: number;
  pixelFile: string;
}

/** A DICOM file from a dump (explicit VR little endian), each text value as raw bytes. */
export function dumpToDicom(dir: string, name: string, spec: DumpSpec): string {
  const line = (text: string) => Buffer.from(`${text}\n`, 'latin1');
  const raw = (prefix: string, value: Buffer) =>
    Buffer.concat([Buffer.from(`${prefix} [`, 'latin1'), value, Buffer.from(']\n')]);
  const frames = spec.frames ?? 1;
  const parts: Buffer[] = [
    line('(0002,0010) UI =LittleEndianExplicit'),
    ...(spec.characterSet ? [line(`(0008,0005) CS [${spec.characterSet}]`)] : []),
    line(
      `(0008,0016) UI =${frames > 1 ? 'MultiframeGrayscaleWordSecondaryCaptureImageStorage' : 'CTImageStorage'}`,
    ),
    line(`(0008,0018) UI [${spec.sopUid}]`),
    line(`(0008,0020) DA [${spec.studyDate ?? '20240315'}]`),
    line(`(0008,0030) TM [${spec.studyTime ?? '101500'}]`),
    line(`(0008,0050) SH [${spec.accessionNumber ?? 'ACC0001'}]`),
    line(`(0008,0060) CS [${spec.modality ?? 'CT'}]`),
    raw('(0008,1030) LO', spec.studyDescription ?? Buffer.from('Synthetic study')),
    line(`(0008,103e) LO [${spec.seriesDescription ?? 'Synthetic series'}]`),
    raw('(0010,0010) PN', spec.patientName),
    line(`(0010,0020) LO [${spec.patientId}]`),
    line(`(0010,0030) DA [${spec.birthDate ?? ''}]`),
    line(`(0010,0040) CS [${spec.sex ?? 'F'}]`),
    ...(spec.otherPatientIds ? [line(`(0010,1000) LO [${spec.otherPatientIds}]`)] : []),
    line(`(0020,000d) UI [${spec.studyUid}]`),
    line(`(0020,000e) UI [${spec.seriesUid}]`),
    line(`(0020,0010) SH [S1]`),
    line(`(0020,0011) IS [${spec.seriesNumber ?? 1}]`),
    line(`(0020,0013) IS [${spec.instanceNumber ?? 1}]`),
    line('(0028,0002) US 1'),
    ...(frames > 1 ? [line(`(0028,0008) IS [${frames}]`)] : []),
    line('(0028,0004) CS [MONOCHROME2]'),
    line(`(0028,0010) US ${spec.height}`),
    line(`(0028,0011) US ${spec.width}`),
    line(`(0028,0100) US ${spec.bits}`),
    line(`(0028,0101) US ${spec.bits === 16 ? 12 : 8}`),
    line(`(0028,0102) US ${spec.bits === 16 ? 11 : 7}`),
    line('(0028,0103) US 0'),
    line(`(7fe0,0010) ${spec.bits === 16 ? 'OW' : 'OB'} =${spec.pixelFile}`),
  ];
  const dumpPath = join(dir, `${name}.dump`);
  writeFileSync(dumpPath, Buffer.concat(parts));
  const out = join(dir, `${name}.dcm`);
  dcmtk('dump2dcm', [dumpPath, out], dir);
  return out;
}

/** A 24-bit BMP (bottom-up rows, padded to 4 bytes) for img2dcm. */
export function writeBmp(path: string, width: number, height: number, rgb: Buffer): void {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + rowBytes * height, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(rowBytes * height, 34);
  const body = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const source = (y * width + x) * 3;
      const target = (height - 1 - y) * rowBytes + x * 3;
      body[target] = rgb[source + 2] as number;
      body[target + 1] = rgb[source + 1] as number;
      body[target + 2] = rgb[source] as number;
    }
  writeFileSync(path, Buffer.concat([header, body]));
}

export interface CorpusFile {
  path: string;
  transferSyntax: string;
  sopUid: string;
  studyUid: string;
  /** Bytes that must never appear in clear in the cache: the name as encoded, and pixel stretches. */
  secrets: Buffer[];
}

/** The SOP Instance UID DCMTK wrote (lossy compression assigns a new one). */
export function sopUidOf(path: string): string {
  const match = /\[([0-9.]+)\]/.exec(dcmtk('dcmdump', ['+P', '0008,0018', path]));
  if (!match) throw new Error(`No SOP Instance UID in ${path}`);
  return match[1] as string;
}

/** Stretches of a file's tail (its pixel data), for the clear-text check. */
export function pixelStretches(path: string, count = 4, length = 24): Buffer[] {
  const bytes = readFileSync(path);
  const start = Math.floor(bytes.length * 0.6);
  const stretches: Buffer[] = [];
  for (let index = 0; index < count; index++) {
    const offset = start + Math.floor(((bytes.length - start - length) * index) / count);
    stretches.push(Buffer.from(bytes.subarray(offset, offset + length)));
  }
  return stretches;
}

export const TS = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegExtended: '1.2.840.10008.1.2.4.51',
  jpegLossless: '1.2.840.10008.1.2.4.57',
  jpegLosslessSv1: '1.2.840.10008.1.2.4.70',
  jpegLsLossless: '1.2.840.10008.1.2.4.80',
  jpegLsNear: '1.2.840.10008.1.2.4.81',
  rle: '1.2.840.10008.1.2.5',
} as const;

export interface Corpus {
  dir: string;
  /** One file per transfer syntax (16-bit CT, or 8-bit where the codec wants it). */
  transferSyntaxes: CorpusFile[];
  multiFrame: CorpusFile;
  rgb: CorpusFile;
  rgbJpeg: CorpusFile;
  french: CorpusFile;
  arabic: CorpusFile;
  utf8: CorpusFile;
  broken: {
    truncated: string;
    truncatedJpeg: string;
    notDicom: string;
    corruptHeader: string;
    empty: string;
  };
  /** A CD: DICOMDIR and its files, with lower-case names as Linux may show them. */
  cd: { dicomdir: string; files: CorpusFile[] };
}

export function makeCorpus(dir: string): Corpus {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'ct16.raw'), syntheticPixels(64, 64, 16));
  writeFileSync(join(dir, 'ct8.raw'), syntheticPixels(64, 64, 8, 1, 1, 11));
  writeFileSync(join(dir, 'multi.raw'), syntheticPixels(32, 32, 16, 4, 1, 13));
  const studyUid = newUid();
  const seriesUid = newUid();
  const base = (name: string, overrides: Partial<DumpSpec> = {}) =>
    dumpToDicom(dir, name, {
      patientName: Buffer.from('Synthetic^Patient'),
      patientId: 'SYN0001',
      birthDate: '19700101',
      studyUid,
      seriesUid,
      sopUid: newUid(),
      width: 64,
      height: 64,
      bits: 16,
      pixelFile: 'ct16.raw',
      ...overrides,
    });
  const file = (
    path: string,
    transferSyntax: string,
    study = studyUid,
    secrets: Buffer[] = [],
  ): CorpusFile => ({
    path,
    transferSyntax,
    sopUid: sopUidOf(path),
    studyUid: study,
    secrets: [...secrets, ...pixelStretches(path)],
  });
  const transcode = (name: string, tool: string, options: string[], bits: 8 | 16 = 16) => {
    const source = base(`${name}-source`, bits === 8 ? { bits: 8, pixelFile: 'ct8.raw' } : {});
    const out = join(dir, `${name}.dcm`);
    dcmtk(tool, [...options, source, out], dir);
    return out;
  };

  const transferSyntaxes = [
    file(base('explicit-le', { instanceNumber: 1 }), TS.explicitLittle),
    file(transcode('implicit-le', 'dcmconv', ['+ti']), TS.implicitLittle),
    file(transcode('explicit-be', 'dcmconv', ['+tb']), TS.explicitBig),
    file(transcode('deflated', 'dcmconv', ['+td']), TS.deflated),
    file(transcode('jpeg-baseline', 'dcmcjpeg', ['+eb'], 8), TS.jpegBaseline),
    file(transcode('jpeg-extended', 'dcmcjpeg', ['+ee']), TS.jpegExtended),
    file(transcode('jpeg-lossless', 'dcmcjpeg', ['+el']), TS.jpegLossless),
    file(transcode('jpeg-lossless-sv1', 'dcmcjpeg', ['+e1']), TS.jpegLosslessSv1),
    file(transcode('jpeg-ls', 'dcmcjpls', []), TS.jpegLsLossless),
    file(transcode('jpeg-ls-near', 'dcmcjpls', ['+en']), TS.jpegLsNear),
    file(transcode('rle', 'dcmcrle', []), TS.rle),
  ];

  const multiFrame = file(
    base('multi-frame', {
      frames: 4,
      width: 32,
      height: 32,
      pixelFile: 'multi.raw',
      modality: 'OT',
      seriesUid: newUid(),
    }),
    TS.explicitLittle,
  );

  // RGB through img2dcm (a BMP written here), then tags by dcmodify.
  const rgbPixels = syntheticPixels(48, 40, 8, 1, 3, 17);
  writeBmp(join(dir, 'colour.bmp'), 48, 40, rgbPixels);
  const rgbPath = join(dir, 'rgb.dcm');
  const rgbStudy = newUid();
  dcmtk('img2dcm', [
    '-i',
    'BMP',
    join(dir, 'colour.bmp'),
    rgbPath,
    '-k',
    `StudyInstanceUID=${rgbStudy}`,
    '-k',
    'PatientID=SYN0002',
    '-k',
    'PatientName=Colour^Test',
    '-k',
    'Modality=XC',
  ]);
  dcmtk('dcmodify', ['-nb', '-i', 'StudyDescription=Dermatologie', '-i', 'StudyDate=20240316', rgbPath]);
  const rgb = file(rgbPath, TS.explicitLittle, rgbStudy);
  const rgbJpegPath = join(dir, 'rgb-jpeg.dcm');
  dcmtk('dcmcjpeg', ['+eb', rgbPath, rgbJpegPath]);
  const rgbJpeg = file(rgbJpegPath, TS.jpegBaseline, rgbStudy);

  // French, ISO_IR 100: the name and description set by dcmodify from Latin-1 files (argv would be UTF-8).
  const frenchStudy = newUid();
  const frenchPath = base('french', { studyUid: frenchStudy, seriesUid: newUid(), patientId: 'FR0001' });
  const frenchName = Buffer.from('Lefèvre^Françoise^Hélène', 'latin1');
  const frenchDescription = Buffer.from('Échographie abdominale', 'latin1');
  writeFileSync(join(dir, 'french-name.bin'), frenchName);
  writeFileSync(join(dir, 'french-description.bin'), frenchDescription);
  dcmtk('dcmodify', [
    '-nb',
    '-i',
    'SpecificCharacterSet=ISO_IR 100',
    '-mf',
    `PatientName=${join(dir, 'french-name.bin')}`,
    '-mf',
    `StudyDescription=${join(dir, 'french-description.bin')}`,
    frenchPath,
  ]);
  const french = file(frenchPath, TS.explicitLittle, frenchStudy, [
    frenchName,
    Buffer.from('Lefèvre', 'utf8'),
    Buffer.from('Lefèvre', 'utf16le'),
  ]);

  // Arabic, ISO_IR 127 (ISO-8859-6): بنعلي^فاطمة
  const arabicStudy = newUid();
  const arabicName = Buffer.from([0xc8, 0xe6, 0xd9, 0xe4, 0xea, 0x5e, 0xe1, 0xc7, 0xd7, 0xe5, 0xc9]);
  const arabic = file(
    base('arabic', {
      characterSet: 'ISO_IR 127',
      patientName: arabicName,
      patientId: 'AR0001',
      studyUid: arabicStudy,
      seriesUid: newUid(),
      studyDescription: Buffer.from([0xd5, 0xe8, 0xd1, 0xc9, 0x20, 0xd5, 0xcf, 0xd1]),
    }),
    TS.explicitLittle,
    arabicStudy,
    [arabicName.subarray(0, 5), Buffer.from('بنعلي', 'utf8'), Buffer.from('بنعلي', 'utf16le')],
  );

  // UTF-8, ISO_IR 192, two groups: alphabetic in Latin, ideographic in Arabic.
  const utf8Study = newUid();
  const utf8Name = Buffer.from('Zerhouni^Nadia=زرهوني^نادية', 'utf8');
  const utf8 = file(
    base('utf8', {
      characterSet: 'ISO_IR 192',
      patientName: utf8Name,
      patientId: 'UT0001',
      studyUid: utf8Study,
      seriesUid: newUid(),
      studyDescription: Buffer.from('IRM cérébrale — تصوير', 'utf8'),
    }),
    TS.explicitLittle,
    utf8Study,
    [
      Buffer.from('Zerhouni', 'utf8'),
      Buffer.from('زرهوني', 'utf8'),
      Buffer.from('Zerhouni', 'utf16le'),
      Buffer.from('زرهوني', 'utf16le'),
    ],
  );

  // Broken files.
  const whole = readFileSync(transferSyntaxes[0]?.path as string);
  const truncated = join(dir, 'truncated.dcm');
  writeFileSync(truncated, whole.subarray(0, whole.length - 1500));
  const jpegWhole = readFileSync(transferSyntaxes[6]?.path as string);
  const truncatedJpeg = join(dir, 'truncated-jpeg.dcm');
  writeFileSync(truncatedJpeg, jpegWhole.subarray(0, Math.floor(jpegWhole.length * 0.7)));
  const notDicom = join(dir, 'README.TXT');
  writeFileSync(notDicom, 'This disc contains images. Insert it in a DICOM viewer.\n'.repeat(20));
  // The DICM prefix, then a damaged file meta information header (no Transfer Syntax UID to read).
  const corruptHeader = join(dir, 'corrupt-header.dcm');
  const corrupt = Buffer.from(whole);
  corrupt.fill(0xff, 132, 132 + 48);
  writeFileSync(corruptHeader, corrupt);
  const empty = join(dir, 'empty.dcm');
  writeFileSync(empty, Buffer.alloc(0));

  // A CD: dcmmkdir over upper-case ISO 9660 names, then shown in lower case (as a Linux mount may).
  const cdRoot = join(dir, 'cd');
  mkdirSync(join(cdRoot, 'DICOM', 'ST000001', 'SE000001'), { recursive: true });
  const cdStudy = newUid();
  const cdSeries = newUid();
  const cdSources = [1, 2, 3].map((number) =>
    base(`cd-${number}`, {
      studyUid: cdStudy,
      seriesUid: cdSeries,
      instanceNumber: number,
      patientId: 'CD0001',
    }),
  );
  cdSources.forEach((source, index) =>
    copyFileSync(source, join(cdRoot, 'DICOM', 'ST000001', 'SE000001', `IM00000${index + 1}`)),
  );
  dcmtk('dcmmkdir', ['+r', '+I', '-q', 'DICOM'], cdRoot);
  renameSync(join(cdRoot, 'DICOM'), join(cdRoot, 'dicom'));
  renameSync(join(cdRoot, 'dicom', 'ST000001'), join(cdRoot, 'dicom', 'st000001'));
  const cdFiles = cdSources.map((source) => file(source, TS.explicitLittle, cdStudy));
  return {
    dir,
    transferSyntaxes,
    multiFrame,
    rgb,
    rgbJpeg,
    french,
    arabic,
    utf8,
    broken: { truncated, truncatedJpeg, notDicom, corruptHeader, empty },
    cd: { dicomdir: join(cdRoot, 'DICOMDIR'), files: cdFiles },
  };
}
