// MS-EHVI's acquisition optimiser, the way BoTorch's optimize_acqf maximises qEHVI in the
// paper (docs/methods.md#msehvi-acquisition): many raw quasi-random points, a few restarts picked from them,
// each refined by a bounded gradient-based local optimiser on the relaxed acquisition, then
// rounding by the back-transform.
//
//  1. Raw samples: `rawSamples` points of a scrambled Sobol sequence in the unit cube [0,1]^D
//     (the encoder's cube), each scored by the relaxed acquisition (below).
//  2. Restarts: `numRestarts` of them drawn by BoTorch's initialize_q_batch heuristic:
//     without replacement, with probabilities ∝ exp(η·z), z the standardised acquisition
//     values (η = 1), the best raw point always included (it replaces the last draw if not
//     drawn); when all values are equal, a random subset. Draws use the method's Rng.
//  3. Local optimisation: each restart refined by a box-constrained L-BFGS (BoxLbfgs) on the
//     relaxed acquisition over [0,1]^D, maximised (its negative, divided by the best raw
//     value so that the tolerances are relative, minimised). BoTorch uses SLSQP with bounds
//     only; on a box the two find the same stationary points.
//  4. Rounding: every end point and every raw point is decoded (one-hot argmax, integer and
//     boolean rounding) and scored by the acquisition at the configuration it rounds to, so
//     that the value the caller maximises is that of what it proposes.
//
// The relaxed acquisition at u is EHVI (exact, 2 objectives, independent Gaussians, against
// the staircase of the observed front) of the GP posterior(s) at u itself, not at its rounding,
// with gradient ∂EHVI/∂u = Σ_k ∂EHVI/∂μ_k ∂μ_k/∂u + ∂EHVI/∂σ_k ∂σ_k/∂u (ehvi2Gradient and
// GaussianProcess.predictGradient; ∂σ/∂u = ∂σ²/∂u / 2σ, 0 where σ = 0). A known objective
// (MS-EHVI's log10 parameter count) is evaluated at the rounded configuration, as in the
// paper: piecewise constant in u with zero gradient (docs/methods.md#odd-28), so the local optimiser sees it
// only through the rounding's jumps and the raw samples.
import { Rng } from '../../random/rng.ts';
import { Sobol } from '../../space/sobol.ts';
import type { Config } from '../../space/types.ts';
import { ehvi2, ehvi2Gradient } from '../../surrogates/ehvi.ts';
import type { GaussianProcess } from '../../surrogates/gp.ts';
import { BoxLbfgs } from '../../surrogates/lbfgs.ts';
import type { CubeEncoder } from './encoding.ts';
import type { KnownObjectiveFn } from './known.ts';

/** What the acquisition is computed from (minimisation space). */
export interface AcquisitionModel {
  encoder: CubeEncoder;
  /** the surrogate of each objective; undefined = the known objective */
  models: readonly [GaussianProcess | undefined, GaussianProcess | undefined];
  known?: KnownObjectiveFn;
  /** the observed front's staircase (staircase2), row-major k x 2 */
  front: Float64Array;
  reference: readonly [number, number];
}

export interface AcquisitionOptions {
  /** raw quasi-random points (BoTorch raw_samples) */
  rawSamples: number;
  /** local optimisations (BoTorch num_restarts); 0 = the raw points only */
  numRestarts: number;
  /** L-BFGS iterations per restart (default 200, BoTorch's maxiter) */
  maxIterations?: number;
  /** temperature of the restart heuristic (default 1, BoTorch's eta) */
  eta?: number;
  /**
   * rounds of a discrete search on rounded configurations after the gradient stage, from the
   * best few distinct candidates (default 0: the reference has none). The known size objective
   * is piecewise constant in the relaxed point, so L-BFGS cannot see it (docs/methods.md#odd-28);
   * a search over neighbouring configurations can.
   */
  discreteSteps?: number;
}

/** A proposal candidate: a configuration and the EHVI at it. */
export interface AcquisitionCandidate {
  config: Config;
  /** JSON of the configuration */
  key: string;
  /** EHVI at the configuration (its rounded point) */
  value: number;
  /** 'local': the rounding of a local optimum; 'raw': of a raw sample only */
  origin: 'local' | 'raw' | 'discrete';
}

