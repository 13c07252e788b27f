/**
 * JPEG 2000 faces (DG2) made displayable: decoded with OpenJPEG compiled to WebAssembly
 * (@cornerstonejs/codec-openjpeg, the decoder Cornerstone3D uses for DICOM) and written as PNG.
 * Runs under plain Node and in Electron's main process; the codec is loaded once, on first use.
 */
import { createRequire } from 'node:module';
import { crc32, deflateSync } from 'node:zlib';
import { TabibError } from '../../errors';

interface FrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

interface J2KDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): FrameInfo;
  delete(): void;
}

interface OpenJpegModule {
  J2KDecoder: new () => J2KDecoder;
}

type OpenJpegFactory = (options: {
  print: (text: string) => void;
  printErr: (text: string) => void;
}) => Promise<OpenJpegModule>;

let codec: Promise<OpenJpegModule> | null = null;

function loadCodec(): Promise<OpenJpegModule> {
  if (!codec) {
    // The package is an Emscripten CommonJS module that finds its .wasm next to itself.
    const factory = createRequire(import.meta.url)(
      '@cornerstonejs/codec-openjpeg/decodewasmjs',
    ) as OpenJpegFactory;
    // OpenJPEG prints progress ("[INFO] Header of tile 1 / 1 has been read") to stdout: silenced.
    codec = factory({ print: () => undefined, printErr: () => undefined });
  }
  return codec;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA; interleaved, 8 bits per sample. */
  channels: 1 | 2 | 3 | 4;
  pixels: Uint8Array;
}

/** Decodes a JP2 file or a raw J2K codestream. CARD_UNSUPPORTED if OpenJPEG cannot. */
export async function decodeJpeg2000(encoded: Uint8Array): Promise<DecodedImage> {
  const openjpeg = await loadCodec();
  const decoder = new openjpeg.J2KDecoder();
  try {
    decoder.getEncodedBuffer(encoded.length).set(encoded);
    try {
      decoder.decode();
    } catch (error) {
      throw new TabibError(
        'CARD_UNSUPPORTED',
        `The JPEG 2000 face image cannot be decoded: ${String(error)}`,
      );
    }
    const info = decoder.getFrameInfo();
    if (info.componentCount < 1 || info.componentCount > 4 || info.width === 0 || info.height === 0)
      throw new TabibError('CARD_UNSUPPORTED', `JPEG 2000 face image with ${info.componentCount} components`);
    const decoded = decoder.getDecodedBuffer();
    const samples = info.width * info.height * info.componentCount;
    const pixels = new Uint8Array(samples);
    if (info.bitsPerSample <= 8) {
      const shift = 8 - info.bitsPerSample;
      for (let index = 0; index < samples; index++) pixels[index] = (decoded[index] as number) << shift;
    } else {
      // More than 8 bits: the decoder gives 16-bit little-endian samples; keep the top 8 bits.
      const wide = new Uint16Array(decoded.buffer, decoded.byteOffset, samples);
      const shift = info.bitsPerSample - 8;
      for (let index = 0; index < samples; index++) pixels[index] = (wide[index] as number) >> shift;
    }
    return {
      width: info.width,
      height: info.height,
      channels: info.componentCount as DecodedImage['channels'],
      pixels,
    };
  } finally {
    decoder.delete();
  }
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** A PNG (8-bit, no interlace, filter 0 on every row) of `image`. */
export function encodePng(image: DecodedImage): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8;
  header[9] = PNG_COLOUR_TYPE[image.channels];
  const stride = image.width * image.channels;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let row = 0; row < image.height; row++)
    raw.set(image.pixels.subarray(row * stride, (row + 1) * stride), row * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
