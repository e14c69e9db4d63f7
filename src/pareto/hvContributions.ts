import { pareto } from '../wasm/pareto.ts';
import { readF64, readU8, withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, checkReference, objectiveSigns, outBuffer,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

export interface HvContributionsOptions extends ObjectiveOptions {
  /**
   * true (default, as moocore's hv_contributions and `hv -c`): dominated points get 0 and do
   * not change the contributions of the others, i.e. S is first reduced to its non-dominated
   * points (duplicates kept, so they still zero each other). false: the literal
   * HV(S) - HV(S \ {i}) over all points.
   */
  ignoreDominated?: boolean;
}

/**
 * Exclusive hypervolume contribution of every point: out[i] = HV(S) - HV(S \ {i}), the volume
 * dominated by point i and by no other point of the set (bounded by the reference point).
 * Points that do not strictly dominate the reference point, weakly dominated points and
 * duplicates contribute 0 (two identical non-dominated points both get 0). With
 * `ignoreDominated: false` a dominated point still reduces the contribution of the single
 * point that dominates it (by default it does not, see HvContributionsOptions). The contributions sum
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
  options?: HvContributionsOptions,
  out?: Float64Array,
): Float64Array {
  const fn = 'hvContributions';
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d);
  const ref = checkReference(fn, 'reference', reference, d);
  const opts = checkOptions<HvContributionsOptions>(fn, options);
  const sign = objectiveSigns(fn, opts.maximise, d);
  const ignoreDominated = opts.ignoreDominated ?? true;
  if (typeof ignoreDominated !== 'boolean') throw new TypeError(`${fn}: options.ignoreDominated must be a boolean`);
  const res = outBuffer(fn, out, n, Float64Array);
  return withScratch(pareto, (s) => {
    let p = s.f64(points, sign, d);
    const r = s.f64(ref, sign, d);
    let m = n;
    let kept: Uint8Array | undefined;
    if (ignoreDominated) {
      const flags = s.alloc(n);
      m = pareto.nonDominated(p, n, d, 1, flags);
      if (m < n) {
        kept = readU8(pareto, flags, n);
        const q = s.alloc(m * d * 8);
        // Fresh views: the kernel above may have grown the memory.
        const src = new Float64Array(pareto.memory.buffer, p, n * d);
        const dst = new Float64Array(pareto.memory.buffer, q, m * d);
        for (let i = 0, j = 0; i < n; i++) if (kept[i]) dst.set(src.subarray(i * d, i * d + d), d * j++);
        p = q;
      }
    }
    const o = s.alloc(m * 8);
    const rc = pareto.hvContributions(p, m, d, r, o);
    if (rc !== 0) throw new Error(`${fn}: kernel failed (code ${rc})`);
    if (!kept) return readF64(pareto, o, n, res);
    const c = readF64(pareto, o, m);
    for (let i = 0, j = 0; i < n; i++) res[i] = kept[i] ? c[j++] : 0;
    return res;
  });
}
