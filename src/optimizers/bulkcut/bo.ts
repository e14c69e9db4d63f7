// Bulk & Cut's learning-rate optimisers (docs/methods.md#bulkcut-bo): Bayesian optimisation
// over named dimensions with bounds, some of which the caller dictates (the child's depth and
// log size), so that only the learning rate is chosen. The model is scikit-learn's
// GaussianProcessRegressor as the reference configures it, on the project's GP: an isotropic
// Matérn-5/2 kernel with no amplitude factor, 1e-6 added to the diagonal, standardised
// targets, on the raw (unscaled) inputs. Its one hyperparameter, the length scale in
// [1e-5, 1e5], is fitted directly rather than through GaussianProcess.fit (whose length scales
// are per input and relative to the data's range, and which fits an output scale): the log
// marginal likelihood and its slope along ln ℓ on 41 log-spaced values, then, in every interval
// where the slope turns from rising to falling, the slope's zero. In one dimension this finds
// the global maximum that the reference's six local L-BFGS runs (from ℓ = 1 and five random
// starts) look for, peaks narrower than the grid included, deterministically and in a few
// dozen factorisations; on a flat likelihood it keeps the reference's start ℓ = 1.
// The acquisition is the lower confidence bound μ − 2.5σ, minimised over the free dimensions by
// the best of 10,000 uniform points, then bounded L-BFGS from it and from 10 uniform points.
import { Rng } from '../../random/rng.ts';
import { GaussianProcess, gpLogMarginalLikelihood, type GpHyperparameters } from '../../surrogates/gp.ts';
import { BoxLbfgs } from '../../surrogates/lbfgs.ts';
import type { Variant } from '../options.ts';

export interface ConstrainedBoOptions {
  seed: number;
  /** hears of dictated values outside their bounds */
  onWarning?: (message: string) => void;
  /** 'paper': a dictated value outside its bounds is used as is (with a warning); default: clipped (with a warning) */
  variant?: Variant;
  /** uniform points screened for the LCB minimum (default 10,000) */
  rawSamples?: number;
  /** further uniform starting points of L-BFGS (default 10) */
  restarts?: number;
  /** κ of μ − κσ (default 2.5) */
  kappa?: number;
}

const LENGTH_BOUNDS = [1e-5, 1e5] as const;
const ALPHA = 1e-6;
/** ln ℓ values screened by the length-scale fit (a step of 0.58 over [ln 1e-5, ln 1e5]) */
const GRID = 41;

/** One registered configuration (every dimension) and its target. */
export interface BoObservation {
  config: Record<string, number>;
  target: number;
}

export class ConstrainedBo {
  readonly names: readonly string[];
  private readonly lo: number[];
  private readonly hi: number[];
  private readonly rng: Rng;
  private readonly xs: number[][] = [];
  private readonly ys: number[] = [];
  private readonly warn: (m: string) => void;
  private readonly variant: Variant;
  private readonly rawSamples: number;
  private readonly restarts: number;
  private readonly kappa: number;
  private fittedLength: number | undefined;

