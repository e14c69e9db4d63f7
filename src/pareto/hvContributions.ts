import { wasm } from '../wasm/module.ts';
import { readF64, withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, checkReference, objectiveSigns, outBuffer,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

/**
 * Exclusive hypervolume contribution of every point: out[i] = HV(S) - HV(S \ {i}), the volume
 * dominated by point i and by no other point of the set (bounded by the reference point).
 * Points that do not strictly dominate the reference point, weakly dominated points and
 * duplicates contribute 0 (two identical non-dominated points both get 0). A dominated point
 * still reduces the contribution of the single point that dominates it. The contributions sum
 * to the volume dominated by exactly one point, i.e. HV(S) minus the hypervolume of the
 * pairwise component-wise maxima {max(p, q) : p != q}; never to HV(S) itself for two or more
 * points inside the reference box.
 *
 * Algorithm by dimension (all minimisation after flipping maximised objectives):
 * d = 1: O(n); d = 2: sort and staircase sweep, O(n log n); d = 3: z-sweep over the 2-D front
 * with second-level staircases (HVC3D-style, Guerreiro & Fonseca 2018, extended to dominated
 * points), O(n log n); d >= 4: the volume of each point's box minus the hypervolume of the
 * other points clipped to it, n hypervolume calls.
 *
 * @param points row-major Float64Array of n points x nObj objectives
 * @param nObj number of objectives d >= 1
 * @param reference reference point, nObj values
 * @param options `maximise`: objectives to maximise (reference in the same space)
 * @param out optional Float64Array of at least n values to write the contributions to
 * @returns `out` (or a new Float64Array of n values)
 * @throws RangeError/TypeError naming the argument for empty, ragged or non-finite input
 * @example hvContributions(fromRows([[1, 2], [2, 1]]), 2, [3, 3]) // Float64Array [1, 1]
 */
export function hvContributions(
  points: PointData,
  nObj: number,
  reference: ArrayLike<number>,
  options?: ObjectiveOptions,
  out?: Float64Array,
): Float64Array {
  const fn = 'hvContributions';
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d);
  const ref = checkReference(fn, 'reference', reference, d);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  const res = outBuffer(fn, out, n, Float64Array);
  return withScratch((s) => {
    const p = s.f64(points, sign, d);
    const r = s.f64(ref, sign, d);
    const o = s.alloc(n * 8);
    const rc = wasm.hvContributions(p, n, d, r, o);
    if (rc !== 0) {
      throw new Error(
        rc === -2
          ? `${fn}: no exact ${d}-objective hypervolume kernel in this build (needed for nObj >= 4)`
          : `${fn}: kernel failed (code ${rc})`,
      );
    }
    return readF64(o, n, res);
  });
}
