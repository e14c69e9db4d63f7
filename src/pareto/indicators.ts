import { pareto } from '../wasm/pareto.ts';
import { withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, objectiveSigns, type ObjectiveOptions, type PointData,
} from './validate.ts';

type Kernel = 'igd' | 'igdPlus' | 'epsilonAdditive';

function indicator(fn: string, kernel: Kernel, points: PointData, reference: PointData, nObj: number, options?: ObjectiveOptions): number {
  const d = checkDim(fn, nObj);
  const n = checkPoints(fn, 'points', points, d);
  const m = checkPoints(fn, 'referenceSet', reference, d);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  return withScratch(pareto, (s) => pareto[kernel](s.f64(points, sign, d), n, s.f64(reference, sign, d), m, d));
}

/**
 * Inverted generational distance: the mean, over the reference set R, of the Euclidean
 * distance from each r in R to its nearest point of A (Coello & Reyes Sierra 2004; moocore's IGD).
 * @example igd(fromRows([[1, 1]]), fromRows([[0, 1], [1, 0]]), 2) // 1
 */
export function igd(points: PointData, referenceSet: PointData, nObj: number, options?: ObjectiveOptions): number {
  return indicator('igd', 'igd', points, referenceSet, nObj, options);
}

/**
 * IGD+ (Ishibuchi et al. 2015): like IGD with the distance d+(r, a) = sqrt(sum_k max(a_k - r_k, 0)^2)
 * for minimised objectives, which counts only how much a is worse than r; weakly Pareto compliant.
 * @example igdPlus(fromRows([[1, 1]]), fromRows([[0, 1], [1, 0]]), 2) // 1
 */
export function igdPlus(points: PointData, referenceSet: PointData, nObj: number, options?: ObjectiveOptions): number {
  return indicator('igdPlus', 'igdPlus', points, referenceSet, nObj, options);
}

/**
 * Additive epsilon indicator (Zitzler et al. 2003): the smallest e such that every point of the
 * reference set is weakly dominated by some point of A shifted by -e in every minimised objective:
 * max_{r in R} min_{a in A} max_k (a_k - r_k). Negative when A strictly dominates R.
 * @example epsilonAdditive(fromRows([[1, 1]]), fromRows([[0, 1], [1, 0]]), 2) // 1
 */
export function epsilonAdditive(points: PointData, referenceSet: PointData, nObj: number, options?: ObjectiveOptions): number {
  return indicator('epsilonAdditive', 'epsilonAdditive', points, referenceSet, nObj, options);
}
