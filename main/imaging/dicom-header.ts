/**
 * What Tabib indexes of one DICOM Part 10 file (PS3.10 §7): its patient, study, series and
 * instance attributes, read with dicom-parser (the parser Cornerstone's loader uses, so a file
 * that imports is a file the viewer can open). Pure: bytes in, header out, or a TabibError with
 * IMAGING_NOT_DICOM, IMAGING_TRUNCATED or IMAGING_CORRUPT.
 */
import { inflateRawSync } from 'node:zlib';
import * as dicomParserModule from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { TabibError } from '../errors';
import { DicomCharacterSet, parsePersonName, type DicomPersonName } from './dicom-text';

/** dicom-parser is a UMD bundle: under Node's ESM loader its exports sit on `default`. */
const dicomParser =
  (dicomParserModule as unknown as { default?: typeof dicomParserModule }).default ?? dicomParserModule;

export const DEFLATED_EXPLICIT_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
/** Media Storage Directory Storage: a DICOMDIR (PS3.10 §8), not an instance to cache. */
export const MEDIA_STORAGE_DIRECTORY = '1.2.840.10008.1.3.10';

export interface DicomPatientHeader {
  /** (0010,0020) Patient ID, as written (may be empty). */
  id: string;
  /** (0010,0021) Issuer of Patient ID. */
  issuer: string;
  /** (0010,1002) Other Patient IDs Sequence and the retired (0010,1000) Other Patient IDs. */
  otherIds: { id: string; issuer: string }[];
  name: DicomPersonName | null;
  /** ISO 8601 (YYYY-MM-DD) or null when absent or malformed. */
  birthDate: string | null;
  sex: string;
}

export interface DicomInstanceHeader {
  characterSet: string;
  patient: DicomPatientHeader;
  study: {
    uid: string;
    date: string | null;
    time: string | null;
    description: string;
    accessionNumber: string;
    id: string;
  };
  series: {
    uid: string;
    modality: string;
    number: number | null;
    description: string;
    /** (0018,0015) BodyPartExamined ('' when absent). */
    bodyPart: string;
  };
  instance: {
    sopInstanceUid: string;
    sopClassUid: string;
    number: number | null;
    frames: number;
    rows: number | null;
    columns: number | null;
    transferSyntaxUid: string;
    photometricInterpretation: string;
    /** (0020,0032) ImagePositionPatient, mm; null when absent or malformed. */
    position: [number, number, number] | null;
    /** (0020,0037) ImageOrientationPatient: row then column direction cosines; null when absent or malformed. */
    orientation: [number, number, number, number, number, number] | null;
  };
}

/** dicom-parser throws strings, Errors, or `{ exception, dataSet }`: its words, whatever the shape. */
function parserMessage(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'exception' in error)
    return parserMessage((error as { exception: unknown }).exception);
  return String(error);
}

/** dicom-parser's and zlib's words for a file that stops early. */
const TRUNCATION = /past end|overrun|overread|cannot be greater than or equal|unexpected end of file/i;

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

/** Parses a whole Part 10 file (pixel data included, so a truncated file is caught here). */
export function parseDicomFile(bytes: Uint8Array): DataSet {
  if (!hasPart10Prefix(bytes)) {
    throw new TabibError('IMAGING_NOT_DICOM', 'Not a DICOM file: no DICM prefix at byte 128 (PS3.10 §7.1)');
  }
  try {
    return dicomParser.parseDicom(bytes, {
      // PS3.5 Annex A.5: the data set after the meta header is a raw deflate stream.
      inflater: (whole: Uint8Array, position: number) => {
        const inflated = inflateRawSync(whole.subarray(position));
        const joined = new Uint8Array(position + inflated.length);
        joined.set(whole.subarray(0, position), 0);
        joined.set(inflated, position);
        return joined;
      },
    } as dicomParserModule.ParseDicomOptions);
  } catch (error) {
    const message = parserMessage(error);
    if (TRUNCATION.test(message))
      throw new TabibError('IMAGING_TRUNCATED', `The DICOM file is truncated: ${message}`);
    throw new TabibError('IMAGING_CORRUPT', `The DICOM file cannot be read: ${message}`);
  }
}

const TEXT_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'PN', 'UC']);

/** Reads attributes of one data set (the file's, or a sequence item's) in the file's character set. */
class AttributeReader {
  constructor(
    private readonly dataSet: DataSet,
    private readonly charset: DicomCharacterSet,
  ) {}

  private element(tag: string): Element | undefined {
    const element = this.dataSet.elements[tag];
    return element && element.length > 0 ? element : undefined;
  }

  /** Default-repertoire value (UI, CS, DA, TM, IS, DS, AE): ASCII, trailing padding removed. */
  ascii(tag: string): string {
    const element = this.element(tag);
    if (!element) return '';
    const bytes = this.dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      .toString('latin1')
      .replace(/[\0 ]+$/, '')
      .trim();
  }

  /** A text value (SH, LO, PN, …) in the Specific Character Set; leading and trailing spaces removed. */
  text(tag: string): string {
    const element = this.element(tag);
    if (!element) return '';
    if (element.vr && !TEXT_VRS.has(element.vr)) return this.ascii(tag);
    const bytes = this.dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    return this.charset.decode(bytes).trim();
  }

