// Univariate Parzen estimator of MO-TPE (docs/methods.md#mobohb-motpe; Ozaki et al. 2020, after Bergstra et
// al. 2011): a uniform-weight mixture of Gaussians truncated to [lb, ub], one component per
// sample plus a prior component at the centre, bandwidths by the "James" rule; continuous or
// discretised on the grid lb + (j + 1/2) q.
//
// Two variants:
//   'paper' reproduces the reference code: boundary padding with the extreme samples and the
//           permuted bandwidth pairing (docs/methods.md#odd-20), and the discrete pdf whose integral bounds are
//           both x + q/2, so every discrete probability is eps (docs/methods.md#odd-19).
//   'fixed' (default) pads with lb/ub, pairs every bandwidth with its own component, and gives
//           a discrete point the kernel's mass on [x - q/2, x + q/2] ∩ [lb, ub]; the masses of
//           the grid points sum to one.
//
// Fit once (constructor), query many. The hot loops are plain numeric code over Float64Arrays
// so that they can move to WebAssembly unchanged.
import { normalCdf, normalMass } from '../math/normal.ts';
import type { Rng } from '../random/rng.ts';
import { roundHalfEven } from '../space/space.ts';

export type ParzenVariant = 'fixed' | 'paper';

/** Machine epsilon (Python's sys.float_info.epsilon): the reference code's floor for probabilities. */
export const EPS = 2.220446049250313e-16;

const SQRT_2PI = Math.sqrt(2 * Math.PI);
/** Rejection sampling gives up after this many draws (never reached: every centre lies in [lb, ub]). */
const MAX_REJECTIONS = 10000;

export interface ParzenOptions {
  /** lower end of the support (default 0) */
  lb?: number;
  /** upper end of the support (default 1) */
  ub?: number;
  /**
   * grid step of a discrete variable: the values are lb + (j + 1/2) q, j = 0 .. floor((ub - lb)/q) - 1;
   * omit for a continuous variable
   */
  q?: number;
  /** default 'fixed' */
  variant?: ParzenVariant;
}

/**
 * James-rule bandwidths (docs/methods.md#mobohb-motpe) for the centres `mus` (the samples followed by the prior's
 * centre, which must be last). With sorted centres s and padding [lo, s, hi], the bandwidth
 * at sorted position p is max(s_p - s_{p-1}, s_{p+1} - s_p) clipped to
 * [(ub - lb) / min(100, m), ub - lb]; the prior's position gets ub - lb.
 *  - 'fixed': lo = lb, hi = ub, and component t gets the bandwidth of its own sorted position.
 *  - 'paper': lo = s_0, hi = s_last, and component t gets the bandwidth of sorted position
 *    order[t] (docs/methods.md#odd-20), so the prior usually does not get ub - lb.
 * Ties between equal centres are broken by index (a stable sort; NumPy's quicksort is not
 * stable, so tie order cannot be reproduced anyway).
 *
 * @returns a new Float64Array of m bandwidths, one per centre
 * @example jamesBandwidths(Float64Array.of(0.1, 0.7, 0.4, 0.5), 0, 1, 'fixed') // [0.3, 0.3, 0.3, 1]
 */
export function jamesBandwidths(mus: Float64Array, lb: number, ub: number, variant: ParzenVariant = 'fixed'): Float64Array {
  const m = mus.length;
  const out = new Float64Array(m);
  if (m === 0) return out;
  const range = ub - lb;
  const minBw = range / Math.min(100, m);
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => mus[a] - mus[b] || a - b);
  const sorted = new Float64Array(m);
  for (let p = 0; p < m; p++) sorted[p] = mus[order[p]];
  const lo = variant === 'paper' ? sorted[0] : lb;
  const hi = variant === 'paper' ? sorted[m - 1] : ub;
  const bw = new Float64Array(m);
  let priorPos = 0;
  for (let p = 0; p < m; p++) {
    const left = sorted[p] - (p > 0 ? sorted[p - 1] : lo);
    const right = (p < m - 1 ? sorted[p + 1] : hi) - sorted[p];
    let s = left > right ? left : right;
    if (s < minBw) s = minBw;
    if (s > range) s = range;
    bw[p] = s;
    if (order[p] === m - 1) priorPos = p;
  }
  bw[priorPos] = range;
  if (variant === 'paper') {
    for (let t = 0; t < m; t++) out[t] = bw[order[t]];
  } else {
    for (let p = 0; p < m; p++) out[order[p]] = bw[p];
  }
  return out;
}

/**
 * A Parzen estimator over [lb, ub]: components at the samples and at (lb + ub)/2, equal weights
 * 1/(n + 1), Gaussian kernels N(μ, max(σ, eps)) truncated to [lb, ub].
 *
 * @example
 * const pe = new ParzenEstimator(Float64Array.of(0.2, 0.3), { lb: 0, ub: 1 });
 * pe.logPdf(0.25); pe.sample(rng, 24);
 */
export class ParzenEstimator {
  readonly lb: number;
  readonly ub: number;
  /** grid step, or 0 for a continuous variable */
  readonly q: number;
  readonly variant: ParzenVariant;
  /** component centres: the samples, then the prior's centre */
  readonly mus: Float64Array;
  /** component bandwidths (floored at eps) */
  readonly sigmas: Float64Array;
  /** component weights (all 1 / size) */
  readonly weights: Float64Array;
  /** per component: 1 / (Φ((ub - μ)/σ) - Φ((lb - μ)/σ)) */
  private readonly norms: Float64Array;
  /** number of grid cells of a discrete variable */
  private readonly cells: number;

