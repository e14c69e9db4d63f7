import { pareto } from '../wasm/pareto.ts';
import { readF64, withScratch } from '../wasm/call.ts';
import {
  checkDim, checkOptions, checkPoints, checkReference, objectiveSigns,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

/**
 * The direction generators of hvApprox, in the order of moocore's `hvapprox --method`:
 * 'montecarlo' = 1 (DZ2019-MC), 'hua-wang' = 2 (DZ2019-HW), 'rphi-fwe' = 3 (Rphi-FWE+).
 */
export const HV_APPROX_METHODS = ['montecarlo', 'hua-wang', 'rphi-fwe'] as const;
export type HvApproxMethod = (typeof HV_APPROX_METHODS)[number];

/** Largest number of objectives hvApprox accepts (as moocore). */
export const HV_APPROX_MAX_OBJECTIVES = 31;

/** Default number of directions (moocore's Python hv_approx default, 2^18). */
export const HV_APPROX_DEFAULT_SAMPLES = 262_144;

export interface HvApproxOptions extends ObjectiveOptions {
  /** Number of directions N, an integer in [1, 2^31 - 1] (default 262144). */
  samples?: number;
  /** Direction generator (default 'rphi-fwe', moocore's default). */
  method?: HvApproxMethod;
  /**
   * Seed of the generator for 'montecarlo' (an integer, default 0; its low 32 bits are used, as
   * by Rng). Ignored by the deterministic methods.
   */
  seed?: number;
}

export interface HvApproxResult {
  /** The estimate; 0 when no point strictly dominates the reference point. */
  value: number;
  /**
   * 'montecarlo' only: the standard error of the estimate, c_d s / sqrt(N) with s the sample
   * standard deviation of the N per-direction values (NaN for N = 1). The quasi-Monte Carlo
   * methods have no error estimate (see hvApprox).
   */
  standardError?: number;
  samples: number;
  method: HvApproxMethod;
}

function checkHvApproxOptions(fn: string, options: unknown): { samples: number; method: HvApproxMethod; seed: number } {
  const opts = checkOptions<HvApproxOptions>(fn, options);
  const samples = opts.samples ?? HV_APPROX_DEFAULT_SAMPLES;
  if (typeof samples !== 'number' || !Number.isInteger(samples) || samples < 1 || samples > 0x7fffffff) {
    throw new RangeError(`${fn}: options.samples must be an integer in [1, 2147483647], got ${String(samples)}`);
  }
  const method = opts.method ?? 'rphi-fwe';
  if (!HV_APPROX_METHODS.includes(method)) {
    throw new RangeError(`${fn}: options.method must be one of ${HV_APPROX_METHODS.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(method)}`);
  }
  const seed = opts.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isInteger(seed)) {
    throw new RangeError(`${fn}: options.seed must be an integer, got ${String(seed)}`);
  }
  return { samples, method, seed };
}

/**
 * Approximate hypervolume: an estimate of the volume dominated by the points and bounded by the
 * reference point, for many objectives where the exact hypervolume is too slow.
 *
 * Estimator of Deng and Zhang (2019, "Approximating hypervolume and hypervolume contributions
 * using polar coordinate", IEEE TEVC 23(5)): with q = ref - p for the points that strictly
 * dominate ref, HV = c_d E_theta[max_p min_j (q_j / theta_j)^d], theta uniform on the positive
 * part of the unit sphere, c_d = pi^(d/2) / (Gamma(d/2 + 1) 2^d). The mean over N directions
 * from one of moocore's generators:
 * - 'montecarlo' (moocore 1, DZ2019-MC): normal vectors folded into the positive orthant, from
 *   a seeded xoshiro128** (not moocore's generator: the numbers differ from moocore's, the
 *   distribution does not). Unbiased; the standard error (returned) falls as N^(-1/2).
 * - 'hua-wang' (moocore 2, DZ2019-HW): the Hua-Wang rank-1 lattice mapped to polar angles
 *   (Deng and Zhang 2019). Deterministic.
 * - 'rphi-fwe' (moocore 3, Rphi-FWE+, the default): the generalised golden-ratio sequence
 *   through Fang and Wang's mapping (Lopez-Ibanez 2026, "Approximating the hypervolume
 *   indicator using fast quasi-random low-discrepancy sequences", GECCO). Deterministic.
 * The quasi-Monte Carlo methods give no error estimate: their error is not random, and the
 * Koksma-Hlawka bound (O((log N)^(d-1) / N)) needs a variation the integrand (a max of mins, with
 * kinks) need not have; in practice their error falls faster than N^(-1/2), but not monotonically.
 * The deterministic methods use moocore's point sets, its 80-bit arithmetic reproduced exactly
 * where it matters: 'rphi-fwe' gives moocore's value to rounding (~1e-15); 'hua-wang' to
 * 1e-13..1e-9 for d >= 5, because moocore's angles for lattice points with a zero coordinate are
 * set by its rounding noise. Here the polar-angle integral is summed as a power series for small
 * angles, where moocore's closed forms lose all accuracy (its Hua-Wang does not terminate for
 * d >= 23), so 'hua-wang' works up to d = 31.
 *
 * Complexity: O(N (n d + g)) time, g the cost of one direction (O(d) for 'montecarlo' and
 * 'rphi-fwe', d - 1 Newton solves for 'hua-wang'), O(n d) memory.
 *
 * @param points row-major Float64Array of n points x nObj objectives
 * @param nObj number of objectives, 2 <= d <= 31
 * @param reference reference point, nObj values
 * @param options samples (default 262144), method (default 'rphi-fwe'), seed ('montecarlo'),
 *   maximise
 * @throws RangeError/TypeError naming the argument for empty, ragged or non-finite input, nObj
 *   outside [2, 31] or bad options
 * @example hvApprox(fromRows([[1, 2], [2, 1]]), 2, [3, 3], { samples: 10_000 }).value // ~3
 */
export function hvApprox(points: PointData, nObj: number, reference: ArrayLike<number>, options?: HvApproxOptions): HvApproxResult {
  const fn = 'hvApprox';
  const d = checkDim(fn, nObj);
  if (d < 2 || d > HV_APPROX_MAX_OBJECTIVES) {
    throw new RangeError(`${fn}: nObj must be between 2 and ${HV_APPROX_MAX_OBJECTIVES}, got ${d}`);
  }
  const n = checkPoints(fn, 'points', points, d);
  const ref = checkReference(fn, 'reference', reference, d);
  const { samples, method, seed } = checkHvApproxOptions(fn, options);
  const sign = objectiveSigns(fn, (options ?? {}).maximise, d);
  const id = HV_APPROX_METHODS.indexOf(method) + 1;
  const [value, standardError] = withScratch(pareto, (s) => {
    const p = s.f64(points, sign, d);
    const r = s.f64(ref, sign, d);
    const out = s.alloc(16);
    const v = pareto.hvApprox(p, n, d, r, samples, id, seed >>> 0, out);
    return [v, readF64(pareto, out, 1)[0]];
  });
  return method === 'montecarlo' ? { value, standardError, samples, method } : { value, samples, method };
}
