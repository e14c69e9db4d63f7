/**
 * Sobol' low-discrepancy sequence in base 2, 32-bit Gray-code generation, with optional
 * randomisation by Matoušek's random linear matrix scrambling (LMS) plus a random digital shift.
 *
 * Point i of the plain sequence is, per coordinate, the XOR of the direction numbers v_k over
 * the set bits k of gray(i) = i ^ (i >> 1), read as a 32-bit binary fraction. Successive Gray
 * codes differ in one bit (the lowest set bit of i), so each step costs one XOR per coordinate.
 *
 * Scrambling draws, per coordinate, a lower-triangular 32x32 binary matrix L with unit diagonal
 * (output digit j depends on input digits 1..j only) and a 32-bit shift e, and maps each point x
 * to L·x ⊕ e. L is linear over GF(2), so it is applied once to the direction numbers, and e is
 * folded into the starting state. Both transforms preserve every elementary-interval (net)
 * property of the plain sequence, and make each point uniform on [0,1)^dim.
 */
import { Rng } from '../random/rng.ts';

/**
 * Direction-number data from S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
 * two-dimensional projections", SIAM J. Sci. Comput. 30 (2008), table new-joe-kuo-6.21201,
 * dimensions 2..64. One record per dimension: degree s, coefficient code a (the inner
 * coefficients of the primitive polynomial x^s + c_1 x^(s-1) + ... + c_(s-1) x + 1, c_1 being
 * the most significant of the s-1 bits), then the initial direction integers m_1..m_s.
 * Dimension 1 (not listed) is the van der Corput sequence, every m_k = 1.
 */
// prettier-ignore
const JOE_KUO: readonly number[] = [
  1, 0, 1,
  2, 1, 1, 3,
  3, 1, 1, 3, 1,
  3, 2, 1, 1, 1,
  4, 1, 1, 1, 3, 3,
  4, 4, 1, 3, 5, 13,
  5, 2, 1, 1, 5, 5, 17,
  5, 4, 1, 1, 5, 5, 5,
  5, 7, 1, 1, 7, 11, 19,
  5, 11, 1, 1, 5, 1, 1,
  5, 13, 1, 1, 1, 3, 11,
  5, 14, 1, 3, 5, 5, 31,
  6, 1, 1, 3, 3, 9, 7, 49,
  6, 13, 1, 1, 1, 15, 21, 21,
  6, 16, 1, 3, 1, 13, 27, 49,
  6, 19, 1, 1, 1, 15, 7, 5,
  6, 22, 1, 3, 1, 15, 13, 25,
  6, 25, 1, 1, 5, 5, 19, 61,
  7, 1, 1, 3, 7, 11, 23, 15, 103,
  7, 4, 1, 3, 7, 13, 13, 15, 69,
  7, 7, 1, 1, 3, 13, 7, 35, 63,
  7, 8, 1, 3, 5, 9, 1, 25, 53,
  7, 14, 1, 3, 1, 13, 9, 35, 107,
  7, 19, 1, 3, 1, 5, 27, 61, 31,
  7, 21, 1, 1, 5, 11, 19, 41, 61,
  7, 28, 1, 3, 5, 3, 3, 13, 69,
  7, 31, 1, 1, 7, 13, 1, 19, 1,
  7, 32, 1, 3, 7, 5, 13, 19, 59,
  7, 37, 1, 1, 3, 9, 25, 29, 41,
  7, 41, 1, 3, 5, 13, 23, 1, 55,
  7, 42, 1, 3, 7, 3, 13, 59, 17,
  7, 50, 1, 3, 1, 3, 5, 53, 69,
  7, 55, 1, 1, 5, 5, 23, 33, 13,
  7, 56, 1, 1, 7, 7, 1, 61, 123,
  7, 59, 1, 1, 7, 9, 13, 61, 49,
  7, 62, 1, 3, 3, 5, 3, 55, 33,
  8, 14, 1, 3, 1, 15, 31, 13, 49, 245,
  8, 21, 1, 3, 5, 15, 31, 59, 63, 97,
  8, 22, 1, 3, 1, 11, 11, 11, 77, 249,
  8, 38, 1, 3, 1, 11, 27, 43, 71, 9,
  8, 47, 1, 1, 7, 15, 21, 11, 81, 45,
  8, 49, 1, 3, 7, 3, 25, 31, 65, 79,
  8, 50, 1, 3, 1, 1, 19, 11, 3, 205,
  8, 52, 1, 1, 5, 9, 19, 21, 29, 157,
  8, 56, 1, 3, 7, 11, 1, 33, 89, 185,
  8, 67, 1, 3, 3, 3, 15, 9, 79, 71,
  8, 70, 1, 3, 7, 11, 15, 39, 119, 27,
  8, 84, 1, 1, 3, 1, 11, 31, 97, 225,
  8, 97, 1, 1, 1, 3, 23, 43, 57, 177,
  8, 103, 1, 3, 7, 7, 17, 17, 37, 71,
  8, 115, 1, 3, 1, 5, 27, 63, 123, 213,
  8, 122, 1, 1, 3, 5, 11, 43, 53, 133,
  9, 8, 1, 3, 5, 5, 29, 17, 47, 173, 479,
  9, 13, 1, 3, 3, 11, 3, 1, 109, 9, 69,
  9, 16, 1, 1, 1, 5, 17, 39, 23, 5, 343,
  9, 22, 1, 3, 1, 5, 25, 15, 31, 103, 499,
  9, 25, 1, 1, 1, 11, 11, 17, 63, 105, 183,
  9, 44, 1, 1, 5, 11, 9, 29, 97, 231, 363,
  9, 47, 1, 1, 5, 15, 19, 45, 41, 7, 383,
  9, 52, 1, 3, 7, 7, 31, 19, 83, 137, 221,
  9, 55, 1, 1, 1, 3, 23, 15, 111, 223, 83,
  9, 59, 1, 1, 5, 13, 31, 15, 55, 25, 161,
  9, 62, 1, 1, 3, 13, 25, 47, 39, 87, 257,
];

