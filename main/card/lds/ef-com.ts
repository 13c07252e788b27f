/** EF.COM (ICAO 9303-10 §4.6.1): the LDS and Unicode versions and the data groups present. */
import { TabibError } from '../../errors';
import { fileByTag } from './files';
import { readFileTlv, readTlvList, requireTlv, findTlv } from './tlv';

export interface EfCom {
  /** 'aabb' as stored, shown as '1.7' (5F01: four digits, version aa, release bb). */
  ldsVersion: string;
  /** 5F36: 'aabbcc', shown as '4.0.0'. Null when absent. */
  unicodeVersion: string | null;
  /** The tags listed in 5C (0x61 = DG1, 0x75 = DG2, …). */
  tags: number[];
  /** The same as file names: 'DG1', 'DG2', 'DG11'. Unknown tags are left out. */
  dataGroups: string[];
}

const ascii = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

export function parseEfCom(bytes: Uint8Array): EfCom {
  const children = readTlvList(readFileTlv(bytes, 0x60, 'EF.COM').value);
  const lds = ascii(requireTlv(children, 0x5f01, 'EF.COM').value);
  if (!/^\d{4}$/.test(lds))
    throw new TabibError('CARD_PROTOCOL_ERROR', 'EF.COM: the LDS version is not four digits');
  const unicode = findTlv(children, 0x5f36);
  const tags = Array.from(requireTlv(children, 0x5c, 'EF.COM').value);
  return {
    ldsVersion: `${Number(lds.slice(0, 2))}.${Number(lds.slice(2))}`,
    unicodeVersion: unicode ? (ascii(unicode.value).match(/\d\d/g)?.map(Number).join('.') ?? null) : null,
    tags,
    dataGroups: tags.map((tag) => fileByTag(tag)?.name).filter((name): name is string => name !== undefined),
  };
}
