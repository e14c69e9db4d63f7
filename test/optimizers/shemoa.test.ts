import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { ndsort } from '../../src/pareto/ndsort.ts';
import {
  createShemoa, fixedBudgets, fixedSteps, paperBudgets, paperSteps, shemoaSchedule, SHEMOA_PRESETS,
  type ShemoaOptimizer, type ShemoaOptions,
} from '../../src/optimizers/shemoa/index.ts';
import { paperFronts, paperLeastContributor, shoelaceHv2d } from '../../src/optimizers/shemoa/paper.ts';
import type { FinishedTrial, OptimizerContext, Suggestion } from '../../src/optimizers/types.ts';
import { Zdt1 } from '../../src/problems/synthetic.ts';
import { Rng } from '../../src/random/rng.ts';
import { nasSpace } from '../../src/space/nas.ts';
import { SearchSpace } from '../../src/space/space.ts';
import type { Config } from '../../src/space/types.ts';
import { JournalStorage } from '../../src/study/journal.ts';
import { MemoryStorage, type Storage } from '../../src/study/storage.ts';
import { Study, type Trial, type TellResult } from '../../src/study/study.ts';

const quiet = () => {};
const zdt = new Zdt1(5, { minBudget: 5, maxBudget: 25 });

function zdtCtx(seed = 1, extra: Partial<OptimizerContext> = {}): OptimizerContext {
  return { space: zdt.space, nObj: 2, referencePoint: [...zdt.referencePoint], seed, minBudget: zdt.minBudget, maxBudget: zdt.maxBudget, ...extra };
}

function zdtStudy(options: ShemoaOptions, seed: number, storage: Storage = new MemoryStorage()): Study {
  return Study.create(
    {
      space: zdt.space, directions: ['minimize', 'minimize'], referencePoint: [...zdt.referencePoint], method: 'shemoa',
      methodOptions: options as Record<string, unknown>, seed, minBudget: zdt.minBudget, maxBudget: zdt.maxBudget, storage, onWarning: quiet,
    },
    (ctx, meta) => createShemoa(ctx, meta.methodOptions as ShemoaOptions),
  );
}

const zdtEval = (t: Trial) => zdt.evaluate(t.params, { budget: t.budget, seed: 1 }).values;
const trace = (s: Study) => s.trials.map((t) => ({ params: t.params, budget: t.budget, state: t.state }));

/**
 * Drive an optimizer sequentially (each suggestion told at once, so it never waits) until it
 * says done or `limit` trials; `objective` returns minimised values or a failed/pruned state.
 */
function drive(
  opt: ShemoaOptimizer,
  objective: (s: Suggestion, n: number) => number[] | 'failed' | 'pruned',
  onTold: (n: number) => void = () => {},
  limit = 100_000,
): { suggestions: Suggestion[]; trials: FinishedTrial[] } {
  const suggestions: Suggestion[] = [], trials: FinishedTrial[] = [];
  for (let n = 0; n < limit; n++) {
    const r = opt.ask(n);
    if (r.kind === 'done') break;
    if (r.kind === 'wait') throw new Error(`sequential drive got 'wait' at trial ${n}`);
    suggestions.push(r.suggestion);
    const v = objective(r.suggestion, n);
    const t: FinishedTrial = typeof v === 'string'
      ? { number: n, params: r.suggestion.params, budget: r.suggestion.budget, info: r.suggestion.info, state: v }
      : { number: n, params: r.suggestion.params, budget: r.suggestion.budget, info: r.suggestion.info, state: 'complete', values: v };
    trials.push(t);
    opt.tell(t);
    onTold(n);
  }
  return { suggestions, trials };
}

const zdtValues = (s: Suggestion) => zdt.evaluate(s.params, { budget: s.budget, seed: 1 }).values;

