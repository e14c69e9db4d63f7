// MO-BOHB (Guerrero-Viu et al. 2021, docs/methods.md#mobohb): Hyperband brackets of successive halving
// whose stages promote by non-dominated sorting, and whose new configurations come from a
// random fraction of prior draws and otherwise from MO-TPE fitted to the largest budget with
// enough results. Driven through ask/tell.
//
// Ask/tell: the paper runs one worker, sampling every configuration right before it is
// evaluated. Here ask() hands out the current stage's trials (fresh configurations in stage 0,
// promoted ones later) as long as the stage has any left, then answers 'wait' until the
// stage's results are in, so several trials of one stage can run at once while the sampler
// still sees every result told before each draw. The next stage (or bracket) starts when
// the last result of a stage is told; after the last bracket ask() answers 'done'.
// 'wait' and 'done' touch neither state nor randomness, so the method is a function of the
// seed and the ask/tell sequence (resume by replay).
//
// The reference code's oddities (docs/methods.md#oddities), 'paper' variant / 'fixed' variant (default):
//  15 maxBrackets counts brackets (the init bracket included), not evaluations; the 24 h sleep
//     is the study's maxSeconds. Both variants.
//  16 trains int(budget), files ceil(budget) capped at 50 / trains and files one budget (schedule.ts)
//  17 init bracket at the maximum budget (the paper's hard-coded 25 = its maximum) in both; the
//     init flag clears at the first non-maximum budget / random draws exactly in the init bracket
//  18 promotes the whole overflowing front / exactly k by greedy HV contribution; both promote
//     everything when at most k finished instead of looping forever (promotion.ts)
//  19 discrete Parzen pdf constant eps / mass of [x - q/2, x + q/2] (surrogates/parzen.ts)
//  20 bandwidth padding and pairing as coded / padded with lb, ub and correctly paired (parzen.ts)
//  21 HV reference max(1.1 w, 0.9 w, eps) / 10 % of the range beyond the worst (split.ts)
//  22 never reproduced: splits are cached per exact observation subset (motpe.ts)
//  23 both: a hyperparameter without active observations gets the prior component alone
//  24 model needs > minPointsInModel results / >= minPointsInModel
//  25 both: failed or pruned trials are left out of promotion and model (no crash)
//  26, 27 dead code and unused knobs (top_n_percent, bandwidth_factor, ...) are not carried over.
// Where nothing is broken, both variants do the same; ctx.referencePoint is not used (MO-BOHB's
// hypervolumes use their own data-driven reference points).
import { streamSeed as commonStreamSeed } from '../common.ts';
import { mergeOptions, type CommonOptions, type OptionRules, type Presets } from '../options.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerContext, OptimizerFactory } from '../types.ts';
import { Rng } from '../../random/rng.ts';
import type { Config } from '../../space/types.ts';
import { MotpeSampler, type Observation } from './motpe.ts';
import { promote } from './promotion.ts';
import { bracketPlan, historyBudget, numRungs, trainingBudget, type BracketPlan } from './schedule.ts';
import type { MobohbVariant } from './types.ts';

export type { MobohbVariant } from './types.ts';

export interface MobohbOptions extends CommonOptions {
  /** configurations of the initial bracket (N_init), run at the maximum budget; default 10 */
  nInit?: number;
  /** candidates per hyperparameter drawn from the good estimator; default 24 */
  numCandidates?: number;
  /** fraction of observations taken as good; default 0.10 */
  gamma?: number;
  /** smallest budget of the brackets; default the problem's */
  minBudget?: number;
  /** largest budget of the brackets; default the problem's */
  maxBudget?: number;
  /** halving rate; default 2 */
  eta?: number;
  /** number of brackets, the initial one included (the paper's "max_function_evals"); default 2000 */
  maxBrackets?: number;
  /** fraction of configurations drawn from the prior; default 1/6 */
  randomFraction?: number;
  /** results a budget needs before MO-TPE models it; default 2 · (number of hyperparameters) + 1 */
  minPointsInModel?: number;
  /** start with the initial bracket of nInit random configurations at the maximum budget; default true */
  init?: boolean;
  /**
   * 'fixed' only: run integer budgets (ceil of the rung budget), as epochs need. Default: when
   * both minBudget and maxBudget are integers. The 'paper' variant always truncates (docs/methods.md#mobohb-budgets).
   */
  integerBudgets?: boolean;
}

