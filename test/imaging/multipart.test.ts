/**
 * The multipart/related reader and writer (main/imaging/dicomweb/multipart.ts): the syntax of
 * RFC 2046 §5.1.1 at every chunk split, with what servers really send (preamble, transport
 * padding, quoted and long boundaries, parts without headers) and what a cut connection leaves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MultipartReader,
  formatMediaType,
  multipartBody,
  newBoundary,
  parseMediaType,
  readMultipart,
  type MultipartPart,
} from '../../main/imaging/dicomweb/multipart';
import { TabibError } from '../../main/errors';

const b = (text: string) => Buffer.from(text, 'latin1');

/** Feeds `body` cut at `splits` (offsets) and returns the parts, then ends the stream. */
function parse(body: Buffer, boundary: string, splits: number[] = [], limits = {}): MultipartPart[] {
  const reader = new MultipartReader(boundary, limits);
  const parts: MultipartPart[] = [];
  let at = 0;
  for (const split of [...new Set(splits)].sort((x, y) => x - y)) {
    if (split <= at || split >= body.length) continue;
    parts.push(...reader.push(body.subarray(at, split)));
    at = split;
  }
  parts.push(...reader.push(body.subarray(at)));
  reader.end();
  return parts;
}

function errorOf(run: () => unknown): TabibError {
  try {
    run();
  } catch (error) {
    if (error instanceof TabibError) return error;
    throw error;
  }
  throw new Error('expected a TabibError');
}

const two = b(
  '--XyZ\r\nContent-Type: application/dicom\r\n\r\nfirst\r\n' +
    '--XyZ\r\nContent-Type: application/dicom\r\nContent-Location: /b\r\n\r\nsecond part\r\n--XyZ--\r\n',
);

describe('media types', () => {
  it('reads type, subtype and parameters: quoted, escaped, case-insensitive names, spaces', () => {
    const type = parseMediaType(
      'Multipart/Related ; Type="application/dicom"; boundary="a \\"quoted\\" b";transfer-syntax=*',
    );
    expect(type?.type).toBe('multipart/related');
    expect(type?.parameters.get('type')).toBe('application/dicom');
    expect(type?.parameters.get('boundary')).toBe('a "quoted" b');
    expect(type?.parameters.get('transfer-syntax')).toBe('*');
    expect(parseMediaType('application/dicom+json')?.parameters.size).toBe(0);
    expect(parseMediaType('application/dicom;')?.type).toBe('application/dicom');
    for (const bad of ['', 'nonsense', 'a/', 'a/b; x', 'a/b; x="unterminated', 'a/b x=1'])
      expect(parseMediaType(bad), bad).toBeNull();
  });

  it('writes a media type, quoting what is not a token', () => {
    expect(formatMediaType('multipart/related', { type: 'application/dicom', boundary: 'abc' })).toBe(
      'multipart/related; type="application/dicom"; boundary=abc',
    );
    expect(formatMediaType('multipart/related', { 'transfer-syntax': '*' })).toBe(
      'multipart/related; transfer-syntax=*',
    );
  });
});

