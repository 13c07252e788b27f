/**
 * A small DICOM Part 10 writer (PS3.10 §7) for the demonstration's synthetic studies: File Meta
 * Information, then the data set in Explicit VR Little Endian (PS3.5 §7.1.2), elements in tag
 * order, each value padded to an even length (UI with NUL, text with a space, OB with NUL). Text
 * is written in UTF-8: the data set says Specific Character Set ISO_IR 192. Enough for the image
 * objects the demonstration makes (no sequences); not a general-purpose encoder.
 */

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Tabib's implementation class UID (a 2.25 UUID-derived UID, PS3.5 §B.2). */
export const TABIB_IMPLEMENTATION_UID = '2.25.184046093618236097447934851062932283185';
export const TABIB_IMPLEMENTATION_VERSION = 'TABIB_DEMO_1';

export type Vr =
  | 'AE'
  | 'AS'
  | 'AT'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'FL'
  | 'FD'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'OB'
  | 'OW'
  | 'PN'
  | 'SH'
  | 'SL'
  | 'SS'
  | 'ST'
  | 'TM'
  | 'UI'
  | 'UL'
  | 'US'
  | 'UT';

/** VRs whose length is 32 bits, after two reserved bytes (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set<Vr>(['OB', 'OW', 'UT']);
const TEXT_VRS = new Set<Vr>(['LO', 'LT', 'PN', 'SH', 'ST', 'UT']);

export type DicomValue = string | number | readonly number[] | Uint8Array;

export interface DicomElement {
  /** (group << 16) | element. */
  tag: number;
  vr: Vr;
  value: DicomValue;
}

export function tag(group: number, element: number): number {
  return ((group << 16) | element) >>> 0;
}

function numbers(value: DicomValue): readonly number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value as readonly number[];
  throw new TypeError(`A binary number value is expected, not ${typeof value}`);
}

/** A DS value: at most 16 characters (PS3.5 Table 6.2-1). */
export function decimalString(value: number): string {
  if (Number.isInteger(value)) return String(value);
  for (let digits = 6; digits >= 0; digits--) {
    const text = String(Number(value.toFixed(digits)));
    if (text.length <= 16) return text;
  }
  return value.toExponential(8);
}

function encodeValue(element: DicomElement): Uint8Array {
  const { vr, value } = element;
  if (value instanceof Uint8Array) {
    if (value.length % 2 === 0) return value;
    const padded = new Uint8Array(value.length + 1);
    padded.set(value);
    return padded;
  }
  switch (vr) {
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
    case 'AT': {
      const list = numbers(value);
      const size = vr === 'US' || vr === 'SS' ? 2 : vr === 'FD' ? 8 : 4;
      const bytes = Buffer.alloc(list.length * size);
      list.forEach((item, index) => {
        const at = index * size;
        if (vr === 'US') bytes.writeUInt16LE(item, at);
        else if (vr === 'SS') bytes.writeInt16LE(item, at);
        else if (vr === 'UL') bytes.writeUInt32LE(item, at);
        else if (vr === 'SL') bytes.writeInt32LE(item, at);
        else if (vr === 'FL') bytes.writeFloatLE(item, at);
        else if (vr === 'FD') bytes.writeDoubleLE(item, at);
        else {
          // AT: a tag, group then element.
          bytes.writeUInt16LE(item >>> 16, at);
          bytes.writeUInt16LE(item & 0xffff, at + 2);
        }
      });
      return bytes;
    }
    default: {
      const text =
        typeof value === 'string'
          ? value
          : numbers(value)
              .map((item) => (vr === 'DS' ? decimalString(item) : String(item)))
              .join('\\');
      const bytes = TEXT_VRS.has(vr) ? Buffer.from(text, 'utf8') : Buffer.from(text, 'latin1');
      if (bytes.length % 2 === 0) return bytes;
      return Buffer.concat([bytes, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
    }
  }
}

function encodeElement(element: DicomElement): Buffer[] {
  const value = encodeValue(element);
  const long = LONG_VRS.has(element.vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(element.tag >>> 16, 0);
  header.writeUInt16LE(element.tag & 0xffff, 2);
  header.write(element.vr, 4, 'latin1');
  if (long) header.writeUInt32LE(value.length, 8);
  else {
    if (value.length > 0xffff)
      throw new RangeError(`Value of ${element.tag.toString(16)} too long for ${element.vr}`);
    header.writeUInt16LE(value.length, 6);
  }
  return [header, Buffer.from(value.buffer, value.byteOffset, value.byteLength)];
}

function encodeElements(elements: readonly DicomElement[]): Buffer[] {
  return [...elements].sort((a, b) => a.tag - b.tag).flatMap(encodeElement);
}

/**
 * A Part 10 file of the data set `elements` (SOP Class and Instance UIDs taken from (0008,0016)
 * and (0008,0018)), in Explicit VR Little Endian.
 */
export function writeDicomFile(elements: readonly DicomElement[]): Buffer {
  const find = (wanted: number) => {
    const value = elements.find((element) => element.tag === wanted)?.value;
    if (typeof value !== 'string') throw new TypeError(`The data set needs (${wanted.toString(16)})`);
    return value;
  };
  const meta = encodeElements([
    { tag: tag(0x0002, 0x0001), vr: 'OB', value: new Uint8Array([0, 1]) },
    { tag: tag(0x0002, 0x0002), vr: 'UI', value: find(tag(0x0008, 0x0016)) },
    { tag: tag(0x0002, 0x0003), vr: 'UI', value: find(tag(0x0008, 0x0018)) },
    { tag: tag(0x0002, 0x0010), vr: 'UI', value: EXPLICIT_VR_LITTLE_ENDIAN },
    { tag: tag(0x0002, 0x0012), vr: 'UI', value: TABIB_IMPLEMENTATION_UID },
    { tag: tag(0x0002, 0x0013), vr: 'SH', value: TABIB_IMPLEMENTATION_VERSION },
  ]);
  const metaLength = meta.reduce((sum, part) => sum + part.length, 0);
  const groupLength = encodeElement({ tag: tag(0x0002, 0x0000), vr: 'UL', value: metaLength });
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, ...groupLength, ...meta, ...encodeElements(elements)]);
}
