// Gaussian-process regression on the WebAssembly kernels (assembly/gp/): constant mean,
// Matérn-5/2 ARD kernel times an output scale, Gaussian noise.
//
//   y = f(x) + ε,  f ~ GP(c, s · Matérn52(‖(x - x')/ℓ‖)),  ε ~ N(0, σ²)
//
// Hyperparameters are fitted by maximising the exact log marginal likelihood (optionally plus
// log Gamma priors on the length scales and the output scale, as BoTorch: Gamma(3, 6) and
// Gamma(2, 0.15)) over θ = [c, log ℓ_1..log ℓ_d, log s, log σ²] with a box-constrained L-BFGS
// (lbfgs.ts) from several seeded starting points; the constant mean is profiled out (its
// optimum given the rest is closed-form), which removes the slowest direction of the search. With normalizeY (default) the targets are
// standardised first, (y - mean) / std (population std; 0 -> 1), and every hyperparameter and
// the reported LML live in that standardised space (sklearn's convention); predictions are in
// the original units.
//
// A fitted model owns one block of WebAssembly memory (training inputs scaled by 1/ℓ, α and
// L⁻¹), released by dispose() (or, as a safety net, when the object is garbage-collected).
// Every call copies its inputs in and its results out: no view of the module's memory escapes.
import { wasm } from '../wasm/module.ts';
import { readF64, withScratch, type Scratch } from '../wasm/call.ts';
import { Rng } from '../random/rng.ts';
import { runtime } from '../platform/index.ts';
import { packageFile } from '../platform/package-file.ts';
import { availableParallelism } from '../platform/worker.ts';
import { BoxLbfgs, type LbfgsResult } from './lbfgs.ts';

const gp = wasm;

/** Attempts of the jitter escalation: none, then (s + σ²) · 1e-9, 1e-8, ..., 1e-3. */
export const DEFAULT_JITTER_TRIES = 8;

/** BoTorch's priors for unit-cube inputs and standardised outputs: Gamma(concentration, rate). */
export const BOTORCH_PRIORS: Readonly<GpPriors> = Object.freeze({ lengthscale: [3, 6] as const, outputscale: [2, 0.15] as const });

export interface GpHyperparameters {
  /** constant mean c */
  mean: number;
  /** length scale ℓ_k per input */
  lengthscales: number[];
  /** output scale s (a variance) */
  outputscale: number;
  /** noise variance σ² */
  noise: number;
}

/** Gamma(concentration a, rate b) priors (density ∝ x^(a-1) e^(-b x)). */
export interface GpPriors {
  lengthscale?: readonly [number, number];
  outputscale?: readonly [number, number];
}

export interface GpBounds {
  /** length-scale bounds as multiples of each input's range (default [1e-3, 1e3]) */
  lengthscale?: readonly [number, number];
  /** output-scale bounds (default [1e-4, 1e4]; times var(y) when normalizeY is off) */
  outputscale?: readonly [number, number];
  /** noise-variance bounds (default [1e-6, 10]; times var(y) when normalizeY is off) */
  noise?: readonly [number, number];
  /** constant-mean bounds (default unbounded) */
  mean?: readonly [number, number];
}

export interface GpFitOptions {
  /** standardise the targets (default true) */
  normalizeY?: boolean;
  /**
   * 'constant' (default): c fitted, profiled out (set to its generalised least-squares optimum
   * 1ᵀK⁻¹y / 1ᵀK⁻¹1 at every evaluation, within bounds.mean), or 'zero' (c fixed at 0)
   */
  mean?: 'constant' | 'zero';
  /** fix the noise variance at this value instead of fitting it */
  fixedNoise?: number;
  /** Gamma priors (MAP fit): true = BOTORCH_PRIORS; default none */
  priors?: boolean | GpPriors;
  /** bounds on the hyperparameters (absolute values, see GpBounds) */
  bounds?: GpBounds;
  /** L-BFGS runs (default 3): from the first starting point and the best screened random ones */
  restarts?: number;
  /**
   * race the runs after the first (default true): raceIterations iterations each, then the
   * better half continues, until one is left, which runs to convergence like the first one;
   * false runs every start to convergence
   */
  race?: boolean;
  /** iterations per run between two cuts of the race (default 10) */
  raceIterations?: number;
  /** random starting points screened by their objective value before the runs (default 16) */
  rawSamples?: number;
  /** further starting points tried first (e.g. the previous fit's, to warm-start a refit) */
  init?: GpHyperparameters | readonly GpHyperparameters[];
  /** seed of the random starting points (default 0) */
  seed?: number;
  /** L-BFGS iterations per run (default 200) */
  maxIterations?: number;
  /** projected-gradient tolerance (default 1e-5) */
  pgtol?: number;
  /** relative-decrease tolerance (default 2.2e-9) */
  ftol?: number;
  /** jitter attempts (default DEFAULT_JITTER_TRIES) */
  maxJitterTries?: number;
}

export interface GpFitInfo {
  /** objective value (LML + log priors) of every L-BFGS run, in order */
  runs: { start: 'init' | 'default' | 'random'; objective: number; iterations: number; evaluations: number; reason: LbfgsResult['reason'] | 'raced' }[];
  /** total objective evaluations (screening included) */
  evaluations: number;
}

export interface GpPredictOptions {
  /** compute the variance (default true) */
  variance?: boolean;
  /** add the noise variance σ² to the variance (default false) */
  observationNoise?: boolean;
  /**
   * most threads to use, this one included (default: this one and every worker of the pool,
   * see gpPredictThreads); 1 keeps the work on this thread. Only Node has the pool, and only
   * large batches (m n² ≥ 3·10⁷) use it; the values do not depend on the threads.
   */
  threads?: number;
}

export interface GpPrediction {
  mean: Float64Array;
  /** predictive variance (of f, or of y with observationNoise) */
  variance: Float64Array;
}

/** Posterior mean and latent variance with their gradients w.r.t. the test point. */
export interface GpGradient extends GpPrediction {
  /** ∂mean/∂x, row-major m x d */
  meanGrad: Float64Array;
  /** ∂variance/∂x, row-major m x d */
  varianceGrad: Float64Array;
}

interface GradKernels {
  gpPredictGradScratchBytes(n: number, d: number): number;
  gpPredictGrad(model: number, xq: number, m: number, mean: number, variance: number, dMean: number, dVariance: number, scratch: number): void;
}

const gradKernels = wasm as unknown as GradKernels;

function fail(fn: string, msg: string): never {
  throw new RangeError(`${fn}: ${msg}`);
}