describe('the multipart reader', () => {
  it('reads parts, headers in lower case, bodies byte for byte', () => {
    const parts = parse(two, 'XyZ');
    expect(parts.map((part) => part.body.toString())).toEqual(['first', 'second part']);
    expect(parts[1]?.headers.get('content-location')).toBe('/b');
    expect(parts[0]?.headers.get('content-type')).toBe('application/dicom');
  });

  it('gives the same parts whatever the chunks: every single split, and random ones', () => {
    const expected = parse(two, 'XyZ').map((part) => part.body.toString());
    for (let split = 1; split < two.length; split++)
      expect(
        parse(two, 'XyZ', [split]).map((part) => part.body.toString()),
        `split at ${split}`,
      ).toEqual(expected);
    // A byte at a time.
    expect(
      parse(
        two,
        'XyZ',
        Array.from({ length: two.length }, (_, index) => index),
      ).map((part) => part.body.toString()),
    ).toEqual(expected);
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (bodies, cuts) => {
          const boundary = newBoundary();
          const body = multipartBody(bodies, boundary, 'application/dicom');
          const parts = parse(
            body,
            boundary,
            cuts.map((cut) => cut % (body.length + 1)),
          );
          expect(parts.map((part) => Buffer.from(part.body).toString('hex'))).toEqual(
            bodies.map((bytes) => Buffer.from(bytes).toString('hex')),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps bodies that hold CRLF, dashes and the boundary without its line start', () => {
    const tricky = '\r\n--XyZ-not-at-line-start: no, it is: --XyZ\r\n-\r\n--';
    const body = b(`--B1\r\n\r\n${tricky}\r\n--B1--`);
    // "--XyZ…" is only a delimiter of a body whose boundary is XyZ; here the boundary is B1.
    expect(parse(body, 'B1').map((part) => part.body.toString('latin1'))).toEqual([tricky]);
    // A prefix of the delimiter at a line start, and the delimiter split over two pushes.
    const nearMiss = b('--B1\r\n\r\nx\r\n--B\r\n\r\n-\r\n--B1--');
    for (let split = 1; split < nearMiss.length; split++)
      expect(parse(nearMiss, 'B1', [split]).map((part) => part.body.toString('latin1'))).toEqual([
        'x\r\n--B\r\n\r\n-',
      ]);
  });

  it('skips a preamble and an epilogue, and padding after a delimiter', () => {
    const body = b(
      'This is a preamble.\r\nIt has lines -- and dashes --XyZ.\r\n--XyZ   \t\r\nA: 1\r\n\r\nbody\r\n' +
        '--XyZ--  epilogue \r\n--XyZ\r\n\r\nignored',
    );
    for (const splits of [[], [5, 30, 31, 42], [47, 48, 49, 50]]) {
      const parts = parse(body, 'XyZ', splits);
      expect(parts.map((part) => part.body.toString())).toEqual(['body']);
      expect(parts[0]?.headers.get('a')).toBe('1');
    }
  });

  it('reads a part without headers, an empty body, and a boundary of 72 characters (Orthanc)', () => {
    const long = '2843b60e-adad-43ac-ab36-7f98abbc9f93-90a76daf-37ef-4ba7-a6be-7fee68007abc';
    expect(long.length).toBeGreaterThan(70);
    const body = b(`--${long}\r\n\r\n\r\n--${long}\r\n\r\nno headers\r\n--${long}--`);
    const parts = parse(body, long, [3, 80, 81]);
    expect(parts.map((part) => part.body.toString())).toEqual(['', 'no headers']);
    expect(parts[1]?.headers.size).toBe(0);
  });

  it('takes a quoted boundary with spaces from the Content-Type', async () => {
    const type = parseMediaType(
      'multipart/related; type="application/dicom"; boundary="with space:and=more"',
    );
    const boundary = type?.parameters.get('boundary') as string;
    const body = b(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\nhello\r\n--${boundary}--\r\n`);
    async function* chunks() {
      for (let at = 0; at < body.length; at += 7) yield body.subarray(at, at + 7);
    }
    const parts: string[] = [];
    for await (const part of readMultipart(chunks(), boundary)) parts.push(part.body.toString());
    expect(parts).toEqual(['hello']);
  });

  it('uses a part’s Content-Length to hold its body, and tolerates a wrong one', () => {
    const body = b(
      '--q\r\nContent-Length: 5\r\n\r\nfive!\r\n--q\r\nContent-Length: 2\r\n\r\nlonger than two\r\n--q\r\nContent-Length: 99\r\n\r\nshort\r\n--q--',
    );
    for (const splits of [[], [20, 21, 22], [40, 60, 70]])
      expect(parse(body, 'q', splits).map((part) => part.body.toString())).toEqual([
        'five!',
        'longer than two',
        'short',
      ]);
  });

  it('refuses a body that ends before its closing boundary: the parts before it came whole, the cut one never', async () => {
    const cut = two.subarray(0, two.indexOf(b('second')) + 3);
    const reader = new MultipartReader('XyZ');
    const parts = reader.push(cut);
    expect(parts.map((part) => part.body.toString())).toEqual(['first']);
    const error = errorOf(() => reader.end());
    expect(error.code).toBe('IMAGING_PACS_RESPONSE_INVALID');
    expect(error.details).toMatchObject({ truncated: true, completeParts: 1 });
    // Ends right after a delimiter, and with no delimiter at all.
    expect(errorOf(() => parse(b('--XyZ\r\nA: 1\r\n\r\nbody\r\n--XyZ'), 'XyZ')).code).toBe(
      'IMAGING_PACS_RESPONSE_INVALID',
    );
    expect(errorOf(() => parse(b('no multipart here'), 'XyZ')).message).toMatch(/no boundary delimiter/);
    // The async reader yields the whole parts, then fails.
    async function* chunks() {
      yield cut;
    }
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const part of readMultipart(chunks(), 'XyZ')) seen.push(part.body.toString());
      })(),
    ).rejects.toMatchObject({ code: 'IMAGING_PACS_RESPONSE_INVALID' });
    expect(seen).toEqual(['first']);
  });

  it('refuses malformed framing and oversized parts or headers', () => {
    expect(errorOf(() => parse(b('--XyZ garbage\r\n\r\nx\r\n--XyZ--'), 'XyZ')).message).toMatch(
      /followed by other bytes/,
    );
    expect(errorOf(() => parse(b('--XyZ\r\nno colon here\r\n\r\nx\r\n--XyZ--'), 'XyZ')).message).toMatch(
      /not "name: value"/,
    );
    expect(
      errorOf(() => parse(b(`--XyZ\r\n\r\n${'x'.repeat(100)}\r\n--XyZ--`), 'XyZ', [], { maxPartBytes: 50 }))
        .message,
    ).toMatch(/larger than 50 bytes/);
    expect(
      errorOf(() =>
        parse(b(`--XyZ\r\nA: ${'x'.repeat(100)}\r\n\r\nx\r\n--XyZ--`), 'XyZ', [10, 20], {
          maxHeaderBytes: 50,
        }),
      ).message,
    ).toMatch(/headers exceed 50 bytes/);
    expect(() => new MultipartReader('ends with a space ')).toThrow(/unusable boundary/);
    expect(() => new MultipartReader('tab\there')).toThrow(/unusable boundary/);
    expect(() => new MultipartReader('')).toThrow(/unusable boundary/);
  });

  it('ignores what follows the close delimiter, even across pushes', () => {
    const reader = new MultipartReader('XyZ');
    expect(reader.push(two).length).toBe(2);
    expect(reader.finished).toBe(true);
    expect(reader.push(b('--XyZ\r\n\r\nmore\r\n--XyZ--'))).toEqual([]);
    reader.end();
  });
});

describe('the multipart writer', () => {
  it('writes parts with their type and length; an empty list is a valid empty body', () => {
    const body = multipartBody([b('one'), b('')], 'bnd', 'application/dicom');
    expect(body.toString('latin1')).toBe(
      '--bnd\r\nContent-Type: application/dicom\r\nContent-Length: 3\r\n\r\none\r\n' +
        '--bnd\r\nContent-Type: application/dicom\r\nContent-Length: 0\r\n\r\n\r\n--bnd--\r\n',
    );
    expect(parse(multipartBody([], 'bnd', 'application/dicom'), 'bnd')).toEqual([]);
  });

  it('refuses a boundary that occurs in a part', () => {
    expect(() => multipartBody([b('x--bnd')], 'bnd', 'application/dicom')).toThrow(/boundary occurs/);
  });
});