/** A cheap stand-in for the CNN problem, computed from the configuration: [error, log10 size]. */
function nasObjective(c: Config): number[] {
  const conv = [0, 1, 2].filter((i) => i < (c.n_conv_l as number)).map((i) => c[`n_conv_${i}`] as number);
  const fc = [0, 1, 2].filter((i) => i < (c.n_fc_l as number)).map((i) => c[`n_fc_${i}`] as number);
  const k = c.kernel_size as number;
  let params = 0, prev = 3;
  for (const w of conv) {
    params += prev * w * k * k + w;
    prev = w;
  }
  for (const w of fc) {
    params += prev * w + w;
    prev = w;
  }
  const size = Math.log10(params + prev * 17);
  const lrPenalty = Math.abs(Math.log10(c.lr_init as number) + 2.5) / 5;
  const err = -100 * Math.max(0, Math.min(1, 0.15 * size - lrPenalty + (c.batch_norm ? 0.05 : 0) - Math.abs(Math.log2(c.batch_size as number) - 6) / 40));
  return [err, size];
}

describe('SH-EMOA budget schedule (docs/methods.md#shemoa-ladder, docs/methods.md#shemoa-evaluations)', () => {
  it('paperBudgets/paperSteps reproduce the Flowers and Fashion schedules', () => {
    expect(paperBudgets(5, 25, 2)).toEqual([7, 13, 25]);
    expect(paperSteps(15000, 100, 2, 3)).toEqual([8516, 4258, 2129]);
    expect(paperSteps(150, 10, 2, 3)).toEqual([80, 40, 20]);
    expect(shemoaSchedule('paper', 100, 15000, 2, { minBudget: 5, maxBudget: 25 }).evaluations).toBe(15203);
    expect(shemoaSchedule('paper', 10, 150, 2, { minBudget: 5, maxBudget: 25 }).evaluations).toBe(170);
  });

  it('createShemoa with the presets on a 5..25 problem uses them (paper variant)', () => {
    const ctx: OptimizerContext = { space: nasSpace(), nObj: 2, referencePoint: [0, 8], seed: 0, minBudget: 5, maxBudget: 25 };
    const flowers = createShemoa(ctx, { preset: 'flowers', variant: 'paper' });
    expect(flowers.schedule.budgets).toEqual([7, 13, 25]);
    expect(flowers.schedule.steps).toEqual([8516, 4258, 2129]);
    expect(flowers.schedule.evaluations).toBe(15203);
    const fashion = createShemoa(ctx, { preset: 'fashion', variant: 'paper' });
    expect(fashion.schedule.budgets).toEqual([7, 13, 25]);
    expect(fashion.schedule.steps).toEqual([80, 40, 20]);
    expect(SHEMOA_PRESETS.flowers.populationSize).toBe(100);
    expect(SHEMOA_PRESETS.fashion.maxEvaluations).toBe(150);
  });

  it('the fixed ladder includes bmin and bmax and the total is exactly maxEvaluations', () => {
    expect(fixedBudgets(5, 25, 2)).toEqual([5, 11, 25]);
    expect(fixedBudgets(1, 27, 3)).toEqual([1, 3, 9, 27]);
    expect(fixedBudgets(5, 8, 2)).toEqual([8]);
    expect(fixedBudgets(25, 25, 2)).toEqual([25]);
    for (const [N, total] of [[100, 15000], [10, 150], [7, 99]]) {
      const s = shemoaSchedule('fixed', N, total, 2, { minBudget: 5, maxBudget: 25 });
      expect(s.evaluations).toBe(total);
      expect(s.steps[0]).toBeGreaterThanOrEqual(s.steps[1]);
    }
    expect(fixedSteps(15000, 100, [5, 11, 25]).reduce((a, b) => a + b)).toBe(14700);
    expect(() => fixedSteps(20, 10, [5, 11, 25])).toThrow(RangeError);
  });

  it('a small paper run makes N + Σ steps + N·(R − 1) evaluations at the ladder budgets (docs/methods.md#shemoa-evaluations)', async () => {
    // N = 4, 30 evaluations: per = ceil(26 / 7) = 4 → steps [16, 8, 4]; 4 + 28 + 8 = 40
    const s = zdtStudy({ variant: 'paper', populationSize: 4, maxEvaluations: 30 }, 5);
    await s.optimize(zdtEval);
    expect(s.finished).toBe(true);
    expect(s.trials.length).toBe(40);
    const budgets = s.trials.map((t) => t.budget);
    expect(budgets).toEqual([...Array(20).fill(7), ...Array(12).fill(13), ...Array(8).fill(25)]);
    expect(s.trials.filter((t) => t.info?.phase === 'reevaluate').length).toBe(8);
  });

  it('a small fixed run makes exactly maxEvaluations evaluations', async () => {
    const s = zdtStudy({ populationSize: 4, maxEvaluations: 30 }, 5);
    await s.optimize(zdtEval);
    expect(s.finished).toBe(true);
    expect(s.trials.length).toBe(30);
    expect([...new Set(s.trials.map((t) => t.budget))]).toEqual([5, 11, 25]);
    const neutral = zdtStudy({ populationSize: 4, maxEvaluations: 30, selection: 'neutral' }, 5);
    await neutral.optimize(zdtEval);
    expect(neutral.trials.length).toBe(30);
  });

  it('budgets stay in the problem range: options are clamped; no fidelity means no budget', () => {
    const opt = createShemoa(zdtCtx(1), { minBudget: 2, maxBudget: 50, variant: 'paper' });
    expect(opt.schedule.budgets).toEqual([7, 13, 25]);
    const r = drive(opt, zdtValues);
    for (const s of r.suggestions) {
      expect(s.budget).toBeGreaterThanOrEqual(5);
      expect(s.budget).toBeLessThanOrEqual(25);
    }
    const plain = createShemoa(zdtCtx(1, { minBudget: undefined, maxBudget: undefined }), { populationSize: 5, maxEvaluations: 30 });
    expect(plain.schedule.budgets).toEqual([undefined]);
    const p = drive(plain, (s) => zdt.evaluate(s.params).values);
    expect(p.suggestions.length).toBe(30);
    expect(p.suggestions.every((s) => s.budget === undefined)).toBe(true);
  });
});