export interface AcquisitionResult {
  /** the distinct configurations found, best EHVI first (ties: local optima first, then raw order) */
  candidates: AcquisitionCandidate[];
  /** the best relaxed EHVI reached (local optima and raw points) */
  relaxedBest: number;
  /** each local optimisation: its raw starting point, relaxed EHVI there and at the end, the end point, why it stopped */
  restarts: { start: number; startValue: number; end: Float64Array; endValue: number; reason: string }[];
  /** L-BFGS iterations and acquisition evaluations over all restarts */
  iterations: number;
  evaluations: number;
}

/**
 * BoTorch's initialize_q_batch: n indices of the values y drawn without replacement with
 * weights exp(η·(y − mean)/std) (sample std), the index of the largest value always among
 * them; all indices when n >= y.length, a random subset when the values are all equal.
 */
export function boltzmannRestarts(y: ArrayLike<number>, n: number, rng: Rng, eta = 1): number[] {
  const N = y.length;
  if (n <= 0) return [];
  if (n >= N) return Array.from({ length: N }, (_, i) => i);
  let mean = 0, best = 0;
  for (let i = 0; i < N; i++) {
    mean += y[i];
    if (y[i] > y[best]) best = i;
  }
  mean /= N;
  let ss = 0;
  for (let i = 0; i < N; i++) ss += (y[i] - mean) ** 2;
  const sd = N > 1 ? Math.sqrt(ss / (N - 1)) : 0;
  if (!(sd > 0) || !Number.isFinite(sd)) {
    // equal values: a random subset (partial Fisher-Yates)
    const idx = Array.from({ length: N }, (_, i) => i);
    for (let i = 0; i < n; i++) {
      const j = i + rng.int(N - i);
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx.slice(0, n);
  }
  let scale = eta;
  let w = Float64Array.from(y, (v) => Math.exp(scale * (v - mean) / sd));
  while (w.some((v) => !Number.isFinite(v))) {
    scale *= 0.5;
    w = Float64Array.from(y, (v) => Math.exp(scale * (v - mean) / sd));
  }
  let total = 0;
  for (let i = 0; i < N; i++) total += w[i];
  const picked: number[] = [];
  for (let k = 0; k < n; k++) {
    let t = rng.random() * total, pick = -1;
    for (let i = 0; i < N; i++) {
      if (w[i] === 0) continue;
      pick = i;
      t -= w[i];
      if (t < 0) break;
    }
    // (rounding of the running total can end the scan on the last positive weight)
    if (pick < 0) pick = Array.from({ length: N }, (_, i) => i).find((i) => !picked.includes(i))!;
    picked.push(pick);
    total -= w[pick];
    w[pick] = 0;
  }
  if (!picked.includes(best)) picked[picked.length - 1] = best;
  return picked;
}

/**
 * Maximise EHVI over the encoder's cube (module header): raw samples, restarts, L-BFGS on
 * the relaxed acquisition, rounding. Deterministic given the model, options and rng.
 */
export function optimizeAcquisition(model: AcquisitionModel, options: AcquisitionOptions, rng: Rng): AcquisitionResult {
  const { encoder: enc, models, known, front, reference } = model;
  const D = enc.dim;
  const ref: [number, number] = [reference[0], reference[1]];
  const knownValue = (c: Config): number => {
    const v = known!(c);
    if (!Number.isFinite(v)) throw new RangeError(`msehvi: the known objective returned ${v} for ${JSON.stringify(c)}`);
    return v;
  };

  /** The known objective of each configuration (NaN where there is none). */
  const knownOf = (configs: Config[]): Float64Array => Float64Array.from(configs, (c) => (known ? knownValue(c) : Number.NaN));
  /**
   * Predictive means and standard deviations (row-major m x 2) at points x (m x D), the known
   * objective's values (of the configurations the points decode to) given.
   */
  const moments = (x: Float64Array, knownValues: Float64Array): { mean: Float64Array; std: Float64Array } => {
    const m = knownValues.length;
    const mean = new Float64Array(2 * m), std = new Float64Array(2 * m);
    for (let k = 0; k < 2; k++) {
      const gp = models[k];
      if (gp) {
        const p = gp.predict(x);
        for (let i = 0; i < m; i++) {
          mean[2 * i + k] = p.mean[i];
          std[2 * i + k] = Math.sqrt(p.variance[i]);
        }
      } else {
        for (let i = 0; i < m; i++) mean[2 * i + k] = knownValues[i];
      }
    }
    return { mean, std };
  };

  // 1. raw samples, scored relaxed (for the restarts) and rounded (as candidates)
  const N = options.rawSamples;
  const sobol = new Sobol(D, { seed: rng.nextU32() });
  const raw = new Float64Array(N * D), rounded = new Float64Array(N * D);
  const rawConfigs: Config[] = [];
  for (let i = 0; i < N; i++) {
    const u = raw.subarray(i * D, (i + 1) * D);
    sobol.next(u);
    rawConfigs.push(enc.decodeInto(u, rounded, i * D));
  }
  const rawKnown = knownOf(rawConfigs);
  const relaxedMoments = moments(raw, rawKnown);
  const rawRelaxed = ehvi2(front, ref, relaxedMoments.mean, relaxedMoments.std);
  const roundedMoments = moments(rounded, rawKnown);
  const rawRounded = ehvi2(front, ref, roundedMoments.mean, roundedMoments.std);
  let relaxedBest = -Infinity;
  for (let i = 0; i < N; i++) relaxedBest = Math.max(relaxedBest, rawRelaxed[i]);

  // 2. restarts
  const starts = boltzmannRestarts(rawRelaxed, options.numRestarts, rng, options.eta ?? 1);

  // 3. local optimisation of the relaxed acquisition (scaled to the best raw value)
  const scale = relaxedBest > 0 ? relaxedBest : 1;
  const mean = new Float64Array(2), std = new Float64Array(2);
  const dMu = [new Float64Array(D), new Float64Array(D)], dSigma = [new Float64Array(D), new Float64Array(D)];
  const grad = new Float64Array(D);
  // the known objective of the last rounded point: line searches mostly stay within one cell
  const cell = new Float64Array(D), lastCell = new Float64Array(D).fill(Number.NaN);
  let lastKnown = Number.NaN;
  const knownAt = (u: Float64Array): number => {
    const config = enc.decodeInto(u, cell);
    let same = true;
    for (let j = 0; j < D && same; j++) same = cell[j] === lastCell[j];
    if (!same) {
      lastKnown = knownValue(config);
      lastCell.set(cell);
    }
    return lastKnown;
  };
  let evaluations = 0;
  const objective = {
    value(u: Float64Array): number {
      evaluations++;
      for (let k = 0; k < 2; k++) {
        const gp = models[k];
        if (gp) {
          const g = gp.predictGradient(u);
          const s = Math.sqrt(g.variance[0]);
          mean[k] = g.mean[0];
          std[k] = s;
          dMu[k].set(g.meanGrad);
          for (let j = 0; j < D; j++) dSigma[k][j] = s > 0 ? g.varianceGrad[j] / (2 * s) : 0;
        } else {
          mean[k] = knownAt(u);
          std[k] = 0;
          dMu[k].fill(0);
          dSigma[k].fill(0);
        }
      }
      const e = ehvi2Gradient(front, ref, mean, std);
      grad.fill(0);
      for (let k = 0; k < 2; k++) {
        const a = e.dMean[k], b = e.dStd[k];
        for (let j = 0; j < D; j++) grad[j] -= (a * dMu[k][j] + b * dSigma[k][j]) / scale;
      }
      return -e.value[0] / scale;
    },
    gradient(g: Float64Array): void {
      g.set(grad);
    },
  };
  const lo = new Float64Array(D), hi = new Float64Array(D).fill(1);
  const ends = new Float64Array(starts.length * D);
  let iterations = 0;
  const restarts: AcquisitionResult['restarts'] = [];
  starts.forEach((i, r) => {
    const run = new BoxLbfgs(objective, raw.subarray(i * D, (i + 1) * D), lo, hi, { maxIterations: options.maxIterations ?? 200 });
    while (run.step());
    iterations += run.iterations;
    ends.set(run.x, r * D);
    const endValue = Number.isFinite(run.f) ? -run.f * scale : rawRelaxed[i];
    relaxedBest = Math.max(relaxedBest, endValue);
    restarts.push({ start: i, startValue: rawRelaxed[i], end: Float64Array.from(run.x), endValue, reason: run.reason ?? 'maxIterations' });
  });

  // 4. rounding: local optima first, then the raw points
  const endRounded = new Float64Array(starts.length * D);
  const endConfigs = starts.map((_, r) => enc.decodeInto(ends.subarray(r * D, (r + 1) * D), endRounded, r * D));
  const endMoments = moments(endRounded, knownOf(endConfigs));
  const endValues = ehvi2(front, ref, endMoments.mean, endMoments.std);
  const byKey = new Map<string, AcquisitionCandidate>();
  const add = (config: Config, value: number, origin: AcquisitionCandidate['origin']) => {
    const key = JSON.stringify(config);
    if (!byKey.has(key)) byKey.set(key, { config, key, value, origin });
  };
  endConfigs.forEach((c, r) => add(c, endValues[r], 'local'));
  rawConfigs.forEach((c, i) => add(c, rawRounded[i], 'raw'));
  // (a stable sort: ties keep the insertion order)
  let candidates = [...byKey.values()].sort((a, b) => b.value - a.value);
  let discrete = 0;
  const rounds = options.discreteSteps ?? 0;
  if (rounds > 0 && D > 0) {
    // 5. discrete coordinate search from the best distinct candidates (scored as proposed)
    const score = (us: Float64Array[]): { configs: Config[]; values: Float64Array } => {
      const x = new Float64Array(us.length * D);
      const configs = us.map((u, i) => enc.decodeInto(u, x, i * D));
      const mo = moments(x, knownOf(configs));
      discrete += us.length;
      return { configs, values: ehvi2(front, ref, mo.mean, mo.std) };
    };
    for (const start of candidates.slice(0, DISCRETE_STARTS)) {
      let cur: Float64Array = enc.encode(start.config).map((v) => (Number.isNaN(v) ? 0.5 : v));
      let curValue = start.value;
      let sigma = 0.1;
      for (let round = 0; round < rounds; round++) {
        const batch = Array.from({ length: DISCRETE_NEIGHBOURS }, () => neighbour(enc, cur, sigma, rng));
        const s = score(batch);
        let best = 0;
        for (let j = 0; j < batch.length; j++) {
          add(s.configs[j], s.values[j], 'discrete');
          if (s.values[j] > s.values[best]) best = j;
        }
        if (s.values[best] > curValue) {
          cur = batch[best];
          curValue = s.values[best];
        } else sigma = Math.max(0.01, sigma * 0.7);
      }
    }
    candidates = [...byKey.values()].sort((a, b) => b.value - a.value);
  }
  return { candidates, relaxedBest, restarts, iterations, evaluations: evaluations + 2 * N + starts.length + discrete };
}

/** Starting points and neighbours per round of the discrete search. */
const DISCRETE_STARTS = 5, DISCRETE_NEIGHBOURS = 12;

/** A neighbour of u in the encoded cube: one hyperparameter (sometimes two) changed. */
function neighbour(enc: CubeEncoder, u: Float64Array, sigma: number, rng: Rng): Float64Array {
  const v = Float64Array.from(u);
  const changes = rng.random() < 0.3 ? 2 : 1;
  for (let c = 0; c < changes; c++) {
    const p = enc.params[rng.int(enc.params.length)];
    const off = p.offset;
    if (p.kind === 'binary') v[off] = v[off] >= 0.5 ? 0 : 1;
    else if (p.kind === 'onehot') {
      let cur = 0;
      for (let w = 1; w < p.width; w++) if (v[off + w] > v[off + cur]) cur = w;
      let next = rng.int(p.width - 1);
      if (next >= cur) next++;
      for (let w = 0; w < p.width; w++) v[off + w] = w === next ? 1 : 0;
    } else {
      const x = rng.random() < 0.2 ? rng.random() : v[off] + sigma * rng.normal();
      v[off] = x < 0 ? 0 : x > 1 ? 1 : x;
    }
  }
  return v;
}
