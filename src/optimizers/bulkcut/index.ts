// Bulk & Cut (docs/methods.md#bulkcut): a wall-clock budget split into three phases. Phase 1
// trains naive individuals (one cell per section, widths from a prior draw); phase 2 grows
// parents chosen from the first two fronts by network morphism (a new identity cell, trained 25
// epochs); phase 3 cuts parents by pruning and distils them into the child (8 epochs, the
// parent as teacher). The learning rate of every training comes from a constrained Bayesian
// optimiser told the child's depth and size. Every training is a trial: ask() decides the
// child's structure and learning rate, the evaluation (job.ts) does the weight-level work from
// the parent's saved model and saves the child's.
//
// The phases follow the study's clock: ask() is given the study's elapsed seconds (journalled,
// so a resumed study replays the same phase decisions), and a phase ends at the first ask after
// its share of the budget is spent; a phase may overrun by the trainings already running
// (docs/methods.md#odd-37).
import { Rng } from '../../random/rng.ts';
import type { Config } from '../../space/types.ts';
import { NAS_PROBLEMS, toNetworkConfig } from '../../space/nas.ts';
import { mergeOptions, type CommonOptions, type OptionRules, type Presets, type Variant } from '../options.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerFactory } from '../types.ts';
import { optimizerOneTwo, optimizerThree, type ConstrainedBo } from './bo.ts';
import {
  bncDepth, bncParameterCount, bulkUpModel, naiveModel, planBulkUp, planPrune, prunedModel, type BncModel, type BulkUpPlan, type PrunePlan,
} from './model.ts';

export type BulkCutPhase = 'init' | 'bulk-up' | 'slim-down';

export const BULKCUT_PHASES: readonly BulkCutPhase[] = ['init', 'bulk-up', 'slim-down'];

/** What an evaluation does for a Bulk & Cut trial (the trial's info.job; see job.ts). */
export interface BulkCutJob {
  kind: 'bulkcut';
  phase: BulkCutPhase;
  /** the child's structure */
  model: BncModel;
  /** log10 of the learning rate */
  lrExp: number;
  epochs: number;
  /** the parent's trial number and structure (bulk-up, slim-down) */
  parent?: number;
  parentModel?: BncModel;
  bulkUp?: BulkUpPlan;
  prune?: PrunePlan;
  /** slim-down: distil from the parent (MSE to its logits) */
  teacher: boolean;
  variant: Variant;
  /** the child's model file, relative to the run's models folder */
  save: string;
}

export interface BulkCutOptions extends CommonOptions {
  /** the whole budget in seconds (the paper: 24 h); a search defaults it to --max-seconds */
  timeBudget?: number;
  /** shares of the budget for the three phases (default [0.35, 0.40, 0.25]) */
  split?: number[];
  /** epochs of a naive or bulked-up training (default 25) */
  epochs?: number;
  /** epochs of a slim-down (distillation) training (default round(25 / 3) = 8) */
  slimEpochs?: number;
  /** probability of choosing parents from the first front rather than the second (default 0.85) */
  frontProbability?: number;
  /** input shape and classes of the networks (default: the problem's, flowers or fashion) */
  input?: number[];
  classes?: number;
}

/** The example scripts (docs/methods.md#presets): 24 hours split 0.35 / 0.40 / 0.25. */
export const BULKCUT_PRESETS: Presets<BulkCutOptions> = Object.freeze({
  flowers: Object.freeze({ timeBudget: 24 * 3600, split: [0.35, 0.4, 0.25], epochs: 25, slimEpochs: 8 }),
  fashion: Object.freeze({ timeBudget: 24 * 3600, split: [0.35, 0.4, 0.25], epochs: 25, slimEpochs: 8 }),
});

export const BULKCUT_OPTIONS: OptionRules<BulkCutOptions> = {
  fn: 'createBulkCut',
  known: ['timeBudget', 'split', 'epochs', 'slimEpochs', 'frontProbability', 'input', 'classes'],
  presets: BULKCUT_PRESETS,
};

/** A trained model of the population. */
interface Individual {
  number: number;
  model: BncModel;
  params: Config;
  /** validation top-1 accuracy, % */
  acc: number;
  nParams: number;
  /** slim-downs this individual has been the parent of */
  cuts: number;
}

/** The first two fronts on (parameters, −accuracy); an individual tied with another is in neither's front (the reference's test). */
export function firstTwoFronts<T extends { nParams: number; acc: number }>(pop: readonly T[]): [T[], T[]] {
  const front = (set: readonly T[]) => set.filter((j) => !set.some((i) => i !== j && i.nParams <= j.nParams && -i.acc <= -j.acc));
  const f0 = front(pop);
  const rest = pop.filter((p) => !f0.includes(p));
  return [f0, front(rest)];
}

/**
 * Bulk & Cut. Needs a time budget (option timeBudget; a search passes --max-seconds) and the
 * study's clock (ask's `elapsed`); runs on the CNN problems only (the evaluation trains jobs).
 */