/** Bits per coordinate; also log2 of the number of points the sequence can produce. */
const BITS = 32;
/** 2^32: the number of points available, and the scale from a 32-bit state to [0,1). */
const PERIOD = 4294967296;
const INV_PERIOD = 1 / PERIOD;

/** Direction numbers of all dimensions, dimension-major: V[d*32 + k] = v_(k+1) << (32-(k+1)). */
const DIRECTIONS: Uint32Array = buildDirections();

/** The largest dimension supported (1 + the number of rows in the embedded table). */
export const SOBOL_MAX_DIM: number = DIRECTIONS.length / BITS;

function buildDirections(): Uint32Array {
  let rows = 0;
  for (let p = 0; p < JOE_KUO.length; p += 2 + JOE_KUO[p]) rows++;
  const v = new Uint32Array((rows + 1) * BITS);
  // Dimension 1: van der Corput, v_k = 2^-k.
  for (let k = 0; k < BITS; k++) v[k] = (1 << (BITS - 1 - k)) >>> 0;
  let p = 0;
  for (let d = 1; d <= rows; d++) {
    const s = JOE_KUO[p];
    const a = JOE_KUO[p + 1];
    const base = d * BITS;
    for (let k = 0; k < s; k++) v[base + k] = (JOE_KUO[p + 2 + k] << (BITS - 1 - k)) >>> 0;
    // Bratley-Fox recurrence: v_k = c_1 v_(k-1) ^ ... ^ c_(s-1) v_(k-s+1) ^ v_(k-s) ^ (v_(k-s) >> s).
    for (let k = s; k < BITS; k++) {
      const old = v[base + k - s];
      let x = old ^ (old >>> s);
      for (let i = 1; i < s; i++) {
        if ((a >>> (s - 1 - i)) & 1) x ^= v[base + k - i];
      }
      v[base + k] = x >>> 0;
    }
    p += 2 + s;
  }
  return v;
}

/** Parity (XOR of all bits) of a 32-bit integer. */
function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Index of the lowest set bit of n, for integers 1 <= n < 2^32. */
function lowestBit(n: number): number {
  return 31 - Math.clz32(n & -n);
}

export interface SobolOptions {
  /** Seed for the scrambling (default 0). Ignored when scramble is false. */
  seed?: number;
  /** Apply LMS scrambling and a digital shift (default true). */
  scramble?: boolean;
}

export class Sobol {
  readonly dim: number;
  /** This generator's direction numbers (scrambled when scrambling is on), dimension-major. */
  private readonly v: Uint32Array;
  /** The 32-bit state of the point at position `count`, the next one to be returned. */
  private readonly x: Uint32Array;
  /** The digital shift per dimension (zeros when not scrambled). */
  private readonly shift: Uint32Array;
  private count = 0;