function checkData(fn: string, x: unknown, y: unknown, d: unknown): { n: number; d: number } {
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) fail(fn, `d must be a positive integer, got ${String(d)}`);
  if (!(x instanceof Float64Array) && !Array.isArray(x)) throw new TypeError(`${fn}: x must be a row-major Float64Array (n x d)`);
  if (!(y instanceof Float64Array) && !Array.isArray(y)) throw new TypeError(`${fn}: y must be a Float64Array of n values`);
  const xs = x as ArrayLike<number>, ys = y as ArrayLike<number>;
  const n = ys.length;
  if (n < 1) fail(fn, 'y is empty');
  if (xs.length !== n * d) fail(fn, `x has ${xs.length} values, expected n * d = ${n} * ${d}`);
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'number' || !Number.isFinite(xs[i])) fail(fn, `x[${Math.floor(i / d)}][${i % d}] must be a finite number, got ${String(xs[i])}`);
  for (let i = 0; i < n; i++) if (typeof ys[i] !== 'number' || !Number.isFinite(ys[i])) fail(fn, `y[${i}] must be a finite number, got ${String(ys[i])}`);
  return { n, d };
}

function checkQuery(fn: string, x: unknown, d: number): number {
  if (!(x instanceof Float64Array) && !Array.isArray(x)) throw new TypeError(`${fn}: x must be a row-major Float64Array (m x ${d})`);
  const xs = x as ArrayLike<number>;
  if (xs.length % d !== 0) fail(fn, `x has ${xs.length} values, not a multiple of d = ${d}`);
  for (let i = 0; i < xs.length; i++) if (typeof xs[i] !== 'number' || !Number.isFinite(xs[i])) fail(fn, `x[${Math.floor(i / d)}][${i % d}] must be a finite number, got ${String(xs[i])}`);
  return xs.length / d;
}

/** θ = [c, log ℓ.., log s, log σ²] of a set of hyperparameters. */
export function thetaOf(h: GpHyperparameters): Float64Array {
  const d = h.lengthscales.length;
  const t = new Float64Array(d + 3);
  t[0] = h.mean;
  for (let k = 0; k < d; k++) t[1 + k] = Math.log(h.lengthscales[k]);
  t[d + 1] = Math.log(h.outputscale);
  t[d + 2] = Math.log(h.noise);
  return t;
}

export function hyperparametersOf(theta: ArrayLike<number>, d: number): GpHyperparameters {
  return {
    mean: theta[0],
    lengthscales: Array.from({ length: d }, (_, k) => Math.exp(theta[1 + k])),
    outputscale: Math.exp(theta[d + 1]),
    noise: Math.exp(theta[d + 2]),
  };
}

function checkHyper(fn: string, h: GpHyperparameters, d: number): void {
  if (!h || typeof h !== 'object') throw new TypeError(`${fn}: hyperparameters must be an object`);
  if (!Number.isFinite(h.mean)) fail(fn, `hyperparameters.mean must be finite, got ${h.mean}`);
  if (!Array.isArray(h.lengthscales) || h.lengthscales.length !== d) fail(fn, `hyperparameters.lengthscales must hold ${d} values`);
  h.lengthscales.forEach((l, k) => {
    if (!(l > 0 && Number.isFinite(l))) fail(fn, `hyperparameters.lengthscales[${k}] must be positive, got ${l}`);
  });
  if (!(h.outputscale > 0 && Number.isFinite(h.outputscale))) fail(fn, `hyperparameters.outputscale must be positive, got ${h.outputscale}`);
  if (!(h.noise > 0 && Number.isFinite(h.noise))) fail(fn, `hyperparameters.noise must be positive, got ${h.noise}`);
}

function checkTries(fn: string, t: number | undefined): number {
  const v = t ?? DEFAULT_JITTER_TRIES;
  if (!Number.isInteger(v) || v < 1 || v > 16) fail(fn, `maxJitterTries must be an integer in 1..16, got ${v}`);
  return v;
}

/** Standardisation of the targets: (y - shift) / scale. */
function standardise(y: ArrayLike<number>, on: boolean): { shift: number; scale: number; z: Float64Array } {
  const n = y.length;
  if (!on) return { shift: 0, scale: 1, z: Float64Array.from(y) };
  let mu = 0;
  for (let i = 0; i < n; i++) mu += y[i];
  mu /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - mu) * (y[i] - mu);
  let sd = Math.sqrt(v / n);
  if (!(sd > 0)) sd = 1;
  return { shift: mu, scale: sd, z: Float64Array.from(y, (t) => (t - mu) / sd) };
}

/**
 * Log marginal likelihood (and its gradient w.r.t. θ) of targets y at inputs x for the given
 * hyperparameters, with jitter escalation. No target standardisation is applied here.
 * @throws RangeError when the kernel matrix is not positive definite even with the largest jitter
 */
export function gpLogMarginalLikelihood(
  x: Float64Array | readonly number[], y: Float64Array | readonly number[], d: number, hyper: GpHyperparameters,
  options: { gradient?: boolean; maxJitterTries?: number } = {},
): { lml: number; gradient?: Float64Array; jitter: number } {
  const fn = 'gpLogMarginalLikelihood';
  const { n } = checkData(fn, x, y, d);
  checkHyper(fn, hyper, d);
  const tries = checkTries(fn, options.maxJitterTries);
  return withScratch(wasm, (s) => {
    const px = s.f64(x), py = s.f64(y), pt = s.f64(thetaOf(hyper));
    const ws = s.alloc(gp.gpWorkspaceBytes(n, d));
    const lml = gp.gpLml(px, py, n, d, pt, ws, tries, 0, 0, 0);
    if (!Number.isFinite(lml)) notPd(fn, 'the kernel matrix', tries);
    const jitter = gp.gpJitter(ws, n, d);
    if (!options.gradient) return { lml, jitter };
    const pg = s.alloc((d + 3) * 8);
    gp.gpLmlGrad(n, d, ws, pg);
    return { lml, gradient: readF64(wasm, pg, d + 3), jitter };
  });
}

function notPd(fn: string, what: string, tries: number): never {
  const largest = tries > 1 ? `1e${tries - 11} times the mean diagonal` : 'none';
  throw new RangeError(`${fn}: ${what} is not positive definite, even with jitter (largest tried: ${largest}); check for NaN inputs or a degenerate kernel`);
}

