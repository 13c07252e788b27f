/**
 * multipart/related (RFC 2387) in the multipart syntax of RFC 2046 §5.1.1, as WADO-RS answers and
 * STOW-RS requests carry DICOM instances (PS3.18 §8.6.1.2). No multipart parser is installed, so
 * this is a small one of our own, pure and tested at every chunk split (test/imaging/multipart.test.ts).
 *
 * Read as a stream, part by part: a part is handed over once its closing delimiter has arrived, and
 * then forgotten, so a 300-slice series never sits in memory at once, only the instance being read.
 * Bytes before the first delimiter (the preamble) and after the close delimiter (the epilogue) are
 * ignored. A stream that ends before the close delimiter is an error: the last part may be cut, and
 * no part whose end was not seen is ever handed over.
 *
 *   delimiter        = CRLF "--" boundary   (the first one may open the body without the CRLF)
 *   after delimiter  = "--" (the close delimiter) | *(SP / HTAB) CRLF, then the part's headers
 *   part             = *(header CRLF) CRLF body
 */
import { randomBytes } from 'node:crypto';
import { TabibError } from '../../errors';

export interface MultipartPart {
  /** Header names in lower case. */
  headers: Map<string, string>;
  body: Buffer;
}

export interface MultipartLimits {
  /** A part's body larger than this is refused (default 1 GiB). */
  maxPartBytes: number;
  /** A part's header block larger than this is refused (default 16 KiB). */
  maxHeaderBytes: number;
}

export const defaultMultipartLimits: MultipartLimits = { maxPartBytes: 2 ** 30, maxHeaderBytes: 16 * 1024 };

const CRLF = Buffer.from('\r\n', 'latin1');
const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');
/** Transport padding allowed after a delimiter before its CRLF (RFC 2046 §5.1.1 LWSP), bounded. */
const MAX_PADDING = 256;

function invalid(problem: string, details: object = {}): TabibError {
  return new TabibError('IMAGING_PACS_RESPONSE_INVALID', `Malformed multipart body: ${problem}`, {
    problems: [{ path: '(multipart)', problem }],
    ...details,
  });
}

// ---- media types ------------------------------------------------------------------------------

export interface MediaType {
  /** type/subtype in lower case. */
  type: string;
  /** Parameter names in lower case; values as sent, quotes and escapes removed. */
  parameters: Map<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * A Content-Type value (RFC 9110 §8.3.1): `type/subtype *( OWS ";" OWS name=(token|quoted-string) )`.
 * Null when it is not one.
 */
export function parseMediaType(value: string | null | undefined): MediaType | null {
  if (!value) return null;
  let at = 0;
  const text = value;
  const skipSpace = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  };
  const readToken = () => {
    const start = at;
    while (at < text.length && TOKEN.test(text[at] as string)) at++;
    return text.slice(start, at);
  };
  skipSpace();
  const type = readToken();
  if (!type || text[at] !== '/') return null;
  at++;
  const subtype = readToken();
  if (!subtype) return null;
  const parameters = new Map<string, string>();
  for (;;) {
    skipSpace();
    if (at >= text.length) break;
    if (text[at] !== ';') return null;
    at++;
    skipSpace();
    // An empty parameter (a trailing ";") is tolerated.
    if (at >= text.length) break;
    const name = readToken().toLowerCase();
    if (!name || text[at] !== '=') return null;
    at++;
    let parameter: string;
    if (text[at] === '"') {
      at++;
      parameter = '';
      for (;;) {
        if (at >= text.length) return null;
        const char = text[at] as string;
        at++;
        if (char === '"') break;
        if (char === '\\') {
          if (at >= text.length) return null;
          parameter += text[at];
          at++;
        } else parameter += char;
      }
    } else {
      parameter = readToken();
      if (!parameter) return null;
    }
    // The first occurrence of a parameter wins.
    if (!parameters.has(name)) parameters.set(name, parameter);
  }
  return { type: `${type}/${subtype}`.toLowerCase(), parameters };
}