  /**
   * @param dim number of coordinates, an integer in 1..SOBOL_MAX_DIM.
   * @param options.scramble (default true): Matoušek's random linear matrix scrambling plus a
   *   random digital shift, drawn from `seed` with the project's seeded Rng. With scramble=false
   *   the plain sequence is produced, whose first point is all zeros.
   * @param options.seed (default 0) any finite number.
   */
  constructor(dim: number, options: SobolOptions = {}) {
    if (!Number.isInteger(dim) || dim < 1 || dim > SOBOL_MAX_DIM) {
      throw new RangeError(`Sobol: dim must be an integer in 1..${SOBOL_MAX_DIM}, got ${dim}`);
    }
    if (options === null || typeof options !== 'object') {
      throw new RangeError(`Sobol: options must be an object, got ${String(options)}`);
    }
    const { seed = 0, scramble = true } = options;
    if (typeof scramble !== 'boolean') {
      throw new RangeError(`Sobol: scramble must be a boolean, got ${String(scramble)}`);
    }
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new RangeError(`Sobol: seed must be a finite number, got ${String(seed)}`);
    }
    this.dim = dim;
    this.v = DIRECTIONS.slice(0, dim * BITS);
    this.shift = new Uint32Array(dim);
    if (scramble) {
      // Draw order is per dimension (matrix rows, then shift), so the first d coordinates of a
      // scrambled generator do not depend on how many further dimensions were asked for.
      const rng = new Rng(seed);
      const rows = new Uint32Array(BITS);
      for (let d = 0; d < dim; d++) {
        // Row j (output digit j+1, bit 31-j): the diagonal bit plus random bits strictly above it.
        rows[0] = 0x80000000;
        for (let j = 1; j < BITS; j++) {
          const above = (0xffffffff << (BITS - j)) >>> 0;
          rows[j] = ((rng.nextU32() & above) | (1 << (BITS - 1 - j))) >>> 0;
        }
        this.shift[d] = rng.nextU32();
        const base = d * BITS;
        for (let k = 0; k < BITS; k++) {
          const col = this.v[base + k];
          let y = 0;
          for (let j = 0; j < BITS; j++) y |= parity(col & rows[j]) << (BITS - 1 - j);
          this.v[base + k] = y >>> 0;
        }
      }
    }
    this.x = this.shift.slice();
  }

  /** Points generated (or skipped) so far. */
  get index(): number {
    return this.count;
  }

  /** The next point in [0,1)^dim, in a new Float64Array or written into `out` (length >= dim). */
  next(out?: Float64Array): Float64Array {
    if (out === undefined) {
      out = new Float64Array(this.dim);
    } else if (!(out instanceof Float64Array) || out.length < this.dim) {
      throw new RangeError(`Sobol: out must be a Float64Array of length >= ${this.dim}`);
    }
    this.ensureAvailable(1, 'next');
    this.emit(out, 0);
    return out;
  }

  /** Skip n points (n a non-negative integer); equivalent to calling next() n times. */
  skip(n: number): void {
    this.checkCount(n, 'skip');
    this.ensureAvailable(n, 'skip');
    if (n === 0) return;
    const target = this.count + n;
    this.count = target;
    if (target >= PERIOD) return; // exhausted: no further point to prepare
    // Jump straight to point `target`: XOR of direction numbers over the bits of its Gray code.
    const gray = (target ^ (target >>> 1)) >>> 0;
    const { dim, v, x, shift } = this;
    for (let d = 0; d < dim; d++) {
      let y = shift[d];
      const base = d * BITS;
      for (let g = gray, k = 0; g !== 0; g >>>= 1, k++) {
        if (g & 1) y ^= v[base + k];
      }
      x[d] = y >>> 0;
    }
  }

  /** The next n points as a row-major Float64Array of length n*dim. */
  draw(n: number): Float64Array {
    this.checkCount(n, 'draw');
    this.ensureAvailable(n, 'draw');
    const out = new Float64Array(n * this.dim);
    for (let i = 0; i < n; i++) this.emit(out, i * this.dim);
    return out;
  }

  /** Write the current point at out[offset..offset+dim) and advance by one (Gray-code step). */
  private emit(out: Float64Array, offset: number): void {
    const { dim, v, x } = this;
    for (let d = 0; d < dim; d++) out[offset + d] = x[d] * INV_PERIOD;
    const next = this.count + 1;
    this.count = next;
    if (next < PERIOD) {
      const k = lowestBit(next);
      for (let d = 0; d < dim; d++) x[d] ^= v[d * BITS + k];
    }
  }

  private checkCount(n: number, method: string): void {
    if (!Number.isInteger(n) || n < 0) {
      throw new RangeError(`Sobol.${method}: n must be a non-negative integer, got ${n}`);
    }
  }

  private ensureAvailable(n: number, method: string): void {
    if (this.count + n > PERIOD) {
      throw new RangeError(
        `Sobol.${method}: the sequence has 2^32 points; ${this.count} used, ${n} more requested`,
      );
    }
  }
}
