// Expected hypervolume improvement of Gaussian predictions (the acquisition of MS-EHVI,
// METHODS.md §10.4), minimisation, independent objectives. The kernels are in
// assembly/ehvi/; the plain-TypeScript oracle is ./reference/ehvi.ts.
import { checkDim, checkOptions, checkPoints, checkReference, outBuffer, type PointData } from '../pareto/validate.ts';
import { Rng } from '../random/rng.ts';
import { Sobol } from '../space/sobol.ts';
import { wasm } from '../wasm/module.ts';
import { readF64, withScratch } from '../wasm/call.ts';
import { normalCdf } from './parzen.ts';

interface EhviKernels {
  ehvi2(front: number, n: number, ref: number, mean: number, std: number, m: number, out: number): void;
  ehvi3(front: number, n: number, ref: number, mean: number, std: number, m: number, out: number): void;
  hviSamples(front: number, n: number, d: number, ref: number, mean: number, std: number, m: number, z: number, s: number, groups: number, out: number): void;
  gaussTail(t: number): number;
}

const kernels = wasm as unknown as EhviKernels;

export interface EhviQmcOptions {
  /** quasi-Monte Carlo samples per candidate (default 128, as BoTorch's qEHVI in MS-EHVI) */
  samples?: number;
  /** seed of the scrambling (default 0) */
  seed?: number;
  /**
   * independently scrambled Sobol replicates the samples are split into (default 8); their
   * spread gives the standard error. samples is rounded up to a multiple of replicates.
   */
  replicates?: number;
}

export interface EhviEstimate {
  /** the estimates, one per candidate (mean over all samples) */
  values: Float64Array;
  /** standard error of each estimate: the standard deviation of the replicate means / √replicates */
  stdError: Float64Array;
}

/** Validated inputs: front rows, candidate rows. */
function checkInputs(fn: string, d: number, front: PointData, reference: ArrayLike<number>, mean: PointData, std: PointData): { n: number; m: number } {
  const n = checkPoints(fn, 'front', front, d, true);
  checkReference(fn, 'reference', reference, d);
  const m = checkPoints(fn, 'mean', mean, d, true);
  const ms = checkPoints(fn, 'std', std, d, true);
  if (ms !== m) throw new RangeError(`${fn}: std has ${ms} rows, mean has ${m}; they must match`);
  for (let i = 0; i < std.length; i++) {
    if (!(std[i] >= 0)) throw new RangeError(`${fn}: std[${Math.floor(i / d)}][${i % d}] must be >= 0, got ${std[i]}`);
  }
  return { n, m };
}

function exact(fn: 'ehvi2' | 'ehvi3', d: number, front: PointData, reference: ArrayLike<number>, mean: PointData, std: PointData, out?: Float64Array): Float64Array {
  const { n, m } = checkInputs(fn, d, front, reference, mean, std);
  const res = outBuffer(fn, out, m, Float64Array);
  if (m === 0) return res;
  return withScratch((s) => {
    const f = s.f64(front), r = s.f64(reference), mu = s.f64(mean), sd = s.f64(std);
    const o = s.alloc(m * 8);
    kernels[fn](f, n, r, mu, sd, m, o);
    return readF64(o, m, res);
  });
}

/**
 * Exact expected hypervolume improvement for 2 objectives (minimised) of m candidates whose
 * objectives are independent Gaussians N(mean, std²): EHVI = E[HV(front ∪ {Y}) − HV(front)].
 * A std of 0 makes that objective deterministic (e.g. MS-EHVI's known parameter count); with
 * both 0 the value is the plain hypervolume improvement of the mean point.
 *
 * Closed form over the strips of the front's staircase (Emmerich et al. 2011's decomposition):
 * O(n log n) to sort the front once, then O(n) per candidate; accurate to a few ulps
 * (no cancellation for means far from the front, Gaussian tails to full relative precision).
 *
 * @param front row-major n x 2 points (may be empty); points not strictly dominating the
 *   reference are ignored, dominated points and duplicates are allowed
 * @param reference the reference point (2 values)
 * @param mean row-major m x 2 predictive means
 * @param std row-major m x 2 predictive standard deviations, >= 0
 * @param out optional Float64Array of at least m values to write into
 * @returns the m EHVI values (>= 0)
 * @throws TypeError/RangeError naming the argument for bad shapes, non-finite values, negative std
 * @example ehvi2(fromRows([[1, 2], [2, 1]]), [3, 3], [0, 0], [0, 0]) // Float64Array [6] (9 − 3)
 */
export function ehvi2(front: PointData, reference: ArrayLike<number>, mean: PointData, std: PointData, out?: Float64Array): Float64Array {
  return exact('ehvi2', 2, front, reference, mean, std, out);
}

/**
 * Expected hypervolume improvement for 3 objectives (minimised), same conventions as ehvi2.
 *
 * Exact by default: the region the front does not dominate is cut into at most 2n + 1 boxes by
 * a sweep in the third objective (O(n²) once), and the expectation factorises per box: O(n) per
 * candidate. With `options.samples` it is instead the randomised quasi-Monte Carlo estimate of
 * ehviQmc (what BoTorch's qEHVI computes); use ehviQmc itself to get its standard error.
 *
 * @param front row-major n x 3 points (may be empty)
 * @param reference the reference point (3 values)
 * @param mean row-major m x 3 predictive means
 * @param std row-major m x 3 standard deviations, >= 0 (0 = deterministic objective)
 * @param options `samples`, `seed`, `replicates`: quasi-Monte Carlo instead of the exact value
 * @returns the m EHVI values
 */