  constructor(bounds: Record<string, readonly [number, number]>, options: ConstrainedBoOptions) {
    const fn = 'ConstrainedBo';
    this.names = Object.keys(bounds);
    if (this.names.length === 0) throw new RangeError(`${fn}: bounds must name at least one dimension`);
    for (const [name, b] of Object.entries(bounds)) {
      if (!Array.isArray(b) || b.length !== 2 || !Number.isFinite(b[0]) || !Number.isFinite(b[1]) || !(b[0] <= b[1])) {
        throw new RangeError(`${fn}: bounds.${name} must be [low, high] with low <= high, got ${JSON.stringify(b)}`);
      }
    }
    if (!options || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object with a seed`);
    if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) throw new RangeError(`${fn}: options.seed must be a finite number, got ${JSON.stringify(options.seed)}`);
    if (options.onWarning !== undefined && typeof options.onWarning !== 'function') throw new TypeError(`${fn}: options.onWarning must be a function`);
    if (options.variant !== undefined && options.variant !== 'fixed' && options.variant !== 'paper') throw new RangeError(`${fn}: options.variant must be 'fixed' or 'paper', got ${JSON.stringify(options.variant)}`);
    const count = (name: string, v: number | undefined, fallback: number, min: number): number => {
      if (v === undefined) return fallback;
      if (!Number.isInteger(v) || v < min) throw new RangeError(`${fn}: options.${name} must be an integer >= ${min}, got ${v}`);
      return v;
    };
    if (options.kappa !== undefined && !(Number.isFinite(options.kappa) && options.kappa >= 0)) throw new RangeError(`${fn}: options.kappa must be a finite number >= 0, got ${options.kappa}`);
    this.lo = this.names.map((n) => bounds[n][0]);
    this.hi = this.names.map((n) => bounds[n][1]);
    this.rng = new Rng(options.seed);
    this.warn = options.onWarning ?? (() => {});
    this.variant = options.variant ?? 'fixed';
    this.rawSamples = count('rawSamples', options.rawSamples, 10_000, 1);
    this.restarts = count('restarts', options.restarts, 10, 0);
    this.kappa = options.kappa ?? 2.5;
  }

  /** The registered configurations and targets, in order (copies). */
  get observations(): readonly BoObservation[] {
    return this.ys.map((target, i) => ({ config: Object.fromEntries(this.names.map((n, k) => [n, this.xs[i][k]])), target }));
  }

  /** The length scale of the last GP fit (undefined before the first one). */
  get lengthscale(): number | undefined {
    return this.fittedLength;
  }

  /** Record a configuration (every dimension) and its target. */
  register(config: Record<string, number>, target: number): void {
    const fn = 'ConstrainedBo.register';
    const x = this.names.map((n) => {
      const v = config[n];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${fn}: config.${n} must be a finite number, got ${JSON.stringify(v)}`);
      return v;
    });
    if (typeof target !== 'number' || !Number.isFinite(target)) throw new RangeError(`${fn}: target must be a finite number, got ${JSON.stringify(target)}`);
    this.xs.push(x);
    this.ys.push(target);
  }

  /** The next configuration: dictated dimensions as given, the others minimising the LCB. */
  next(dictated: Record<string, number>): Record<string, number> {
    const fn = 'ConstrainedBo.next';
    const lo = [...this.lo], hi = [...this.hi];
    for (const [name, v] of Object.entries(dictated)) {
      const k = this.names.indexOf(name);
      if (k < 0) throw new RangeError(`${fn}: dictated '${name}' is not a dimension (dimensions: ${this.names.join(', ')})`);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${fn}: dictated ${name} must be a finite number, got ${JSON.stringify(v)}`);
      let value = v;
      if (v < this.lo[k] || v > this.hi[k]) {
        const clipped = Math.min(this.hi[k], Math.max(this.lo[k], v));
        this.warn(`${name} = ${v} is outside its bounds [${this.lo[k]}, ${this.hi[k]}]${this.variant === 'paper' ? '' : `; clipped to ${clipped}`}`);
        if (this.variant !== 'paper') value = clipped;
      }
      lo[k] = hi[k] = value;
    }
    const d = this.names.length;
    const uniform = () => Float64Array.from({ length: d }, (_, k) => (lo[k] === hi[k] ? lo[k] : this.rng.uniform(lo[k], hi[k])));
    const out = (x: ArrayLike<number>) => Object.fromEntries(this.names.map((n, k) => [n, Math.min(hi[k], Math.max(lo[k], x[k]))]));
    if (this.ys.length < 2) return out(uniform());

    const gp = this.fit();
    try {
      // screen uniform points in one batch
      const m = this.rawSamples;
      const pts = new Float64Array(m * d);
      for (let i = 0; i < m; i++) pts.set(uniform(), i * d);
      const p = gp.predict(pts);
      let best = 0, bestV = Infinity;
      for (let i = 0; i < m; i++) {
        const v = p.mean[i] - this.kappa * Math.sqrt(Math.max(p.variance[i], 0));
        if (v < bestV) {
          bestV = v;
          best = i;
        }
      }
      const starts = [pts.slice(best * d, (best + 1) * d), ...Array.from({ length: this.restarts }, uniform)];
      let bestX: Float64Array = starts[0];
      const kappa = this.kappa;
      let lastGrad = new Float64Array(d);
      const objective = {
        value(x: Float64Array): number {
          const g = gp.predictGradient(x);
          const sd = Math.sqrt(Math.max(g.variance[0], 0));
          lastGrad = Float64Array.from({ length: d }, (_, k) => g.meanGrad[k] - (sd > 0 ? (kappa * g.varianceGrad[k]) / (2 * sd) : 0));
          return g.mean[0] - kappa * sd;
        },
        gradient(g: Float64Array): void {
          g.set(lastGrad);
        },
      };
      for (const x0 of starts) {
        const run = new BoxLbfgs(objective, x0, lo, hi, { maxIterations: 100 });
        while (run.step()) { /* until converged */ }
        if (Number.isFinite(run.f) && run.f < bestV) {
          bestV = run.f;
          bestX = run.x.slice();
        }
      }
      return out(bestX);
    } finally {
      gp.dispose();
    }
  }

  /** The GP on the observations, with its length scale fitted (see the file's comment). */
  private fit(): GaussianProcess {
    const d = this.names.length, n = this.ys.length;
    const x = Float64Array.from(this.xs.flat());
    const mu = this.ys.reduce((a, b) => a + b, 0) / n;
    let sd = Math.sqrt(this.ys.reduce((a, b) => a + (b - mu) ** 2, 0) / n);
    // all targets equal: scikit-learn keeps the scale at 1 rather than dividing by 0
    if (!(sd > 0)) sd = 1;
    const z = Float64Array.from(this.ys, (v) => (v - mu) / sd);
    const hyper = (t: number): GpHyperparameters => ({ mean: 0, lengthscales: Array(d).fill(Math.exp(t)), outputscale: 1, noise: ALPHA });
    // LML at ln ℓ = t and its slope along t: one scale shared by every input, so the slope is
    // the sum of the per-input derivatives
    let bestT = 0, bestV = -Infinity;
    const at = (t: number): number => {
      let v = -Infinity, slope = Number.NaN;
      try {
        const r = gpLogMarginalLikelihood(x, z, d, hyper(t), { gradient: true });
        v = r.lml;
        slope = 0;
        for (let k = 0; k < d; k++) slope += r.gradient![1 + k];
      } catch {
        // not positive definite even with jitter: this ℓ is no candidate
      }
      // strictly better only, so that on a flat likelihood the reference's start ℓ = 1 stays
      if (v > bestV) {
        bestV = v;
        bestT = t;
      }
      return slope;
    };
    at(0);
    const a = Math.log(LENGTH_BOUNDS[0]), b = Math.log(LENGTH_BOUNDS[1]);
    const ts = Array.from({ length: GRID }, (_, i) => a + ((b - a) * i) / (GRID - 1));
    const slopes = ts.map(at);
    // every interval where the slope turns from rising to falling holds a local maximum, even
    // one whose peak is too narrow for the grid's values to show: find the slope's zero there
    for (let i = 0; i + 1 < GRID; i++) {
      if (slopes[i] > 0 && slopes[i + 1] < 0) this.slopeZero(at, ts[i], slopes[i], ts[i + 1], slopes[i + 1]);
    }
    this.fittedLength = Math.exp(bestT);
    return GaussianProcess.fromHyperparameters(x, this.ys, d, hyper(bestT), { normalizeY: true });
  }

  /**
   * The zero of a slope that is positive at l and negative at r: false position with the
   * Illinois halving (a bisection step whenever the slope is not finite), to 1e-7 in ln ℓ.
   */
  private slopeZero(slopeAt: (t: number) => number, l: number, gl: number, r: number, gr: number): void {
    let side = 0;
    for (let it = 0; it < 60 && r - l > 1e-7; it++) {
      let t = (l * gr - r * gl) / (gr - gl);
      if (!(t > l && t < r)) t = 0.5 * (l + r);
      const g = slopeAt(t);
      if (!Number.isFinite(g)) {
        // no likelihood there: drop the right part; gr = -gl makes the next point the midpoint
        r = t;
        gr = -gl;
        side = 0;
        continue;
      }
      if (g === 0) return;
      if (g > 0) {
        l = t;
        gl = g;
        if (side === 1) gr /= 2;
        side = 1;
      } else {
        r = t;
        gr = g;
        if (side === -1) gl /= 2;
        side = -1;
      }
    }
  }
}

const SHARED = { depth: [1, 15], log_npars: [0, 8] } as const;

/** The optimiser of phases 1 and 2: lr_exp in [−5, 0]. */
export function optimizerOneTwo(options: ConstrainedBoOptions): ConstrainedBo {
  return new ConstrainedBo({ lr_exp: [-5, 0], ...SHARED }, options);
}

/** The optimiser of phase 3: lr_exp in [−5, −2]. */
export function optimizerThree(options: ConstrainedBoOptions): ConstrainedBo {
  return new ConstrainedBo({ lr_exp: [-5, -2], ...SHARED }, options);
}
