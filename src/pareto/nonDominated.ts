import { pareto } from '../wasm/pareto.ts';
import { readU8, withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, objectiveSigns, outBuffer,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

export interface NonDominatedOptions extends ObjectiveOptions {
  /**
   * Keep every copy of a non-dominated point (default true). When false, only the first
   * (lowest index) of identical non-dominated points is kept.
   */
  keepDuplicates?: boolean;
}

function checkNonDominatedOptions(fn: string, options: unknown): NonDominatedOptions {
  const opts = checkOptions<NonDominatedOptions>(fn, options);
  if (opts.keepDuplicates !== undefined && typeof opts.keepDuplicates !== 'boolean') {
    throw new TypeError(`${fn}: options.keepDuplicates must be a boolean, got ${String(opts.keepDuplicates)}`);
  }
  return opts;
}

/** Validate the arguments, run the kernel and return the flags (in `out` when given). */
function mask(fn: string, points: PointData, nObj: number, options: unknown, out: Uint8Array | undefined): Uint8Array {
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d, true);
  const opts = checkNonDominatedOptions(fn, options);
  const sign = objectiveSigns(fn, opts.maximise, d);
  const res = outBuffer(fn, out, n, Uint8Array);
  const flags = res.length === n ? res : res.subarray(0, n);
  if (n === 0) return flags;
  const keep = opts.keepDuplicates === false ? 0 : 1;
  withScratch(pareto, (s) => {
    const p = s.f64(points, sign, d);
    const o = s.alloc(n);
    pareto.nonDominated(p, n, d, keep, o);
    flags.set(readU8(pareto, o, n));
  });
  return flags;
}

/**
 * Which points are non-dominated: flag 1 for a point that no other point dominates (a dominates
 * b when a is no worse in every objective and strictly better in one), else 0. Identical
 * non-dominated points are all kept, or with keepDuplicates: false only the first of them.
 *
 * Algorithm by dimension (minimisation after flipping maximised objectives): d = 1: minimum,
 * O(n); d = 2, 3: the dimension sweep of Kung, Luccio and Preparata (1975) over the
 * lexicographically sorted points, O(n log n); d >= 4: comparison with the non-dominated points
 * found so far in lexicographic order, falling back on divide-and-conquer ranks
 * (O(n log^{d-1} n)) when the non-dominated set grows large.
 *
 * @param points row-major Float64Array of n points x nObj objectives (may be empty)
 * @param nObj number of objectives d >= 1
 * @param out optional Uint8Array of at least n elements for the flags; when longer, the first n
 *   elements are written and a subarray of them returned
 * @returns one flag (0 or 1) per point
 * @throws RangeError/TypeError naming the argument for ragged or non-finite input, bad options
 *   or a bad out
 * @example isNonDominated(fromRows([[1, 2], [2, 1], [2, 2]]), 2) // Uint8Array [1, 1, 0]
 */
export function isNonDominated(
  points: PointData, nObj: number, options?: NonDominatedOptions, out?: Uint8Array,
): Uint8Array {
  return mask('isNonDominated', points, nObj, options, out);
}

/**
 * The non-dominated points themselves: the rows that isNonDominated flags, in input order, with
 * their original values (see isNonDominated for the options).
 *
 * @returns a new row-major Float64Array of the kept rows
 * @example nonDominatedPoints(fromRows([[1, 2], [2, 1], [2, 2]]), 2) // Float64Array [1, 2, 2, 1]
 */
export function nonDominatedPoints(points: PointData, nObj: number, options?: NonDominatedOptions): Float64Array {
  const flags = mask('nonDominatedPoints', points, nObj, options, undefined);
  const d = nObj;
  let kept = 0;
  for (let i = 0; i < flags.length; i++) kept += flags[i];
  const res = new Float64Array(kept * d);
  let w = 0;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i] === 0) continue;
    for (let j = 0; j < d; j++) res[w++] = points[i * d + j];
  }
  return res;
}