/** The example scripts' settings (docs/methods.md#presets): Flowers, and the (commented-out) Fashion block. */
export const MOBOHB_PRESETS: Presets<MobohbOptions> = Object.freeze({
  flowers: Object.freeze({
    nInit: 50, numCandidates: 24, gamma: 0.1, minBudget: 5, maxBudget: 25, eta: 2, maxBrackets: 2000, randomFraction: 1 / 6, minPointsInModel: 27,
  }),
  fashion: Object.freeze({
    nInit: 10, numCandidates: 24, gamma: 0.1, minBudget: 5, maxBudget: 25, eta: 2, maxBrackets: 150, randomFraction: 1 / 6, minPointsInModel: 27,
  }),
});

/** Where a trial came from: a prior draw, MO-TPE, or a promotion from the previous stage. */
export type MobohbSource = 'random' | 'model' | 'promoted';

interface Resolved {
  variant: MobohbVariant;
  nInit: number;
  numCandidates: number;
  gamma: number;
  minBudget: number;
  maxBudget: number;
  eta: number;
  maxBrackets: number;
  randomFraction: number;
  minPointsInModel: number;
  init: boolean;
  integerBudgets: boolean;
  /** the problem has no fidelity: suggestions carry no budget */
  budgetless: boolean;
}

interface StageState {
  index: number;
  /** scheduled (rung) budget */
  budget: number;
  /** budget the trials run with (problem units) */
  train: number;
  /** budget the results are filed under in the model's history */
  key: number;
  /** trials this stage runs in all: max(ns, promoted) */
  target: number;
  /** promoted entries not yet handed out, ascending */
  queue: number[];
  asked: number;
  running: Set<number>;
  /** completed results of this stage */
  results: { entry: number; y: Float64Array }[];
}

interface BracketState {
  plan: BracketPlan;
  entries: Config[];
  stage: StageState;
}

interface Slot {
  bracket: number;
  stage: number;
  entry: number;
  told: boolean;
}

const streamSeed = (...parts: number[]): number => commonStreamSeed(0x243f6a88, ...parts);

const STREAM_COIN = 1, STREAM_PRIOR = 2, STREAM_TPE = 3;

/** How MO-BOHB reads its options (known keys, presets). */
export const MOBOHB_OPTIONS: OptionRules<MobohbOptions> = {
  fn: 'createMobohb',
  known: ['nInit', 'numCandidates', 'gamma', 'minBudget', 'maxBudget', 'eta', 'maxBrackets', 'randomFraction', 'minPointsInModel', 'init', 'integerBudgets'],
  presets: MOBOHB_PRESETS,
};

function resolve(ctx: OptimizerContext, options: unknown): Resolved {
  const { values: o, variant, check } = mergeOptions(MOBOHB_OPTIONS, ctx, options);
  const dim = ctx.space.dim;
  if (!(Number.isInteger(ctx.nObj) && ctx.nObj >= 1)) check.fail(`ctx.nObj must be a positive integer, got ${ctx.nObj}`);
  const budgetless = ctx.minBudget === undefined && ctx.maxBudget === undefined && o.minBudget === undefined && o.maxBudget === undefined;
  let maxBudget = o.maxBudget ?? ctx.maxBudget ?? o.minBudget ?? ctx.minBudget ?? 1;
  let minBudget = o.minBudget ?? ctx.minBudget ?? maxBudget;
  if (budgetless) minBudget = maxBudget = 1;
  check.number('minBudget', minBudget, { above: 0 });
  check.number('maxBudget', maxBudget, { above: 0 });
  if (minBudget > maxBudget) check.fail(`needs minBudget <= maxBudget, got ${minBudget} > ${maxBudget}`);
  if (ctx.minBudget !== undefined && minBudget < ctx.minBudget) check.fail(`options.minBudget ${minBudget} is below the problem's ${ctx.minBudget}`);
  if (ctx.maxBudget !== undefined && maxBudget > ctx.maxBudget) check.fail(`options.maxBudget ${maxBudget} is above the problem's ${ctx.maxBudget}`);
  const eta = check.number('eta', o.eta ?? 2, { above: 1 });
  // an integer, not Infinity: options are journalled as JSON, where Infinity would not survive
  const maxBrackets = check.int('maxBrackets', o.maxBrackets ?? 2000, 1);
  let minPointsInModel = check.int('minPointsInModel', o.minPointsInModel ?? 2 * dim + 1, 1);
  // hpbandster raises a too small value to dim + 1 (with a warning)
  if (variant === 'paper' && minPointsInModel < dim + 1) minPointsInModel = dim + 1;
  return {
    variant,
    nInit: check.int('nInit', o.nInit ?? 10, 1),
    numCandidates: check.int('numCandidates', o.numCandidates ?? 24, 1),
    gamma: check.probability('gamma', o.gamma ?? 0.1),
    minBudget,
    maxBudget,
    eta,
    maxBrackets,
    randomFraction: check.probability('randomFraction', o.randomFraction ?? 1 / 6),
    minPointsInModel,
    init: check.bool('init', o.init ?? true),
    integerBudgets: check.bool('integerBudgets', o.integerBudgets ?? (Number.isInteger(minBudget) && Number.isInteger(maxBudget))),
    budgetless,
  };
}