export function ehvi3(front: PointData, reference: ArrayLike<number>, mean: PointData, std: PointData, options?: EhviQmcOptions): Float64Array {
  const o = checkOptions<EhviQmcOptions>('ehvi3', options);
  if (o.samples === undefined) return exact('ehvi3', 3, front, reference, mean, std);
  return qmc('ehvi3', 3, front, reference, mean, std, o).values;
}

/**
 * Randomised quasi-Monte Carlo EHVI for 2 or 3 objectives: every candidate is scored on the same
 * standard normal deviates (base samples), Z = Φ⁻¹(U) for U the first points of `replicates`
 * independently scrambled Sobol sequences (seeded), each sample by its exact hypervolume
 * improvement. The estimate is the mean over all samples; its standard error comes from the
 * spread of the replicate means (each replicate is an unbiased estimate), so the true EHVI lies
 * within ±2·stdError of the estimate with high probability. The error shrinks almost like
 * 1/samples for smooth integrands (plain Monte Carlo: 1/√samples).
 *
 * @param nObj 2 or 3
 * @throws RangeError for other nObj, bad options or inputs (naming the argument)
 */
export function ehviQmc(
  front: PointData, nObj: number, reference: ArrayLike<number>, mean: PointData, std: PointData, options?: EhviQmcOptions,
): EhviEstimate {
  const fn = 'ehviQmc';
  const d = checkDim(fn, nObj);
  if (d !== 2 && d !== 3) throw new RangeError(`${fn}: nObj must be 2 or 3, got ${d}`);
  return qmc(fn, d, front, reference, mean, std, checkOptions<EhviQmcOptions>(fn, options));
}

function qmc(fn: string, d: number, front: PointData, reference: ArrayLike<number>, mean: PointData, std: PointData, o: EhviQmcOptions): EhviEstimate {
  const { n, m } = checkInputs(fn, d, front, reference, mean, std);
  const samples = o.samples ?? 128;
  const replicates = o.replicates ?? 8;
  const seed = o.seed ?? 0;
  if (!Number.isInteger(replicates) || replicates < 2) throw new RangeError(`${fn}: options.replicates must be an integer >= 2, got ${replicates}`);
  if (!Number.isInteger(samples) || samples < replicates) {
    throw new RangeError(`${fn}: options.samples must be an integer >= options.replicates (${replicates}), got ${samples}`);
  }
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw new RangeError(`${fn}: options.seed must be a finite number, got ${seed}`);
  const per = Math.ceil(samples / replicates);
  const s = per * replicates;
  const z = normalBaseSamples(d, per, replicates, seed);
  const values = new Float64Array(m), stdError = new Float64Array(m);
  if (m === 0) return { values, stdError };
  const groups = withScratch((sc) => {
    const f = sc.f64(front), r = sc.f64(reference), mu = sc.f64(mean), sd = sc.f64(std), zp = sc.f64(z);
    const out = sc.alloc(m * replicates * 8);
    kernels.hviSamples(f, n, d, r, mu, sd, m, zp, s, replicates, out);
    return readF64(out, m * replicates);
  });
  for (let i = 0; i < m; i++) {
    let sum = 0;
    for (let g = 0; g < replicates; g++) sum += groups[i * replicates + g];
    const mu = sum / replicates;
    let ss = 0;
    for (let g = 0; g < replicates; g++) ss += (groups[i * replicates + g] - mu) ** 2;
    values[i] = mu;
    stdError[i] = Math.sqrt(ss / (replicates - 1) / replicates);
  }
  return { values, stdError };
}

/**
 * Standard normal base samples: `replicates` blocks of `per` rows x d, block g from the first
 * points of a Sobol sequence scrambled with its own seed (drawn from Rng(seed)).
 */
export function normalBaseSamples(d: number, per: number, replicates: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const z = new Float64Array(per * replicates * d);
  const u = new Float64Array(d);
  for (let g = 0; g < replicates; g++) {
    const sobol = new Sobol(d, { seed: rng.nextU32() });
    for (let r = 0; r < per; r++) {
      sobol.next(u);
      // Sobol coordinates are multiples of 2^-32 in [0, 1): shift by half a step into (0, 1)
      for (let j = 0; j < d; j++) z[(g * per + r) * d + j] = normalQuantile(u[j] + 2 ** -33);
    }
  }
  return z;
}

/**
 * Φ⁻¹(p), the standard normal quantile, for 0 < p < 1, to about 1e-15 relative: the rational
 * starting value of Abramowitz & Stegun 26.2.23 (error < 4.5e-4), then three Halley steps on
 * the lower tail (cubic convergence), with Φ from the erfc of ./parzen.ts.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  }
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let x = -(t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308))));
  for (let it = 0; it < 3; it++) {
    const pdf = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    const e = (normalCdf(x) - p) / pdf;
    x -= e / (1 + (x * e) / 2);
  }
  return x;
}

/**
 * The Gaussian tail function the kernels use: tail(t) = φ(t) − t·Φ(−t) = E[(−t − Z)⁺] for
 * t >= 0, to about one ulp (relative). Exposed for tests.
 */
export function gaussTail(t: number): number {
  if (!(t >= 0)) throw new RangeError(`gaussTail: t must be >= 0, got ${t}`);
  return kernels.gaussTail(t);
}
