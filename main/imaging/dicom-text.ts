/**
 * Text in a DICOM data set: Specific Character Set (0008,0005) and person names.
 *
 * DICOM PS3.5 §6.1: without (0008,0005) text is the default repertoire (ISO 646, ASCII). With a
 * single value the whole value is in that set (ISO_IR 100 Latin-1 for French, ISO_IR 127
 * ISO-8859-6 for Arabic, ISO_IR 192 UTF-8). With several values (or an `ISO 2022 …` term),
 * ISO/IEC 2022 escape sequences switch the G1 set inside a value, and every delimiter
 * (`^`, `=`, `\`, CR, LF, TAB, FF) returns to the first value's set (PS3.5 §6.1.2.5.3).
 * Only single-byte sets are handled here; a multi-byte ISO 2022 set (Japanese, Korean, Chinese)
 * falls back to Latin-1 for its bytes, which keeps the text readable enough to be recognised.
 */

/** One set as Tabib decodes it: how bytes ≥ 0x80 (G1) become text. */
type ByteDecoder = (bytes: Uint8Array) => string;

/**
 * ISO_IR 100 is ISO 8859-1 proper. TextDecoder's 'latin1' is windows-1252 (WHATWG Encoding), which
 * differs in 0x80–0x9F, so Buffer's own latin1 decoding is used instead.
 */
const latin1: ByteDecoder = (bytes) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

function textDecoder(label: string): ByteDecoder {
  const decoder = new TextDecoder(label);
  return (bytes) => decoder.decode(bytes);
}

const utf8 = textDecoder('utf-8');
const ascii: ByteDecoder = latin1;

/** Defined terms of (0008,0005) for single-byte sets without code extensions (PS3.3 C.12.1.1.2). */
const singleByteSets: Record<string, ByteDecoder> = {
  '': ascii,
  ISO_IR_6: ascii,
  ISO_IR_100: latin1,
  ISO_IR_101: textDecoder('iso-8859-2'),
  ISO_IR_109: textDecoder('iso-8859-3'),
  ISO_IR_110: textDecoder('iso-8859-4'),
  ISO_IR_144: textDecoder('iso-8859-5'),
  ISO_IR_127: textDecoder('iso-8859-6'),
  ISO_IR_126: textDecoder('iso-8859-7'),
  ISO_IR_138: textDecoder('iso-8859-8'),
  ISO_IR_148: textDecoder('iso-8859-9'),
  ISO_IR_203: textDecoder('iso-8859-15'),
  ISO_IR_166: textDecoder('windows-874'),
  ISO_IR_192: utf8,
  GB18030: textDecoder('gb18030'),
  GBK: textDecoder('gbk'),
};

/** The G1 escape sequences (ESC - F) of the single-byte sets, by their final byte (PS3.3 Table C.12-3). */
const g1Designations: Record<number, ByteDecoder> = {
  0x41: latin1, // ESC - A: ISO-IR 100
  0x42: singleByteSets.ISO_IR_101 as ByteDecoder,
  0x43: singleByteSets.ISO_IR_109 as ByteDecoder,
  0x44: singleByteSets.ISO_IR_110 as ByteDecoder,
  0x4c: singleByteSets.ISO_IR_144 as ByteDecoder,
  0x47: singleByteSets.ISO_IR_127 as ByteDecoder,
  0x46: singleByteSets.ISO_IR_126 as ByteDecoder,
  0x48: singleByteSets.ISO_IR_138 as ByteDecoder,
  0x4d: singleByteSets.ISO_IR_148 as ByteDecoder,
  0x62: singleByteSets.ISO_IR_203 as ByteDecoder,
  0x54: singleByteSets.ISO_IR_166 as ByteDecoder,
};

function termKey(term: string): string {
  return term
    .trim()
    .toUpperCase()
    .replace(/^ISO 2022 /, '')
    .replace(/[\s-]+/g, '_');
}

const ESC = 0x1b;
const DELIMITERS = new Set([0x5c, 0x5e, 0x3d, 0x0d, 0x0a, 0x09, 0x0c]);

