// SH-EMOA (docs/methods.md#shemoa): a steady-state (μ + 1) evolutionary algorithm with 2-D hypervolume
// survival (SMS-EMOA's) whose evaluation budget rises over successive-halving "rungs"; every
// rung change re-evaluates the whole population at the new budget.
//
// Two variants:
//   'paper' — the reference code as it behaves, oddities included: scalar-key ordering and
//     tournament (docs/methods.md#odd-10), first-duplicate-wins fronts (docs/methods.md#pareto-weak, docs/methods.md#odd-7), shoelace HV2D with no
//     clipping (docs/methods.md#pareto-hv2d, docs/methods.md#odd-9), depths frozen and 5 mutation keys drawn among all keys (docs/methods.md#odd-11), ladder without
//     bmin and an overshooting step count (docs/methods.md#odd-12–13), survival removing the first member
//     with the chosen fitness (docs/methods.md#odd-14).
//   'fixed' (default) — the same algorithm with those repaired:
//     docs/methods.md#odd-7/#odd-10  order the population by Pareto rank (ndsort kernel; duplicates share a
//       rank), then exclusive hypervolume contribution within the front (hvContributions
//       kernel), instead of the key (c − f0)·f1. That key only means "better" while f0 < c
//       and f1 ≤ 0 (on all-positive objectives it prefers larger f0), depends on the units,
//       and contradicts the hypervolume survival it feeds; rank + contribution is SMS-EMOA's
//       own criterion, invariant to the objective order, and makes the tournament prefer what
//       survival keeps.
//     docs/methods.md#odd-9   points outside the reference box contribute nothing (the kernel's semantics,
//       equivalent to clipping them onto the box) instead of a self-intersecting polygon;
//       among such points the farther outside ranks lower.
//     docs/methods.md#odd-11  depths (n_conv_l, n_fc_l) are mutable, as in MO-BANANAS's default variant, so
//       the set of depths is not fixed by the initial population (a child whose depth changes
//       drops the widths that became inactive and draws the new ones from the prior); and
//       mutation draws its keys among the mutable active keys only, so it changes
//       min(mutatedKeys, #mutable) values. notMutable freezes any hyperparameters again.
//     docs/methods.md#odd-12  the ladder runs geometrically from bmin to bmax, both included (schedule.ts).
//     docs/methods.md#odd-13  the step counts make the total exactly maxEvaluations, re-evaluations included.
//     docs/methods.md#odd-14  survival removes the very member chosen (by identity), and the degenerate
//       zero-area front cannot crash (ties in contribution are broken, never left unchosen).
//     Also: the scalar key's objective order comes from the problem (the objective named
//       num_params is the size; options.objectiveOrder overrides), and recombination picks a partner other than the parent when there is one (a clone of
//       the parent would waste an evaluation; the reference allows it).
//
// ask/tell: the reference runs sequentially; here the initial population and each rung's
// re-evaluations are asked as one batch (any number may run at once) and each steady-state
// step needs the previous step's result, so ask() answers 'wait' while the child is running.
// State changes that need no randomness (finishing a batch, changing rung, finishing) happen in
// tell(); ask() draws random numbers only when it returns a suggestion, so 'wait' and 'done'
// change nothing, and the method is a function of the seed and the ask/tell sequence.
//
// Failures (state 'failed' or 'pruned'; the reference has none, so this is our rule): a failed
// initial or re-evaluated member leaves the population; a failed child is dropped and its step
// still counts (the evaluation was spent). Survival only trims the population when it exceeds
// populationSize, so later children refill places lost to failures; with an empty population a
// step samples a fresh configuration from the prior instead of a child.
import { hvContributions } from '../../pareto/hvContributions.ts';
import { ndsort } from '../../pareto/ndsort.ts';
import { Rng } from '../../random/rng.ts';
import type { SearchSpace } from '../../space/space.ts';
import type { Config } from '../../space/types.ts';
import type { AskResult, FinishedTrial, Optimizer, OptimizerContext, OptimizerFactory, Suggestion } from '../types.ts';
import { repair, tournament, uniformMutation, uniformRecombination } from './operators.ts';
import { resolveOptions, type ResolvedShemoaOptions, type ShemoaOptions } from './options.ts';
import { paperFronts, paperLeastContributor, type Point2 } from './paper.ts';
import { shemoaSchedule, type ShemoaSchedule } from './schedule.ts';