/** Kernel matrix s · Matérn52 between the rows of x1 (n1 x d) and x2 (n2 x d), f64[n1 * n2]. */
export function gpKernelMatrix(x1: Float64Array | readonly number[], x2: Float64Array | readonly number[], d: number, hyper: GpHyperparameters): Float64Array {
  const fn = 'gpKernelMatrix';
  if (typeof d !== 'number' || !Number.isInteger(d) || d < 1) fail(fn, `d must be a positive integer, got ${String(d)}`);
  const n1 = checkQuery(fn, x1, d), n2 = checkQuery(fn, x2, d);
  checkHyper(fn, hyper, d);
  return withScratch(wasm, (s) => {
    const p1 = s.f64(x1), p2 = s.f64(x2), pt = s.f64(thetaOf(hyper));
    const out = s.alloc(Math.max(1, n1 * n2) * 8);
    gp.gpKernelMatrix(p1, n1, p2, n2, d, pt, out);
    return readF64(wasm, out, n1 * n2);
  });
}

/**
 * Cholesky factor L (lower triangular, zeros above, row-major) of a symmetric matrix a (n x n,
 * its lower triangle is read), adding jitter to the diagonal when plain factorisation fails.
 * @throws RangeError when a is not positive definite even with the largest jitter
 */
export function cholesky(a: Float64Array | readonly number[], n: number, options: { maxJitterTries?: number } = {}): { l: Float64Array; jitter: number } {
  const fn = 'cholesky';
  if (!Number.isInteger(n) || n < 1) fail(fn, `n must be a positive integer, got ${n}`);
  if ((a as ArrayLike<number>).length !== n * n) fail(fn, `a has ${(a as ArrayLike<number>).length} values, expected n * n = ${n * n}`);
  for (let i = 0; i < n * n; i++) if (!Number.isFinite(a[i])) fail(fn, `a[${Math.floor(i / n)}][${i % n}] must be a finite number, got ${a[i]}`);
  const tries = checkTries(fn, options.maxJitterTries);
  return withScratch(wasm, (s) => {
    const pa = s.f64(a), out = s.alloc(n * n * 8);
    const jitter = gp.gpCholesky(pa, n, tries, out);
    if (jitter < 0) notPd(fn, 'the matrix', tries);
    return { l: readF64(wasm, out, n * n), jitter };
  });
}

const registry = new FinalizationRegistry<number>((ptr) => wasm.dealloc(ptr));

/** Models made so far in this realm (their ids). */
let modelCount = 0;

interface ParamLayout {
  /** the constant mean is fitted: profile it out */
  profileMean: boolean;
  meanLo: number;
  meanHi: number;
  theta0: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
  /** random-start box (log space; mean additive) */
  rlo: Float64Array;
  rhi: Float64Array;
}

/** A fitted Gaussian process. Create with GaussianProcess.fit() or GaussianProcess.fromHyperparameters(). */
export class GaussianProcess {
  /** training points */
  readonly n: number;
  /** input dimension */
  readonly d: number;
  /** hyperparameters (standardised-output units when normalizeY) */
  readonly hyperparameters: GpHyperparameters;
  /** log marginal likelihood at the hyperparameters, of the (standardised) targets */
  readonly lml: number;
  /** the fitted objective: lml plus the log prior densities (up to their constants) */
  readonly objective: number;
  /** jitter added to the kernel matrix's diagonal (0 normally) */
  readonly jitter: number;
  /** target standardisation: y = shift + scale · z */
  readonly yShift: number;
  readonly yScale: number;
  readonly fitInfo?: GpFitInfo;
  private ptr: number;
  /** identifies the model to the prediction threads (which keep a copy of the last one used) */
  private readonly id = ++modelCount;

  private constructor(init: {
    n: number; d: number; hyperparameters: GpHyperparameters; lml: number; objective: number; jitter: number;
    yShift: number; yScale: number; ptr: number; fitInfo?: GpFitInfo;
  }) {
    this.n = init.n;
    this.d = init.d;
    this.hyperparameters = init.hyperparameters;
    this.lml = init.lml;
    this.objective = init.objective;
    this.jitter = init.jitter;
    this.yShift = init.yShift;
    this.yScale = init.yScale;
    this.fitInfo = init.fitInfo;
    this.ptr = init.ptr;
    registry.register(this, init.ptr, this);
  }

  /** Log marginal likelihood of the original (unstandardised) targets. */
  get lmlRaw(): number {
    return this.lml - this.n * Math.log(this.yScale);
  }

