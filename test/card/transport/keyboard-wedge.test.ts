/**
 * Keyboard-wedge MRZ capture (main/card/keyboard-wedge.ts) with synthetic keystroke timings: a
 * scanner's burst, people typing, USB jitter, pauses, foreign keys, and a US-layout scanner on an
 * AZERTY workstation.
 */
import { describe, expect, it } from 'vitest';
import {
  detectMrzBursts,
  KeyboardWedgeDetector,
  type Keystroke,
  type WedgeVerdict,
} from '../../../main/card/keyboard-wedge';

const TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];
const TD2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

/** US-layout physical keys for the MRZ alphabet. */
function usCode(char: string): string {
  if (/[A-Z]/.test(char)) return `Key${char}`;
  if (/[0-9]/.test(char)) return `Digit${char}`;
  if (char === '<') return 'Comma';
  return 'Enter';
}

/**
 * Keystrokes for `text` ('\n' = Enter), one every `interval(i)` ms from `start`; capitals and '<'
 * come with a Shift keydown 1 ms before, as a scanner emulating a keyboard sends them.
 */
function keys(
  text: string,
  start: number,
  interval: (i: number) => number,
  layout: (char: string) => string = (c) => c,
) {
  const strokes: Keystroke[] = [];
  let at = start;
  [...text].forEach((char, i) => {
    at += i === 0 ? 0 : interval(i);
    const shifted = /[A-Z<]/.test(char);
    if (shifted) strokes.push({ key: 'Shift', code: 'ShiftLeft', at: at - 1 });
    strokes.push(
      char === '\n'
        ? { key: 'Enter', code: 'Enter', at }
        : { key: layout(char), code: usCode(char), shiftKey: shifted, at },
    );
  });
  return strokes;
}

const scanner = (i: number) => 6 + (i % 5); // 6–10 ms between keys
const person = (i: number) => 90 + ((i * 37) % 120); // 90–210 ms

describe('keyboard-wedge MRZ detection', () => {
  it('recognises a TD1 burst with Enter between lines, and calls the Enter after it the suffix', () => {
    const detector = new KeyboardWedgeDetector();
    const strokes = keys(`${TD1.join('\n')}\n`, 1000, scanner);
    const verdicts: WedgeVerdict[] = strokes.map((stroke) => detector.push(stroke));
    expect(verdicts[0]).toEqual({ kind: 'typing' }); // Shift before anything
    expect(verdicts[1]).toEqual({ kind: 'typing' }); // one key is no burst yet
    expect(verdicts[3]).toEqual({ kind: 'burst', characters: 2 });
    const done = verdicts.findIndex((verdict) => verdict.kind === 'mrz');
    expect(verdicts[done]).toEqual({ kind: 'mrz', format: 'TD1', lines: TD1, characters: 90 });
    expect(verdicts.slice(done + 1)).toEqual([{ kind: 'trailing' }]);
    expect(verdicts.slice(2, done).every((verdict) => verdict.kind === 'burst')).toBe(true);
  });

  it('recognises TD2 and TD3 without a trailing Enter; a 44-character line is not taken for 36', () => {
    expect(detectMrzBursts(keys(TD2.join('\n'), 0, scanner))).toEqual([{ format: 'TD2', lines: TD2 }]);
    const detector = new KeyboardWedgeDetector();
    const verdicts = keys(TD3.join('\n'), 0, scanner).map((stroke) => detector.push(stroke));
    const found = verdicts.filter((verdict) => verdict.kind === 'mrz');
    expect(found).toEqual([{ kind: 'mrz', format: 'TD3', lines: TD3, characters: 88 }]);
    expect(verdicts[verdicts.length - 1]!.kind).toBe('mrz'); // on the very last character
  });

  it('ignores the same text typed by a person', () => {
    expect(detectMrzBursts(keys(TD1.join('\n'), 0, person))).toEqual([]);
    // Even a fast typist (35–60 ms, with rollover now and then under 30 ms).
    expect(detectMrzBursts(keys(TD1.join('\n'), 0, (i) => (i % 7 === 0 ? 20 : 35 + (i % 26))))).toEqual([]);
  });

  it('tolerates two jittery intervals in a burst, not three, and no long pause', () => {
    const text = TD3.join('\n');
    const jitter = (slow: number[]) => (i: number) => (slow.includes(i) ? 70 : 8);
    expect(detectMrzBursts(keys(text, 0, jitter([20, 60])))).toEqual([{ format: 'TD3', lines: TD3 }]);
    expect(detectMrzBursts(keys(text, 0, jitter([20, 60, 80])))).toEqual([]);
    expect(detectMrzBursts(keys(text, 0, (i) => (i === 50 ? 400 : 8)))).toEqual([]);
  });

  it('finds the burst after a person typed, and drops a burst with a key outside the MRZ alphabet', () => {
    const typed = keys('DUPONT', 0, person);
    const burst = keys(`${TD1.join('\n')}\n`, 5000, scanner);
    expect(detectMrzBursts([...typed, ...burst])).toEqual([{ format: 'TD1', lines: TD1 }]);
    const broken = keys(`${TD1[0]}\n${TD1[1]!.replace('F', '-')}\n${TD1[2]}`, 0, scanner);
    expect(detectMrzBursts(broken)).toEqual([]);
    // A wrong-length middle line (a misread) breaks the document too.
    expect(detectMrzBursts(keys(`${TD1[0]}\n${TD1[1]!.slice(1)}\n${TD1[2]}`, 0, scanner))).toEqual([]);
  });

  it('upper-cases letters typed under Caps Lock and skips CR LF doubled Enters', () => {
    const strokes = keys(TD2.join('\n\n'), 0, scanner, (char) => char.toLowerCase());
    expect(detectMrzBursts(strokes)).toEqual([{ format: 'TD2', lines: TD2 }]);
  });

  it('decodes physical keys for a US-layout scanner on an AZERTY workstation', () => {
    const azerty: Record<string, string> = { A: 'Q', Q: 'A', Z: 'W', W: 'Z', M: ':', '<': ';' };
    const digits = 'à&é"\'(-è_ç';
    const layout = (char: string) => (/[0-9]/.test(char) ? digits[Number(char)]! : (azerty[char] ?? char));
    const strokes = keys(`${TD1.join('\n')}\n`, 0, scanner, layout);
    expect(detectMrzBursts(strokes)).toEqual([]); // by key: digits come out as &é"'(…
    expect(detectMrzBursts(strokes, { decode: 'us-layout-codes' })).toEqual([{ format: 'TD1', lines: TD1 }]);
  });

  it('takes Tab as the separator where a scanner is set so', () => {
    const strokes = keys(TD3.join('\n'), 0, scanner).map((stroke) =>
      stroke.key === 'Enter' ? { ...stroke, key: 'Tab', code: 'Tab' } : stroke,
    );
    expect(detectMrzBursts(strokes)).toEqual([]);
    expect(detectMrzBursts(strokes, { separators: ['Tab'] })).toEqual([{ format: 'TD3', lines: TD3 }]);
  });
});
