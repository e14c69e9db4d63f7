// MS-EHVI (docs/methods.md#msehvi): an initial design, then one point at a time maximising the
// expected hypervolume improvement of a GP surrogate, every evaluation at the full budget.
//
//  * Encoding (docs/methods.md#msehvi-encoding, encoding.ts): the mixed space in the unit cube, one-hot for choices of
//    more than two values; proposals are decoded (rounded) into valid configurations.
//  * Surrogate (docs/methods.md#msehvi-surrogate): a GP (constant mean, Matérn-5/2 ARD times an output scale, BoTorch's
//    Gamma(3, 6) / Gamma(2, 0.15) priors, standardised outputs) on the first objective. The
//    second objective is known and deterministic: by default on the NAS spaces the exact
//    log10 parameter count of the candidate's network (known.ts; 'paper': the docs/methods.md#cnn-approx-count
//    approximation); it is evaluated on the rounded configuration and enters the acquisition
//    with zero variance. Without a known objective (knownObjective: 'none', the default
//    outside the NAS spaces) the second objective gets its own GP. The paper also fits a GP to
//    the size objective and then overwrites its posterior; that GP has no effect and is not fitted.
//  * Acquisition (docs/methods.md#msehvi-acquisition): exact 2-objective EHVI for independent Gaussians (the WebAssembly kernel, src/surrogates/ehvi.ts)
//    w.r.t. the observed front and the study's reference point, in the minimisation space.
//    It is maximised as BoTorch's optimize_acqf does (acquisition.ts): 1000 raw scrambled-Sobol
//    points of the encoded cube, 20 restarts drawn from them by BoTorch's Boltzmann heuristic
//    (the best raw point always among them), each refined by a bounded L-BFGS on the relaxed
//    acquisition (GP posterior at the continuous point, analytic gradients; the known objective
//    at the rounded configuration, zero gradient: docs/methods.md#odd-28 kept). The end points and the raw
//    points are then rounded by the back-transform and scored at the configurations they
//    decode to, and the best configuration not proposed before is proposed (so the value
//    maximised is that of what is proposed; BoTorch rounds its best relaxed optimum instead).
//  * Variants: 'fixed' (default) uses the exact parameter count, learns the GP's noise
//    (bounded below by 1e-6 in standardised units: real trainings are noisy) and draws the
//    initial design from one scrambled Sobol sequence; 'paper' uses the docs/methods.md#cnn-approx-count approximation
//    (docs/methods.md#odd-29: the front still holds the observed true counts), the FixedNoiseGP's noise 1e-7,
//    and i.i.d. uniform initial draws (Ax builds a new randomly seeded Sobol generator per
//    draw). Its QMC estimate of EHVI (128 samples) is replaced by the exact value in both
//    variants; docs/methods.md#odd-30 has no effect for q = 1.
//
// Ask/tell: the initial design is handed out without waiting; afterwards ask() answers 'wait'
// while a trial is running (the paper's loop is sequential), and draws further design points
// while fewer than two results are complete. Failed trials are skipped. Every random choice
// comes from the seed and the trial number, the GP fit is warm-started from the previous
// proposal's hyperparameters, so the method is a function of the seed and the ask/tell sequence.
import { streamSeed as commonStreamSeed } from '../common.ts';
import { mergeOptions, type CommonOptions, type OptionRules, type Presets, type Variant } from '../options.ts';
import { NAS_PROBLEMS } from '../../space/nas.ts';
import { Rng } from '../../random/rng.ts';
import { Sobol } from '../../space/sobol.ts';
import type { Config } from '../../space/types.ts';
import { GaussianProcess, type GpFitOptions, type GpHyperparameters } from '../../surrogates/gp.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerContext } from '../types.ts';
import { staircase2 } from '../../surrogates/ehvi.ts';
import { optimizeAcquisition } from './acquisition.ts';
import { CubeEncoder } from './encoding.ts';
import { isNasSpace, log10ParamCount, type KnownObjectiveFn } from './known.ts';