class Mobohb implements Optimizer {
  readonly method = 'mobohb';
  private readonly o: Resolved;
  private readonly rungs: number;
  private readonly sampler: MotpeSampler;
  /** the 1/6 coin (NumPy's global RNG in the paper) */
  private readonly coinRng: Rng;
  /** prior draws (ConfigSpace's own RNG) */
  private readonly priorRng: Rng;
  /** MO-TPE draws: 'paper' one stream shared by all hyperparameters (RandomState(seed)) */
  private readonly tpeRng: Rng;
  private bracket: BracketState | undefined;
  private readonly slots = new Map<number, Slot>();
  /** completed results in the order told, with the budget they are filed under */
  private readonly history: (Observation & { key: number })[] = [];
  private readonly counts = new Map<number, number>();
  /** 'paper': the config generator's init flag, cleared by the first non-maximum budget (docs/methods.md#odd-17) */
  private initFlag = true;

  constructor(private readonly ctx: OptimizerContext, options: unknown) {
    this.o = resolve(ctx, options);
    const { variant, minBudget, maxBudget, eta } = this.o;
    this.rungs = numRungs(minBudget, maxBudget, eta, variant);
    this.sampler = new MotpeSampler(ctx.space, ctx.nObj, { numCandidates: this.o.numCandidates, gamma: this.o.gamma, variant });
    this.coinRng = new Rng(streamSeed(ctx.seed, STREAM_COIN));
    this.priorRng = new Rng(streamSeed(ctx.seed, STREAM_PRIOR));
    this.tpeRng = new Rng(streamSeed(ctx.seed, STREAM_TPE));
    this.bracket = this.startBracket(0);
  }

  ask(number: number): AskResult {
    if (this.slots.has(number)) throw new RangeError(`mobohb.ask: trial ${number} was already proposed`);
    const b = this.bracket;
    if (!b) return { kind: 'done' };
    const st = b.stage;
    let entry: number;
    let source: MobohbSource;
    if (st.queue.length > 0) {
      entry = st.queue.shift()!;
      source = 'promoted';
    } else if (st.asked < st.target) {
      const drawn = this.draw(b, number);
      entry = b.entries.push(drawn.params) - 1;
      source = drawn.source;
    } else {
      return { kind: 'wait' };
    }
    st.asked++;
    st.running.add(number);
    this.slots.set(number, { bracket: b.plan.index, stage: st.index, entry, told: false });
    return {
      kind: 'suggest',
      suggestion: {
        params: { ...b.entries[entry] },
        budget: this.o.budgetless ? undefined : st.train,
        info: { bracket: b.plan.index, stage: st.index, index: entry, source },
      },
    };
  }

  tell(trial: FinishedTrial): void {
    const slot = this.slots.get(trial.number);
    if (!slot) throw new RangeError(`mobohb.tell: trial ${trial.number} was not proposed by this method`);
    if (slot.told) throw new RangeError(`mobohb.tell: trial ${trial.number} was already told`);
    slot.told = true;
    const b = this.bracket!;
    // a stage only ends once all its trials are told, so every told trial is of the current stage
    const st = b.stage;
    st.running.delete(trial.number);
    const v = trial.values;
    // failed or pruned trials (and malformed values) take part in neither promotion nor model;
    // the reference code crashes on them (docs/methods.md#odd-25)
    if (trial.state === 'complete' && Array.isArray(v) && v.length === this.ctx.nObj && v.every(Number.isFinite)) {
      const y = Float64Array.from(v);
      st.results.push({ entry: slot.entry, y });
      this.history.push({ config: b.entries[slot.entry], y, key: st.key });
      this.counts.set(st.key, (this.counts.get(st.key) ?? 0) + 1);
    }
    if (st.queue.length === 0 && st.asked >= st.target && st.running.size === 0) this.advance(b);
  }

