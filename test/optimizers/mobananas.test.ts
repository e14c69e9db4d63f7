import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getMethod } from '../../src/optimizers/index.ts';
import {
  createMobananas, crowdingOrder, fixedEncoder, fixedMutation, halvingBudgets, MOBANANAS_PRESETS, mobananasSchedule,
  paperEncoder, paperMutation, sortedPopulation, thompsonChoose, truncatedNormal,
  type MobananasOptimizer, type MobananasOptions,
} from '../../src/optimizers/mobananas/index.ts';
import type { FinishedTrial, OptimizerContext, Suggestion } from '../../src/optimizers/types.ts';
import { BraninCurrin, Zdt1 } from '../../src/problems/synthetic.ts';
import { Rng } from '../../src/random/rng.ts';
import { nasSpace, NOT_MUTABLE } from '../../src/space/nas.ts';
import { SearchSpace } from '../../src/space/space.ts';
import type { Config } from '../../src/space/types.ts';
import { JournalStorage } from '../../src/study/journal.ts';
import { MemoryStorage, type Storage } from '../../src/study/storage.ts';
import { Study, type Trial } from '../../src/study/study.ts';
import { quantile, score } from '../helpers/quality.ts';

const quiet = () => {};
const zdt = new Zdt1(5, { minBudget: 5, maxBudget: 25 });
const space = nasSpace();

function zdtCtx(seed = 1, extra: Partial<OptimizerContext> = {}): OptimizerContext {
  return { space: zdt.space, nObj: 2, referencePoint: [...zdt.referencePoint], seed, minBudget: zdt.minBudget, maxBudget: zdt.maxBudget, ...extra };
}

function nasCtx(seed = 1): OptimizerContext {
  return { space, nObj: 2, referencePoint: [0, 8], seed, minBudget: 5, maxBudget: 25 };
}

const zdtValues = (s: Suggestion) => zdt.evaluate(s.params, { budget: s.budget, seed: 1 }).values;

/** A cheap stand-in for the CNN problem: [−accuracy %, log10 size] computed from the configuration. */
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
  const acc = Math.max(0, Math.min(1, 0.15 * size - lrPenalty + (c.batch_norm ? 0.05 : 0) - Math.abs(Math.log2(c.batch_size as number) - 6) / 40));
  return [-100 * acc, size];
}

/**
 * Drive an optimizer sequentially (each suggestion told at once, so it never waits) until done
 * or `limit` trials; `objective` returns minimised values or a failed/pruned state.
 */
function drive(
  opt: MobananasOptimizer,
  objective: (s: Suggestion, n: number) => number[] | 'failed' | 'pruned',
  limit = 100_000,
  start = 0,
): { suggestions: Suggestion[]; trials: FinishedTrial[] } {
  const suggestions: Suggestion[] = [], trials: FinishedTrial[] = [];
  for (let n = start; n < start + limit; n++) {
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
  }
  return { suggestions, trials };
}

const trace = (s: Suggestion[]) => s.map((x) => ({ params: x.params, budget: x.budget }));

// ---------------------------------------------------------------------------------------------

