// MS-EHVI (METHODS.md §10): a Sobol initial design, then one point at a time maximising the
// expected hypervolume improvement of a GP surrogate, every evaluation at the full budget.
//
//  * Encoding (§10.2, encoding.ts): the mixed space in the unit cube, one-hot for choices of
//    more than two values; proposals are decoded (rounded) into valid configurations.
//  * Surrogate (§10.3): a GP (constant mean, Matérn-5/2 ARD times an output scale, BoTorch's
//    Gamma(3, 6) / Gamma(2, 0.15) priors, standardised outputs) on the first objective. The
//    second objective is known and deterministic: by default on the NAS spaces the exact
//    log10 parameter count of the candidate's network (known.ts; 'paper': the §4.4
//    approximation); it is evaluated on the rounded configuration and enters the acquisition
//    with zero variance. Without a known objective (knownObjective: 'none', the default
//    outside the NAS spaces) the second objective gets its own GP. The paper also fits a GP to
//    the size objective and then overwrites its posterior; that GP has no effect and is not fitted.
//  * Acquisition (§10.4): exact 2-objective EHVI for independent Gaussians (the WebAssembly kernel, src/surrogates/ehvi.ts)
//    w.r.t. the observed front and the study's reference point, in the minimisation space.
//    It is optimised by 1000 scrambled-Sobol candidates in the encoded cube, the best few of
//    which (distinct configurations) are refined by a local search of coordinate perturbations
//    in the relaxed cube; every candidate is scored at the configuration it decodes to, so the
//    value maximised is that of what is proposed (BoTorch's SLSQP on the relaxed acquisition
//    is not reproduced).
//  * Variants: 'fixed' (default) uses the exact parameter count and learns the GP's noise
//    (bounded below by 1e-6 in standardised units: real trainings are noisy); 'paper' uses the
//    §4.4 approximation (§15.29: the front still holds the observed true counts) and the
//    FixedNoiseGP's noise 1e-7. Its QMC estimate of EHVI (128 samples) is replaced by the exact
//    value in both variants; §15.28 (zero gradient of the known objective) does not arise since
//    no gradients are used; §15.30 has no effect for q = 1.
//
// Ask/tell: the initial design is handed out without waiting; afterwards ask() answers 'wait'
// while a trial is running (the paper's loop is sequential), and draws further design points
// while fewer than two results are complete. Failed trials are skipped. Every random choice
// comes from the seed and the trial number, the GP fit is warm-started from the previous
// proposal's hyperparameters, so the method is a function of the seed and the ask/tell sequence.
import { streamSeed as commonStreamSeed } from '../common.ts';
import { Rng } from '../../random/rng.ts';
import { Sobol } from '../../space/sobol.ts';
import type { Config } from '../../space/types.ts';
import { GaussianProcess, type GpFitOptions, type GpHyperparameters } from '../../surrogates/gp.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerContext, OptimizerFactory } from '../types.ts';
import { ehvi2 } from '../../surrogates/ehvi.ts';
import { CubeEncoder } from './encoding.ts';
import { isNasSpace, log10ParamCount, type KnownObjectiveFn } from './known.ts';

export { CubeEncoder } from './encoding.ts';
export { isNasSpace, log10ParamCount } from './known.ts';

export type MsehviVariant = 'fixed' | 'paper';

export interface MsehviOptions {
  /** defaults of one of the paper's example scripts (§13); explicit options override them */
  preset?: 'flowers' | 'fashion';
  /** 'fixed' (default) or 'paper' (see the header) */
  variant?: MsehviVariant;
  /** Sobol initial design size (default 10; presets: flowers 50, fashion 10) */
  nInit?: number;
  /** stop after this many suggestions (default: never; the study's caps stop it) */
  maxEvaluations?: number;
  /**
   * the second objective when known: 'numParams' = log10 parameter count of the network
   * (NAS spaces only; the default there), 'none' = model it with a GP (the default elsewhere),
   * or a function of the configuration (not journalled: pass it again when resuming)
   */
  knownObjective?: 'numParams' | 'none' | KnownObjectiveFn;
  /** network input [C, H, W] for the parameter count (default Flowers [3, 16, 16]) */
  input?: [number, number, number];
  /** number of classes for the parameter count (default Flowers 17) */
  numClasses?: number;
  /** quasi-random candidates per proposal (default 1000) */
  rawSamples?: number;
  /** local searches, from the best distinct candidates (default 5) */
  numRestarts?: number;
  /** rounds of each local search (default 20) */
  localSteps?: number;
  /** neighbours scored per round (default 12) */
  neighbours?: number;
  /** overrides of the surrogate's fit options */
  gp?: GpFitOptions;
}