describe('SH-EMOA options and context', () => {
  it('rejects nObj other than 2, unknown options and impossible settings with RangeErrors', () => {
    expect(() => createShemoa(zdtCtx(1, { nObj: 3, referencePoint: [1, 1, 1] }))).toThrow(/exactly 2 objectives/);
    expect(() => createShemoa(zdtCtx(1), { populaton: 3 } as ShemoaOptions)).toThrow(/unknown option 'populaton'/);
    expect(() => createShemoa(zdtCtx(1), { eta: 1 })).toThrow(RangeError);
    expect(() => createShemoa(zdtCtx(1), { populationSize: 10, maxEvaluations: 20 })).toThrow(/maxEvaluations/);
    expect(() => createShemoa(zdtCtx(1), { notMutable: ['n_conv_l'] })).toThrow(/unknown hyperparameter/);
    expect(() => createShemoa(zdtCtx(1), { childrenPerStep: 2 })).toThrow(/childrenPerStep/);
    expect(() => createShemoa(zdtCtx(1), { preset: 'cifar' as 'flowers' })).toThrow(/preset/);
    expect(() => createShemoa(zdtCtx(1), { mutation: 'gaussian' as 'uniform' })).toThrow(/mutation/);
    expect(() => createShemoa(zdtCtx(1), { selection: 'fitness' as 'neutral' })).toThrow(/selection/);
  });
});

