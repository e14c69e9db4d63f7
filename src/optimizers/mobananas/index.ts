// MO-SH-BANANAS (docs/methods.md#mobananas): local search around the best architectures of an archive,
// guided by an ensemble of small neural networks that predict both objectives from a
// configuration's encoding, with successive halving deciding which predicted-good children
// earn a full-budget evaluation. Each iteration: train the ensemble on the archive, sort the
// archive (fronts by docs/methods.md#pareto-weak `nDS`, crowding by docs/methods.md#pareto-crowding `crowdingDist`), mutate the first numArch
// members once each, choose selectModels children by a Thompson-like draw on their predicted
// ranks (docs/methods.md#mobananas-selection), run successive halving on them, and add the survivors to the archive.
//
// Two variants; the docs/methods.md#oddities items and what 'fixed' (the default) does about them:
//   31 get_MOBANANAS (the plain loop) crashes: both variants offer it as the method
//      'mobananas-plain' (createMobananasPlain: every chosen child evaluated at the top budget
//      and kept; the reference's 20/8/4/100 settings), or `successiveHalving: false` here.
//   32 encoding ('paper': misaligned positions, `== True` mapping of the value 1, v / upper on
//      log hyperparameters): one fixed position per hyperparameter with inactive ones 0, the
//      unit-cube coordinate on the log scale, choices by value or one-hot (encoding.ts).
//   33 mutation ('paper': linear-scale truncated normal with sd = range/3, int() truncation):
//      the same normal step on the unit-cube coordinate (log-aware), decoded with rounding;
//      keys drawn among the mutable ones that can change, a choice always changes (mutation.ts).
//   34 depths frozen ('paper': n_conv_l, n_fc_l not mutable): mutable by default, the child
//      repaired (widths dropped or drawn from the prior); pass notMutable to freeze them.
//   35 successive halving ('paper': eta hard-coded 3, floor(len/3) kept after the last rung
//      too, so 1 of 10 children enters the archive; iterations (total − nInit) // (select // eta)
//      while an iteration makes 13 evaluations): the `eta` option throughout, at least one
//      member promoted per rung, every member evaluated at the top budget enters the archive,
//      and as many iterations as fit functionEvaluations (schedule.ts).
//   36 networks never re-initialised ('paper': the same 5 networks trained 80 more epochs each
//      iteration with a fresh Adam(0.1)): fresh networks every iteration, so the predictor is
//      a function of the current archive only; and targets standardised per objective (mean 0,
//      sd 1 over the archive) instead of the paper's [−f0/10, f1], which suits the accuracy
//      percentage but no other scale.
// Both variants rank with the reference's own docs/methods.md#pareto-weak/#pareto-crowding conventions (selection.ts).
//
// ask/tell: the initial sample and each rung are batches (any number may run at once); ask()
// answers 'wait' while a batch has results outstanding. An iteration's planning (training,
// mutation, selection) happens in the ask() that hands out its first child; 'wait' and 'done'
// draw nothing and change nothing, and every decision is a function of the seed and the
// ask/tell sequence (members are processed in creation order, not in the order results
// arrive), so a run resumes by replay.
//
// Failures (state 'failed'/'pruned' or malformed values; the reference has none, so this is
// our rule): a failed initial member stays out of the archive; a failed member of a rung
// drops out of the halving (survivors are taken among the successful ones); with an empty
// archive (every initial member failed) an iteration's candidates are prior draws.
import { Rng } from '../../random/rng.ts';
import type { SearchSpace } from '../../space/space.ts';
import type { Config } from '../../space/types.ts';
import { MlpEnsemble } from '../../surrogates/mlp.ts';
import { paperFronts, type Point2 } from '../shemoa/paper.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerContext, OptimizerFactory, Suggestion } from '../types.ts';
import { fixedEncoder, paperEncoder, type Encoder } from './encoding.ts';
import { fixedMutation, paperMutation } from './mutation.ts';
import { resolveOptions, type MobananasOptions, type ResolvedMobananasOptions } from './options.ts';
import { mobananasSchedule, rungSizes, type MobananasSchedule } from './schedule.ts';
import { sortedPopulation, thompsonChoose } from './selection.ts';