export { SHEMOA_OPTIONS, SHEMOA_PRESETS, type ShemoaOptions, type ShemoaVariant } from './options.ts';
export { fixedBudgets, fixedSteps, paperBudgets, paperSteps, shemoaSchedule, type ShemoaSchedule } from './schedule.ts';

/** A population member as the method reports it. */
export interface ShemoaMember {
  /** unique per run, increasing with creation */
  readonly id: number;
  readonly params: Config;
  readonly budget: number | undefined;
  /** minimised objective values at `budget` */
  readonly values: readonly number[];
}

export type ShemoaPhase = 'init' | 'reevaluate' | 'steps' | 'done';

/** The SH-EMOA optimizer, with read-only views of its state. */
export interface ShemoaOptimizer extends Optimizer {
  readonly variant: 'paper' | 'fixed';
  readonly schedule: ShemoaSchedule;
  readonly phase: ShemoaPhase;
  /** index into schedule.budgets */
  readonly rung: number;
  /**
   * the current population, best first (by the variant's order); empty while the initial
   * population or a rung's re-evaluation is being evaluated
   */
  population(): ShemoaMember[];
  /** the method's result (docs/methods.md#shemoa-algorithm): the members on the first front of the current population */
  front(): ShemoaMember[];
}

interface Member {
  id: number;
  x: Config;
  budget: number | undefined;
  values: number[] | undefined;
  /** evaluations of this member so far (the reference's id suffix k) */
  evals: number;
}

type Pending = { kind: 'batch'; member: Member } | { kind: 'child'; member: Member };

class Shemoa implements ShemoaOptimizer {
  readonly method = 'shemoa';
  readonly variant: 'paper' | 'fixed';
  readonly schedule: ShemoaSchedule;
  private readonly o: ResolvedShemoaOptions;
  private readonly space: SearchSpace;
  private readonly rng: Rng;
  private pop: Member[] = [];
  private phaseNow: ShemoaPhase = 'init';
  private rungNow = 0;
  /** the members of the running batch (init: created as asked; re-evaluation: the population) */
  private batch: Member[] = [];
  private batchAsked = 0;
  private batchTold = 0;
  private stepsDone = 0;
  private childRunning = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(ctx: OptimizerContext, options?: ShemoaOptions) {
    this.o = resolveOptions(ctx, options);
    this.variant = this.o.variant;
    this.space = ctx.space;
    this.rng = new Rng(ctx.seed);
    this.schedule = shemoaSchedule(this.o.variant, this.o.populationSize, this.o.maxEvaluations, this.o.eta, this.o.range);
  }

  get phase(): ShemoaPhase {
    return this.phaseNow;
  }

  get rung(): number {
    return this.rungNow;
  }

  private get budget(): number | undefined {
    return this.schedule.budgets[this.rungNow];
  }

  ask(number: number): AskResult {
    if (this.pending.has(number)) throw new RangeError(`SH-EMOA.ask: trial ${number} was already proposed and is still running`);
    switch (this.phaseNow) {
      case 'done':
        return { kind: 'done' };
      case 'init': {
        if (this.batchAsked >= this.o.populationSize) return { kind: 'wait' };
        const m = this.newMember(this.space.sample(this.rng));
        this.batch.push(m);
        this.batchAsked++;
        return this.suggest(number, { kind: 'batch', member: m }, { phase: 'init' });
      }
      case 'reevaluate': {
        if (this.batchAsked >= this.batch.length) return { kind: 'wait' };
        const m = this.batch[this.batchAsked++];
        return this.suggest(number, { kind: 'batch', member: m }, { phase: 'reevaluate' });
      }
      case 'steps': {
        if (this.childRunning) return { kind: 'wait' };
        this.childRunning = true;
        const { child, info } = this.makeChild();
        return this.suggest(number, { kind: 'child', member: child }, { phase: 'step', step: this.stepsDone, ...info });
      }
    }
  }

  tell(trial: FinishedTrial): void {
    const p = this.pending.get(trial.number);
    if (!p) throw new RangeError(`SH-EMOA.tell: trial ${trial?.number} was not proposed by this method, or was already told`);
    this.pending.delete(trial.number);
    const ok = trial.state === 'complete' && Array.isArray(trial.values) && trial.values.length === 2 && trial.values.every(Number.isFinite);
    p.member.values = ok ? [trial.values![0], trial.values![1]] : undefined;
    if (p.kind === 'batch') {
      this.batchTold++;
      if (this.batchTold === this.batch.length && (this.phaseNow === 'reevaluate' || this.batchAsked === this.o.populationSize)) {
        this.pop = this.order(this.batch.filter((m) => m.values !== undefined));
        this.batch = [];
        this.phaseNow = 'steps';
        this.stepsDone = 0;
      }
    } else {
      this.childRunning = false;
      if (ok) this.survive(p.member);
      this.stepsDone++;
    }
    this.advance();
  }