describe('SH-EMOA ask/tell', () => {
  it('batches the initial population, waits for a running child, and wait/done change nothing', () => {
    const opts: ShemoaOptions = { populationSize: 6, maxEvaluations: 40 };
    const a = createShemoa(zdtCtx(3), opts), b = createShemoa(zdtCtx(3), opts);
    // a: ask the whole initial batch before any tell; extra asks wait
    const init: Suggestion[] = [];
    for (let n = 0; n < 6; n++) {
      const r = a.ask(n);
      expect(r.kind).toBe('suggest');
      if (r.kind === 'suggest') init.push(r.suggestion);
    }
    expect(a.ask(6).kind).toBe('wait');
    expect(a.ask(6).kind).toBe('wait');
    // tell in reverse order: the population does not depend on it
    for (let n = 5; n >= 0; n--) a.tell({ number: n, params: init[n].params, budget: init[n].budget, state: 'complete', values: zdtValues(init[n]) });
    expect(a.phase).toBe('steps');
    const c1 = a.ask(6);
    expect(c1.kind).toBe('suggest');
    expect(a.ask(7).kind).toBe('wait');
    if (c1.kind !== 'suggest') return;
    a.tell({ number: 6, params: c1.suggestion.params, budget: c1.suggestion.budget, state: 'complete', values: zdtValues(c1.suggestion) });
    const restA = drive(a, zdtValues, undefined).suggestions;
    // b: sequential, never waits; same suggestions
    const allB = drive(b, zdtValues).suggestions;
    // drive(a) restarts numbering at 0, which is fine: numbers only key the pending trials
    expect([...init, c1.suggestion, ...restA].map((s) => [s.params, s.budget])).toEqual(allB.map((s) => [s.params, s.budget]));
    expect(a.phase).toBe('done');
    expect(a.ask(99).kind).toBe('done');
    expect(() => a.tell({ number: 1234, params: {}, state: 'failed' })).toThrow(/not proposed/);
  });

  it('is deterministic: the same seed proposes the same trials through a Study, another seed others', async () => {
    for (const variant of ['paper', 'fixed'] as const) {
      const opts = { variant, populationSize: 8, maxEvaluations: 80 };
      const a = zdtStudy(opts, 11), b = zdtStudy(opts, 11), c = zdtStudy(opts, 12);
      await a.optimize(zdtEval, { concurrency: 3 });
      await b.optimize(zdtEval, { concurrency: 3 });
      await c.optimize(zdtEval);
      expect(a.finished).toBe(true);
      expect(trace(a)).toEqual(trace(b));
      expect(trace(a).map((t) => t.params)).not.toEqual(trace(c).map((t) => t.params));
    }
  });
});

describe('SH-EMOA on the NAS space', () => {
  const space = nasSpace();
  const ctx = (seed: number): OptimizerContext => ({ space, nObj: 2, referencePoint: [0, 8], seed, minBudget: 5, maxBudget: 25 });

  it.each(['paper', 'fixed'] as const)('%s: depths vary only in the default variant; every proposal is valid', (variant) => {
    const opt = createShemoa(ctx(21), { variant, populationSize: 12, maxEvaluations: 400, objectiveOrder: [1, 0] });
    const { suggestions } = drive(opt, (s) => nasObjective(s.params));
    expect(suggestions.length).toBeGreaterThanOrEqual(400);
    const byMember = new Map<number, Config>();
    const depths = new Set<string>();
    let checked = 0, deeper = 0, newDepth = 0;
    for (const s of suggestions) {
      expect(space.isValid(s.params)).toBe(true);
      const info = s.info as { phase: string; member: number; parent?: number };
      const depth = `${s.params.n_conv_l}/${s.params.n_fc_l}`;
      if (info.phase === 'init') depths.add(depth);
      else if (!depths.has(depth)) newDepth++;
      if (info.parent !== undefined) {
        const parent = byMember.get(info.parent)!;
        if (s.params.n_conv_l !== parent.n_conv_l || s.params.n_fc_l !== parent.n_fc_l) deeper++;
        checked++;
      }
      if (byMember.has(info.member)) expect(s.params).toEqual(byMember.get(info.member)); // re-evaluation
      byMember.set(info.member, s.params);
    }
    expect(checked).toBeGreaterThan(300);
    // 'paper' freezes the depths at the initial population's (docs/methods.md#odd-11); the default mutates them
    if (variant === 'paper') expect([deeper, newDepth]).toEqual([0, 0]);
    else expect(deeper).toBeGreaterThan(20);
  });

  it('fixed mutation spends its 5 draws on mutable keys; the paper wastes some on immutable ones (docs/methods.md#odd-11)', () => {
    const changed = (variant: 'paper' | 'fixed') => {
      // depths frozen in both, so that a count of changed keys compares like with like
      const opt = createShemoa(ctx(5), { variant, populationSize: 10, maxEvaluations: 400, mutationProbability: 1, objectiveOrder: [1, 0], notMutable: ['n_conv_l', 'n_fc_l'] });
      const { suggestions } = drive(opt, (s) => nasObjective(s.params));
      const byMember = new Map<number, Config>();
      const counts: number[] = [];
      for (const s of suggestions) {
        const info = s.info as { member: number; parent?: number };
        if (info.parent !== undefined) {
          const p = byMember.get(info.parent)!;
          counts.push(Object.keys(s.params).filter((k) => s.params[k] !== p[k]).length);
        }
        byMember.set(info.member, s.params);
      }
      expect(Math.max(...counts)).toBeLessThanOrEqual(5);
      return counts.reduce((a, b) => a + b, 0) / counts.length;
    };
    const paper = changed('paper'), fixed = changed('fixed');
    expect(fixed).toBeGreaterThan(paper + 0.3);
  });

  it('paper: the population is ordered by the key (15 − log10 P)·(−acc%) with objectiveOrder [1, 0]', () => {
    const opt = createShemoa(ctx(8), { variant: 'paper', populationSize: 15, maxEvaluations: 60, objectiveOrder: [1, 0] });
    drive(opt, (s) => nasObjective(s.params), undefined, 15);
    expect(opt.phase).toBe('steps');
    const keys = opt.population().map((m) => (15 - m.values[1]) * m.values[0]);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
  });

  it('paper: without objectiveOrder the problem\'s objective names give the same key (num_params is the size)', () => {
    const named: OptimizerContext = { ...ctx(8), objectives: ['val_acc_1', 'num_params'] };
    const a = createShemoa(named, { variant: 'paper', populationSize: 15, maxEvaluations: 60 });
    const b = createShemoa(ctx(8), { variant: 'paper', populationSize: 15, maxEvaluations: 60, objectiveOrder: [1, 0] });
    const ra = drive(a, (s) => nasObjective(s.params), undefined, 15);
    const rb = drive(b, (s) => nasObjective(s.params), undefined, 15);
    expect(ra.suggestions).toEqual(rb.suggestions);
    const keys = a.population().map((m) => (15 - m.values[1]) * m.values[0]);
    expect(keys).toEqual([...keys].sort((x, y) => x - y));
    expect(keys.length).toBe(15);
  });
});