/** A media type as a header value, quoting parameter values that are not tokens. */
export function formatMediaType(type: string, parameters: Record<string, string>): string {
  return [
    type,
    ...Object.entries(parameters).map(
      ([name, value]) => `${name}=${TOKEN.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`}`,
    ),
  ].join('; ');
}

/**
 * RFC 2046 §5.1.1 allows 1–70 `bchars`; read leniently (Orthanc's boundaries have 72 characters):
 * any printable ASCII, up to 200, not ending in a space.
 */
const BOUNDARY = /^[\x20-\x7e]{1,200}$/;

export function checkBoundary(boundary: string | undefined): string {
  if (boundary === undefined || !BOUNDARY.test(boundary) || boundary.endsWith(' '))
    throw invalid(`unusable boundary ${JSON.stringify(boundary ?? null)}`);
  return boundary;
}

/** A fresh boundary: 32 random hex digits, which no DICOM instance will contain by chance (checked all the same). */
export function newBoundary(): string {
  return `tabib-${randomBytes(16).toString('hex')}`;
}

// ---- reading ----------------------------------------------------------------------------------

function parseHeaders(block: Buffer): Map<string, string> {
  const headers = new Map<string, string>();
  let current: string | null = null;
  for (const line of block.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== null) {
      // An obsolete folded line continues the previous header.
      headers.set(current, `${headers.get(current) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0)
      throw invalid(`a part header is not "name: value" (${JSON.stringify(line.slice(0, 60))})`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!TOKEN.test(name)) throw invalid(`a part header name is not a token (${JSON.stringify(name)})`);
    current = name;
    headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

/** The body of the part being read: preallocated when the part declares its Content-Length. */
class BodyCollector {
  private chunks: Buffer[] = [];
  private fixed: Buffer | null = null;
  size = 0;

  constructor(
    declared: number | null,
    private readonly maxBytes: number,
  ) {
    if (declared !== null && declared <= maxBytes) this.fixed = Buffer.allocUnsafe(declared);
  }

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.size + bytes.length > this.maxBytes)
      throw invalid(`a part is larger than ${this.maxBytes} bytes`, { maxPartBytes: this.maxBytes });
    if (this.fixed && this.size + bytes.length <= this.fixed.length) bytes.copy(this.fixed, this.size);
    else {
      if (this.fixed) {
        // More than declared: the declared length was wrong; the delimiter decides.
        this.chunks = [this.fixed.subarray(0, this.size)];
        this.fixed = null;
      }
      // A view, not a copy: network chunks are fresh arrays, never written again.
      this.chunks.push(bytes);
    }
    this.size += bytes.length;
  }

  finish(): Buffer {
    if (this.fixed) return this.size === this.fixed.length ? this.fixed : this.fixed.subarray(0, this.size);
    return this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
  }
}

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'epilogue';

/**
 * The parser as a push machine: feed it bytes in any chunks, take the parts each push completes,
 * and call `end()` when the stream ends.
 */
export class MultipartReader {
  private readonly delimiter: Buffer;
  private readonly limits: MultipartLimits;
  // The unread bytes; the body state keeps at most delimiter.length - 1 of them between pushes.
  private buffer: Buffer;
  private state: State = 'preamble';
  private headers: Map<string, string> = new Map();
  private body: BodyCollector | null = null;
  /** Parts completed so far. */
  count = 0;

  constructor(boundary: string, limits: Partial<MultipartLimits> = {}) {
    this.delimiter = Buffer.from(`\r\n--${checkBoundary(boundary)}`, 'latin1');
    this.limits = { ...defaultMultipartLimits, ...limits };
    // The first delimiter may start the body without a CRLF before it.
    this.buffer = Buffer.from(CRLF);
  }

  get finished(): boolean {
    return this.state === 'epilogue';
  }

  push(chunk: Uint8Array): MultipartPart[] {
    if (this.state === 'epilogue' || chunk.length === 0) return [];
    const incoming = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.buffer = this.buffer.length === 0 ? incoming : Buffer.concat([this.buffer, incoming]);
    const parts: MultipartPart[] = [];
    for (;;) {
      const before: State = this.state;
      const part = this.step();
      if (part) parts.push(part);
      if (this.finished || (this.state === before && !part)) break;
    }
    return parts;
  }

  /** The stream ended: anything but a seen close delimiter is an error. */
  end(): void {
    if (this.state === 'epilogue') return;
    throw invalid(
      this.count === 0 && this.state === 'preamble'
        ? 'no boundary delimiter in the body'
        : `the body ended before its closing boundary (after ${this.count} whole part${this.count === 1 ? '' : 's'})`,
      { completeParts: this.count, truncated: true },
    );
  }

