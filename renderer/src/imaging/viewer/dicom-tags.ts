// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- dcmjs ships no types: its declaration, for every tsconfig that compiles this file
/// <reference path="./dcmjs.d.ts" />
/**
 * The tag browser's rows: every element of a parsed data set (dicom-parser), sequences opened,
 * named from dcmjs's DICOM dictionary, text decoded in the data set's Specific Character Set.
 */
import dcmjs from 'dcmjs';
import type { DataSet, Element } from 'dicom-parser';

export interface TagRow {
  /** "(0010,0010)"; within a sequence item, the path of its parents before it. */
  tag: string;
  name: string;
  vr: string;
  value: string;
  depth: number;
}

const textVrs = new Set([
  'AE',
  'AS',
  'CS',
  'DA',
  'DS',
  'DT',
  'IS',
  'LO',
  'LT',
  'PN',
  'SH',
  'ST',
  'TM',
  'UC',
  'UI',
  'UR',
  'UT',
]);
/** Binary numbers, read by dicom-parser (which knows the data set's byte order). */
const numberVrs: Record<
  string,
  [size: number, read: (dataSet: DataSet, tag: string, index: number) => number | undefined]
> = {
  US: [2, (dataSet, tag, index) => dataSet.uint16(tag, index)],
  SS: [2, (dataSet, tag, index) => dataSet.int16(tag, index)],
  UL: [4, (dataSet, tag, index) => dataSet.uint32(tag, index)],
  SL: [4, (dataSet, tag, index) => dataSet.int32(tag, index)],
  FL: [4, (dataSet, tag, index) => dataSet.float(tag, index)],
  FD: [8, (dataSet, tag, index) => dataSet.double(tag, index)],
};
const MAX_NUMBERS = 16;
const MAX_TEXT = 200;

/** The TextDecoder label for a Specific Character Set value (its first, default term). */
export function decoderLabel(specificCharacterSet: string | undefined): string {
  const term = (specificCharacterSet ?? '').split('\\')[0]?.trim() ?? '';
  const labels: Record<string, string> = {
    'ISO_IR 100': 'iso-8859-1',
    'ISO_IR 101': 'iso-8859-2',
    'ISO_IR 109': 'iso-8859-3',
    'ISO_IR 110': 'iso-8859-4',
    'ISO_IR 144': 'iso-8859-5',
    'ISO_IR 127': 'iso-8859-6',
    'ISO_IR 126': 'iso-8859-7',
    'ISO_IR 138': 'iso-8859-8',
    'ISO_IR 148': 'iso-8859-9',
    'ISO_IR 192': 'utf-8',
    GB18030: 'gb18030',
    GBK: 'gbk',
  };
  return labels[term] ?? 'iso-8859-1';
}

export function tagKey(tag: string): string {
  const hex = tag.replace(/^x/, '').toUpperCase();
  return `(${hex.slice(0, 4)},${hex.slice(4, 8)})`;
}

/** What decodes an element's text (a TextDecoder). */
interface TextDecoding {
  decode(bytes: Uint8Array): string;
}

function elementValue(dataSet: DataSet, element: Element, vr: string, decoder: TextDecoding): string {
  if (element.items) return '';
  if (element.length === 0) return '';
  if (textVrs.has(vr)) {
    const bytes = dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
    const text = decoder.decode(bytes).replace(/[\0 ]+$/, '');
    return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
  }
  const number = numberVrs[vr];
  if (number && element.tag !== 'x7fe00010') {
    const [size, read] = number;
    const count = Math.floor(element.length / size);
    const values: string[] = [];
    for (let index = 0; index < Math.min(count, MAX_NUMBERS); index++)
      values.push(String(read(dataSet, element.tag, index)));
    return values.join('\\') + (count > MAX_NUMBERS ? '\\…' : '');
  }
  return `${element.length} B`;
}

export function tagRows(dataSet: DataSet, depth = 0, decoder?: TextDecoding): TagRow[] {
  const textDecoder = decoder ?? new TextDecoder(decoderLabel(dataSet.string('x00080005')));
  const rows: TagRow[] = [];
  for (const tag of Object.keys(dataSet.elements).sort()) {
    const element = dataSet.elements[tag] as Element;
    const key = tagKey(tag);
    const entry = dcmjs.data.DicomMetaDictionary.dictionary[key];
    const vr = element.vr ?? entry?.vr ?? (element.items ? 'SQ' : 'UN');
    rows.push({
      tag: key,
      name: entry?.name ?? (Number.parseInt(key.slice(1, 5), 16) % 2 === 1 ? 'Private' : ''),
      vr,
      value: element.items ? `${element.items.length}` : elementValue(dataSet, element, vr, textDecoder),
      depth,
    });
    for (const item of element.items ?? []) {
      if (item.dataSet) rows.push(...tagRows(item.dataSet, depth + 1, textDecoder));
    }
  }
  return rows;
}

export function filterTagRows(rows: TagRow[], query: string): TagRow[] {
  const needle = query.trim().toLowerCase().replace(/[(),]/g, '');
  if (!needle) return rows;
  return rows.filter(
    (row) =>
      row.tag.toLowerCase().replace(/[(),]/g, '').includes(needle) ||
      row.name.toLowerCase().includes(needle) ||
      row.value.toLowerCase().includes(needle),
  );
}