  population(): ShemoaMember[] {
    return this.pop.map(view);
  }

  front(): ShemoaMember[] {
    if (this.pop.length === 0) return [];
    if (this.variant === 'paper') return paperFronts(this.pop.map((m) => this.paperPoint(m)))[0].map((i) => view(this.pop[i]));
    const ranks = ndsort(points(this.pop), 2);
    return this.pop.filter((_, i) => ranks[i] === 0).map(view);
  }

  // ------------------------------------------------------------------------------------------

  private newMember(x: Config): Member {
    return { id: this.nextId++, x, budget: this.budget, values: undefined, evals: 0 };
  }

  private suggest(number: number, p: Pending, info: Record<string, unknown>): AskResult {
    this.pending.set(number, p);
    const m = p.member;
    m.evals++;
    const suggestion: Suggestion = {
      params: { ...m.x },
      info: { method: 'shemoa', variant: this.variant, rung: this.rungNow, member: m.id, evaluation: m.evals, ...info },
    };
    if (m.budget !== undefined) suggestion.budget = m.budget;
    return { kind: 'suggest', suggestion };
  }

  /** Deterministic transitions once a rung's steps are spent: re-evaluate at the next rung, or finish. */
  private advance(): void {
    while (this.phaseNow === 'steps' && !this.childRunning && this.stepsDone >= this.schedule.steps[this.rungNow]) {
      if (this.rungNow + 1 >= this.schedule.budgets.length) {
        this.phaseNow = 'done';
        return;
      }
      this.rungNow++;
      this.stepsDone = 0;
      if (this.pop.length > 0) {
        // every member is retrained from scratch at the new budget, in population order (docs/methods.md#shemoa-algorithm)
        for (const m of this.pop) {
          m.budget = this.budget;
          m.values = undefined;
        }
        this.batch = this.pop;
        this.pop = [];
        this.batchAsked = 0;
        this.batchTold = 0;
        this.phaseNow = 'reevaluate';
      }
    }
  }

  /** One step's child (docs/methods.md#shemoa-algorithm step()): tournament parent, then mutation or recombination. */
  private makeChild(): { child: Member; info: Record<string, unknown> } {
    const rng = this.rng, o = this.o;
    if (this.pop.length === 0) {
      // every member failed: nothing to vary, so draw from the prior (not in the reference)
      return { child: this.newMember(this.space.sample(rng)), info: { operator: 'prior' } };
    }
    const parent = this.pop[o.selection === 'tournament' ? tournament(rng, this.pop.length, o.tournamentSize) : rng.int(this.pop.length)];
    let x: Config;
    let info: Record<string, unknown>;
    if (rng.random() < o.mutationProbability) {
      const keys = Object.keys(parent.x);
      const candidates = this.variant === 'paper' ? keys : keys.filter((k) => !o.notMutable.has(k));
      x = uniformMutation(rng, this.space, parent.x, candidates, o.mutatedKeys, o.notMutable);
      info = { operator: 'mutation', parent: parent.id };
    } else {
      let partner: Member;
      if (this.variant === 'paper' || this.pop.length === 1) partner = this.pop[rng.int(this.pop.length)];
      else {
        const others = this.pop.filter((m) => m !== parent);
        partner = others[rng.int(others.length)];
      }
      x = uniformRecombination(rng, parent.x, partner.x, o.recombinationProbability, o.notMutable);
      info = { operator: 'recombination', parent: parent.id, partner: partner.id };
    }
    // the child inherits the parent's (= the current) budget
    return { child: this.newMember(repair(rng, this.space, x)), info };
  }