  /** One move of the machine over the buffer; returns a completed part, if any. */
  private step(): MultipartPart | null {
    const keep = this.delimiter.length - 1;
    switch (this.state) {
      case 'preamble': {
        const index = this.buffer.indexOf(this.delimiter);
        if (index < 0) {
          if (this.buffer.length > keep) this.buffer = this.buffer.subarray(this.buffer.length - keep);
          return null;
        }
        this.buffer = this.buffer.subarray(index + this.delimiter.length);
        this.state = 'delimiter';
        return null;
      }
      case 'delimiter': {
        if (this.buffer.length < 2) return null;
        if (this.buffer[0] === 0x2d && this.buffer[1] === 0x2d) {
          this.state = 'epilogue';
          this.buffer = Buffer.alloc(0);
          return null;
        }
        let at = 0;
        while (at < this.buffer.length && (this.buffer[at] === 0x20 || this.buffer[at] === 0x09)) at++;
        if (at > MAX_PADDING) throw invalid('too much padding after a boundary delimiter');
        if (this.buffer.length < at + 2) return null;
        if (this.buffer[at] !== 0x0d || this.buffer[at + 1] !== 0x0a)
          throw invalid('a boundary delimiter is followed by other bytes than a line end');
        this.buffer = this.buffer.subarray(at + 2);
        this.state = 'headers';
        return null;
      }
      case 'headers': {
        // No headers at all: the delimiter line is followed by the empty line.
        let block: Buffer;
        if (this.buffer.length >= 2 && this.buffer[0] === 0x0d && this.buffer[1] === 0x0a) {
          block = Buffer.alloc(0);
          this.buffer = this.buffer.subarray(2);
        } else {
          const index = this.buffer.indexOf(HEADER_END);
          if (index < 0) {
            if (this.buffer.length > this.limits.maxHeaderBytes)
              throw invalid(`a part's headers exceed ${this.limits.maxHeaderBytes} bytes`);
            return null;
          }
          if (index > this.limits.maxHeaderBytes)
            throw invalid(`a part's headers exceed ${this.limits.maxHeaderBytes} bytes`);
          block = this.buffer.subarray(0, index);
          this.buffer = this.buffer.subarray(index + HEADER_END.length);
        }
        this.headers = parseHeaders(block);
        const length = this.headers.get('content-length');
        const declared = length !== undefined && /^\d{1,15}$/.test(length) ? Number(length) : null;
        this.body = new BodyCollector(declared, this.limits.maxPartBytes);
        this.state = 'body';
        return null;
      }
      case 'body': {
        const body = this.body as BodyCollector;
        const index = this.buffer.indexOf(this.delimiter);
        if (index < 0) {
          if (this.buffer.length > keep) {
            body.add(this.buffer.subarray(0, this.buffer.length - keep));
            this.buffer = this.buffer.subarray(this.buffer.length - keep);
          }
          return null;
        }
        body.add(this.buffer.subarray(0, index));
        this.buffer = this.buffer.subarray(index + this.delimiter.length);
        const part = { headers: this.headers, body: body.finish() };
        this.body = null;
        this.headers = new Map();
        this.state = 'delimiter';
        this.count++;
        return part;
      }
      case 'epilogue':
        return null;
    }
  }
}

/** The parts of a multipart stream, each handed over whole once its end has arrived. */
export async function* readMultipart(
  chunks: AsyncIterable<Uint8Array>,
  boundary: string,
  limits: Partial<MultipartLimits> = {},
): AsyncGenerator<MultipartPart> {
  const reader = new MultipartReader(boundary, limits);
  for await (const chunk of chunks) {
    for (const part of reader.push(chunk)) yield part;
    if (reader.finished) break;
  }
  reader.end();
}

// ---- writing ----------------------------------------------------------------------------------

/**
 * A multipart/related body of DICOM instances (STOW-RS, PS3.18 §10.5.1.2): each part
 * `Content-Type: application/dicom`. Refuses a boundary that occurs in a part (it would end it early).
 */
export function multipartBody(parts: readonly Uint8Array[], boundary: string, partType: string): Buffer {
  const delimiter = Buffer.from(`\r\n--${checkBoundary(boundary)}`, 'latin1');
  const pieces: Buffer[] = [];
  parts.forEach((part, index) => {
    const bytes = Buffer.from(part.buffer, part.byteOffset, part.byteLength);
    if (bytes.includes(delimiter.subarray(2)))
      throw new TabibError('INTERNAL', `The multipart boundary occurs in part ${index}`);
    pieces.push(
      index === 0 ? delimiter.subarray(2) : delimiter,
      Buffer.from(`\r\nContent-Type: ${partType}\r\nContent-Length: ${bytes.length}\r\n\r\n`, 'latin1'),
      bytes,
    );
  });
  pieces.push(parts.length === 0 ? delimiter.subarray(2) : delimiter, Buffer.from('--\r\n', 'latin1'));
  return Buffer.concat(pieces);
}
