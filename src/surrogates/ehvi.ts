// Expected hypervolume improvement of Gaussian predictions (the acquisition of MS-EHVI,
// docs/methods.md#msehvi-acquisition), minimisation, independent objectives. The kernels are in
// assembly/ehvi/; the plain-TypeScript oracle is ./reference/ehvi.ts.
import { erfc, normalMass, normalPdf, normalQuantile } from '../math/normal.ts';
import { checkDim, checkOptions, checkPoints, checkReference, outBuffer, type PointData } from '../pareto/validate.ts';
import { Rng } from '../random/rng.ts';
import { Sobol } from '../space/sobol.ts';
import { wasm } from '../wasm/module.ts';
import { readF64, withScratch } from '../wasm/call.ts';

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
  return withScratch(wasm, (s) => {
    const f = s.f64(front), r = s.f64(reference), mu = s.f64(mean), sd = s.f64(std);
    const o = s.alloc(m * 8);
    kernels[fn](f, n, r, mu, sd, m, o);
    return readF64(wasm, o, m, res);
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
 * The 2-D staircase of a front (row-major n x 2, minimisation): its points strictly inside the
 * reference box, non-dominated, sorted by f1 ascending (so f2 strictly descending), row-major
 * k x 2. EHVI against it equals EHVI against the whole front (dominated points and points
 * outside the box add nothing), so a caller scoring many candidates against one front can
 * reduce it once.
 */
export function staircase2(front: PointData, reference: ArrayLike<number>): Float64Array {
  const r1 = reference[0], r2 = reference[1];
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < front.length; i += 2) {
    const a = front[i], b = front[i + 1];
    if (a < r1 && b < r2) pts.push([a, b]);
  }
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const out: number[] = [];
  let best = Infinity;
  for (const [a, b] of pts) {
    if (b < best) {
      out.push(a, b);
      best = b;
    }
  }
  return Float64Array.from(out);
}

export interface Ehvi2Gradient {
  /** EHVI of each candidate (the kernel's values, as ehvi2) */
  value: Float64Array;
  /** ∂EHVI/∂mean, row-major m x 2 */
  dMean: Float64Array;
  /** ∂EHVI/∂std, row-major m x 2 (at std = 0: the one-sided derivative, std >= 0) */
  dStd: Float64Array;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * The non-linear part of ψ(c) = E[(c − Y)⁺] = (c − μ)⁺ + σ·tail(|c − μ|/σ) for Y ~ N(μ, σ²),
 * tail(t) = φ(t) − tΦ(−t) (0 when σ = 0 or c = −∞).
 */
function tailPart(c: number, mu: number, sigma: number): number {
  if (!(sigma > 0) || c === -Infinity) return 0;
  // the kernel's own tail function (ehvi2 uses it): the same values, and fast
  return sigma * kernels.gaussTail(Math.abs(c - mu) / sigma);
}

/** ∂ψ(c)/∂σ = φ(z) (one-sided at σ = 0: φ(0) when c = μ, else 0). */
function psiDStd(c: number, mu: number, sigma: number): number {
  if (c === -Infinity) return 0;
  if (!(sigma > 0)) return c === mu ? INV_SQRT_2PI : 0;
  return normalPdf((c - mu) / sigma);
}

/**
 * P(lo < Y < hi) for Y ~ N(μ, σ²), lo < hi (lo may be −∞): −∂(ψ(hi) − ψ(lo))/∂μ. With σ = 0,
 * the indicator of lo < μ < hi (the derivative of (hi − max(lo, μ))⁺ away from its kinks).
 */
function mass(lo: number, hi: number, mu: number, sigma: number): number {
  if (!(sigma > 0)) return lo < mu && mu < hi ? 1 : 0;
  return normalMass((lo - mu) / sigma, (hi - mu) / sigma);
}

/**
 * EHVI of 2 objectives (as ehvi2) and its gradient w.r.t. each candidate's means and standard
 * deviations. With the front's staircase x_1 < ... < x_s (heights y_1 > ... > y_s), the strips
 * j = 0..s are [x_j, x_{j+1}) × (−∞, y_j) with x_0 = −∞, x_{s+1} = r_1, y_0 = r_2, and
 *   EHVI = Σ_j DX_j · DY_j,   DX_j = ψ_1(x_{j+1}) − ψ_1(x_j),   DY_j = ψ_2(y_j),
 * ψ_i(c) = E[(c − Y_i)⁺] = (c − μ_i)Φ(z) + σ_i φ(z), z = (c − μ_i)/σ_i. Since ∂ψ/∂μ = −Φ(z) and
 * ∂ψ/∂σ = φ(z):
 *   ∂EHVI/∂μ_1 = −Σ_j DY_j · P(x_j < Y_1 < x_{j+1})    ∂EHVI/∂σ_1 = Σ_j DY_j (φ(z_{j+1}) − φ(z_j))
 *   ∂EHVI/∂μ_2 = −Σ_j DX_j · Φ((y_j − μ_2)/σ_2)        ∂EHVI/∂σ_2 = Σ_j DX_j φ((y_j − μ_2)/σ_2)
 * (the probabilities of strips taken on the tail where they keep their precision). A zero
 * standard deviation (a deterministic objective) gives the derivative of the piecewise-linear
 * improvement, and the one-sided derivative in σ.
 * Same arguments and checks as ehvi2.
 */
export function ehvi2Gradient(front: PointData, reference: ArrayLike<number>, mean: PointData, std: PointData): Ehvi2Gradient {
  const fn = 'ehvi2Gradient';
  const { m } = checkInputs(fn, 2, front, reference, mean, std);
  const value = exact('ehvi2', 2, front, reference, mean, std);
  const dMean = new Float64Array(2 * m), dStd = new Float64Array(2 * m);
  const stairs = staircase2(front, reference);
  const s = stairs.length / 2;
  const rx = reference[0], ry = reference[1];
  for (let i = 0; i < m; i++) {
    const mx = mean[2 * i], my = mean[2 * i + 1], sx = std[2 * i], sy = std[2 * i + 1];
    let gmx = 0, gsx = 0, gmy = 0, gsy = 0;
    let xl = -Infinity, tl = 0, phiL = 0;
    for (let j = 0; j <= s; j++) {
      const yu = j === 0 ? ry : stairs[2 * j - 1];
      // heights decrease with j: once the Gaussian in y has no mass below yu, nothing follows
      if (yu <= my && (sy === 0 || my - yu > 38.6 * sy)) break;
      const xu = j < s ? stairs[2 * j] : rx;
      const tu = tailPart(xu, mx, sx), phiU = psiDStd(xu, mx, sx);
      // ψ(xu) − ψ(xl) with the linear parts subtracted exactly (as the kernel does)
      const dx = Math.max(0, Math.max(0, xu - Math.max(xl, mx)) + (tu - tl));
      const dy = Math.max(0, yu - my) + tailPart(yu, my, sy);
      gmx -= dy * mass(xl, xu, mx, sx);
      gsx += dy * (phiU - phiL);
      gmy -= dx * (sy > 0 ? 0.5 * erfc((my - yu) / (sy * Math.SQRT2)) : yu > my ? 1 : 0);
      gsy += dx * psiDStd(yu, my, sy);
      xl = xu;
      tl = tu;
      phiL = phiU;
    }
    dMean[2 * i] = gmx;
    dMean[2 * i + 1] = gmy;
    dStd[2 * i] = gsx;
    dStd[2 * i + 1] = gsy;
  }
  return { value, dMean, dStd };
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
  const groups = withScratch(wasm, (sc) => {
    const f = sc.f64(front), r = sc.f64(reference), mu = sc.f64(mean), sd = sc.f64(std), zp = sc.f64(z);
    const out = sc.alloc(m * replicates * 8);
    kernels.hviSamples(f, n, d, r, mu, sd, m, zp, s, replicates, out);
    return readF64(wasm, out, m * replicates);
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
 * The Gaussian tail function the kernels use: tail(t) = φ(t) − t·Φ(−t) = E[(−t − Z)⁺] for
 * t >= 0, to about one ulp (relative). Exposed for tests; the TypeScript twin is gaussTail of
 * src/math/normal.ts.
 */
export function gaussTail(t: number): number {
  if (!(t >= 0)) throw new RangeError(`gaussTail: t must be >= 0, got ${t}`);
  return kernels.gaussTail(t);
}