describe('SH-EMOA survival', () => {
  it.each(['paper', 'fixed'] as const)('%s: keeps the population size, also with many duplicate fitness values', (variant) => {
    for (const coarse of [false, true]) {
      const opt = createShemoa(zdtCtx(4), { variant, populationSize: 9, maxEvaluations: 150 });
      let steps = 0;
      drive(
        opt,
        (s) => (coarse ? zdtValues(s).map((v) => Math.round(v * 2) / 2) : zdtValues(s)),
        () => {
          if (opt.phase === 'steps' || opt.phase === 'done') {
            const pop = opt.population();
            expect(pop.length).toBe(9);
            expect(new Set(pop.map((m) => m.id)).size).toBe(9);
            steps++;
          }
        },
      );
      expect(steps).toBeGreaterThan(100);
      expect(opt.front().length).toBeGreaterThan(0);
    }
  });

  it('fixed: the population is ordered by Pareto rank, then decreasing hypervolume contribution', () => {
    const opt = createShemoa(zdtCtx(6), { populationSize: 12, maxEvaluations: 80 });
    drive(opt, zdtValues, undefined, 50);
    const pop = opt.population();
    const pts = Float64Array.from(pop.flatMap((m) => [...m.values]));
    const ranks = [...ndsort(pts, 2)];
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(opt.front().length).toBe(ranks.filter((r) => r === 0).length);
  });
});

