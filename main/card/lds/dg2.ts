/**
 * DG2 (ICAO 9303-10 §4.7.2): the encoded face, a biometric information group template (7F61)
 * holding biometric information templates (7F60) whose data block (5F2E) is an ISO/IEC 19794-5
 * facial record. The image inside is JPEG or JPEG 2000; which one is told by its magic bytes,
 * not by the record's own (often wrong) image data type field.
 */
import { TabibError } from '../../errors';
import { findTlv, readFileTlv, readTlvList } from './tlv';

export type FaceImageType = 'image/jpeg' | 'image/jp2' | 'image/j2k';

export interface FaceImage {
  mediaType: FaceImageType;
  /** The encoded image, as stored on the chip. */
  data: Uint8Array;
  /** From the ISO/IEC 19794-5 image information block, where the record has one (0 if not). */
  width: number;
  height: number;
}

const JPEG = [0xff, 0xd8, 0xff];
const JP2 = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a];
const J2K = [0xff, 0x4f, 0xff, 0x51];

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  return magic.every((byte, index) => bytes[at + index] === byte);
}

export function imageTypeOf(bytes: Uint8Array): FaceImageType | null {
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, JP2)) return 'image/jp2';
  if (startsWith(bytes, J2K)) return 'image/j2k';
  return null;
}

function findImageStart(bytes: Uint8Array, from: number): number {
  for (let index = from; index < bytes.length - 4; index++)
    if (startsWith(bytes, JPEG, index) || startsWith(bytes, JP2, index) || startsWith(bytes, J2K, index))
      return index;
  return -1;
}

const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** The first face image of an ISO/IEC 19794-5 facial record ('FAC\0'). */
export function parseFacialRecord(record: Uint8Array): FaceImage {
  const unsupported = (why: string): TabibError => new TabibError('CARD_UNSUPPORTED', `DG2: ${why}`);
  if (!startsWith(record, [0x46, 0x41, 0x43, 0x00]))
    throw unsupported('the biometric data block is not a facial record');
  const version = Buffer.from(record.subarray(4, 7)).toString('latin1');
  if (version === '010' && record.length >= 14 + 20 + 12) {
    // ISO/IEC 19794-5:2005, the version ICAO 9303-10 requires.
    const data = view(record);
    const blockStart = 14;
    const blockLength = data.getUint32(blockStart);
    const featurePoints = data.getUint16(blockStart + 4);
    const imageInfo = blockStart + 20 + 8 * featurePoints;
    const imageStart = imageInfo + 12;
    const imageEnd = Math.min(record.length, blockStart + blockLength);
    if (imageStart < imageEnd) {
      const image = record.subarray(imageStart, imageEnd);
      const mediaType = imageTypeOf(image);
      if (mediaType)
        return {
          mediaType,
          data: image,
          width: data.getUint16(imageInfo + 2),
          height: data.getUint16(imageInfo + 4),
        };
    }
  }
  // Other versions of the record (ISO/IEC 19794-5:2011 and vendors' variants): find the image by its magic bytes.
  const start = findImageStart(record, 14);
  if (start < 0) throw unsupported('no JPEG or JPEG 2000 image in the facial record');
  const image = record.subarray(start);
  return { mediaType: imageTypeOf(image) as FaceImageType, data: image, width: 0, height: 0 };
}

/** The face images in DG2 (usually one). CARD_PROTOCOL_ERROR for malformed TLV, CARD_UNSUPPORTED for no image. */
export function parseDg2(bytes: Uint8Array): FaceImage[] {
  const group = findTlv(readTlvList(readFileTlv(bytes, 0x75, 'DG2').value), 0x7f61);
  if (!group)
    throw new TabibError('CARD_PROTOCOL_ERROR', 'DG2 has no biometric information group template (7F61)');
  const faces: FaceImage[] = [];
  for (const template of readTlvList(group.value)) {
    if (template.tag !== 0x7f60) continue;
    const children = readTlvList(template.value);
    const block = findTlv(children, 0x5f2e);
    if (!block) {
      if (findTlv(children, 0x7f2e))
        throw new TabibError(
          'CARD_UNSUPPORTED',
          'DG2: the face is enciphered (7F2E), which Tabib cannot read',
        );
      throw new TabibError('CARD_PROTOCOL_ERROR', 'DG2: a biometric information template has no data block');
    }
    faces.push(parseFacialRecord(block.value));
  }
  if (faces.length === 0) throw new TabibError('CARD_UNSUPPORTED', 'DG2 holds no face image');
  return faces;
}
