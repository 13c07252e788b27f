/**
 * MRZ capture from a keyboard-wedge scanner: an OCR scanner that "types" the MRZ into whatever
 * field has the focus. What tells it from a person typing is speed: the scanner sends its keys in a
 * burst (a few ms apart; people rarely go under ~30 ms between keys, and never for 60+ keys), in
 * the MRZ alphabet (A–Z, 0–9, <), with Enter between lines. Pure: the renderer feeds it keydown
 * events (key, code, timeStamp) and acts on the verdicts.
 *
 * The rules (options in brackets):
 * - A burst is a run of keystrokes each under [maxIntervalMs = 30] after the previous one; USB and
 *   OS jitter is tolerated for up to [slowIntervals = 2] intervals up to [maxGapMs = 120]. A longer
 *   pause, or a key outside the alphabet, ends the burst.
 * - Modifier keys (Shift, CapsLock, …) are neither characters nor pauses: scanners press Shift for
 *   every capital and '<'.
 * - Lines are separated by [separators = ['Enter']] (Tab where a scanner is set so). An MRZ is 3
 *   lines of 30 (TD1), or 2 of 36 (TD2) or 44 (TD3); it is complete when its last line reaches its
 *   length — the first line's Enter fixes the length, so a 44-character line is never mistaken for
 *   a 36 — and a separator right after completion is the scanner's suffix ('trailing').
 * - Characters: [decode = 'key'] uses KeyboardEvent.key, for a scanner set to the workstation's
 *   keyboard layout (lowercase is upper-cased: Caps Lock inverts a scanner's Shift);
 *   'us-layout-codes' uses KeyboardEvent.code, for a scanner that emulates a US keyboard on an
 *   AZERTY/QWERTZ workstation (where KeyQ types 'a' but the scanner meant 'Q', Shift+Comma meant '<').
 * The lines are only shaped here; check digits are validated by the MRZ parser (MRZ_INVALID).
 */

export interface Keystroke {
  /** KeyboardEvent.key, e.g. 'A', '<', 'Enter', 'Shift'. */
  key: string;
  /** KeyboardEvent.code, e.g. 'KeyA', 'Comma', 'Digit7' (needed for 'us-layout-codes'). */
  code?: string;
  shiftKey?: boolean;
  /** Milliseconds, e.g. KeyboardEvent.timeStamp. */
  at: number;
}

export interface KeyboardWedgeOptions {
  maxIntervalMs?: number;
  slowIntervals?: number;
  maxGapMs?: number;
  separators?: string[];
  decode?: 'key' | 'us-layout-codes';
}

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

export type WedgeVerdict =
  /** Not part of a scanner burst, as far as can be told. */
  | { kind: 'typing' }
  /**
   * Part of a fast burst of MRZ keys, `characters` MRZ characters so far. People reach 2–3 such
   * keys at most; from about ten on it is a scanner. An Enter inside a burst is a line separator:
   * the renderer should not let it submit a form.
   */
  | { kind: 'burst'; characters: number }
  /** This keystroke completed an MRZ; its `characters` characters were typed into the field. */
  | { kind: 'mrz'; format: MrzFormat; lines: string[]; characters: number }
  /** A separator right after a completed MRZ (the scanner's suffix): not meant for the form. */
  | { kind: 'trailing' };

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'NumLock', 'Fn', 'OS']);
const SHAPES: Record<number, { format: MrzFormat; lines: number }> = {
  30: { format: 'TD1', lines: 3 },
  36: { format: 'TD2', lines: 2 },
  44: { format: 'TD3', lines: 2 },
};
const ALPHABET = /^[A-Z0-9<]$/;

/** The character a keystroke stands for, 'separator', or null for a key outside the MRZ alphabet. */
function decode(stroke: Keystroke, options: Required<KeyboardWedgeOptions>): string | null {
  if (
    options.separators.includes(stroke.key) ||
    (stroke.code === 'NumpadEnter' && options.separators.includes('Enter'))
  )
    return '\n';
  if (options.decode === 'key') {
    const char = stroke.key.length === 1 ? stroke.key.toUpperCase() : '';
    return ALPHABET.test(char) ? char : null;
  }
  const code = stroke.code ?? '';
  let match = /^Key([A-Z])$/.exec(code);
  if (match?.[1]) return match[1];
  match = /^(?:Digit|Numpad)([0-9])$/.exec(code);
  if (match?.[1]) return match[1];
  if (code === 'Comma' && stroke.shiftKey) return '<';
  return null;
}