export { MOBANANAS_OPTIONS, MOBANANAS_PLAIN_OPTIONS, MOBANANAS_PLAIN_PRESETS, MOBANANAS_PRESETS, type MobananasOptions, type MobananasVariant } from './options.ts';
export { halvingBudgets, lastRungSurvivors, mobananasSchedule, rungSizes, type MobananasSchedule } from './schedule.ts';
export { fixedEncoder, paperEncoder, type Encoder } from './encoding.ts';
export { fixedMutation, paperMutation, truncatedNormal } from './mutation.ts';
export { crowdingOrder, sortedPopulation, thompsonChoose } from './selection.ts';

/** An archive member as the method reports it. */
export interface MobananasMember {
  /** unique per run, increasing with creation */
  readonly id: number;
  readonly params: Config;
  readonly budget: number | undefined;
  /** minimised objective values at `budget` */
  readonly values: readonly number[];
  /** the member it was mutated from (undefined for initial and prior-drawn members) */
  readonly parent: number | undefined;
}

export type MobananasPhase = 'init' | 'plan' | 'halving' | 'done';

/** The MO-SH-BANANAS optimizer, with read-only views of its state. */
export interface MobananasOptimizer extends Optimizer {
  readonly variant: 'paper' | 'fixed';
  readonly schedule: MobananasSchedule;
  readonly encoder: Encoder;
  readonly phase: MobananasPhase;
  /** iterations completed */
  readonly iteration: number;
  /** the current rung (index into schedule.budgets) while halving */
  readonly rung: number;
  /** the archive (full-budget members), in the order the method keeps it */
  archive(): MobananasMember[];
  /** the archive's first front (docs/methods.md#pareto-weak) */
  front(): MobananasMember[];
}

interface Member {
  id: number;
  x: Config;
  budget: number | undefined;
  values: number[] | undefined;
  parent: number | undefined;
  evals: number;
}