export { CubeEncoder } from './encoding.ts';
export { boltzmannRestarts, optimizeAcquisition } from './acquisition.ts';
export { isNasSpace, log10ParamCount } from './known.ts';

export type MsehviVariant = Variant;

export interface MsehviOptions extends CommonOptions {
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
  /**
   * network input [C, H, W] for the parameter count (default: the problem's, Flowers
   * [3, 16, 16] or Fashion [1, 28, 28]; Flowers on other problems). 'paper' ignores it: the
   * reference's approximation assumes 3 channels and 10 classes (docs/methods.md#cnn-approx-count).
   */
  input?: [number, number, number];
  /** number of classes for the parameter count (default: the problem's, 17 or 10) */
  numClasses?: number;
  /** raw quasi-random points of the acquisition optimiser (default 1000, BoTorch raw_samples) */
  rawSamples?: number;
  /** local optimisations from restarts drawn among the raw points (default 20, BoTorch num_restarts) */
  numRestarts?: number;
  /**
   * rounds of the discrete search on rounded configurations after the gradient stage (default
   * 20; 'paper' 0: the reference has none). It sees the piecewise-constant size objective,
   * which the gradient cannot (docs/methods.md#odd-28).
   */
  discreteSteps?: number;
  /**
   * the initial design: 'sobol' = one scrambled Sobol sequence (default), 'iid' = independent
   * uniform draws ('paper' default: Ax seeds a new Sobol generator at random for every draw)
   */
  initialDesign?: 'sobol' | 'iid';
  /** overrides of the surrogate's fit options */
  gp?: GpFitOptions;
}

/** The example scripts' settings (docs/methods.md#presets): N_init 50 for Flowers, 10 for Fashion, and each problem's network. */
export const MSEHVI_PRESETS: Presets<MsehviOptions> = Object.freeze({
  flowers: Object.freeze({ nInit: 50, input: [3, 16, 16] as [number, number, number], numClasses: 17 }),
  fashion: Object.freeze({ nInit: 10, input: [1, 28, 28] as [number, number, number], numClasses: 10 }),
});

const streamSeed = (...parts: number[]): number => commonStreamSeed(0x6a09e667, ...parts);

const STREAM_INIT = 1, STREAM_PROPOSE = 2, STREAM_IID = 3;

/**
 * The front's points strictly inside the reference box, non-dominated, sorted by f1 ascending
 * (row-major k x 2): what a proposal scores EHVI against (staircase2 of the EHVI module).
 */
export const staircase: (front: Float64Array, reference: readonly [number, number]) => Float64Array = staircase2;

interface Resolved {
  variant: MsehviVariant;
  nInit: number;
  maxEvaluations: number;
  known?: KnownObjectiveFn;
  rawSamples: number;
  numRestarts: number;
  discreteSteps: number;
  initialDesign: 'sobol' | 'iid';
  gp: GpFitOptions;
}

/** How MS-EHVI reads its options (known keys, presets). */
export const MSEHVI_OPTIONS: OptionRules<MsehviOptions> = {
  fn: 'createMsehvi',
  known: ['nInit', 'maxEvaluations', 'knownObjective', 'input', 'numClasses', 'rawSamples', 'numRestarts', 'discreteSteps', 'initialDesign', 'gp'],
  presets: MSEHVI_PRESETS,
};