describe('SH-EMOA paper helpers (docs/methods.md#pareto-weak, docs/methods.md#pareto-hv2d)', () => {
  it('paperFronts: weak dominance, first duplicate wins', () => {
    expect(paperFronts([[1, 2], [1, 2], [2, 1], [3, 3]])).toEqual([[0, 2], [1], [3]]);
    expect(paperFronts([[2, 2], [1, 1], [2, 2]])).toEqual([[1], [0], [2]]);
  });

  it('shoelaceHv2d is the exact area inside the box and meaningless outside it (docs/methods.md#odd-9)', () => {
    const inside: [number, number][] = [[3, 1], [2, 2], [1, 3]];
    expect(shoelaceHv2d(inside, [4, 4])).toBe(hypervolume(Float64Array.from(inside.flat()), 2, [4, 4]));
    const outside: [number, number][] = [[5, 1], [1, 3]];
    expect(shoelaceHv2d(outside, [4, 4])).not.toBe(hypervolume(Float64Array.from(outside.flat()), 2, [4, 4]));
  });

  it('paperLeastContributor picks the first minimiser and survives a zero-area front (docs/methods.md#odd-14)', () => {
    expect(paperLeastContributor([[3, 1], [2, 2], [1, 3], [0.5, 3.4]], [0, 1, 2, 3], [4, 4])).toBe(3);
    // both points on the box's boundary: every area is 0 and the reference would crash; the
    // first point in objective-1 order is taken
    expect(paperLeastContributor([[3, 4], [4, 1]], [0, 1], [4, 4])).toBe(1);
  });
});

describe('SH-EMOA with failures', () => {
  it.each(['paper', 'fixed'] as const)('%s: failed and pruned trials are dropped and the run finishes', async (variant) => {
    const s = zdtStudy({ variant, populationSize: 8, maxEvaluations: 120 }, 9);
    await s.optimize((t) => {
      if (t.number % 5 === 1) throw new Error('boom');
      if (t.number % 7 === 3) return [Number.NaN, 1];
      return zdtEval(t);
    });
    expect(s.finished).toBe(true);
    expect(s.trials.some((t) => t.state === 'failed' && t.info?.phase === 'init')).toBe(true);
    expect(s.trials.some((t) => t.state === 'failed' && t.info?.phase === 'reevaluate')).toBe(true);
    expect(s.trials.some((t) => t.state === 'failed' && t.info?.phase === 'step')).toBe(true);
    expect(s.trials.every((t) => t.state !== 'running')).toBe(true);

    const opt = createShemoa(zdtCtx(9), { variant, populationSize: 8, maxEvaluations: 120 });
    drive(opt, (sg, n) => (n % 4 === 2 ? 'pruned' : n % 6 === 0 ? 'failed' : zdtValues(sg)), () => {
      expect(opt.population().length).toBeLessThanOrEqual(8);
    });
    expect(opt.phase).toBe('done');
    expect(opt.population().length).toBeGreaterThan(0);
  });

  it('a population that failed entirely is rebuilt from prior draws', () => {
    const opt = createShemoa(zdtCtx(2), { populationSize: 6, maxEvaluations: 60 });
    const { suggestions } = drive(opt, (s, n) => (n < 6 ? 'failed' : zdtValues(s)));
    expect(opt.phase).toBe('done');
    expect(suggestions[6].info?.operator).toBe('prior');
    expect(suggestions.some((s) => s.info?.operator === 'mutation' || s.info?.operator === 'recombination')).toBe(true);
    expect(opt.population().length).toBe(6);
  });
});

