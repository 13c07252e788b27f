/** Specific Character Set (PS3.5 §6.1) and person names (PS3.5 §6.2 PN), on bytes written here. */
import { describe, expect, it } from 'vitest';
import { DicomCharacterSet, parsePersonName, personNameText } from '../../main/imaging/dicom-text';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

describe('DICOM text', () => {
  it('reads the default repertoire, ISO_IR 100, ISO_IR 127 and ISO_IR 192', () => {
    expect(new DicomCharacterSet(undefined).decode(bytes('Doe^John '))).toBe('Doe^John ');
    expect(
      new DicomCharacterSet('ISO_IR 100').decode(bytes([0x4c, 0x65, 0x66, 0xe8, 0x76, 0x72, 0x65])),
    ).toBe('Lefèvre');
    expect(new DicomCharacterSet('ISO_IR 127').decode(bytes([0xc8, 0xe6, 0xd9, 0xe4, 0xea]))).toBe('بنعلي');
    expect(new DicomCharacterSet('ISO_IR 192').decode(Buffer.from('Çelik=زرهوني', 'utf8'))).toBe(
      'Çelik=زرهوني',
    );
    // ISO 8859-1 proper, not windows-1252: 0x80 is a C1 control, not '€'.
    expect(new DicomCharacterSet('ISO_IR 100').decode(bytes([0x80]))).toBe('\u0080');
  });

  it('switches sets by ISO 2022 escape sequences and returns to the first at each delimiter', () => {
    // PS3.5 Annex H/I style: ASCII alphabetic group, Arabic (ESC - G) ideographic group.
    const charset = new DicomCharacterSet('\\ISO 2022 IR 127');
    const value = bytes(
      'Benali^Fatima=',
      [0x1b, 0x2d, 0x47, 0xc8, 0xe6, 0xd9, 0xe4, 0xea],
      '^',
      [0x1b, 0x2d, 0x47, 0xe1, 0xc7, 0xd7, 0xe5, 0xc9],
    );
    expect(charset.decode(value)).toBe('Benali^Fatima=بنعلي^فاطمة');
    expect(new DicomCharacterSet('ISO 2022 IR 100').decode(bytes([0x1b, 0x2d, 0x41, 0xe9]))).toBe('é');
  });

  it('splits a person name into groups and components', () => {
    const name = parsePersonName('Zerhouni^Nadia^^Dr=زرهوني^نادية');
    expect(name).toEqual({
      alphabetic: { family: 'Zerhouni', given: 'Nadia', middle: '', prefix: 'Dr', suffix: '' },
      ideographic: { family: 'زرهوني', given: 'نادية', middle: '', prefix: '', suffix: '' },
      phonetic: null,
    });
    expect(personNameText(name)).toBe('Dr Nadia Zerhouni = نادية زرهوني');
    expect(parsePersonName('')).toBeNull();
    expect(parsePersonName('==')).toBeNull();
  });
});