  /**
   * @param samples observed values, each in [lb, ub] (may be empty: the prior component alone)
   * @throws RangeError for bad bounds, a bad q or a sample outside [lb, ub]
   */
  constructor(samples: ArrayLike<number>, options: ParzenOptions = {}) {
    const fn = 'ParzenEstimator';
    const lb = options.lb ?? 0;
    const ub = options.ub ?? 1;
    const variant = options.variant ?? 'fixed';
    if (!Number.isFinite(lb) || !Number.isFinite(ub) || !(lb < ub)) throw new RangeError(`${fn}: needs finite lb < ub, got [${lb}, ${ub}]`);
    if (variant !== 'fixed' && variant !== 'paper') throw new RangeError(`${fn}: variant must be 'fixed' or 'paper', got ${String(variant)}`);
    const q = options.q ?? 0;
    if (options.q !== undefined && !(q > 0 && q <= ub - lb)) throw new RangeError(`${fn}: q must be in (0, ub - lb], got ${options.q}`);
    const n = samples.length;
    const mus = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      const x = samples[i];
      if (!(x >= lb && x <= ub)) throw new RangeError(`${fn}: samples[${i}] = ${x} lies outside [${lb}, ${ub}]`);
      mus[i] = x;
    }
    mus[n] = 0.5 * (lb + ub);
    this.lb = lb;
    this.ub = ub;
    this.q = q;
    this.variant = variant;
    this.cells = q > 0 ? Math.max(1, Math.floor((ub - lb) / q + 1e-9)) : 0;
    this.mus = mus;
    const sigmas = jamesBandwidths(mus, lb, ub, variant);
    const norms = new Float64Array(n + 1);
    for (let c = 0; c <= n; c++) {
      const s = sigmas[c] > EPS ? sigmas[c] : EPS;
      sigmas[c] = s;
      const a = (lb - mus[c]) / s;
      const b = (ub - mus[c]) / s;
      // 'paper': the reference code's cdf floors Φ at eps before taking the difference
      norms[c] = variant === 'paper' ? 1 / (Math.max(normalCdf(b), EPS) - Math.max(normalCdf(a), EPS)) : 1 / normalMass(a, b);
    }
    this.sigmas = sigmas;
    this.norms = norms;
    this.weights = new Float64Array(n + 1).fill(1 / (n + 1));
  }

  /** Number of mixture components (samples + prior). */
  get size(): number {
    return this.mus.length;
  }

  /**
   * Density of component c at x: the truncated normal's density (continuous), or its mass on
   * [x - q/2, x + q/2] ∩ [lb, ub] (discrete, 'fixed'), or the reference code's constant eps
   * (discrete, 'paper').
   */
  componentPdf(c: number, x: number): number {
    const mu = this.mus[c];
    const s = this.sigmas[c];
    const norm = this.norms[c];
    if (this.q === 0) {
      const z = (x - mu) / s;
      return (norm / (SQRT_2PI * s)) * Math.exp(-0.5 * z * z);
    }
    const h = 0.5 * this.q;
    if (this.variant === 'paper') {
      // docs/methods.md#odd-19 [AS-IS]: both integral bounds use x + q/2
      const hiX = Math.min(x + h, this.ub);
      const loX = Math.max(x + h, this.lb);
      const cu = Math.max(norm * normalCdf((hiX - mu) / s), EPS);
      const cl = Math.max(norm * normalCdf((loX - mu) / s), EPS);
      return Math.max(cu - cl, EPS);
    }
    // docs/methods.md#odd-19 fixed: the mass of the cell around x
    const lo = Math.max(x - h, this.lb);
    const hi = Math.min(x + h, this.ub);
    return hi > lo ? norm * normalMass((lo - mu) / s, (hi - mu) / s) : 0;
  }

  /** Mixture density (or probability, for a discrete variable) at x. */
  pdf(x: number): number {
    const m = this.mus.length;
    let p = 0;
    for (let c = 0; c < m; c++) p += this.weights[c] * this.componentPdf(c, x);
    return p;
  }

  /** Mixture log-likelihood ln(Σ w_c pdf_c(x) + eps), as the reference code scores candidates. */
  logPdf(x: number): number {
    return Math.log(this.pdf(x) + EPS);
  }

  /** logPdf of every x, into `out` when given. */
  logPdfMany(xs: ArrayLike<number>, out?: Float64Array): Float64Array {
    const res = out ?? new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) res[i] = this.logPdf(xs[i]);
    return res;
  }

  /** The grid point of the cell holding x (discrete variables; identity when continuous). */
  snap(x: number): number {
    if (this.q === 0) return x;
    let j = roundHalfEven((x - this.lb) / this.q - 0.5);
    if (j < 0) j = 0;
    if (j > this.cells - 1) j = this.cells - 1;
    return this.lb + (j + 0.5) * this.q;
  }

  /**
   * n draws: a component uniformly at random (a multinomial draw on the equal weights), then its
   * normal by rejection until the draw lies in [lb, ub]; discrete draws are snapped to the grid.
   * Consumes the rng in a fixed pattern per draw: one uniform for the component, two per normal.
   */
  sample(rng: Rng, n: number, out?: Float64Array): Float64Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`ParzenEstimator.sample: n must be a non-negative integer, got ${n}`);
    const res = out ?? new Float64Array(n);
    const m = this.mus.length;
    const lb = this.lb, ub = this.ub;
    for (let i = 0; i < n; i++) {
      let c = Math.floor(rng.random() * m);
      if (c >= m) c = m - 1;
      const mu = this.mus[c], s = this.sigmas[c];
      let x = mu;
      for (let t = 0; t < MAX_REJECTIONS; t++) {
        const y = mu + s * rng.normal();
        if (y >= lb && y <= ub) {
          x = y;
          break;
        }
      }
      res[i] = this.snap(x);
    }
    return res;
  }
}