function resolve(ctx: OptimizerContext, options: unknown): Resolved {
  const fn = MSEHVI_OPTIONS.fn;
  const { values: o, variant, check } = mergeOptions(MSEHVI_OPTIONS, ctx, options);
  if (ctx.nObj !== 2) check.fail(`MS-EHVI handles 2 objectives, the study has ${ctx.nObj}`);
  const int = (name: string, v: unknown, min: number): number => check.int(name, v, min);
  // the network counted by the known objective: the problem's own unless given (docs/methods.md#msehvi-known)
  const problem = ctx.problem === 'flowers' || ctx.problem === 'fashion' ? NAS_PROBLEMS[ctx.problem] : NAS_PROBLEMS.flowers;
  const input = o.input ?? [...problem.shape];
  if (!Array.isArray(input) || input.length !== 3 || !input.every((v) => Number.isInteger(v) && v >= 1)) {
    check.fail(`options.input must be [C, H, W] positive integers, got ${JSON.stringify(input)}`);
  }
  const numClasses = int('numClasses', o.numClasses ?? problem.classes, 1);
  const nas = isNasSpace(ctx.space);
  const ko = o.knownObjective ?? (nas ? 'numParams' : 'none');
  let known: KnownObjectiveFn | undefined;
  if (typeof ko === 'function') known = ko;
  else if (ko === 'numParams') {
    if (!nas) check.fail(`options.knownObjective 'numParams' needs the NAS search space (n_conv_l, n_conv_0, ..., global_avg_pooling)`);
    known = log10ParamCount(variant, [input[0], input[1], input[2]], numClasses);
  } else if (ko !== 'none') check.fail(`options.knownObjective must be 'numParams', 'none' or a function, got ${JSON.stringify(ko)}`);
  const gp = o.gp ?? {};
  if (gp === null || typeof gp !== 'object') throw new TypeError(`${fn}: options.gp must be an object of GP fit options`);
  return {
    variant,
    nInit: int('nInit', o.nInit ?? 10, 1),
    maxEvaluations: o.maxEvaluations === undefined ? Infinity : int('maxEvaluations', o.maxEvaluations, 0),
    known,
    rawSamples: int('rawSamples', o.rawSamples ?? 1000, 1),
    numRestarts: int('numRestarts', o.numRestarts ?? 20, 0),
    discreteSteps: int('discreteSteps', o.discreteSteps ?? (variant === 'paper' ? 0 : 20), 0),
    initialDesign: check.oneOf('initialDesign', o.initialDesign ?? (variant === 'paper' ? 'iid' : 'sobol'), ['sobol', 'iid'] as const),
    gp,
  };
}

interface Observation {
  number: number;
  u: Float64Array;
  values: number[];
}

/** The method, with its encoding and known objective exposed for inspection. */
export interface MsehviOptimizer extends Optimizer {
  readonly encoder: CubeEncoder;
  /** the known second objective, if any (minimisation units) */
  readonly knownObjective?: KnownObjectiveFn;
}

export const createMsehvi = (ctx: OptimizerContext, options: MsehviOptions = {}): MsehviOptimizer => {
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

  /** The design's label in the suggestion's info. */
  const designSource = o.initialDesign === 'iid' ? 'random' : 'sobol';
  /** A design point for trial `number`: the next point of the Sobol sequence, or a uniform draw seeded by the number. */
  const fromDesign = (number: number): Config => {
    if (D === 0) return enc.decode([]);
    if (o.initialDesign === 'sobol') return enc.decode(design.next());
    const rng = new Rng(streamSeed(ctx.seed, STREAM_IID, number));
    return enc.decode(Float64Array.from({ length: D }, () => rng.random()));
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
      return { params: fromDesign(number), info: { source: designSource, reason: err instanceof Error ? err.message : String(err) } };
    }
    try {
      const acq = optimizeAcquisition(
        { encoder: enc, models: [models[0], models[1]], known: o.known, front: staircase2(front, ref), reference: ref },
        { rawSamples: o.rawSamples, numRestarts: o.numRestarts, discreteSteps: o.discreteSteps },
        rng,
      );
      // The best candidate not proposed before.
      const pick = acq.candidates.find((c) => !seen.has(c.key));
      if (!pick) return { params: fromDesign(number), info: { source: designSource, reason: 'every candidate was proposed before' } };
      const finite = (v: number) => (Number.isFinite(v) ? v : 0);
      return { params: pick.config, info: { source: 'ehvi', ehvi: finite(pick.value), ehviRelaxed: finite(acq.relaxedBest), origin: pick.origin } };
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
        params = fromDesign(number);
        info = { source: designSource };
      } else if (running.size > 0) {
        return { kind: 'wait' };
      } else if (observations.length < 2 || D === 0) {
        params = fromDesign(number);
        info = { source: designSource };
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