/** Decodes the bytes of a text value (SH, LO, ST, LT, UT, PN, UC) in a data set's character set. */
export class DicomCharacterSet {
  private readonly initial: ByteDecoder;
  private readonly codeExtensions: boolean;
  readonly terms: string[];

  constructor(specificCharacterSet: string | undefined) {
    // The first value may be empty (the default repertoire) with extensions after it: "\ISO 2022 IR 127".
    this.terms = (specificCharacterSet ?? '').split('\\').map((term) => term.trim());
    const first = termKey(this.terms[0] ?? '');
    this.initial = singleByteSets[first] ?? latin1;
    this.codeExtensions =
      this.terms.length > 1 || (specificCharacterSet ?? '').toUpperCase().includes('ISO 2022');
  }

  /** Whether Tabib knows the data set's set (an unknown one is read as Latin-1). */
  get known(): boolean {
    return this.terms.every((term, index) => {
      const key = termKey(term);
      return key in singleByteSets || (index > 0 && key === '');
    });
  }

  decode(bytes: Uint8Array): string {
    const text = this.codeExtensions ? this.decodeIso2022(bytes) : this.initial(bytes);
    return text.replace(/\0+$/, '');
  }

  /** ISO/IEC 2022: runs of bytes between escape sequences, each in its designated set. */
  private decodeIso2022(bytes: Uint8Array): string {
    let decoder = this.initial;
    let out = '';
    let start = 0;
    const flush = (end: number) => {
      if (end > start) out += decoder(bytes.subarray(start, end));
    };
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index] as number;
      if (byte === ESC) {
        flush(index);
        // ESC ( B (G0 ASCII), ESC - F (G1 96-set), ESC $ … (multi-byte: unsupported, Latin-1).
        const intermediate = bytes[index + 1];
        let length = 3;
        if (intermediate === 0x2d) decoder = g1Designations[bytes[index + 2] as number] ?? latin1;
        // ESC ( x designates G0 (ASCII or JIS X 0201 romaji): bytes < 0x80 read the same in every set here.
        else if (intermediate === 0x24) {
          decoder = latin1;
          length = bytes[index + 2] === 0x28 || bytes[index + 2] === 0x29 ? 4 : 3;
        }
        index += length - 1;
        start = index + 1;
      } else if (DELIMITERS.has(byte)) {
        flush(index);
        out += String.fromCharCode(byte);
        decoder = this.initial;
        start = index + 1;
      }
    }
    flush(bytes.length);
    return out;
  }
}

/** One component group of a person name (PS3.5 §6.2, PN): family^given^middle^prefix^suffix. */
export interface DicomNameComponents {
  family: string;
  given: string;
  middle: string;
  prefix: string;
  suffix: string;
}

/** A person name: up to three groups, alphabetic=ideographic=phonetic (each absent when empty). */
export interface DicomPersonName {
  alphabetic: DicomNameComponents | null;
  ideographic: DicomNameComponents | null;
  phonetic: DicomNameComponents | null;
}

function components(group: string | undefined): DicomNameComponents | null {
  if (!group || !group.trim()) return null;
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = group
    .split('^')
    .map((part) => part.trim());
  return { family, given, middle, prefix, suffix };
}

export function parsePersonName(text: string): DicomPersonName | null {
  const [alphabetic, ideographic, phonetic] = text.split('=');
  const name = {
    alphabetic: components(alphabetic),
    ideographic: components(ideographic),
    phonetic: components(phonetic),
  };
  return name.alphabetic || name.ideographic || name.phonetic ? name : null;
}

/** "Given Middle Family" of each group, the groups joined by " = " (for lists and logs). */
export function personNameText(name: DicomPersonName | null): string {
  if (!name) return '';
  return [name.alphabetic, name.ideographic, name.phonetic]
    .filter((group): group is DicomNameComponents => group !== null)
    .map((group) =>
      [group.prefix, group.given, group.middle, group.family, group.suffix].filter(Boolean).join(' '),
    )
    .join(' = ');
}
