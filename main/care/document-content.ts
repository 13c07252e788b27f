/**
 * What a file really is, from its first bytes (its signature), never from its name or the type a
 * browser guessed: a renamed file is refused for what it is. Tabib keeps PDF, JPEG and PNG in the
 * record; other common kinds are named so that the refusal can say what was given.
 */
import type { DocumentContentType } from '../contract/care-types';

export type SniffedKind =
  | DocumentContentType
  | 'zip'
  | 'gif'
  | 'bmp'
  | 'tiff'
  | 'webp'
  | 'heic'
  | 'dicom'
  | 'ole'
  | 'text'
  | 'unknown';

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, index) => bytes[offset + index] === byte);
}

const ascii = (text: string) => [...text].map((character) => character.charCodeAt(0));

/** PNG spec (ISO/IEC 15948) §5.2: the 8-byte signature, then the IHDR chunk first (§5.6). */
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const IHDR = ascii('IHDR');
/** ISO 32000-1 §7.5.2: a PDF file begins with the header `%PDF-1.n` (or `%PDF-2.0`, ISO 32000-2). */
const PDF = ascii('%PDF-');
/** JPEG (ITU-T T.81 Annex B): SOI (FF D8) then a marker (FF xx): JFIF, Exif and raw JPEG alike. */
const JPEG = [0xff, 0xd8, 0xff] as const;

export function sniffContent(bytes: Uint8Array): SniffedKind {
  if (startsWith(bytes, PDF) && bytes.length >= 8) return 'application/pdf';
  if (startsWith(bytes, PNG) && startsWith(bytes, IHDR, 12)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip'; // also docx, xlsx, odt
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole'; // doc, xls
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return 'tiff';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('ftyp'), 4) && /^(heic|heix|mif1|msf1|hevc)/.test(latin1(bytes, 8, 4)))
    return 'heic';
  if (startsWith(bytes, ascii('DICM'), 128)) return 'dicom';
  if (bytes.length > 0 && looksLikeText(bytes)) return 'text';
  return 'unknown';
}

function latin1(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function looksLikeText(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 512);
  return sample.every((byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || byte >= 0x20);
}

export function isDocumentContentType(kind: SniffedKind): kind is DocumentContentType {
  return kind === 'application/pdf' || kind === 'image/jpeg' || kind === 'image/png';
}