  uint16(tag: string): number | null {
    const element = this.element(tag);
    if (!element || element.length < 2) return null;
    return this.dataSet.uint16(tag) ?? null;
  }

  integer(tag: string): number | null {
    const value = this.ascii(tag).split('\\')[0]?.trim() ?? '';
    if (!/^[+-]?\d+$/.test(value)) return null;
    return Number(value);
  }

  /** A multi-valued DS of exactly `count` finite numbers, or null. */
  decimals(tag: string, count: number): number[] | null {
    const text = this.ascii(tag);
    if (!text) return null;
    const parts = text.split('\\').map((value) => value.trim());
    if (parts.length !== count || parts.some((value) => value === '')) return null;
    const values = parts.map(Number);
    return values.some((value) => !Number.isFinite(value)) ? null : values;
  }

  items(tag: string): AttributeReader[] {
    const element = this.dataSet.elements[tag];
    return (element?.items ?? [])
      .map((item) => item.dataSet)
      .filter((item): item is DataSet => item !== undefined)
      .map((item) => new AttributeReader(item, this.charset));
  }
}

/** DA (YYYYMMDD, or the ACR-NEMA YYYY.MM.DD) as ISO 8601; null when it is not a date. */
export function isoDate(value: string): string | null {
  const match = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > 31) return null;
  return `${year}-${month}-${day}`;
}

/** TM (HHMMSS.FFFFFF, any trailing part absent) as HH:MM:SS; null when it is not a time. */
export function isoTime(value: string): string | null {
  const match = /^(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?(?:\.\d{1,6})?$/.exec(value.trim());
  if (!match) return null;
  const [, hours, minutes = '00', seconds = '00'] = match as unknown as [string, string, string?, string?];
  return `${hours}:${minutes}:${seconds}`;
}

const UID = /^[0-9]+(\.[0-9]+)*$/;

function requiredUid(reader: AttributeReader, tag: string, name: string): string {
  const value = reader.ascii(tag);
  if (!value || value.length > 64 || !UID.test(value)) {
    throw new TabibError('IMAGING_CORRUPT', `The DICOM file has no valid ${name} (${tag})`, {
      attribute: name,
    });
  }
  return value;
}

/** Parses a file and reads what the index keeps. A DICOMDIR is refused (IMAGING_NOT_DICOM: not an instance). */
export function readDicomInstance(bytes: Uint8Array): DicomInstanceHeader {
  const dataSet = parseDicomFile(bytes);
  const plain = new AttributeReader(dataSet, new DicomCharacterSet(undefined));
  const characterSet = plain.ascii('x00080005');
  const reader = new AttributeReader(dataSet, new DicomCharacterSet(characterSet));
  const transferSyntaxUid = reader.ascii('x00020010');
  const sopClassUid = reader.ascii('x00080016') || reader.ascii('x00020002');
  if (sopClassUid === MEDIA_STORAGE_DIRECTORY) {
    throw new TabibError(
      'IMAGING_NOT_DICOM',
      'A DICOMDIR is a directory of files, not an image: import it as such',
    );
  }
  const otherIds = [
    ...reader
      .items('x00101002')
      .map((item) => ({ id: item.text('x00100020'), issuer: item.text('x00100021') })),
    ...reader
      .text('x00101000')
      .split('\\')
      .map((id) => ({ id: id.trim(), issuer: '' })),
  ].filter((other) => other.id !== '');
  return {
    characterSet,
    patient: {
      id: reader.text('x00100020'),
      issuer: reader.text('x00100021'),
      otherIds,
      name: parsePersonName(reader.text('x00100010')),
      birthDate: isoDate(reader.ascii('x00100030')),
      sex: reader.ascii('x00100040'),
    },
    study: {
      uid: requiredUid(reader, 'x0020000d', 'StudyInstanceUID'),
      date: isoDate(reader.ascii('x00080020')),
      time: isoTime(reader.ascii('x00080030')),
      description: reader.text('x00081030'),
      accessionNumber: reader.text('x00080050'),
      id: reader.text('x00200010'),
    },
    series: {
      uid: requiredUid(reader, 'x0020000e', 'SeriesInstanceUID'),
      modality: reader.ascii('x00080060'),
      number: reader.integer('x00200011'),
      description: reader.text('x0008103e'),
      bodyPart: reader.ascii('x00180015'),
    },
    instance: {
      sopInstanceUid: requiredUid(reader, 'x00080018', 'SOPInstanceUID'),
      sopClassUid,
      number: reader.integer('x00200013'),
      frames: Math.max(1, reader.integer('x00280008') ?? 1),
      rows: reader.uint16('x00280010'),
      columns: reader.uint16('x00280011'),
      transferSyntaxUid,
      photometricInterpretation: reader.ascii('x00280004'),
      position: reader.decimals('x00200032', 3) as [number, number, number] | null,
      orientation: reader.decimals('x00200037', 6) as [number, number, number, number, number, number] | null,
    },
  };
}