  /** Add an evaluated child, remove one member when over populationSize, re-order. */
  private survive(child: Member): void {
    const pop = [...this.pop, child];
    if (pop.length <= this.o.populationSize) {
      this.pop = this.order(pop);
      return;
    }
    if (this.variant === 'fixed') {
      // the order's last member is on the last front with the least exclusive contribution
      const ordered = this.order(pop);
      ordered.pop();
      this.pop = ordered;
      return;
    }
    const pts = pop.map((m) => this.paperPoint(m));
    const fronts = paperFronts(pts);
    const last = fronts[fronts.length - 1];
    const chosen = last.length === 1 ? last[0] : paperLeastContributor(pts, last, this.paperReference());
    // [AS-IS] remove the FIRST member with exactly the chosen fitness, which with duplicates
    // may be another individual than the one on the last front (docs/methods.md#odd-14)
    const target = pts[chosen];
    const first = pts.findIndex((q) => q[0] === target[0] && q[1] === target[1]);
    pop.splice(first, 1);
    this.pop = this.order(pop);
  }

  /** The population order, best first: the key for 'paper', rank + contribution for 'fixed'. */
  private order(members: Member[]): Member[] {
    if (this.variant === 'paper') {
      // the reference's stable sort by key, ascending
      const keys = new Map(members.map((m) => [m, this.paperKey(m)]));
      return [...members].sort((a, b) => keys.get(a)! - keys.get(b)!);
    }
    const n = members.length;
    if (n === 0) return [];
    const pts = points(members);
    const ranks = ndsort(pts, 2);
    const contribution = new Float64Array(n);
    const byRank = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const list = byRank.get(ranks[i]);
      if (list) list.push(i);
      else byRank.set(ranks[i], [i]);
    }
    for (const idx of byRank.values()) {
      const sub = new Float64Array(idx.length * 2);
      idx.forEach((i, k) => sub.set([pts[2 * i], pts[2 * i + 1]], 2 * k));
      const c = hvContributions(sub, 2, this.o.reference);
      idx.forEach((i, k) => (contribution[i] = c[k]));
    }
    // beyond the box every contribution is 0: rank those by how far outside they are
    const ref = this.o.reference;
    const outside = (i: number) => Math.max(0, pts[2 * i] - ref[0]) + Math.max(0, pts[2 * i + 1] - ref[1]);
    const idx = members.map((_, i) => i);
    idx.sort((a, b) => ranks[a] - ranks[b] || contribution[b] - contribution[a] || outside(a) - outside(b) || members[a].id - members[b].id);
    return idx.map((i) => members[i]);
  }

  /** The reference's fitness order: [size, accuracy] picked by objectiveOrder. */
  private paperPoint(m: Member): Point2 {
    const [a, b] = this.o.objectiveOrder;
    return [m.values![a], m.values![b]];
  }

  private paperReference(): Point2 {
    const [a, b] = this.o.objectiveOrder;
    return [this.o.reference[a], this.o.reference[b]];
  }

  /**
   * The reference's key (c − f0)·f1 = (15 − log10 P)·(−acc%) (docs/methods.md#shemoa-key), made generic: f0, f1 are
   * the objectives objectiveOrder names (f0 plays log10 P, f1 plays −acc%), and f1 is measured
   * from the reference point, f1 − r1, because the reference's accuracy objective is ≤ 0 = r1;
   * c defaults to r0 + 7 (the reference's 15 = 8 + 7). On the paper's problems (r = [8, 0])
   * this is exactly its key; on another problem it keeps the key's meaning inside the
   * reference box (f0 < c and f1 − r1 ≤ 0: smaller is better in both), where the literal
   * (c − f0)·f1 would prefer a larger f0 whenever f1 > 0.
   */
  private paperKey(m: Member): number {
    const [f0, f1] = this.paperPoint(m);
    return (this.o.keyConstant - f0) * (f1 - this.paperReference()[1]);
  }
}

function points(members: readonly Member[]): Float64Array {
  const out = new Float64Array(members.length * 2);
  members.forEach((m, i) => {
    out[2 * i] = m.values![0];
    out[2 * i + 1] = m.values![1];
  });
  return out;
}

function view(m: Member): ShemoaMember {
  return { id: m.id, params: { ...m.x }, budget: m.budget, values: m.values ? [...m.values] : [] };
}

/**
 * Build SH-EMOA for a study (docs/methods.md#shemoa). See the top of this file for the two variants,
 * batching through ask/tell and the handling of failed trials.
 * @throws RangeError for nObj ≠ 2, a bad option or a budget range that cannot be served
 * @example Study.create({ ..., method: 'shemoa' }, (ctx) => createShemoa(ctx, { preset: 'fashion' }))
 */
export const createShemoa = ((ctx: OptimizerContext, options?: ShemoaOptions): ShemoaOptimizer => new Shemoa(ctx, options)) satisfies OptimizerFactory<ShemoaOptions>;