  private startBracket(t: number): BracketState | undefined {
    if (t >= this.o.maxBrackets) return undefined;
    const plan = bracketPlan(t, this.rungs, this.o.maxBudget, this.o.eta, this.o.init, this.o.nInit);
    return { plan, entries: [], stage: this.stage(plan, 0, []) };
  }

  private stage(plan: BracketPlan, index: number, promoted: number[]): StageState {
    const { variant, integerBudgets, minBudget, maxBudget } = this.o;
    const budget = plan.budgets[index];
    const train = trainingBudget(budget, variant, integerBudgets, minBudget, maxBudget);
    return {
      index,
      budget,
      train,
      key: historyBudget(budget, variant, train),
      target: Math.max(plan.ns[index], promoted.length),
      queue: promoted,
      asked: 0,
      running: new Set(),
      results: [],
    };
  }

  /** The stage is complete: promote into the next stage, or start the next bracket. */
  private advance(b: BracketState): void {
    const next = b.stage.index + 1;
    if (next >= b.plan.ns.length) {
      this.bracket = this.startBracket(b.plan.index + 1);
      return;
    }
    // losses in configuration order, as hpbandster collects them
    const results = b.stage.results.slice().sort((x, y) => x.entry - y.entry);
    const d = this.ctx.nObj;
    const losses = new Float64Array(results.length * d);
    results.forEach((r, i) => losses.set(r.y, i * d));
    const promoted = promote(losses, d, b.plan.ns[next], this.o.variant).map((r) => results[r].entry);
    // Fewer promotions than slots (only after failures): hpbandster fills the stage with new
    // configurations sampled at its budget; so does this.
    b.stage = this.stage(b.plan, next, promoted);
  }

  /** A new configuration for the current stage (hpbandster's get_config(budget)). */
  private draw(b: BracketState, number: number): { params: Config; source: MobohbSource } {
    const { variant, randomFraction, minPointsInModel, init } = this.o;
    const space = this.ctx.space;
    const budget = b.stage.budget;
    if (variant === 'paper' && Math.ceil(budget) !== Math.ceil(this.o.maxBudget)) this.initFlag = false;
    // the coin is drawn first, every time, as `np.random.rand() < random_fraction or ...` does
    const coin = this.coinRng.random() < randomFraction;
    const random = () => ({ params: space.sample(this.priorRng), source: 'random' as const });
    if (init) {
      // 'paper': random until a budget other than the maximum is first asked for (docs/methods.md#odd-17); with
      // min = max budget that never happens. 'fixed': random in the initial bracket.
      const inInit = variant === 'paper' ? this.initFlag : b.plan.init;
      if (coin || inInit) return random();
    } else if (coin || (variant === 'paper' && !this.counts.has(b.stage.key))) {
      // 'paper' without init also goes random while the stage's own budget has no results;
      // 'fixed' uses the model whenever one exists, as BOHB does
      return random();
    }
    // the largest budget with enough results: 'paper' strictly more than minPointsInModel (docs/methods.md#odd-24)
    let key = -Infinity;
    for (const [k, c] of this.counts) {
      const enough = variant === 'paper' ? c > minPointsInModel : c >= minPointsInModel;
      if (enough && k > key) key = k;
    }
    if (key === -Infinity) return random();
    const obs = this.history.filter((h) => h.key === key);
    const seed = this.ctx.seed;
    // 'paper': one stream shared by every hyperparameter's draws; 'fixed': a stream per trial and
    // hyperparameter, so one hyperparameter's rejection draws do not shift another's
    const rngFor = variant === 'paper' ? () => this.tpeRng : (i: number) => new Rng(streamSeed(seed, STREAM_TPE, number, i));
    const params = this.sampler.sample(obs, rngFor);
    // the reference code falls back to a prior draw for an invalid configuration
    return space.isValid(params) ? { params, source: 'model' } : random();
  }
}

/**
 * MO-BOHB as an ask/tell method.
 *
 * @example
 * const opt = createMobohb(ctx, { preset: 'fashion' });
 * const r = opt.ask(0); // { kind: 'suggest', suggestion: { params, budget: 25, info: { bracket: 0, stage: 0, index: 0, source: 'random' } } }
 * @throws RangeError/TypeError naming the option for invalid options
 */
export const createMobohb: OptimizerFactory<MobohbOptions> = (ctx, options = {}) => new Mobohb(ctx, options);
