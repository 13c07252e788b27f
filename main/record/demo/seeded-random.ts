/**
 * Seeded randomness for synthetic data. sfc32 (Chris Doty-Humphrey's "small fast chaotic" PRNG,
 * from PractRand) is seeded from a hash of (seed, index, stream), so patient #N is generated
 * alone, without drawing for patients 0..N-1 first, and always the same way. Not for secrets.
 */

/** MurmurHash3's 32-bit finaliser: spreads every input bit over the output. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const TWO_32 = 2 ** 32;
const SQRT3 = Math.sqrt(3);

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * @param stream separates independent draws for the same patient (e.g. the national identifier),
   *   so that changing how many numbers one part draws does not change the others.
   */
  constructor(seed: number, index: number, stream = 0) {
    const low = index >>> 0;
    const high = Math.floor(index / TWO_32) >>> 0;
    this.a = mix32(mix32(seed ^ 0x9e3779b9) ^ low);
    this.b = mix32(this.a ^ high ^ 0x632be5ab);
    this.c = mix32(this.b ^ mix32(stream + 0x85ebca6b));
    this.d = 1;
    // A few rounds decorrelate neighbouring indices (their seeds differ in few bits).
    for (let round = 0; round < 12; round++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / TWO_32;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A float in [min, max). */
  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /**
   * Approximately normal (Irwin–Hall sum of four uniforms): bounded at ±3.46 SD, which keeps
   * synthetic physiology plausible without clamping most draws, and costs no logarithm.
   */
  normal(mean: number, sd: number): number {
    const sum = this.next() + this.next() + this.next() + this.next();
    return mean + (sum - 2) * SQRT3 * sd; // the sum has SD 1/√3
  }

  /** A normal draw clamped to [min, max]. */
  normalWithin(mean: number, sd: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, this.normal(mean, sd)));
  }
}

/** Draws entries in proportion to their weights; built once, drawn from in O(log n). */
export class WeightedTable<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    if (items.length === 0) throw new RangeError('a weighted table needs entries');
    this.cumulative = new Float64Array(items.length);
    let total = 0;
    items.forEach((item, index) => {
      const w = weight(item);
      if (!(w >= 0)) throw new RangeError('weights must be non-negative');
      total += w;
      this.cumulative[index] = total;
    });
    if (total <= 0) throw new RangeError('a weighted table needs a positive total weight');
    this.total = total;
  }

  draw(random: SeededRandom): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.cumulative[middle] as number) > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low] as T;
  }
}