  /**
   * Fit to n points x (row-major n x d) with targets y by maximising the log marginal
   * likelihood (plus log priors) from several starting points: the `init` ones, a default
   * (ℓ = each input's range, s = σ² = var(y), c = mean(y): 0, 1, 1 after standardisation,
   * i.e. everything explained by noise at first, as sklearn starts), and `rawSamples` random
   * ones drawn in a box around the default and screened by their value. The first of these
   * (init, else the default) and the best of the rest make up the `restarts` L-BFGS runs
   * (raced, see `race`). Deterministic given the data, options and seed.
   */
  static fit(x: Float64Array | readonly number[], y: Float64Array | readonly number[], d: number, options: GpFitOptions = {}): GaussianProcess {
    const fn = 'GaussianProcess.fit';
    const { n } = checkData(fn, x, y, d);
    if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object`);
    const tries = checkTries(fn, options.maxJitterTries);
    const restarts = options.restarts ?? 3;
    if (!Number.isInteger(restarts) || restarts < 1) fail(fn, `options.restarts must be a positive integer, got ${restarts}`);
    const rawSamples = options.rawSamples ?? 16;
    if (!Number.isInteger(rawSamples) || rawSamples < 0) fail(fn, `options.rawSamples must be a non-negative integer, got ${rawSamples}`);
    const normalizeY = options.normalizeY ?? true;
    const st = standardise(y, normalizeY);
    const layout = paramLayout(fn, x as ArrayLike<number>, st.z, n, d, options, normalizeY);
    const priors = resolvePriors(fn, options.priors);
    const inits = options.init === undefined ? [] : Array.isArray(options.init) ? options.init : [options.init as GpHyperparameters];
    const rng = new Rng(options.seed ?? 0);
    const P = d + 3;

    return withScratch(wasm, (s) => {
      const px = s.f64(x), py = s.f64(st.z), pt = s.alloc(P * 8), pg = s.alloc(P * 8);
      const ws = s.alloc(gp.gpWorkspaceBytes(n, d));
      let evaluations = 0;
      const thetaView = () => new Float64Array(wasm.memory.buffer, pt, P);
      // Objective to minimise: -(LML + log prior).
      let lastTheta: Float64Array | undefined;
      // A fitted constant mean is profiled out: the kernel sets it to its optimum for the other
      // hyperparameters (θ[0] is then ignored and held fixed by the optimiser).
      const profile = layout.profileMean ? 1 : 0;
      const value = (th: Float64Array): number => {
        evaluations++;
        thetaView().set(th);
        lastTheta = Float64Array.from(th);
        const lml = gp.gpLml(px, py, n, d, pt, ws, tries, profile, layout.meanLo, layout.meanHi);
        if (!Number.isFinite(lml)) return Number.NaN;
        return -(lml + logPrior(th, d, priors));
      };
      const fitted = (th: Float64Array) => {
        const f = value(th);
        const t = Float64Array.from(th);
        t[0] = thetaView()[0];
        return { f, theta: t };
      };
      const gradient = (g: Float64Array): void => {
        gp.gpLmlGrad(n, d, ws, pg);
        g.set(new Float64Array(wasm.memory.buffer, pg, P));
        for (let i = 0; i < P; i++) g[i] = -g[i];
        addPriorGradient(lastTheta!, d, priors, g, -1);
        // fixed parameters: no gradient
        for (let i = 0; i < P; i++) if (layout.lo[i] === layout.hi[i]) g[i] = 0;
      };
      const clampTheta = (th: Float64Array) => {
        for (let i = 0; i < P; i++) th[i] = Math.min(layout.hi[i], Math.max(layout.lo[i], th[i]));
        return th;
      };
      // Starting points.
      const starts: { theta: Float64Array; kind: 'init' | 'default' | 'random' }[] = [];
      for (const h of inits) {
        checkHyper(fn, h, d);
        const th = thetaOf(h);
        for (let i = 0; i < P; i++) if (layout.lo[i] === layout.hi[i]) th[i] = layout.lo[i];
        starts.push({ theta: clampTheta(th), kind: 'init' });
      }
      starts.push({ theta: clampTheta(Float64Array.from(layout.theta0)), kind: 'default' });
      const screened: { theta: Float64Array; f: number }[] = [];
      for (let r = 0; r < (restarts > 1 ? rawSamples : 0); r++) {
        const th = new Float64Array(P);
        for (let i = 0; i < P; i++) th[i] = layout.lo[i] === layout.hi[i] ? layout.lo[i] : layout.rlo[i] + (layout.rhi[i] - layout.rlo[i]) * rng.random();
        clampTheta(th);
        const f = value(th);
        if (Number.isFinite(f)) screened.push({ theta: th, f });
      }
      screened.sort((a, b) => a.f - b.f);
      // The first given start always runs; the rest of the runs go to the best of the others.
      const runStarts = [starts[0]];
      const pool = [...starts.slice(1, restarts > 1 ? undefined : 0).map((st2) => ({ ...st2, f: value(st2.theta) })), ...screened.map((c) => ({ theta: c.theta, kind: 'random' as const, f: c.f }))]
        .filter((c) => Number.isFinite(c.f))
        .sort((a, b) => a.f - b.f);
      for (const c of pool) {
        if (runStarts.length >= restarts) break;
        runStarts.push({ theta: c.theta, kind: c.kind });
      }
      // The first start always runs to convergence. The others race: a few iterations each,
      // then the better half goes on, until one is left, which runs to convergence too
      // (race: false runs every start to convergence).
      const lbOpts = { maxIterations: options.maxIterations ?? 200, pgtol: options.pgtol, ftol: options.ftol };
      const runs = runStarts.map((st2) => ({ kind: st2.kind, run: new BoxLbfgs({ value, gradient }, st2.theta, layout.lo, layout.hi, lbOpts) }));
      const race = options.race ?? true;
      const slice = options.raceIterations ?? 10;
      let contenders = runs.slice(1).filter((r) => !Number.isNaN(r.run.f));
      while (race && contenders.length > 1) {
        for (const r of contenders) for (let k = 0; k < slice && r.run.step(); k++);
        contenders.sort((a, b) => a.run.f - b.run.f);
        contenders = contenders.slice(0, Math.ceil(contenders.length / 2));
      }
      for (const r of [runs[0], ...contenders]) while (r.run.step());
      let best: { theta: Float64Array; f: number } | undefined;
      for (const r of runs) {
        if (Number.isFinite(r.run.f) && (!best || r.run.f < best.f)) best = { theta: r.run.x, f: r.run.f };
      }
      const info: GpFitInfo['runs'] = runs.map((r) => ({
        start: r.kind, objective: -r.run.f, iterations: r.run.iterations, evaluations: r.run.evaluations, reason: r.run.reason ?? 'raced',
      }));
      if (!best) notPd(fn, 'the kernel matrix at every starting point', tries);
      // Final factorisation at the optimum, kept as the model.
      const fin = fitted(best.theta);
      const objective = -fin.f;
      best.theta = fin.theta;
      const lml = objective - logPrior(best.theta, d, priors);
      const jitter = gp.gpJitter(ws, n, d);
      const ptr = allocModel(n, d);
      gp.gpFinalize(n, d, ws, ptr);
      return new GaussianProcess({
        n, d, hyperparameters: hyperparametersOf(best.theta, d), lml, objective, jitter,
        yShift: st.shift, yScale: st.scale, ptr, fitInfo: { runs: info, evaluations },
      });
    });
  }

  /**
   * A model with given hyperparameters (no fitting). With normalizeY (default false here) the
   * hyperparameters are in standardised units.
   * @throws RangeError when the kernel matrix is not positive definite even with jitter
   */
  static fromHyperparameters(
    x: Float64Array | readonly number[], y: Float64Array | readonly number[], d: number, hyper: GpHyperparameters,
    options: { normalizeY?: boolean; maxJitterTries?: number } = {},
  ): GaussianProcess {
    const fn = 'GaussianProcess.fromHyperparameters';
    const { n } = checkData(fn, x, y, d);
    checkHyper(fn, hyper, d);
    const tries = checkTries(fn, options.maxJitterTries);
    const st = standardise(y, options.normalizeY ?? false);
    return withScratch(wasm, (s) => {
      const px = s.f64(x), py = s.f64(st.z), pt = s.f64(thetaOf(hyper));
      const ws = s.alloc(gp.gpWorkspaceBytes(n, d));
      const lml = gp.gpLml(px, py, n, d, pt, ws, tries, 0, 0, 0);
      if (!Number.isFinite(lml)) notPd(fn, 'the kernel matrix', tries);
      const ptr = allocModel(n, d);
      gp.gpFinalize(n, d, ws, ptr);
      return new GaussianProcess({
        n, d, hyperparameters: structuredClone(hyper), lml, objective: lml, jitter: gp.gpJitter(ws, n, d),
        yShift: st.shift, yScale: st.scale, ptr,
      });
    });
  }

  /**
   * Posterior mean and variance at m points (row-major m x d), in the original units of y.
   * The variance is that of the latent f, plus the noise σ² with observationNoise (as sklearn's
   * predict with a WhiteKernel); skip it with variance: false.
   */
  predict(x: Float64Array | readonly number[], options: GpPredictOptions = {}): GpPrediction {
    const fn = 'GaussianProcess.predict';
    if (this.ptr === 0) throw new Error(`${fn}: the model has been disposed`);
    const m = checkQuery(fn, x, this.d);
    const wantVar = options.variance ?? true;
    const noise = options.observationNoise ? 1 : 0;
    const threads = options.threads ?? Infinity;
    if (!(threads >= 1)) fail(fn, `options.threads must be at least 1, got ${String(threads)}`);
    let res: GpPrediction | undefined;
    if (m === 0) res = { mean: new Float64Array(0), variance: new Float64Array(0) };
    else if (threads > 1 && m >= 2 * BATCH_BLOCK && m * this.n * this.n >= THREADED_MIN_FLOPS) {
      res = predictPool()?.predict(this.id, this.ptr, this.n, this.d, x, m, wantVar, noise, threads);
    }
    res ??= withScratch(wasm, (s: Scratch) => {
      const pq = s.f64(x);
      const pm = s.alloc(m * 8);
      const pv = wantVar ? s.alloc(m * 8) : 0;
      if (m >= BATCH_MIN) {
        // the blocked kernel (assembly/gp/batch.ts)
        gp.gpPredictBatch(this.ptr, pq, m, pm, pv, noise, s.alloc(gp.gpPredictBatchScratchBytes(this.n, this.d)));
      } else {
        gp.gpPredict(this.ptr, pq, m, pm, pv, noise, s.alloc(gp.gpPredictScratchBytes(this.n, this.d, m)));
      }
      return { mean: readF64(wasm, pm, m), variance: wantVar ? readF64(wasm, pv, m) : new Float64Array(0) };
    });
    if (this.yShift !== 0 || this.yScale !== 1) {
      const sc = this.yScale, sc2 = sc * sc;
      for (let i = 0; i < m; i++) res.mean[i] = this.yShift + sc * res.mean[i];
      for (let i = 0; i < res.variance.length; i++) res.variance[i] *= sc2;
    }
    return res;
  }

  /**
   * Posterior mean and latent variance at m points (row-major m x d), in the original units of
   * y, with their gradients w.r.t. the point (row-major m x d each): the analytic derivatives
   * of the Matérn-5/2 posterior (assembly/gp/gradient.ts). Where the variance is clamped at 0
   * its gradient is 0. The values agree with predict() to rounding.
   */
  predictGradient(x: Float64Array | readonly number[]): GpGradient {
    const fn = 'GaussianProcess.predictGradient';
    if (this.ptr === 0) throw new Error(`${fn}: the model has been disposed`);
    const m = checkQuery(fn, x, this.d);
    const d = this.d;
    const out: GpGradient = { mean: new Float64Array(m), variance: new Float64Array(m), meanGrad: new Float64Array(m * d), varianceGrad: new Float64Array(m * d) };
    if (m === 0) return out;
    withScratch(wasm, (s: Scratch) => {
      const pq = s.f64(x);
      const pm = s.alloc(m * 8), pv = s.alloc(m * 8), pdm = s.alloc(m * d * 8), pdv = s.alloc(m * d * 8);
      const scratch = s.alloc(gradKernels.gpPredictGradScratchBytes(this.n, d));
      gradKernels.gpPredictGrad(this.ptr, pq, m, pm, pv, pdm, pdv, scratch);
      readF64(wasm, pm, m, out.mean);
      readF64(wasm, pv, m, out.variance);
      readF64(wasm, pdm, m * d, out.meanGrad);
      readF64(wasm, pdv, m * d, out.varianceGrad);
    });
    if (this.yShift !== 0 || this.yScale !== 1) {
      const sc = this.yScale, sc2 = sc * sc;
      for (let i = 0; i < m; i++) {
        out.mean[i] = this.yShift + sc * out.mean[i];
        out.variance[i] *= sc2;
      }
      for (let i = 0; i < m * d; i++) {
        out.meanGrad[i] *= sc;
        out.varianceGrad[i] *= sc2;
      }
    }
    return out;
  }

  /** Release the model's WebAssembly memory; predict() throws afterwards. Idempotent. */
  dispose(): void {
    if (this.ptr !== 0) {
      registry.unregister(this);
      wasm.dealloc(this.ptr);
      this.ptr = 0;
    }
  }

  get disposed(): boolean {
    return this.ptr === 0;
  }
}

function allocModel(n: number, d: number): number {
  const bytes = gp.gpModelBytes(n, d);
  const p = wasm.alloc(bytes) >>> 0;
  if (p === 0) throw new RangeError(`paretonas: out of WebAssembly memory allocating ${bytes} bytes`);
  return p;
}

function resolvePriors(fn: string, p: GpFitOptions['priors']): GpPriors {
  if (p === undefined || p === false) return {};
  if (p === true) return BOTORCH_PRIORS;
  if (typeof p !== 'object' || p === null) fail(fn, `options.priors must be a boolean or { lengthscale?, outputscale? }`);
  for (const key of ['lengthscale', 'outputscale'] as const) {
    const v = p[key];
    if (v !== undefined && !(Array.isArray(v) && v.length === 2 && v[0] > 0 && v[1] > 0)) fail(fn, `options.priors.${key} must be [concentration > 0, rate > 0]`);
  }
  return p;
}

/** Σ log Gamma densities (without constants) of the length scales and output scale. */
function logPrior(th: ArrayLike<number>, d: number, pr: GpPriors): number {
  let lp = 0;
  if (pr.lengthscale) {
    const [a, b] = pr.lengthscale;
    for (let k = 0; k < d; k++) lp += (a - 1) * th[1 + k] - b * Math.exp(th[1 + k]);
  }
  if (pr.outputscale) {
    const [a, b] = pr.outputscale;
    lp += (a - 1) * th[d + 1] - b * Math.exp(th[d + 1]);
  }
  return lp;
}

function addPriorGradient(th: ArrayLike<number>, d: number, pr: GpPriors, g: Float64Array, sign: number): void {
  if (pr.lengthscale) {
    const [a, b] = pr.lengthscale;
    for (let k = 0; k < d; k++) g[1 + k] += sign * ((a - 1) - b * Math.exp(th[1 + k]));
  }
  if (pr.outputscale) {
    const [a, b] = pr.outputscale;
    g[d + 1] += sign * ((a - 1) - b * Math.exp(th[d + 1]));
  }
}

function checkPair(fn: string, name: string, v: readonly [number, number] | undefined, positive: boolean): readonly [number, number] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 2 || !(v[0] <= v[1]) || (positive && !(v[0] > 0)) || Number.isNaN(v[0]) || Number.isNaN(v[1])) {
    fail(fn, `options.bounds.${name} must be [lo, hi] with ${positive ? '0 < ' : ''}lo <= hi, got ${JSON.stringify(v)}`);
  }
  return v;
}

function paramLayout(fn: string, x: ArrayLike<number>, z: Float64Array, n: number, d: number, o: GpFitOptions, normalized: boolean): ParamLayout {
  const P = d + 3;
  const b = o.bounds ?? {};
  let v = 1;
  if (!normalized) {
    let mu = 0;
    for (let i = 0; i < n; i++) mu += z[i];
    mu /= n;
    let s2 = 0;
    for (let i = 0; i < n; i++) s2 += (z[i] - mu) ** 2;
    v = s2 / n > 0 ? s2 / n : 1;
  }
  const ls = checkPair(fn, 'lengthscale', b.lengthscale, true) ?? [1e-3, 1e3];
  const os = checkPair(fn, 'outputscale', b.outputscale, true) ?? [1e-4 * v, 1e4 * v];
  const nb = checkPair(fn, 'noise', b.noise, true) ?? [1e-6 * v, 10 * v];
  const mb = checkPair(fn, 'mean', b.mean, false) ?? [-Infinity, Infinity];
  const lo = new Float64Array(P), hi = new Float64Array(P), theta0 = new Float64Array(P), rlo = new Float64Array(P), rhi = new Float64Array(P);
  // mean
  let ymu = 0;
  for (let i = 0; i < n; i++) ymu += z[i];
  ymu /= n;
  // The mean is either fixed at 0 or profiled out by the kernel: either way the optimiser holds θ[0].
  if (o.mean !== undefined && o.mean !== 'constant' && o.mean !== 'zero') fail(fn, `options.mean must be 'constant' or 'zero', got ${JSON.stringify(o.mean)}`);
  const profileMean = (o.mean ?? 'constant') === 'constant';
  lo[0] = hi[0] = theta0[0] = rlo[0] = rhi[0] = profileMean ? Math.min(mb[1], Math.max(mb[0], normalized ? 0 : ymu)) : 0;
  for (let k = 0; k < d; k++) {
    let mn = Infinity, mx = -Infinity;
    for (let i = 0; i < n; i++) {
      const t = x[i * d + k];
      if (t < mn) mn = t;
      if (t > mx) mx = t;
    }
    const range = mx > mn ? mx - mn : 1;
    lo[1 + k] = Math.log(ls[0] * range);
    hi[1 + k] = Math.log(ls[1] * range);
    theta0[1 + k] = Math.log(range);
    rlo[1 + k] = Math.log(0.1 * range);
    rhi[1 + k] = Math.log(10 * range);
  }
  lo[d + 1] = Math.log(os[0]);
  hi[d + 1] = Math.log(os[1]);
  theta0[d + 1] = Math.log(v);
  rlo[d + 1] = Math.log(0.1 * v);
  rhi[d + 1] = Math.log(10 * v);
  if (o.fixedNoise !== undefined) {
    if (!(o.fixedNoise > 0 && Number.isFinite(o.fixedNoise))) fail(fn, `options.fixedNoise must be a positive number, got ${o.fixedNoise}`);
    lo[d + 2] = hi[d + 2] = theta0[d + 2] = rlo[d + 2] = rhi[d + 2] = Math.log(o.fixedNoise);
  } else {
    lo[d + 2] = Math.log(nb[0]);
    hi[d + 2] = Math.log(nb[1]);
    theta0[d + 2] = Math.log(v);
    rlo[d + 2] = Math.log(Math.max(nb[0], 1e-6 * v));
    rhi[d + 2] = Math.log(Math.min(nb[1], 0.5 * v));
  }
  for (let i = 0; i < P; i++) {
    theta0[i] = Math.min(hi[i], Math.max(lo[i], theta0[i]));
    rlo[i] = Math.min(hi[i], Math.max(lo[i], rlo[i]));
    rhi[i] = Math.min(hi[i], Math.max(lo[i], rhi[i]));
  }
  return { profileMean, meanLo: mb[0], meanHi: mb[1], theta0, lo, hi, rlo, rhi };
}

// ---- Prediction on several threads (Node) ---------------------------------------------------
//
// The variance of m points costs m·n² flops, so a large batch is split over worker threads
// (node:worker_threads), each with its own instance of build/surrogates.wasm and its own copy of
// the model (the parts gpPredictBatch reads), sent once per model through a SharedArrayBuffer.
// predict() stays synchronous: the calling thread publishes a call (queries in a shared buffer,
// a new generation number in the control words), takes chunks of queries itself, then waits
// (Atomics.wait) until the workers that joined the call have finished theirs. Chunks are claimed
// with an atomic counter, so a worker that is slow (busy core, still starting) simply takes
// fewer; every point is computed by the same kernel whichever thread takes it, so the values do
// not depend on the threads. Elsewhere (Deno, browsers: no blocking wait on the main thread),
// or when a worker fails, predict runs on the calling thread.
//
// Control words (Int32Array on a SharedArrayBuffer):
const C_GEN = 0; // call generation: odd while a call is open
const C_NEXT = 1; // next chunk to claim
const C_NCHUNK = 2; // chunks of this call
const C_ACTIVE = 3; // workers inside the current call
const C_MODEL = 4; // id of the model of this call
const C_M = 5; // queries of this call
const C_CHUNK = 6; // queries per chunk
const C_FLAGS = 7; // 1: variance, 2: observation noise
const C_READY = 8; // workers that have instantiated the kernels
const C_FAILED = 9; // workers that failed (then the pool is not used again)
const C_WORKERS = 10; // workers allowed to join this call (by index)
const C_DONE = 11; // chunks the workers took in this call
const C_WORDS = 16;

/** Queries per block of the batched kernel (BQ in assembly/gp/batch.ts). */
const BATCH_BLOCK = 48;
/** Fewest queries for the batched kernel (one panel of 4 queries); below, the per-point kernel. */
const BATCH_MIN = 4;
/** Least work (m n²) for the threads: below it the call is over before they would start. */
const THREADED_MIN_FLOPS = 3e7;
/** Most workers of the pool. */
const MAX_WORKERS = 7;
/** A worker that finishes no chunk for this long is given up (with the pool). */
const STALL_MS = 60_000;

// The worker: plain JavaScript (run with eval: true), so it needs no loader for TypeScript.
const WORKER_SOURCE = String.raw`'use strict';
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const [GEN, NEXT, NCHUNK, ACTIVE, MODEL, M, CHUNK, FLAGS, READY, FAILED, WORKERS, DONE] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const ctl = new Int32Array(workerData.ctl);
const port = workerData.port;
const index = workerData.index;
let w;
try {
  const imports = { env: { abort() { throw new Error('paretonas: WebAssembly kernel aborted'); } } };
  w = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(workerData.wasm)), imports).exports;
} catch {
  Atomics.add(ctl, FAILED, 1);
  Atomics.notify(ctl, READY);
}
if (w) serve();
function serve() {
  let model = 0, modelId = -1, n = 0, d = 0, modelMsg = null, io = null;
  let cap = 0, capQ = 0, qPtr = 0, mPtr = 0, vPtr = 0, scr = 0;
  const alloc = (bytes) => {
    const p = w.alloc(bytes) >>> 0;
    if (p === 0) throw new Error('out of WebAssembly memory');
    return p;
  };
  const work = () => {
    for (let msg; (msg = receiveMessageOnPort(port)); ) {
      if (msg.message.kind === 'model') modelMsg = msg.message;
      else io = new Float64Array(msg.message.buf);
    }
    const want = Atomics.load(ctl, MODEL);
    if (modelId !== want) {
      if (!modelMsg || modelMsg.id !== want) throw new Error('model not sent');
      if (model) w.dealloc(model);
      if (scr) w.dealloc(scr);
      model = scr = 0;
      modelId = -1;
      ({ n, d } = modelMsg);
      const total = w.gpModelBytes(n, d) >>> 0, ext = w.gpBatchExtOffset(n, d) >>> 0;
      if (total !== modelMsg.total || ext !== modelMsg.ext) throw new Error('model layout differs');
      model = alloc(total);
      scr = alloc(w.gpPredictBatchScratchBytes(n, d) >>> 0);
      const src = new Uint8Array(modelMsg.buf), mem = new Uint8Array(w.memory.buffer);
      mem.set(src.subarray(0, modelMsg.head), model);
      mem.set(src.subarray(modelMsg.head, modelMsg.head + total - ext), model + ext);
      modelId = want;
    }
    const m = ctl[M], chunk = ctl[CHUNK], flags = ctl[FLAGS], nchunk = ctl[NCHUNK];
    if (chunk > cap || chunk * d > capQ) {
      if (qPtr) { w.dealloc(qPtr); w.dealloc(mPtr); w.dealloc(vPtr); }
      qPtr = mPtr = vPtr = 0;
      cap = chunk;
      capQ = chunk * d;
      qPtr = alloc(capQ * 8);
      mPtr = alloc(cap * 8);
      vPtr = alloc(cap * 8);
    }
    const meanOff = m * d, varOff = m * d + m;
    for (;;) {
      const c = Atomics.add(ctl, NEXT, 1);
      if (c >= nchunk) break;
      const p0 = c * chunk, cnt = Math.min(chunk, m - p0);
      new Float64Array(w.memory.buffer).set(io.subarray(p0 * d, (p0 + cnt) * d), qPtr / 8);
      w.gpPredictBatch(model, qPtr, cnt, mPtr, flags & 1 ? vPtr : 0, flags & 2 ? 1 : 0, scr);
      const heap = new Float64Array(w.memory.buffer);
      io.set(heap.subarray(mPtr / 8, mPtr / 8 + cnt), meanOff + p0);
      if (flags & 1) io.set(heap.subarray(vPtr / 8, vPtr / 8 + cnt), varOff + p0);
      Atomics.add(ctl, DONE, 1);
    }
  };
  Atomics.add(ctl, READY, 1);
  Atomics.notify(ctl, READY);
  let seen = 0;
  for (;;) {
    const g = Atomics.load(ctl, GEN);
    if ((g & 1) === 0 || g === seen) {
      Atomics.wait(ctl, GEN, g, 60000);
      continue;
    }
    seen = g;
    if (index >= Atomics.load(ctl, WORKERS)) continue;
    Atomics.add(ctl, ACTIVE, 1);
    try {
      if (Atomics.load(ctl, GEN) === g) work();
    } catch {
      Atomics.add(ctl, FAILED, 1);
      return;
    } finally {
      Atomics.sub(ctl, ACTIVE, 1);
      Atomics.notify(ctl, ACTIVE);
    }
  }
}
`;

interface NodeWorker {
  unref(): void;
  on(event: 'error' | 'exit', listener: () => void): void;
}
interface NodePort {
  postMessage(message: unknown): void;
}
interface WorkerThreads {
  Worker: new (code: string, options: object) => NodeWorker;
  MessageChannel: new () => { port1: NodePort; port2: unknown };
}

class PredictPool {
  private readonly ctl = new Int32Array(new SharedArrayBuffer(C_WORDS * 4));
  private readonly ports: NodePort[] = [];
  private modelId = -1;
  private modelBuf?: SharedArrayBuffer;
  private io?: SharedArrayBuffer;
  private failed = false;
  /** chunks of the last threaded call, and how many of them the workers took */
  last = { chunks: 0, workerChunks: 0 };

  constructor(readonly size: number, wt: WorkerThreads, wasmPath: string) {
    for (let i = 0; i < size; i++) {
      const { port1, port2 } = new wt.MessageChannel();
      const worker = new wt.Worker(WORKER_SOURCE, {
        eval: true, name: `paretonas GP predict ${i + 1}`, execArgv: [],
        workerData: { ctl: this.ctl.buffer, port: port2, wasm: wasmPath, index: i }, transferList: [port2],
      });
      worker.unref();
      worker.on('error', () => { this.failed = true; });
      worker.on('exit', () => { this.failed = true; });
      this.ports.push(port1);
    }
  }

  get ready(): number {
    return this.failed || Atomics.load(this.ctl, C_FAILED) > 0 ? 0 : Atomics.load(this.ctl, C_READY);
  }

  /** Resolves with the workers ready once every worker has started (or failed), or after timeoutMs. */
  async started(timeoutMs: number): Promise<number> {
    const t0 = Date.now();
    while (!this.failed && Atomics.load(this.ctl, C_READY) + Atomics.load(this.ctl, C_FAILED) < this.size && Date.now() - t0 < timeoutMs) {
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.ready;
  }

  /** The prediction, or undefined when no worker can take part (then the caller computes it). */
  predict(id: number, ptr: number, n: number, d: number, x: ArrayLike<number>, m: number, wantVar: boolean, noise: number, threads: number): GpPrediction | undefined {
    const ready = this.ready;
    if (ready === 0) return undefined;
    const ctl = this.ctl;
    const workers = Math.min(ready, threads - 1);
    // chunks: whole blocks of the kernel, about 1 ms of work at least, at least 4 per thread
    const perMs = Math.ceil(2e7 / (n * n) / BATCH_BLOCK) * BATCH_BLOCK;
    const most = Math.ceil(m / (4 * (workers + 1)) / BATCH_BLOCK) * BATCH_BLOCK;
    const chunk = Math.max(BATCH_BLOCK, Math.min(perMs, most));
    const nchunk = Math.ceil(m / chunk);
    if (this.modelId !== id) this.sendModel(id, ptr, n, d);
    const words = m * (d + 2);
    if (!this.io || this.io.byteLength < words * 8) {
      this.io = new SharedArrayBuffer(Math.max(words * 8, 2 * (this.io?.byteLength ?? 0)));
      for (const p of this.ports) p.postMessage({ kind: 'io', buf: this.io });
    }
    const io = new Float64Array(this.io, 0, words);
    io.set(x);
    Atomics.store(ctl, C_MODEL, id);
    Atomics.store(ctl, C_M, m);
    Atomics.store(ctl, C_CHUNK, chunk);
    Atomics.store(ctl, C_NCHUNK, nchunk);
    Atomics.store(ctl, C_FLAGS, (wantVar ? 1 : 0) | (noise ? 2 : 0));
    Atomics.store(ctl, C_WORKERS, workers);
    Atomics.store(ctl, C_DONE, 0);
    Atomics.store(ctl, C_NEXT, 0);
    const gen = Atomics.load(ctl, C_GEN);
    Atomics.store(ctl, C_GEN, gen + 1); // open
    Atomics.notify(ctl, C_GEN);
    try {
      withScratch(wasm, (s) => {
        const pq = s.alloc(chunk * d * 8), pm = s.alloc(chunk * 8), pv = s.alloc(chunk * 8);
        const scr = s.alloc(gp.gpPredictBatchScratchBytes(n, d));
        for (;;) {
          const c = Atomics.add(ctl, C_NEXT, 1);
          if (c >= nchunk) break;
          const p0 = c * chunk, cnt = Math.min(chunk, m - p0);
          new Float64Array(wasm.memory.buffer).set(io.subarray(p0 * d, (p0 + cnt) * d), pq / 8);
          gp.gpPredictBatch(ptr, pq, cnt, pm, wantVar ? pv : 0, noise, scr);
          const heap = new Float64Array(wasm.memory.buffer);
          io.set(heap.subarray(pm / 8, pm / 8 + cnt), m * d + p0);
          if (wantVar) io.set(heap.subarray(pv / 8, pv / 8 + cnt), m * d + m + p0);
        }
      });
    } finally {
      Atomics.store(ctl, C_GEN, gen + 2); // closed: late workers back out
      // wait for the workers still on a chunk; one that makes no progress for a minute (its
      // thread was killed) is given up, with the pool, and the caller computes the call itself
      let seen = -1, since = Date.now();
      for (let a; (a = Atomics.load(ctl, C_ACTIVE)) !== 0; ) {
        const done = Atomics.load(ctl, C_DONE) * 64 + a;
        if (done !== seen) {
          seen = done;
          since = Date.now();
        } else if (Date.now() - since > STALL_MS) {
          this.failed = true;
          break;
        }
        Atomics.wait(ctl, C_ACTIVE, a, 100);
      }
    }
    if (this.failed || Atomics.load(ctl, C_FAILED) > 0) return undefined;
    this.last = { chunks: nchunk, workerChunks: Atomics.load(ctl, C_DONE) };
    return { mean: io.slice(m * d, m * d + m), variance: wantVar ? io.slice(m * d + m, m * d + 2 * m) : new Float64Array(0) };
  }

  /** Copy what gpPredictBatch reads of a model (all but M) to the shared model buffer and tell the workers. */
  private sendModel(id: number, ptr: number, n: number, d: number): void {
    const total = gp.gpModelBytes(n, d) >>> 0, ext = gp.gpBatchExtOffset(n, d) >>> 0;
    const head = ext - n * n * 8; // up to M (n x n), which gpPredictBatch does not read
    const bytes = head + total - ext;
    if (!this.modelBuf || this.modelBuf.byteLength < bytes) this.modelBuf = new SharedArrayBuffer(bytes);
    const dst = new Uint8Array(this.modelBuf), mem = new Uint8Array(wasm.memory.buffer);
    dst.set(mem.subarray(ptr, ptr + head), 0);
    dst.set(mem.subarray(ptr + ext, ptr + total), head);
    for (const p of this.ports) p.postMessage({ kind: 'model', id, n, d, head, ext, total, buf: this.modelBuf });
    this.modelId = id;
  }
}

/** The pool of this realm: undefined until first asked for, null where there is none. */
let pool: PredictPool | null | undefined;

function predictPool(): PredictPool | undefined {
  if (pool !== undefined) return pool ?? undefined;
  pool = null;
  try {
    if (runtime() !== 'node' || typeof SharedArrayBuffer !== 'function') return undefined;
    const proc = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
    const wt = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
    const url = proc?.getBuiltinModule?.('node:url') as { fileURLToPath(u: URL): string } | undefined;
    const file = packageFile('build/surrogates.wasm');
    const size = Math.min(availableParallelism() - 1, MAX_WORKERS);
    if (!wt || !url || file.protocol !== 'file:' || size < 1) return undefined;
    pool = new PredictPool(size, wt, url.fileURLToPath(file));
  } catch {
    pool = null;
  }
  return pool ?? undefined;
}

/**
 * Start the prediction threads of this realm (Node; they also start by themselves on the first
 * large predict, which then runs on the calling thread) and resolve with how many are ready,
 * 0 where there are none. Waits at most timeoutMs for them to start.
 */
export async function gpPredictThreads(timeoutMs = 10_000): Promise<number> {
  return (await predictPool()?.started(timeoutMs)) ?? 0;
}

/** Chunks of the last predict that used the threads, and how many of them the workers took (diagnostics). */
export function gpLastThreadedPredict(): { chunks: number; workerChunks: number } {
  return { ...(pool?.last ?? { chunks: 0, workerChunks: 0 }) };
}