describe('SH-EMOA resume', () => {
  it.each(['paper', 'fixed'] as const)('%s: Study.resume replays the journal and continues as the uninterrupted run', async (variant) => {
    const opts = { variant, populationSize: 6, maxEvaluations: 70 };
    const whole = zdtStudy(opts, 3);
    await whole.optimize(zdtEval);
    const n = whole.trials.length;
    expect(whole.finished).toBe(true);

    // memory storage, stopped inside the initial batch and again inside the steps
    const mem = new MemoryStorage();
    const first = zdtStudy(opts, 3, mem);
    await first.optimize(zdtEval, { maxEvaluations: 4 });
    let resumed = Study.resume(mem, (ctx, meta) => createShemoa(ctx, meta.methodOptions as ShemoaOptions), quiet);
    await resumed.optimize(zdtEval, { maxEvaluations: 23 });
    resumed = Study.resume(mem, (ctx, meta) => createShemoa(ctx, meta.methodOptions as ShemoaOptions), quiet);
    expect(trace(resumed)).toEqual(trace(whole).slice(0, 23));
    await resumed.optimize(zdtEval);
    expect(resumed.finished).toBe(true);
    expect(trace(resumed)).toEqual(trace(whole));

    // journal file, process ended between trials: the same as the uninterrupted run
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-shemoa-'));
    const p1 = join(dir, 'a.jsonl');
    const before = zdtStudy(opts, 3, new JournalStorage(p1));
    await before.optimize(zdtEval, { maxEvaluations: 31 });
    before.close();
    const after = Study.resume(new JournalStorage(p1), (ctx, meta) => createShemoa(ctx, meta.methodOptions as ShemoaOptions), quiet);
    await after.optimize(zdtEval);
    expect(trace(after)).toEqual(trace(whole));
    after.close();

    // journal file, crashed with a trial running: it is run again, so the run is the uninterrupted one
    const path = join(dir, 'b.jsonl');
    const second = zdtStudy(opts, 3, new JournalStorage(path));
    await second.optimize(zdtEval, { maxEvaluations: 17 });
    expect(second.ask()).toBeDefined();
    second.close();
    const again = Study.resume(new JournalStorage(path), (ctx, meta) => createShemoa(ctx, meta.methodOptions as ShemoaOptions), quiet);
    expect(trace(again).slice(0, 17)).toEqual(trace(whole).slice(0, 17));
    expect(again.trials[17].state).toBe('running');
    await again.optimize(zdtEval);
    expect(again.finished).toBe(true);
    expect(trace(again)).toEqual(trace(whole));
    expect(again.trials.length).toBe(n);
    again.close();
  });
});

describe('SH-EMOA optimises', () => {
  it.each([5, 30])('on ZDT1 (%i variables, 300 evaluations) its final front beats the median random-sampling front over 5 seeds', (nVars) => {
    const problem = new Zdt1(nVars, { minBudget: 5, maxBudget: 25 });
    const ref = [...problem.referencePoint];
    const truth = (c: Config) => problem.evaluate(c).values; // full budget: noise-free
    const sh: number[] = [], rs: number[] = [];
    for (let seed = 1; seed <= 5; seed++) {
      const opt = createShemoa({ ...zdtCtx(seed), space: problem.space }, { populationSize: 20, maxEvaluations: 300 });
      const { suggestions } = drive(opt, (s) => problem.evaluate(s.params, { budget: s.budget, seed }).values);
      expect(suggestions.length).toBe(300);
      const front = opt.front();
      expect(front.every((m) => m.budget === 25)).toBe(true);
      sh.push(hypervolume(Float64Array.from(front.flatMap((m) => truth(m.params))), 2, ref));
      const rng = new Rng(1000 + seed);
      rs.push(hypervolume(Float64Array.from(Array.from({ length: 300 }, () => truth(problem.space.sample(rng))).flat()), 2, ref));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    expect(median(sh)).toBeGreaterThan(median(rs));
    expect(Math.min(...sh)).toBeGreaterThan(median(rs));
  });
});

describe('SH-EMOA on a space with a mutable conditional parent', () => {
  it('repairs children so that every proposal stays valid', () => {
    const space = new SearchSpace(
      [
        { type: 'categorical', name: 'kind', choices: ['a', 'b'] },
        { type: 'float', name: 'xa', lower: 0, upper: 1 },
        { type: 'float', name: 'xb', lower: 0, upper: 1 },
        { type: 'float', name: 'y', lower: 0, upper: 1 },
      ],
      { xa: { parent: 'kind', equals: 'a' }, xb: { parent: 'kind', equals: 'b' } },
    );
    const f = (c: Config) => [(c.kind === 'a' ? (c.xa as number) : 1 - (c.xb as number)) + (c.y as number), 2 - (c.y as number)];
    for (const variant of ['paper', 'fixed'] as const) {
      const opt = createShemoa({ space, nObj: 2, referencePoint: [3, 3], seed: 1 }, { variant, populationSize: 6, maxEvaluations: 120, mutatedKeys: 2 });
      const { suggestions } = drive(opt, (s) => f(s.params));
      expect(suggestions.length).toBeGreaterThanOrEqual(120);
      for (const s of suggestions) expect(space.isValid(s.params)).toBe(true);
      expect(new Set(suggestions.map((s) => s.params.kind)).size).toBe(2);
    }
  });
});
