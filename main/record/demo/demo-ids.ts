/**
 * Resource ids for generated data: UUID-shaped (RFC 9562 §5.8, version 8, "custom" layout) and
 * derived from (seed, patient index, resource number) alone, so a seed always yields the same ids
 * and regenerating patient #N gives back exactly the ids already in the record.
 *
 * Layout: `SSSSSSSS-IIII-8III-8III-NNNNHHHHHHHH`: S a hash of the seed, I the patient index
 * (40 bits, big-endian around the version and variant nibbles), N the resource's number within the
 * patient, H a hash of all of it. The index comes first so that one patient's resources have
 * neighbouring ids and successive patients increasing ones: a bulk load appends to the record's
 * (type, id) index instead of scattering writes across it.
 */
import { mix32 } from './seeded-random';

const MAX_INDEX = 2 ** 40 - 1;

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** Two hex digits per byte, looked up: formatting ids was a tenth of the generator's time. */
const byteHex = Array.from({ length: 256 }, (_, value) => hex(value, 2));

function hex8(value: number): string {
  return (
    (byteHex[value >>> 24] as string) +
    (byteHex[(value >>> 16) & 0xff] as string) +
    (byteHex[(value >>> 8) & 0xff] as string) +
    (byteHex[value & 0xff] as string)
  );
}

export class DemoIds {
  private readonly head: string;
  private readonly salt: number;
  private next = 0;

  constructor(seed: number, index: number) {
    if (!Number.isSafeInteger(index) || index < 0 || index > MAX_INDEX)
      throw new RangeError(`patient index must be an integer in [0, 2^40): ${index}`);
    const seedTag = mix32(seed ^ 0x5bd1e995);
    const high = Math.floor(index / 2 ** 24);
    const middle = Math.floor(index / 4096) % 4096;
    const low = index % 4096;
    this.head = `${hex(seedTag, 8)}-${hex(high, 4)}-8${hex(middle, 3)}-8${hex(low, 3)}-`;
    this.salt = mix32(seedTag ^ mix32(index % 2 ** 32) ^ high);
  }

  /** The next id of this patient: the Patient itself gets the first. */
  take(): string {
    const number = this.next++;
    if (number > 0xffff) throw new RangeError('more than 65,536 resources for one patient');
    return (
      this.head +
      (byteHex[number >>> 8] as string) +
      (byteHex[number & 0xff] as string) +
      hex8(mix32(this.salt ^ number))
    );
  }
}
