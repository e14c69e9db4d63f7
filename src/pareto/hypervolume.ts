import { pareto } from '../wasm/pareto.ts';
import { withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, checkReference, objectiveSigns,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

/**
 * Exact hypervolume of a point set: the Lebesgue measure of the region dominated by the points
 * and bounded by the reference point. Points that do not strictly dominate the reference point
 * contribute nothing; dominated points and duplicates are allowed.
 *
 * Algorithm by dimension (all minimisation after flipping maximised objectives):
 * d = 1, 2: sort and sweep, O(n log n); d = 3: HV3D+-style sweep in z over a 2-D staircase,
 * O(n log n); d = 4: HV4D+-style sweep computing 3-D contributions, O(n^2); d >= 5: dimension
 * sweep recursion down to the 4-D case.
 *
 * @param points row-major Float64Array of n points x nObj objectives
 * @param nObj number of objectives d >= 1
 * @param reference reference point, nObj values
 * @throws RangeError/TypeError naming the argument for empty, ragged or non-finite input
 * @example hypervolume(fromRows([[1, 2], [2, 1]]), 2, [3, 3]) // 3
 */
export function hypervolume(points: PointData, nObj: number, reference: ArrayLike<number>, options?: ObjectiveOptions): number {
  const fn = 'hypervolume';
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d);
  const ref = checkReference(fn, 'reference', reference, d);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  return withScratch(pareto, (s) => {
    const p = s.f64(points, sign, d);
    const r = s.f64(ref, sign, d);
    return pareto.hypervolume(p, n, d, r);
  });
}
