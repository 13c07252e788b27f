/** DG1 (ICAO 9303-10 §4.7.1): the MRZ as the chip holds it, tag 5F1F inside 61. */
import { TabibError } from '../../errors';
import { parseMrz, type ParsedMrz } from '../mrz';
import { readFileTlv, readTlvList, requireTlv } from './tlv';

export function dg1MrzText(bytes: Uint8Array): string {
  const children = readTlvList(readFileTlv(bytes, 0x61, 'DG1').value);
  return Buffer.from(requireTlv(children, 0x5f1f, 'DG1').value).toString('latin1');
}

/**
 * The MRZ in DG1, parsed. The chip stores the lines without separators (90, 72 or 88 characters);
 * a DG1 whose MRZ does not check is CARD_PROTOCOL_ERROR (the MRZ_INVALID details are kept).
 */
export function parseDg1(bytes: Uint8Array): ParsedMrz {
  const text = dg1MrzText(bytes);
  try {
    return parseMrz(text);
  } catch (error) {
    if (error instanceof TabibError && error.code === 'MRZ_INVALID')
      throw new TabibError(
        'CARD_PROTOCOL_ERROR',
        `DG1 holds an invalid MRZ: ${error.message}`,
        error.details,
      );
    throw error;
  }
}