describe('MO-BANANAS encoding (docs/methods.md#mobananas-encoding, docs/methods.md#odd-32)', () => {
  // names order: batch_norm, batch_size, global_avg_pooling, kernel_size, lr_init, n_conv_0,
  // n_conv_l, n_fc_l, n_conv_1, n_conv_2, n_fc_0, n_fc_1, n_fc_2
  const full: Config = {
    batch_norm: true, batch_size: 128, global_avg_pooling: false, kernel_size: 5, lr_init: 0.001, n_conv_0: 64, n_conv_l: 3, n_fc_l: 3,
    n_conv_1: 128, n_conv_2: 256, n_fc_0: 32, n_fc_1: 16, n_fc_2: 8,
  };
  const shallow: Config = {
    batch_norm: false, batch_size: 1, global_avg_pooling: true, kernel_size: 3, lr_init: 0.01, n_conv_0: 512, n_conv_l: 1, n_fc_l: 2, n_fc_0: 64, n_fc_1: 2,
  };

  it('both configurations are valid for the NAS space', () => {
    expect(space.isValid(full)).toBe(true);
    expect(space.isValid(shallow)).toBe(true);
  });

  it('paper: keys in ConfigSpace order, missing widths appended as 0, ==True mapping, v/upper, kernel v/7', () => {
    const enc = paperEncoder(space);
    expect(enc.dim).toBe(13);
    expect(Array.from(enc.encode(full))).toEqual([
      1, 128 / 512, 0, 5 / 7, 0.001, 64 / 1024, 3 / 3, 3 / 3, 128 / 1024, 256 / 1024, 32 / 512, 16 / 512, 8 / 512,
    ]);
    // n_conv_l = 1 → 1 (== True), batch_size = 1 → 1 (== True), n_fc_l = 2 → 2/3; the slots after
    // n_fc_l hold n_fc_0, n_fc_1 (not n_conv_1, n_conv_2): misaligned; n_conv_1, n_conv_2, n_fc_2 appended as 0
    expect(Array.from(enc.encode(shallow))).toEqual([0, 1, 1, 3 / 7, 0.01, 512 / 1024, 1, 2 / 3, 64 / 512, 2 / 512, 0, 0, 0]);
    // n_conv_l = 1 and = 3 encode alike; lr is linear (1e-5 and 1e-3 both ≈ 0)
    expect(enc.encode({ ...full, n_conv_l: 1, n_conv_1: undefined, n_conv_2: undefined } as never)[6]).toBe(1);
    expect(enc.encode({ ...full, kernel_size: 7 })[3]).toBe(1);
    expect(enc.encode({ ...full, lr_init: 1e-5 })[4]).toBeLessThan(1e-4);
    // the key order of the object does not matter (ConfigSpace's order is used)
    const reversed = Object.fromEntries(Object.entries(shallow).reverse());
    expect(Array.from(enc.encode(reversed))).toEqual(Array.from(enc.encode(shallow)));
  });

  it('fixed: aligned positions (inactive 0), log-scale unit coordinates, kernel by value, booleans 0/1', () => {
    const enc = fixedEncoder(space);
    expect(enc.dim).toBe(13);
    const a = enc.encode(full), b = enc.encode(shallow);
    const at = (n: string) => space.names.indexOf(n);
    expect(a[at('batch_norm')]).toBe(1);
    expect(b[at('batch_norm')]).toBe(0);
    expect(a[at('kernel_size')]).toBe(0.5);
    expect(b[at('kernel_size')]).toBe(0);
    expect(a[at('lr_init')]).toBeCloseTo(0.4, 12); // log10: (−3 + 5) / 5
    expect(b[at('lr_init')]).toBeCloseTo(0.6, 12);
    // n_conv_1, n_conv_2, n_fc_2 inactive in `shallow`: 0 at their own positions
    for (const n of ['n_conv_1', 'n_conv_2', 'n_fc_2']) expect(b[at(n)]).toBe(0);
    // widths at the same positions in both
    expect(b[at('n_fc_0')]).toBeCloseTo(space.toUnit('n_fc_0', 64), 15);
    expect(a[at('n_conv_1')]).toBeCloseTo(space.toUnit('n_conv_1', 128), 15);
    // the value 1 is not special: n_conv_l 1 < 2 < 3, batch_size 1 is the low end
    const depths = [1, 2, 3].map((d) => space.toUnit('n_conv_l', d));
    expect(b[at('n_conv_l')]).toBe(depths[0]);
    expect(depths[0]).toBeLessThan(depths[1]);
    expect(b[at('batch_size')]).toBeLessThan(0.11);
    for (const v of [...a, ...b]) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('fixed: non-numeric choices one-hot, constants dropped; paper: choice index, constants 0', () => {
    const s = new SearchSpace([
      { type: 'categorical', name: 'act', choices: ['relu', 'tanh', 'gelu'] },
      { type: 'constant', name: 'c', value: 4 },
      { type: 'float', name: 'x', lower: -2, upper: 2 },
    ]);
    const cfg = { act: 'tanh', c: 4, x: 0.5 };
    expect(fixedEncoder(s).dim).toBe(4);
    expect(Array.from(fixedEncoder(s).encode(cfg))).toEqual([0, 1, 0, 0.625]);
    expect(Array.from(paperEncoder(s).encode(cfg))).toEqual([0.5, 0, 0.25]);
    // the paper's == True: x = 1 encodes as 1 whatever the bound
    expect(paperEncoder(s).encode({ ...cfg, x: 1 })[2]).toBe(1);
  });
});

describe('MO-BANANAS mutation (docs/methods.md#mobananas-mutation, docs/methods.md#odd-33–34)', () => {
  const parent: Config = {
    batch_norm: false, batch_size: 64, global_avg_pooling: true, kernel_size: 5, lr_init: 0.001, n_conv_0: 128, n_conv_l: 2, n_fc_l: 1,
    n_conv_1: 64, n_fc_0: 32,
  };
  const frozen = new Set(NOT_MUTABLE);
  const changed = (a: Config, b: Config) => Object.keys(a).filter((k) => a[k] !== b[k]);

  it('truncatedNormal stays in bounds and has the truncated mean', () => {
    const rng = new Rng(1);
    let s = 0;
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const v = truncatedNormal(rng, 0, 1, 0, 3);
      expect(v >= 0 && v <= 3).toBe(true);
      s += v;
    }
    // E[Z | 0 < Z < 3] = (φ(0) − φ(3)) / (Φ(3) − Φ(0)) = 0.7916...
    expect(s / N).toBeCloseTo(0.7916, 2);
  });

  it('paper: at most 3 keys, depths never change, ints truncated toward zero, lr mutated on the linear scale', () => {
    const rng = new Rng(2);
    const lrs: number[] = [];
    let batchAtUpper = 0, wasted = 0;
    for (let i = 0; i < 3000; i++) {
      const child = paperMutation(rng, space, parent, 3, frozen);
      expect(space.isValid(child)).toBe(true);
      expect(Object.keys(child)).toEqual(Object.keys(parent));
      expect(child.n_conv_l).toBe(2);
      expect(child.n_fc_l).toBe(1);
      const c = changed(parent, child);
      expect(c.length).toBeLessThanOrEqual(3);
      if (c.length < 3) wasted++;
      for (const k of ['batch_size', 'n_conv_0', 'n_conv_1', 'n_fc_0']) expect(Number.isInteger(child[k])).toBe(true);
      if (child.lr_init !== parent.lr_init) lrs.push(child.lr_init as number);
      if (child.batch_size === 512) batchAtUpper++;
    }
    // half-normal on [1e-5, 1] around 0.001 with sd 1/3: mean ≈ 0.27, far above the parent's 1e-3
    const mean = lrs.reduce((a, b) => a + b, 0) / lrs.length;
    expect(mean).toBeGreaterThan(0.2);
    expect(mean).toBeLessThan(0.33);
    // int(): the upper bound needs a draw of exactly 512
    expect(batchAtUpper).toBe(0);
    // immutable keys are drawn too (and re-drawn categoricals may keep their value)
    expect(wasted).toBeGreaterThan(600);
  });

  it('fixed: exactly 3 changes among mutable keys, choices always change, lr moves on the log scale, depths repaired', () => {
    const rng = new Rng(3);
    const logSteps: number[] = [];
    let depthChanges = 0;
    for (let i = 0; i < 3000; i++) {
      const child = fixedMutation(rng, space, parent, 3, new Set(), 1 / 3);
      expect(space.isValid(child)).toBe(true);
      const c = changed(parent, child).filter((k) => k in parent && k in child);
      if (child.lr_init !== parent.lr_init) logSteps.push(Math.log10(child.lr_init as number) - Math.log10(parent.lr_init as number));
      if (child.n_conv_l !== parent.n_conv_l || child.n_fc_l !== parent.n_fc_l) depthChanges++;
      for (const k of ['batch_norm', 'global_avg_pooling', 'kernel_size']) {
        // a drawn choice changes; integers may round back to their value
        if (c.includes(k)) expect(child[k]).not.toBe(parent[k]);
      }
    }
    // sd 1/3 of the 5 decades: steps of about ±1.7 decades, both ways
    const up = logSteps.filter((s) => s > 0).length;
    expect(up / logSteps.length).toBeGreaterThan(0.35);
    expect(up / logSteps.length).toBeLessThan(0.65);
    const sd = Math.sqrt(logSteps.reduce((a, b) => a + b * b, 0) / logSteps.length);
    expect(sd).toBeGreaterThan(1);
    expect(sd).toBeLessThan(2);
    expect(depthChanges).toBeGreaterThan(200);
    // frozen depths when asked
    const r2 = new Rng(4);
    for (let i = 0; i < 500; i++) {
      const child = fixedMutation(r2, space, parent, 3, frozen);
      expect([child.n_conv_l, child.n_fc_l]).toEqual([2, 1]);
      // all 3 draws hit mutable keys: with choices always changing and ints moving, ≥ 1 change each time
      expect(changed(parent, child).length).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('MO-SH-BANANAS schedule (docs/methods.md#mobananas-loop, docs/methods.md#odd-35)', () => {
  it('halving ladder 5..25 with eta 3 is [9, 25]; the paper keeps 10 → 3 → 1', () => {
    expect(halvingBudgets(5, 25, 3)).toEqual([9, 25]);
    expect(halvingBudgets(1, 25, 3)).toEqual([3, 9, 25]);
    expect(halvingBudgets(25, 25, 3)).toEqual([25]);
    expect(halvingBudgets(0.1, 1, 3)).toEqual([1]); // the reference's ceil would loop; guarded
    expect(halvingBudgets(0.1, 1, 3, false)).toEqual([1 / 9, 1 / 3, 1]);
    const range = { minBudget: 5, maxBudget: 25 };
    const base = { nInit: 10, selectModels: 10, eta: 3, successiveHalving: true, range };
    const flowers = mobananasSchedule('paper', { ...base, functionEvaluations: 10000 });
    expect(flowers).toEqual({ budgets: [9, 25], sizes: [10, 3], survivors: 1, iterations: 3330, evaluations: 10 + 13 * 3330 });
    const fashion = mobananasSchedule('paper', { ...base, functionEvaluations: 400 });
    expect(fashion.iterations).toBe(130);
    expect(fashion.evaluations).toBe(1700);
    // fixed: the total is met exactly, 3 survivors per iteration
    expect(mobananasSchedule('fixed', { ...base, functionEvaluations: 400 })).toEqual({ budgets: [9, 25], sizes: [10, 3], survivors: 3, iterations: 30, evaluations: 400 });
    // eta is used by the fixed variant only
    expect(mobananasSchedule('fixed', { ...base, eta: 2, functionEvaluations: 400 }).budgets).toEqual([7, 13, 25]);
    expect(mobananasSchedule('paper', { ...base, eta: 2, functionEvaluations: 400 }).budgets).toEqual([9, 25]);
    // plain MO-BANANAS and a problem without fidelity
    expect(mobananasSchedule('fixed', { ...base, successiveHalving: false, functionEvaluations: 100 })).toEqual({ budgets: [25], sizes: [10], survivors: 10, iterations: 9, evaluations: 100 });
    expect(mobananasSchedule('fixed', { ...base, range: undefined, functionEvaluations: 100 }).budgets).toEqual([undefined]);
  });

  it('presets give the paper\'s schedules (docs/methods.md#presets); the registry lists them', () => {
    const flowers = createMobananas(nasCtx(), { preset: 'flowers', variant: 'paper' });
    expect(flowers.schedule.iterations).toBe(3330);
    const fashion = createMobananas(nasCtx(), { preset: 'fashion' });
    expect(fashion.schedule).toEqual({ budgets: [9, 25], sizes: [10, 3], survivors: 3, iterations: 30, evaluations: 400 });
    expect(MOBANANAS_PRESETS.fashion.functionEvaluations).toBe(400);
    expect(getMethod('mobananas').presets).toEqual(['flowers', 'fashion']);
  });

  it.each(['paper', 'fixed'] as const)('%s: each iteration evaluates the chosen children at 9, promotes 3 to 25, and adds its survivors', (variant) => {
    const opt = createMobananas(nasCtx(5), { preset: 'fashion', variant, functionEvaluations: 75 });
    const { suggestions } = drive(opt, (s) => nasObjective(s.params));
    expect(suggestions.length).toBe(opt.schedule.evaluations);
    const init = suggestions.slice(0, 10);
    expect(init.every((s) => s.budget === 25 && s.info?.phase === 'init')).toBe(true);
    const iterations = opt.schedule.iterations;
    expect(iterations).toBe(variant === 'paper' ? 21 : 5);
    for (let it = 0; it < iterations; it++) {
      const block = suggestions.slice(10 + 13 * it, 10 + 13 * (it + 1));
      expect(block.map((s) => s.budget)).toEqual([...Array(10).fill(9), 25, 25, 25]);
      expect(block.every((s) => s.info?.iteration === it && typeof s.info?.parent === 'number')).toBe(true);
      // the three at 25 are three of the ten at 9, retrained
      const low = new Set(block.slice(0, 10).map((s) => s.info?.member));
      expect(block.slice(10).every((s) => low.has(s.info?.member))).toBe(true);
    }
    expect(opt.archive().length).toBe(10 + iterations * (variant === 'paper' ? 1 : 3));
    expect(opt.archive().every((m) => m.budget === 25)).toBe(true);
    expect(opt.phase).toBe('done');
    expect(opt.ask(10_000).kind).toBe('done');
    for (const s of suggestions) expect(space.isValid(s.params)).toBe(true);
  });

  it('paper: a plan in which nobody survives (1..25: [3, 9, 25] keeps 10 → 3 → 1 → 0) is an error that says why', () => {
    expect(() => createMobananas(zdtCtx(2, { minBudget: 1 }), { variant: 'paper', functionEvaluations: 40, nInit: 6 }))
      .toThrow(/successive halving of 10 chosen children over the rungs \[3, 9, 25\] keeps \[10, 3, 1\] and then 0, so no member would ever enter the archive/);
    // the paper's own range 5..25 gives [9, 25] and one survivor per iteration
    const opt = createMobananas(zdtCtx(2, { minBudget: 5 }), { variant: 'paper', functionEvaluations: 40, nInit: 6 });
    expect(opt.schedule.budgets).toEqual([9, 25]);
    expect(opt.schedule.survivors).toBe(1);
  });

  it('plain MO-BANANAS (successiveHalving: false): every chosen child at the top budget, all kept', () => {
    const opt = createMobananas(zdtCtx(3), { successiveHalving: false, nInit: 8, selectModels: 4, numArch: 8, functionEvaluations: 40 });
    const { suggestions } = drive(opt, zdtValues);
    expect(suggestions.length).toBe(40);
    expect(suggestions.every((s) => s.budget === 25)).toBe(true);
    expect(opt.archive().length).toBe(40);
  });
});

describe('MO-BANANAS ranking and selection (docs/methods.md#pareto-weak, docs/methods.md#pareto-crowding, docs/methods.md#mobananas-selection)', () => {
  it('crowdingOrder: Euclidean neighbour distances in normalised space, infinite ends with the larger index first', () => {
    const pts: [number, number][] = [[1, 0], [0, 1], [0.2, 0.5], [0.5, 0.45], [0.9, 0.1]];
    // sorted by f0: 1 (0,1), 2 (0.2,0.5), 3 (0.5,0.45), 4 (0.9,0.1), 0 (1,0)
    const d2 = Math.hypot(0.2, 0.5) + Math.hypot(0.3, 0.05);
    const d3 = Math.hypot(0.3, 0.05) + Math.hypot(0.4, 0.35);
    const d4 = Math.hypot(0.4, 0.35) + Math.hypot(0.1, 0.1);
    expect(d2).toBeGreaterThan(d3);
    expect(d3).toBeGreaterThan(d4);
    expect(crowdingOrder(pts, [0, 1, 2, 3, 4])).toEqual([1, 0, 2, 3, 4]);
    expect(crowdingOrder(pts, [3])).toEqual([3]);
  });

  it('sortedPopulation: fronts first (duplicates to later fronts), crowding within', () => {
    const pts: [number, number][] = [[2, 2], [1, 3], [3, 1], [1, 3], [4, 4]];
    // front 0: 0, 1, 2 (1 kept, its duplicate 3 goes to front 1); front 1: 3; front 2: 4
    expect(sortedPopulation(pts)).toEqual([2, 1, 0, 3, 4]);
  });

  it('thompsonChoose: with agreeing networks it takes the first of the mean ranking; disagreement adds spread', () => {
    const mean: [number, number][] = Array.from({ length: 8 }, (_, i) => [i, 8 - i] as [number, number]).concat([[5, 9], [7, 9]]);
    const order = sortedPopulation(mean);
    expect(thompsonChoose(new Rng(1), mean, [mean, mean, mean], 4)).toEqual(order.slice(0, 4));
    expect(thompsonChoose(new Rng(1), mean, [mean], 20).length).toBe(10);
    // networks that disagree: the choice varies with the seed
    const noisy = [0, 1, 2, 3, 4].map((k) => mean.map(([a, b], i) => [a + ((i * 7 + k * 3) % 5), b - ((i * 3 + k) % 4)] as [number, number]));
    const picks = new Set([1, 2, 3, 4, 5, 6, 7, 8].map((s) => thompsonChoose(new Rng(s), mean, noisy, 3).join()));
    expect(picks.size).toBeGreaterThan(1);
  });
});

describe('MO-BANANAS ask/tell', () => {
  it('batches the initial sample and every rung; wait and done change nothing', () => {
    const opts: MobananasOptions = { nInit: 6, numArch: 6, selectModels: 6, functionEvaluations: 40 };
    const a = createMobananas(zdtCtx(3), opts), b = createMobananas(zdtCtx(3), opts);
    const asked: Suggestion[] = [];
    let n = 0;
    // ask everything available, then wait; tell in reverse order
    while (asked.length < a.schedule.evaluations) {
      const batch: [number, Suggestion][] = [];
      for (;;) {
        const r = a.ask(n);
        if (r.kind !== 'suggest') {
          expect(r.kind).toBe(batch.length > 0 ? 'wait' : 'done');
          expect(a.ask(n).kind).toBe(r.kind);
          break;
        }
        batch.push([n++, r.suggestion]);
      }
      if (batch.length === 0) break;
      asked.push(...batch.map(([, s]) => s));
      for (const [num, s] of batch.reverse()) a.tell({ number: num, params: s.params, budget: s.budget, state: 'complete', values: zdtValues(s) });
    }
    expect(a.phase).toBe('done');
    const seq = drive(b, zdtValues).suggestions;
    expect(trace(asked)).toEqual(trace(seq));
    expect(a.ask(999).kind).toBe('done');
    expect(() => a.tell({ number: 4321, params: {}, state: 'failed' })).toThrow(/mobananas.tell: trial 4321 was not proposed/);
  });

  it('is deterministic per seed, differs across seeds, and resumes by replaying the ask/tell sequence', () => {
    for (const variant of ['paper', 'fixed'] as const) {
      const opts: MobananasOptions = { variant, preset: 'fashion', functionEvaluations: 62 };
      const whole = drive(createMobananas(nasCtx(7), opts), (s) => nasObjective(s.params));
      const again = drive(createMobananas(nasCtx(7), opts), (s) => nasObjective(s.params));
      expect(trace(again.suggestions)).toEqual(trace(whole.suggestions));
      const other = drive(createMobananas(nasCtx(8), opts), (s) => nasObjective(s.params));
      expect(trace(other.suggestions)).not.toEqual(trace(whole.suggestions));
      // replay the first 29 asks and tells on a fresh instance, then go on
      const fresh = createMobananas(nasCtx(7), opts);
      for (const t of whole.trials.slice(0, 29)) {
        const r = fresh.ask(t.number);
        expect(r.kind).toBe('suggest');
        fresh.tell(t);
      }
      const rest = drive(fresh, (s) => nasObjective(s.params), 100_000, 29);
      expect(trace(rest.suggestions)).toEqual(trace(whole.suggestions.slice(29)));
    }
  });

  it('resumes a Study from its journal after a crash with a trial running', async () => {
    const opts = { nInit: 6, numArch: 8, selectModels: 6, functionEvaluations: 60 };
    const make = (storage: Storage) => Study.create(
      {
        space: zdt.space, directions: ['minimize', 'minimize'], referencePoint: [...zdt.referencePoint], method: 'mobananas',
        methodOptions: opts, seed: 4, minBudget: zdt.minBudget, maxBudget: zdt.maxBudget, storage, onWarning: quiet,
      },
      (ctx, meta) => createMobananas(ctx, meta.methodOptions as MobananasOptions),
    );
    const evalT = (t: Trial) => zdt.evaluate(t.params, { budget: t.budget, seed: 1 }).values;
    const tr = (s: Study) => s.trials.map((t) => ({ params: t.params, budget: t.budget, state: t.state }));
    const whole = make(new MemoryStorage());
    await whole.optimize(evalT);
    const dir = mkdtempSync(join(tmpdir(), 'paretonas-mobananas-'));
    const path = join(dir, 'a.jsonl');
    const first = make(new JournalStorage(path));
    await first.optimize(evalT, { maxEvaluations: 21 });
    expect(first.ask()).toBeDefined();
    first.close();
    const resumed = Study.resume(new JournalStorage(path), (ctx, meta) => createMobananas(ctx, meta.methodOptions as MobananasOptions), quiet);
    expect(tr(resumed).slice(0, 21)).toEqual(tr(whole).slice(0, 21));
    // the interrupted trial is run again, so the resumed run is the uninterrupted one
    expect(resumed.trials[21].state).toBe('running');
    await resumed.optimize(evalT);
    expect(resumed.finished).toBe(true);
    expect(tr(resumed)).toEqual(tr(whole));
    resumed.close();
  });
});

describe('MO-BANANAS robustness', () => {
  it.each(['paper', 'fixed'] as const)('%s: failed and pruned trials do not crash it; every proposal is valid', (variant) => {
    const opt = createMobananas(nasCtx(9), { variant, preset: 'fashion', functionEvaluations: 120 });
    const { suggestions } = drive(opt, (s, n) => (n % 4 === 1 ? 'failed' : n % 7 === 3 ? 'pruned' : nasObjective(s.params)));
    expect(suggestions.length).toBeGreaterThan(40);
    for (const s of suggestions) {
      expect(space.isValid(s.params)).toBe(true);
      expect(s.budget! >= 5 && s.budget! <= 25).toBe(true);
    }
    expect(opt.archive().every((m) => m.values.length === 2)).toBe(true);
  });

  it('an initial sample that failed entirely is followed by prior draws', () => {
    const opt = createMobananas(zdtCtx(1), { nInit: 5, functionEvaluations: 60 });
    const { suggestions } = drive(opt, (s, n) => (n < 5 ? 'failed' : zdtValues(s)));
    expect(suggestions.length).toBeGreaterThan(20);
    expect(suggestions[5].info?.parent).toBeUndefined();
    expect(opt.archive().length).toBeGreaterThan(0);
  });

  it('rejects nObj other than 2 and bad options with RangeErrors naming them; serves problems without fidelity', () => {
    expect(() => createMobananas(zdtCtx(1, { nObj: 3, referencePoint: [1, 1, 1] }))).toThrow(/createMobananas: MO-BANANAS is defined for exactly 2 objectives/);
    expect(() => createMobananas(zdtCtx(), { nInit: 0 })).toThrow(/options.nInit must be an integer >= 1/);
    expect(() => createMobananas(zdtCtx(), { eta: 1 })).toThrow(/options.eta/);
    expect(() => createMobananas(zdtCtx(), { foo: 1 } as never)).toThrow(/unknown option 'foo'/);
    expect(() => createMobananas(zdtCtx(), { preset: 'mnist' as never })).toThrow(/options.preset/);
    expect(() => createMobananas(zdtCtx(), { variant: 'paper', selectModels: 2 })).toThrow(/selectModels >= eta/);
    expect(() => createMobananas(zdtCtx(), { notMutable: ['nope'] })).toThrow(/options.notMutable names unknown/);
    expect(() => createMobananas(zdtCtx(), { functionEvaluations: 5, nInit: 10 })).toThrow(/functionEvaluations \(5\) must be at least nInit/);
    // budgets are clamped into the problem's range
    expect(createMobananas(zdtCtx(), { minBudget: 1, maxBudget: 100 }).schedule.budgets).toEqual([9, 25]);
    const plain = createMobananas(zdtCtx(1, { minBudget: undefined, maxBudget: undefined }), { nInit: 4, functionEvaluations: 30 });
    const { suggestions } = drive(plain, (s) => zdt.evaluate(s.params).values);
    expect(suggestions.every((s) => s.budget === undefined)).toBe(true);
  });

  it('front() is the first docs/methods.md#pareto-weak front of the archive', () => {
    const opt = createMobananas(zdtCtx(6), { nInit: 8, functionEvaluations: 60 });
    drive(opt, zdtValues);
    const front = opt.front();
    const all = opt.archive();
    expect(front.length).toBeGreaterThan(0);
    for (const f of front) expect(all.some((m) => m.values[0] <= f.values[0] && m.values[1] <= f.values[1] && (m.values[0] < f.values[0] || m.values[1] < f.values[1]))).toBe(false);
  });
});

describe('MO-SH-BANANAS optimises', () => {
  // budgets 5..25 as in the paper's example scripts: iterations of 10 children at 9 epochs and 3 at 25
  const EVALS = 250;
  const SEEDS = [1, 2, 3, 4, 5];
  it.each([
    ['ZDT1 (6 variables)', () => new Zdt1(6)],
    ['Branin-Currin', () => new BraninCurrin()],
  ] as const)('on %s its median full-fidelity hypervolume over 5 seeds beats Random Search\'s (250 evaluations)', async (_name, make) => {
    const problem = make();
    const ours: number[] = [], random: number[] = [];
    for (const seed of SEEDS) {
      ours.push(await score(problem, 'mobananas', { minBudget: 5 }, seed, EVALS));
      random.push(await score(problem, 'random', {}, seed, EVALS));
    }
    expect(quantile(ours, 0.5)).toBeGreaterThan(quantile(random, 0.5));
  });
});
