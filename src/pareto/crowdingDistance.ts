import { pareto } from '../wasm/pareto.ts';
import { readF64, withScratch } from '../wasm/call.ts';
import { checkDim, checkPoints, outBuffer, type PointData } from './validate.ts';

/**
 * NSGA-II crowding distance of each point (Deb et al. 2002): per objective, the points are
 * sorted by value (ties by row index) and each interior point adds the normalised gap between
 * its two neighbours; the extremes get +Infinity. An objective with a single value adds
 * nothing; with n <= 2 every point gets +Infinity. Usually applied to one front at a time.
 * The direction of the objectives does not matter, so there is no maximise option.
 *
 * @param points row-major Float64Array, n x nObj
 * @param out optional Float64Array of length >= n, filled and returned
 * @example crowdingDistance(fromRows([[0, 3], [1, 1], [3, 0]]), 2) // Float64Array [Infinity, 2, Infinity]
 */
export function crowdingDistance(points: PointData, nObj: number, out?: Float64Array): Float64Array {
  const fn = 'crowdingDistance';
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d);
  const res = outBuffer(fn, out, n, Float64Array);
  return withScratch(pareto, (s) => {
    const p = s.f64(points);
    const o = s.alloc(n * 8);
    pareto.crowdingDistance(p, n, d, o);
    return readF64(pareto, o, n, res);
  });
}
