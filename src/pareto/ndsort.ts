import { pareto } from '../wasm/pareto.ts';
import { readI32, withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, objectiveSigns, outBuffer,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

/**
 * Non-dominated sorting: the Pareto rank of every point. Rank 0 marks the non-dominated points;
 * rank k the points that are non-dominated once those of ranks < k are removed (equivalently,
 * one more than the largest rank of a point dominating it). a dominates b when a is no worse
 * in every objective and strictly better in one; identical points share a rank.
 *
 * Algorithm by dimension (minimisation after flipping maximised objectives): d = 1: radix sort,
 * O(n); d = 2: lexicographic sort and a binary search over the fronts (Jensen 2003),
 * O(n log n); d = 3: a lexicographic sweep keeping one 2-D staircase (a treap) per front, with a
 * binary search over the fronts, O(n log F log n) for F fronts; d >= 4: the divide and conquer
 * of Jensen (2003) with the tie handling of Fortin, Grenier and Parizeau (2013) and the balanced
 * splits of Buzdalov and Shalyto (2014), O(n log^{d-1} n).
 *
 * @param points row-major Float64Array of n points x nObj objectives (may be empty)
 * @param nObj number of objectives d >= 1
 * @param out optional Int32Array of at least n elements to write the ranks into; when longer,
 *   the first n elements are written and a subarray of them returned
 * @returns the ranks, one per point; the number of fronts is the largest rank + 1
 * @throws RangeError/TypeError naming the argument for ragged or non-finite input or a bad out
 * @example ndsort(fromRows([[1, 2], [2, 1], [2, 2]]), 2) // Int32Array [0, 0, 1]
 */
export function ndsort(points: PointData, nObj: number, options?: ObjectiveOptions, out?: Int32Array): Int32Array {
  const fn = 'ndsort';
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d, true);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  const res = outBuffer(fn, out, n, Int32Array);
  const ranks = res.length === n ? res : res.subarray(0, n);
  if (n === 0) return ranks;
  return withScratch(pareto, (s) => {
    const p = s.f64(points, sign, d);
    const o = s.alloc(n * 4);
    pareto.ndsort(p, n, d, o);
    return readI32(pareto, o, n, ranks);
  });
}