export class KeyboardWedgeDetector {
  private readonly options: Required<KeyboardWedgeOptions>;
  /** The current burst: characters, with '\n' for separators. */
  private burst = '';
  private lastAt: number | null = null;
  private slow = 0;
  private justCompletedAt: number | null = null;

  constructor(options: KeyboardWedgeOptions = {}) {
    this.options = {
      maxIntervalMs: options.maxIntervalMs ?? 30,
      slowIntervals: options.slowIntervals ?? 2,
      maxGapMs: options.maxGapMs ?? 120,
      separators: options.separators ?? ['Enter'],
      decode: options.decode ?? 'key',
    };
  }

  reset(): void {
    this.burst = '';
    this.slow = 0;
    this.justCompletedAt = null;
  }

  push(stroke: Keystroke): WedgeVerdict {
    if (MODIFIERS.has(stroke.key)) return this.burst ? this.inBurst() : { kind: 'typing' };
    const interval = this.lastAt === null ? Infinity : stroke.at - this.lastAt;
    this.lastAt = stroke.at;
    const char = decode(stroke, this.options);

    if (this.justCompletedAt !== null) {
      this.justCompletedAt = null;
      if (char === '\n' && interval <= this.options.maxGapMs) return { kind: 'trailing' };
    }
    if (this.burst) {
      if (interval > this.options.maxGapMs) this.burst = '';
      else if (interval > this.options.maxIntervalMs && ++this.slow > this.options.slowIntervals)
        this.burst = '';
    }
    if (char === null) {
      this.reset();
      return { kind: 'typing' };
    }
    if (!this.burst) {
      this.slow = 0;
      if (char === '\n') return { kind: 'typing' }; // a burst starts with a character
    }
    if (char === '\n' && this.burst.endsWith('\n')) return this.inBurst(); // CR LF, blank lines
    this.burst += char;
    const lines = this.burst.split('\n');
    const first = lines[0] ?? '';
    const last = lines[lines.length - 1] ?? '';
    if (lines.length === 1) {
      // The first line's length is known once it has ended; until then it may grow to 30, 36 or 44.
      if (first.length > 44) return this.restart();
      return this.burst.length > 1 ? this.inBurst() : { kind: 'typing' };
    }
    const shape = SHAPES[first.length];
    if (!shape) {
      // The first line ended at a length no MRZ has: start over from the line after it.
      this.burst = lines.slice(1).join('\n');
      this.slow = 0;
      return this.burst ? this.inBurst() : { kind: 'typing' };
    }
    const middleWrong = lines.slice(1, -1).some((line) => line.length !== first.length);
    if (middleWrong || last.length > first.length || lines.length > shape.lines) return this.restart();
    if (lines.length === shape.lines && last.length === first.length) {
      this.reset();
      this.justCompletedAt = stroke.at;
      return { kind: 'mrz', format: shape.format, lines, characters: lines.join('').length };
    }
    return this.inBurst();
  }

  private inBurst(): WedgeVerdict {
    return { kind: 'burst', characters: this.burst.replaceAll('\n', '').length };
  }

  private restart(): WedgeVerdict {
    this.reset();
    return { kind: 'typing' };
  }
}

/** Runs a recorded keystroke sequence through a detector; the MRZs it recognised, in order. */
export function detectMrzBursts(
  strokes: Keystroke[],
  options: KeyboardWedgeOptions = {},
): { format: MrzFormat; lines: string[] }[] {
  const detector = new KeyboardWedgeDetector(options);
  const found: { format: MrzFormat; lines: string[] }[] = [];
  for (const stroke of strokes) {
    const verdict = detector.push(stroke);
    if (verdict.kind === 'mrz') found.push({ format: verdict.format, lines: verdict.lines });
  }
  return found;
}