/** A 32-bit seed for one random stream, from the study seed and a stream label. */
function streamSeed(seed: number, stream: number): number {
  let h = Math.imul((Math.trunc(seed) >>> 0) ^ 0x5bd1e995, 0x9e3779b1) ^ Math.floor(seed / 4294967296);
  h = Math.imul(h ^ stream, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const STREAM_PRIOR = 1, STREAM_MUTATION = 2, STREAM_THOMPSON = 3, STREAM_NETS = 4, STREAM_SHUFFLE = 5;

class Mobananas implements MobananasOptimizer {
  readonly method: 'mobananas' | 'mobananas-plain';
  readonly variant: 'paper' | 'fixed';
  readonly schedule: MobananasSchedule;
  readonly encoder: Encoder;
  private readonly o: ResolvedMobananasOptions;
  private readonly space: SearchSpace;
  private readonly priorRng: Rng;
  private readonly mutationRng: Rng;
  private readonly thompsonRng: Rng;
  private readonly netRng: Rng;
  private readonly shuffleRng: Rng;
  /** 'paper': the ensemble, created once (docs/methods.md#odd-36); 'fixed': the latest iteration's */
  private ensemble: MlpEnsemble | undefined;
  private store: Member[] = [];
  private phaseNow: MobananasPhase = 'init';
  private iterationNow = 0;
  private rungNow = 0;
  /** the running batch: the initial sample or the current rung's members */
  private batch: Member[] = [];
  private batchAsked = 0;
  private batchTold = 0;
  /** planned size of each rung of the current iteration */
  private sizes: number[] = [];
  private readonly pending = new Map<number, Member>();
  private nextId = 0;
  /** 'fixed': the standardisation of the targets (the archive's mean and sd per objective) */
  private targetShift: [number, number] = [0, 0];
  private targetScale: [number, number] = [1, 1];

  constructor(ctx: OptimizerContext, options: unknown, plain: boolean) {
    this.o = resolveOptions(ctx, options, plain);
    this.method = plain ? 'mobananas-plain' : 'mobananas';
    this.variant = this.o.variant;
    this.space = ctx.space;
    this.schedule = mobananasSchedule(this.variant, this.o);
    this.encoder = this.variant === 'paper' ? paperEncoder(ctx.space) : fixedEncoder(ctx.space);
    this.priorRng = new Rng(streamSeed(ctx.seed, STREAM_PRIOR));
    this.mutationRng = new Rng(streamSeed(ctx.seed, STREAM_MUTATION));
    this.thompsonRng = new Rng(streamSeed(ctx.seed, STREAM_THOMPSON));
    this.netRng = new Rng(streamSeed(ctx.seed, STREAM_NETS));
    this.shuffleRng = new Rng(streamSeed(ctx.seed, STREAM_SHUFFLE));
    if (this.variant === 'paper') this.ensemble = this.newEnsemble();
  }

  get phase(): MobananasPhase {
    return this.phaseNow;
  }

  get iteration(): number {
    return this.iterationNow;
  }

  get rung(): number {
    return this.rungNow;
  }

  private get topBudget(): number | undefined {
    return this.o.range?.maxBudget;
  }

  ask(number: number): AskResult {
    if (this.pending.has(number)) throw new RangeError(`mobananas.ask: trial ${number} was already proposed and is still running`);
    switch (this.phaseNow) {
      case 'done':
        return { kind: 'done' };
      case 'init': {
        if (this.batchAsked >= this.o.nInit) return { kind: 'wait' };
        const m = this.newMember(this.space.sample(this.priorRng), this.topBudget, undefined);
        this.batch.push(m);
        this.batchAsked++;
        return this.suggest(number, m, { phase: 'init' });
      }
      case 'plan':
        this.plan();
        return this.askRung(number);
      case 'halving':
        return this.askRung(number);
    }
  }

  tell(trial: FinishedTrial): void {
    const m = this.pending.get(trial?.number);
    if (!m) throw new RangeError(`mobananas.tell: trial ${trial?.number} was not proposed by this method, or was already told`);
    this.pending.delete(trial.number);
    const ok = trial.state === 'complete' && Array.isArray(trial.values) && trial.values.length === 2 && trial.values.every(Number.isFinite);
    m.values = ok ? [trial.values![0], trial.values![1]] : undefined;
    this.batchTold++;
    if (this.phaseNow === 'init') {
      if (this.batchTold === this.o.nInit) {
        this.store = this.batch.filter((b) => b.values !== undefined);
        this.endIteration(false);
      }
      return;
    }
    if (this.batchAsked === this.batch.length && this.batchTold === this.batch.length) this.finishRung();
  }

  archive(): MobananasMember[] {
    return this.store.map(view);
  }

  front(): MobananasMember[] {
    if (this.store.length === 0) return [];
    return paperFronts(this.points(this.store))[0].map((i) => view(this.store[i]));
  }

  // ------------------------------------------------------------------------------------------

  private newMember(x: Config, budget: number | undefined, parent: number | undefined): Member {
    return { id: this.nextId++, x, budget, values: undefined, parent, evals: 0 };
  }

  private newEnsemble(): MlpEnsemble {
    return new MlpEnsemble(this.o.ensembleSize, [this.encoder.dim, ...this.o.hidden, 2], this.netRng, this.o.init);
  }

  private suggest(number: number, m: Member, info: Record<string, unknown>): AskResult {
    this.pending.set(number, m);
    m.evals++;
    const suggestion: Suggestion = {
      params: { ...m.x },
      info: { method: this.method, variant: this.variant, iteration: this.iterationNow, member: m.id, evaluation: m.evals, ...info },
    };
    if (m.parent !== undefined) suggestion.info!.parent = m.parent;
    if (m.budget !== undefined) suggestion.budget = m.budget;
    return { kind: 'suggest', suggestion };
  }

  private askRung(number: number): AskResult {
    if (this.batchAsked >= this.batch.length) return { kind: 'wait' };
    const m = this.batch[this.batchAsked++];
    return this.suggest(number, m, { phase: 'halving', rung: this.rungNow });
  }

  /** One iteration's candidates (docs/methods.md#mobananas-loop): train, sort the archive, mutate the parents, choose. */
  private plan(): void {
    const o = this.o;
    const budget = this.schedule.budgets[0];
    let chosen: Member[];
    if (this.store.length === 0) {
      // every initial member failed: nothing to learn from or mutate (not in the reference)
      chosen = Array.from({ length: o.selectModels }, () => this.newMember(this.space.sample(this.priorRng), budget, undefined));
    } else {
      const ensemble = this.trainEnsemble();
      // sort the archive in place (the reference's order carries over to the next iteration)
      const order = sortedPopulation(this.points(this.store));
      this.store = order.map((i) => this.store[i]);
      const parents = this.store.slice(0, Math.min(o.numArch, this.store.length));
      const children = parents.map((p) => {
        const x = this.variant === 'paper'
          ? paperMutation(this.mutationRng, this.space, p.x, o.mutatedKeys, o.notMutable)
          : fixedMutation(this.mutationRng, this.space, p.x, o.mutatedKeys, o.notMutable, o.mutationSd);
        return this.newMember(x, budget, p.id);
      });
      const enc = new Float64Array(children.length * this.encoder.dim);
      children.forEach((c, i) => enc.set(this.encoder.encode(c.x), i * this.encoder.dim));
      const perNet = ensemble.predict(enc).map((p) => this.fromTargets(p));
      const mean: Point2[] = children.map((_, i) => {
        let a = 0, b = 0;
        for (const p of perNet) {
          a += p[i][0];
          b += p[i][1];
        }
        return [a / perNet.length, b / perNet.length];
      });
      chosen = thompsonChoose(this.thompsonRng, mean, perNet, o.selectModels).map((i) => children[i]);
    }
    // the rung sizes of this iteration (fewer children than selectModels while the archive is small)
    this.sizes = rungSizes(this.variant, chosen.length, this.schedule.budgets.length, this.variant === 'paper' ? 3 : o.eta);
    this.startRung(0, chosen);
  }

  /** Train the predictor on the archive ('paper': the persistent networks; 'fixed': fresh ones). */
  private trainEnsemble(): MlpEnsemble {
    if (this.variant === 'fixed' || !this.ensemble) this.ensemble = this.newEnsemble();
    const n = this.store.length, dim = this.encoder.dim;
    const x = new Float64Array(n * dim), y = new Float64Array(n * 2);
    this.store.forEach((m, i) => x.set(this.encoder.encode(m.x), i * dim));
    this.fitTargets();
    this.store.forEach((m, i) => y.set(this.toTargets(m.values!), 2 * i));
    this.ensemble.train(x, y, this.shuffleRng, { epochs: this.o.epochs, batchSize: this.o.batchSize, lr: this.o.lr });
    return this.ensemble;
  }

  /** 'fixed': the archive's mean and sd per objective, for standardised targets. */
  private fitTargets(): void {
    if (this.variant === 'paper') return;
    const n = this.store.length;
    for (const k of [0, 1]) {
      let mean = 0;
      for (const m of this.store) mean += m.values![k];
      mean /= n;
      let ss = 0;
      for (const m of this.store) ss += (m.values![k] - mean) ** 2;
      const sd = Math.sqrt(ss / n);
      this.targetShift[k] = mean;
      this.targetScale[k] = sd > 0 ? sd : 1;
    }
  }

  /** Objective values → network targets: 'paper' [−f0/10, f1] (docs/methods.md#mobananas-predictor), 'fixed' standardised. */
  private toTargets(v: readonly number[]): [number, number] {
    if (this.variant === 'paper') return [-v[0] / 10, v[1]];
    return [(v[0] - this.targetShift[0]) / this.targetScale[0], (v[1] - this.targetShift[1]) / this.targetScale[1]];
  }

  /** Network outputs (row-major n × 2) → predicted objective values. */
  private fromTargets(p: Float64Array): Point2[] {
    const out: Point2[] = [];
    for (let i = 0; i < p.length; i += 2) {
      out.push(this.variant === 'paper'
        ? [-10 * p[i], p[i + 1]]
        : [p[i] * this.targetScale[0] + this.targetShift[0], p[i + 1] * this.targetScale[1] + this.targetShift[1]]);
    }
    return out;
  }

  private startRung(rung: number, members: Member[]): void {
    this.rungNow = rung;
    const budget = this.schedule.budgets[rung];
    for (const m of members) {
      // promotion re-trains from scratch at the new budget (docs/methods.md#fidelity)
      m.budget = budget;
      m.values = undefined;
    }
    this.batch = members;
    this.batchAsked = 0;
    this.batchTold = 0;
    this.phaseNow = 'halving';
  }

  /** Every member of the rung is told: sort the successful ones, promote or finish the iteration. */
  private finishRung(): void {
    const ok = this.batch.filter((m) => m.values !== undefined);
    const sorted = sortedPopulation(this.points(ok)).map((i) => ok[i]);
    const last = this.rungNow + 1 >= this.schedule.budgets.length;
    if (!last) {
      const keep = sorted.slice(0, Math.min(this.sizes[this.rungNow + 1], sorted.length));
      if (keep.length > 0) {
        this.startRung(this.rungNow + 1, keep);
        return;
      }
      this.endIteration(true);
      return;
    }
    const survivors = this.o.successiveHalving ? (this.variant === 'paper' ? Math.floor(this.batch.length / 3) : this.batch.length) : this.batch.length;
    this.store.push(...sorted.slice(0, Math.min(survivors, sorted.length)));
    this.endIteration(true);
  }

  private endIteration(counts: boolean): void {
    if (counts) this.iterationNow++;
    this.batch = [];
    this.batchAsked = 0;
    this.batchTold = 0;
    this.rungNow = 0;
    this.phaseNow = this.iterationNow < this.schedule.iterations ? 'plan' : 'done';
  }

  private points(members: readonly Member[]): Point2[] {
    return members.map((m) => [m.values![0], m.values![1]]);
  }
}

function view(m: Member): MobananasMember {
  return { id: m.id, params: { ...m.x }, budget: m.budget, values: m.values ? [...m.values] : [], parent: m.parent };
}

/**
 * Build MO-SH-BANANAS for a study (docs/methods.md#mobananas). See the top of this file for the two
 * variants, batching through ask/tell and the handling of failed trials.
 * @throws RangeError for nObj ≠ 2, a bad option or a budget range that cannot be served
 * @example Study.create({ ..., method: 'mobananas' }, (ctx) => createMobananas(ctx, { preset: 'fashion' }))
 */
export const createMobananas = ((ctx: OptimizerContext, options?: MobananasOptions): MobananasOptimizer => new Mobananas(ctx, options, false)) satisfies OptimizerFactory<MobananasOptions>;

/**
 * Build plain MO-BANANAS (no successive halving; docs/methods.md#mobananas-plain): every
 * chosen child is evaluated once at the full budget and enters the archive. Its defaults are
 * the reference's get_MOBANANAS settings (20 initial, 8 parents, 4 chosen, 100 evaluations).
 * @example Study.create({ ..., method: 'mobananas-plain' }, (ctx) => createMobananasPlain(ctx, { variant: 'paper' }))
 */
export const createMobananasPlain = ((ctx: OptimizerContext, options?: Omit<MobananasOptions, 'successiveHalving'>): MobananasOptimizer =>
  new Mobananas(ctx, options, true)) satisfies OptimizerFactory<Omit<MobananasOptions, 'successiveHalving'>>;