type PresetOptions = Required<Pick<MsehviOptions, 'nInit' | 'input' | 'numClasses'>>;

/** The example scripts' settings (§13): N_init 50 for Flowers, 10 for Fashion, and each problem's network. */
export const MSEHVI_PRESETS: Readonly<Record<'flowers' | 'fashion', Readonly<PresetOptions>>> = Object.freeze({
  flowers: Object.freeze({ nInit: 50, input: [3, 16, 16] as [number, number, number], numClasses: 17 }),
  fashion: Object.freeze({ nInit: 10, input: [1, 28, 28] as [number, number, number], numClasses: 10 }),
});

const streamSeed = (...parts: number[]): number => commonStreamSeed(0x6a09e667, ...parts);

const STREAM_INIT = 1, STREAM_PROPOSE = 2;

/**
 * The front's points strictly inside the reference box, non-dominated, sorted by f1 ascending
 * (row-major k x 2). A proposal calls the kernel once per batch of its local search, all
 * against the same front: reducing the front once spares every call from filtering and
 * sorting it again, and EHVI does not change (dominated points and points outside the box
 * add nothing to it).
 */
export function staircase(front: Float64Array, reference: readonly [number, number]): Float64Array {
  const [r1, r2] = reference;
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

interface Resolved {
  variant: MsehviVariant;
  nInit: number;
  maxEvaluations: number;
  known?: KnownObjectiveFn;
  rawSamples: number;
  numRestarts: number;
  localSteps: number;
  neighbours: number;
  gp: GpFitOptions;
}

function resolve(ctx: OptimizerContext, options: MsehviOptions): Resolved {
  const fn = 'createMsehvi';
  if (options === null || typeof options !== 'object') throw new TypeError(`${fn}: options must be an object`);
  const preset = options.preset === undefined ? undefined : MSEHVI_PRESETS[options.preset];
  if (options.preset !== undefined && !preset) throw new RangeError(`${fn}: preset must be 'flowers' or 'fashion', got ${JSON.stringify(options.preset)}`);
  const variant = options.variant ?? 'fixed';
  if (variant !== 'fixed' && variant !== 'paper') throw new RangeError(`${fn}: variant must be 'fixed' or 'paper', got ${JSON.stringify(variant)}`);
  if (ctx.nObj !== 2) throw new RangeError(`${fn}: MS-EHVI handles 2 objectives, the study has ${ctx.nObj}`);
  const int = (name: string, v: number, min: number): number => {
    if (!(Number.isInteger(v) && v >= min)) throw new RangeError(`${fn}: ${name} must be an integer >= ${min}, got ${v}`);
    return v;
  };
  const input = options.input ?? preset?.input ?? [3, 16, 16];
  if (!Array.isArray(input) || input.length !== 3 || !input.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new RangeError(`${fn}: input must be [C, H, W] positive integers, got ${JSON.stringify(input)}`);
  }
  const numClasses = int('numClasses', options.numClasses ?? preset?.numClasses ?? 17, 1);
  const nas = isNasSpace(ctx.space);
  const ko = options.knownObjective ?? (nas ? 'numParams' : 'none');
  let known: KnownObjectiveFn | undefined;
  if (typeof ko === 'function') known = ko;
  else if (ko === 'numParams') {
    if (!nas) throw new RangeError(`${fn}: knownObjective 'numParams' needs the NAS search space (n_conv_l, n_conv_0, ..., global_avg_pooling)`);
    known = log10ParamCount(variant, input, numClasses);
  } else if (ko !== 'none') throw new RangeError(`${fn}: knownObjective must be 'numParams', 'none' or a function, got ${JSON.stringify(ko)}`);
  const gp = options.gp ?? {};
  if (gp === null || typeof gp !== 'object') throw new TypeError(`${fn}: options.gp must be an object of GP fit options`);
  return {
    variant,
    nInit: int('nInit', options.nInit ?? preset?.nInit ?? 10, 1),
    maxEvaluations: options.maxEvaluations === undefined ? Infinity : int('maxEvaluations', options.maxEvaluations, 0),
    known,
    rawSamples: int('rawSamples', options.rawSamples ?? 1000, 1),
    numRestarts: int('numRestarts', options.numRestarts ?? 5, 0),
    localSteps: int('localSteps', options.localSteps ?? 20, 0),
    neighbours: int('neighbours', options.neighbours ?? 12, 1),
    gp,
  };
}

interface Observation {
  number: number;
  u: Float64Array;
  values: number[];
}

/** Scored candidates: relaxed points, their configurations, rounded points and EHVI. */
interface Scored {
  u: Float64Array[];
  configs: Config[];
  ehvi: Float64Array;
}

/** The method, with its encoding and known objective exposed for inspection. */
export interface MsehviOptimizer extends Optimizer {
  readonly encoder: CubeEncoder;
  /** the known second objective, if any (minimisation units) */
  readonly knownObjective?: KnownObjectiveFn;
}

export const createMsehvi: OptimizerFactory<MsehviOptions> = (ctx, options = {}): MsehviOptimizer => {
  const o = resolve(ctx, options);
  const space = ctx.space;
  const enc = new CubeEncoder(space);
  const D = enc.dim;
  const ref: [number, number] = [ctx.referencePoint[0], ctx.referencePoint[1]];
  const design = new Sobol(Math.max(1, D), { seed: streamSeed(ctx.seed, STREAM_INIT) });
  const key = (c: Config) => JSON.stringify(c);

  let asked = 0;
  const running = new Set<number>();
  const observations: Observation[] = [];
  const seen = new Set<string>();
  const warm: (GpHyperparameters | undefined)[] = [undefined, undefined];

  const fromDesign = (): Config => {
    const u = design.next();
    return D === 0 ? enc.decode([]) : enc.decode(u);
  };

  const fitOptions = (k: number, rng: Rng): GpFitOptions => ({
    normalizeY: true,
    priors: true,
    restarts: 2,
    rawSamples: 8,
    ...(o.variant === 'paper' ? { fixedNoise: 1e-7 } : { bounds: { noise: [1e-6, 10] as const } }),
    ...o.gp,
    seed: rng.nextU32(),
    init: warm[k],
  });

  /** EHVI of relaxed points (each scored at the configuration it decodes to). */
  const scorer = (models: (GaussianProcess | undefined)[], front: Float64Array) => (us: Float64Array[]): Scored => {
    const m = us.length;
    const rounded = new Float64Array(m * D);
    const configs = us.map((u, i) => enc.decodeInto(u, rounded, i * D));
    const mean = new Float64Array(2 * m), std = new Float64Array(2 * m);
    for (let k = 0; k < 2; k++) {
      const model = models[k];
      if (model) {
        const p = model.predict(rounded);
        for (let i = 0; i < m; i++) {
          mean[2 * i + k] = p.mean[i];
          std[2 * i + k] = Math.sqrt(p.variance[i]);
        }
      } else {
        for (let i = 0; i < m; i++) {
          const v = o.known!(configs[i]);
          if (!Number.isFinite(v)) throw new RangeError(`msehvi: the known objective returned ${v} for ${JSON.stringify(configs[i])}`);
          mean[2 * i + k] = v;
        }
      }
    }
    return { u: us, configs, ehvi: ehvi2(front, ref, mean, std) };
  };

  /** One neighbour of u: one or two encoded hyperparameters perturbed. */
  const neighbour = (u: Float64Array, sigma: number, rng: Rng): Float64Array => {
    const v = Float64Array.from(u);
    const changes = rng.random() < 0.3 ? 2 : 1;
    for (let c = 0; c < changes; c++) {
      const p = enc.params[rng.int(enc.params.length)];
      const off = p.offset;
      switch (p.kind) {
        case 'int':
        case 'float':
        case 'ordinal': {
          const x = rng.random() < 0.2 ? rng.random() : v[off] + sigma * rng.normal();
          v[off] = x < 0 ? 0 : x > 1 ? 1 : x;
          break;
        }
        case 'binary':
          v[off] = v[off] >= 0.5 ? 0 : 1;
          break;
        case 'onehot': {
          let cur = 0;
          for (let w = 1; w < p.width; w++) if (v[off + w] > v[off + cur]) cur = w;
          let next = rng.int(p.width - 1);
          if (next >= cur) next++;
          for (let w = 0; w < p.width; w++) v[off + w] = w === next ? 1 : 0;
          break;
        }
      }
    }
    return v;
  };

  const propose = (number: number): { params: Config; info: Record<string, unknown> } => {
    const rng = new Rng(streamSeed(ctx.seed, STREAM_PROPOSE, number));
    const n = observations.length;
    const X = new Float64Array(n * D);
    const front = new Float64Array(2 * n);
    observations.forEach((ob, i) => {
      X.set(ob.u, i * D);
      front[2 * i] = ob.values[0];
      front[2 * i + 1] = ob.values[1];
    });
    const models: (GaussianProcess | undefined)[] = [undefined, undefined];
    try {
      for (let k = 0; k < 2; k++) {
        if (k === 1 && o.known) continue;
        const y = Float64Array.from(observations, (ob) => ob.values[k]);
        const model = GaussianProcess.fit(X, y, D, fitOptions(k, rng));
        models[k] = model;
        warm[k] = model.hyperparameters;
      }
    } catch (err) {
      for (const m of models) m?.dispose();
      // A surrogate that cannot be fitted (degenerate data): fall back to the design.
      return { params: fromDesign(), info: { source: 'sobol', reason: err instanceof Error ? err.message : String(err) } };
    }
    try {
      const score = scorer(models, staircase(front, ref));
      const best = new Map<string, { config: Config; value: number }>();
      const note = (s: Scored) => {
        s.configs.forEach((c, i) => {
          const k = key(c);
          const prev = best.get(k);
          if (!prev || s.ehvi[i] > prev.value) best.set(k, { config: c, value: s.ehvi[i] });
        });
      };
      const sobol = new Sobol(Math.max(1, D), { seed: rng.nextU32() });
      const raw = Array.from({ length: o.rawSamples }, () => sobol.next().subarray(0, D));
      const rawScored = score(raw);
      note(rawScored);
      // Local searches from the best distinct raw candidates.
      const order = Array.from({ length: raw.length }, (_, i) => i).sort((a, b) => rawScored.ehvi[b] - rawScored.ehvi[a] || a - b);
      const startKeys = new Set<string>();
      const starts: number[] = [];
      for (const i of order) {
        if (starts.length >= o.numRestarts) break;
        const k = key(rawScored.configs[i]);
        if (startKeys.has(k)) continue;
        startKeys.add(k);
        starts.push(i);
      }
      for (const i of starts) {
        let cur = raw[i], curVal = rawScored.ehvi[i];
        let sigma = 0.1;
        for (let step = 0; step < o.localSteps; step++) {
          const batch = Array.from({ length: o.neighbours }, () => neighbour(cur, sigma, rng));
          const s = score(batch);
          note(s);
          let bi = 0;
          for (let j = 1; j < batch.length; j++) if (s.ehvi[j] > s.ehvi[bi]) bi = j;
          if (s.ehvi[bi] > curVal) {
            cur = batch[bi];
            curVal = s.ehvi[bi];
          } else {
            sigma = Math.max(0.01, sigma * 0.7);
          }
        }
      }
      // The best candidate not proposed before.
      let pick: { config: Config; value: number } | undefined;
      for (const [k, c] of best) {
        if (seen.has(k)) continue;
        if (!pick || c.value > pick.value) pick = c;
      }
      if (!pick) return { params: fromDesign(), info: { source: 'sobol', reason: 'every candidate was proposed before' } };
      return { params: pick.config, info: { source: 'ehvi', ehvi: Number.isFinite(pick.value) ? pick.value : 0 } };
    } finally {
      for (const m of models) m?.dispose();
    }
  };

  const opt: MsehviOptimizer = {
    method: 'msehvi',
    encoder: enc,
    knownObjective: o.known,
    ask(number: number): AskResult {
      if (asked >= o.maxEvaluations) return { kind: 'done' };
      let params: Config;
      let info: Record<string, unknown>;
      if (asked < o.nInit) {
        params = fromDesign();
        info = { source: 'sobol' };
      } else if (running.size > 0) {
        return { kind: 'wait' };
      } else if (observations.length < 2 || D === 0) {
        params = fromDesign();
        info = { source: 'sobol' };
      } else {
        ({ params, info } = propose(number));
      }
      asked++;
      running.add(number);
      seen.add(key(params));
      return { kind: 'suggest', suggestion: { params, budget: ctx.maxBudget, info } };
    },
    tell(trial: FinishedTrial): void {
      running.delete(trial.number);
      if (trial.state !== 'complete' || !trial.values) return;
      const ob = { number: trial.number, u: enc.encode(trial.params), values: trial.values.slice(0, 2) };
      // keep trial-number order, whatever the order of the tells
      let i = observations.length;
      while (i > 0 && observations[i - 1].number > ob.number) i--;
      observations.splice(i, 0, ob);
    },
  };
  return opt;
};