export const createBulkCut: OptimizerFactory<BulkCutOptions> = (ctx, options = {}) => {
  const { values: o, variant, check } = mergeOptions(BULKCUT_OPTIONS, ctx, options);
  const fn = BULKCUT_OPTIONS.fn;
  if (o.timeBudget === undefined) check.fail('options.timeBudget (seconds) is required: Bulk & Cut splits a wall-clock budget into its phases (a search passes --max-seconds)');
  const timeBudget = check.number('timeBudget', o.timeBudget, { above: 0 });
  const split = o.split ?? [0.35, 0.4, 0.25];
  if (!Array.isArray(split) || split.length !== 3 || !split.every((v) => typeof v === 'number' && v >= 0) || Math.abs(split.reduce((a, b) => a + b, 0) - 1) > 1e-9) {
    check.fail(`options.split must be three non-negative shares summing to 1, got ${JSON.stringify(split)}`);
  }
  const epochs = check.int('epochs', o.epochs ?? 25, 1);
  const slimEpochs = check.int('slimEpochs', o.slimEpochs ?? Math.round(25 / 3), 1);
  const frontP = check.probability('frontProbability', o.frontProbability ?? 0.85);
  const known = ctx.problem === 'flowers' || ctx.problem === 'fashion' ? NAS_PROBLEMS[ctx.problem] : undefined;
  const input = (o.input ?? known?.shape) as [number, number, number] | undefined;
  const classes = o.classes ?? known?.classes;
  if (!input || input.length !== 3 || !input.every((v) => Number.isInteger(v) && v >= 1)) check.fail(`options.input must be [C, H, W] (needed off the flowers and fashion problems), got ${JSON.stringify(o.input)}`);
  if (classes === undefined) check.fail('options.classes is required off the flowers and fashion problems');
  check.int('classes', classes, 2);
  for (const name of ['n_conv_l', 'n_fc_l', 'kernel_size', 'batch_norm', 'n_conv_0', 'n_fc_0', 'lr_init']) {
    if (!ctx.space.has(name)) check.fail(`the search space has no '${name}': Bulk & Cut runs on the NAS space (the flowers and fashion problems)`);
  }
  const objNames = ctx.objectives ?? ['val_acc_1', 'num_params'];
  const accAt = objNames.indexOf('val_acc_1'), sizeAt = objNames.indexOf('num_params');
  if (accAt < 0 || sizeAt < 0) check.fail(`the problem's objectives must include val_acc_1 and num_params, got ${JSON.stringify(objNames)}`);

  const rng = new Rng(ctx.seed);
  const warnings: string[] = [];
  const boOptions = (seed: number) => ({ seed, variant, onWarning: (m: string) => warnings.push(m) });
  const bo12: ConstrainedBo = optimizerOneTwo(boOptions(ctx.seed ^ 0x12));
  const bo3: ConstrainedBo = optimizerThree(boOptions(ctx.seed ^ 0x3));
  const population: Individual[] = [];
  const asked = new Map<number, { job: BulkCutJob; bo: ConstrainedBo; x: Record<string, number> }>();
  let phase = 0, phaseStart = 0, running = 0;
  const chance = 100 / classes!;

  /** The space's configuration for a model: widths and depths as built (clamped into the space's bounds), lr_init the rate used. */
  const paramsOf = (m: BncModel, base: Config, lrExp: number, reversedSections: boolean): Config => {
    const p: Config = { ...base };
    const clamp = (name: string, v: number) => {
      const h = ctx.space.get(name);
      return h.type === 'int' || h.type === 'float' ? Math.min(h.upper, Math.max(h.lower, v)) : v;
    };
    const conv = (reversedSections ? [...m.conv].reverse() : m.conv).flat(), lin = m.linear.flat();
    p.n_conv_l = clamp('n_conv_l', conv.length);
    p.n_fc_l = clamp('n_fc_l', lin.length);
    conv.slice(0, 3).forEach((w, i) => (p[`n_conv_${i}`] = clamp(`n_conv_${i}`, w)));
    lin.slice(0, 3).forEach((w, i) => (p[`n_fc_${i}`] = clamp(`n_fc_${i}`, w)));
    if (ctx.space.has('global_avg_pooling')) p.global_avg_pooling = typeof base.global_avg_pooling === 'number' ? 1 : true;
    p.lr_init = clamp('lr_init', 10 ** lrExp);
    return p;
  };

  /** Parents for a phase: the first front (probability frontProbability) or the second, as the reference draws them. */
  const front = (): Individual[] => {
    const [f0, f1] = firstTwoFronts(population);
    return rng.random() < frontP || f1.length === 0 ? f0 : f1;
  };

  const pickBulkUpParent = (): Individual | undefined => {
    const growable = (p: Individual) => p.nParams <= 1e8 && !(p.model.conv.flat().length >= 3 && p.model.linear.flat().length >= 3);
    let cand = front().filter(growable);
    // the reference crashes on an empty set (docs/methods.md#odd-44): both variants fall back to any growable individual
    if (cand.length === 0) cand = population.filter(growable);
    if (cand.length === 0) return undefined;
    // squared distance from chance; the default counts worse-than-chance models as chance
    const w = cand.map((p) => (variant === 'paper' ? (p.acc - chance) ** 2 : Math.max(p.acc - chance, 0) ** 2));
    const total = w.reduce((a, b) => a + b, 0);
    if (!(total > 0)) return cand[rng.int(cand.length)];
    let u = rng.random() * total;
    for (let i = 0; i < cand.length; i++) if ((u -= w[i]) < 0) return cand[i];
    return cand[cand.length - 1];
  };

  const pickSlimDownParent = (): Individual | undefined => {
    let cand = front().filter((p) => p.nParams >= 100);
    if (cand.length === 0) cand = population.filter((p) => p.nParams >= 100);
    const fresh = cand.filter((p) => p.cuts === 0);
    if (fresh.length > 0) cand = fresh;
    return cand.length > 0 ? cand[rng.int(cand.length)] : undefined;
  };

  const learningRate = (bo: ConstrainedBo, m: BncModel): Record<string, number> => bo.next({ depth: bncDepth(m), log_npars: Math.log10(bncParameterCount(m)) });

  const suggest = (number: number, job: Omit<BulkCutJob, 'kind' | 'lrExp' | 'variant' | 'save'>, bo: ConstrainedBo, base: Config, reversed: boolean): AskResult => {
    warnings.length = 0;
    const x = learningRate(bo, job.model);
    const full: BulkCutJob = { kind: 'bulkcut', ...job, lrExp: x.lr_exp, variant, save: `trial-${number}.safetensors` };
    asked.set(number, { job: full, bo, x });
    running++;
    return {
      kind: 'suggest',
      suggestion: {
        params: paramsOf(job.model, base, x.lr_exp, reversed),
        budget: job.epochs,
        info: {
          phase: job.phase,
          ...(job.parent !== undefined ? { parent: job.parent } : {}),
          model: `models/${full.save}`,
          n_parameters: bncParameterCount(job.model),
          ...(warnings.length ? { warnings: [...warnings] } : {}),
          job: full,
        },
      },
    };
  };

  const opt: Optimizer = {
    method: 'bulkcut',
    ask(number: number, elapsed?: number): AskResult {
      if (elapsed === undefined || !Number.isFinite(elapsed)) throw new RangeError(`${fn}: ask() needs the study's elapsed seconds (Bulk & Cut's phases follow the clock), got ${elapsed}`);
      // A phase ends once its share is spent (measured from when the previous one ended);
      // 'paper' measures as the reference does, dropping whole days (docs/methods.md#odd-37).
      let p = phase, start = phaseStart;
      const spent = (t: number) => (variant === 'paper' ? (t - start) % 86400 : t - start);
      while (p < 3 && spent(elapsed) >= split[p] * timeBudget) {
        p++;
        start = elapsed;
      }
      if (p >= 3) return { kind: 'done' };
      // bulk-up and slim-down need a trained population: wait for running trainings, else keep
      // training naive individuals (the reference would crash)
      if (p > 0 && population.length === 0 && running > 0) return { kind: 'wait' };
      // the state changes only when a trial is suggested (ask() answering 'wait' or 'done' must not change it)
      phase = p;
      phaseStart = start;
      if (p === 1) {
        const parent = pickBulkUpParent();
        if (parent) {
          const plan = planBulkUp(parent.model, rng);
          const model = bulkUpModel(parent.model, plan);
          return suggest(number, { phase: 'bulk-up', model, epochs, parent: parent.number, parentModel: parent.model, bulkUp: plan, teacher: false }, bo12, parent.params, false);
        }
      } else if (p === 2) {
        const parent = pickSlimDownParent();
        if (parent) {
          parent.cuts++;
          const plan = planPrune(parent.model, rng);
          const model = prunedModel(parent.model, plan);
          return suggest(number, { phase: 'slim-down', model, epochs: slimEpochs, parent: parent.number, parentModel: parent.model, prune: plan, teacher: true }, bo3, parent.params, variant === 'paper');
        }
      }
      // phase 1, or no parent to take: a naive individual from a prior draw
      const base = ctx.space.sample(rng);
      const model = naiveModel(toNetworkConfig(base), input!, classes!);
      return suggest(number, { phase: p === 0 ? 'init' : BULKCUT_PHASES[p], model, epochs, teacher: false }, bo12, base, false);
    },
    tell(t: FinishedTrial): void {
      const a = asked.get(t.number);
      if (!a) return;
      asked.delete(t.number);
      running--;
      if (t.state !== 'complete' || !t.values) return;
      const m = t.metrics ?? {};
      // the optimisers' targets: the final validation loss; a distillation's final training loss in 'paper' (docs/methods.md#odd-45)
      const target = a.job.teacher && variant === 'paper' ? Number(m.train_loss) : Number(m.val_loss);
      if (Number.isFinite(target)) a.bo.register(a.x, target);
      const ind: Individual = { number: t.number, model: a.job.model, params: t.params, acc: -t.values[accAt], nParams: bncParameterCount(a.job.model), cuts: 0 };
      population.push(ind);
    },
  };
  return opt;
};
