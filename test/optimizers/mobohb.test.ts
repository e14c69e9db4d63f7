import { describe, expect, it } from 'vitest';
import { createMobohb, MOBOHB_PRESETS, type MobohbOptions } from '../../src/optimizers/mobohb/index.ts';
import { promote } from '../../src/optimizers/mobohb/promotion.ts';
import { bracketPlan, historyBudget, numRungs, rungBudgets, trainingBudget } from '../../src/optimizers/mobohb/schedule.ts';
import { hvReference, splitGoodBad } from '../../src/optimizers/mobohb/split.ts';
import type { FinishedTrial, Optimizer, OptimizerContext, Suggestion } from '../../src/optimizers/types.ts';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import { BraninCurrin, Zdt1 } from '../../src/problems/synthetic.ts';
import type { Problem } from '../../src/problems/types.ts';
import { Rng } from '../../src/random/rng.ts';
import { nasUniformSpace } from '../../src/space/nas.ts';
import { SearchSpace } from '../../src/space/space.ts';
import { MemoryStorage } from '../../src/study/storage.ts';
import { Study, type Trial } from '../../src/study/study.ts';
import { EPS } from '../../src/surrogates/parzen.ts';
import { expectAllClose } from '../helpers/tolerance.ts';

const rows = (r: number[][]) => Float64Array.from(r.flat());

function ctxOf(problem: Problem, seed = 0): OptimizerContext {
  const signs = problem.objectives.map((o) => (o.direction === 'maximize' ? -1 : 1));
  return {
    space: problem.space,
    nObj: problem.objectives.length,
    referencePoint: problem.referencePoint.map((r, k) => r * signs[k]),
    seed,
    minBudget: problem.minBudget,
    maxBudget: problem.maxBudget,
  };
}

/** Ask/tell sequentially, evaluating every suggestion at once; stops at 'done' or after n trials. */
function drive(opt: Optimizer, f: (s: Suggestion, n: number) => number[] | undefined, n: number): Suggestion[] {
  const out: Suggestion[] = [];
  for (let i = 0; i < n; i++) {
    const r = opt.ask(i);
    if (r.kind === 'done') break;
    if (r.kind === 'wait') throw new Error('a sequential driver never waits');
    const s = r.suggestion;
    out.push(s);
    const values = f(s, i);
    opt.tell({ number: i, params: s.params, budget: s.budget, info: s.info, state: values ? 'complete' : 'failed', values });
  }
  return out;
}

function studyOf(problem: Problem, options: MobohbOptions, seed: number, storage = new MemoryStorage()): Study {
  return Study.create(
    {
      space: problem.space,
      directions: problem.objectives.map((o) => o.direction),
      referencePoint: [...problem.referencePoint],
      method: 'mobohb',
      methodOptions: options as Record<string, unknown>,
      seed,
      minBudget: problem.minBudget,
      maxBudget: problem.maxBudget,
      storage,
      onWarning: () => {},
    },
    (ctx, meta) => createMobohb(ctx, meta.methodOptions as MobohbOptions),
  );
}

const factory = (ctx: OptimizerContext, meta: { methodOptions?: Record<string, unknown> }) => createMobohb(ctx, meta.methodOptions as MobohbOptions);
const evalOf = (problem: Problem, seed: number) => (t: Trial) => (problem.evaluate(t.params, { budget: t.budget, seed }) as { values: number[] }).values;
const summary = (s: Study) => s.trials.map((t) => ({ params: t.params, budget: t.budget, info: t.info, state: t.state }));
const info = (s: Suggestion) => s.info as { bracket: number; stage: number; index: number; source: string };

describe('MO-BOHB bracket schedule (docs/methods.md#mobohb-brackets)', () => {
  it('numRungs / rungBudgets give S = 3 and 6.25, 12.5, 25 for 5..25, eta = 2', () => {
    expect(numRungs(5, 25, 2, 'paper')).toBe(3);
    expect(numRungs(5, 25, 2, 'fixed')).toBe(3);
    expect(rungBudgets(3, 25, 2)).toEqual([6.25, 12.5, 25]);
    // ln(1/100)/ln(10) evaluates to -1.9999999999999996: Python's int() makes it 2 rungs
    expect(numRungs(1, 100, 10, 'paper')).toBe(2);
    expect(numRungs(1, 100, 10, 'fixed')).toBe(3);
  });

  it('bracketPlan: the init bracket, then s = 1, 0, 2 repeating', () => {
    const plan = (t: number, init = true) => {
      const p = bracketPlan(t, 3, 25, 2, init, 50);
      return [p.s, p.ns, p.budgets, p.init];
    };
    expect(plan(0)).toEqual([0, [50], [25], true]);
    expect(plan(1)).toEqual([1, [2, 1], [12.5, 25], false]);
    expect(plan(2)).toEqual([0, [3], [25], false]);
    expect(plan(3)).toEqual([2, [4, 2, 1], [6.25, 12.5, 25], false]);
    expect(plan(4)).toEqual(plan(1));
    expect(plan(2000 - 1)).toEqual(plan(1)); // 1999 mod 3 = 1
    expect(plan(0, false)).toEqual([2, [4, 2, 1], [6.25, 12.5, 25], false]);
    // eta = 3 on 1..9 (S = 3): s = 2: n0 = floor(3/3)·9 = 9 -> [9, 3, 1]; s = 1: n0 = floor(3/2)·3 = 3 -> [3, 1]
    expect(bracketPlan(0, 3, 9, 3, false, 0).ns).toEqual([9, 3, 1]);
    expect(bracketPlan(1, 3, 9, 3, false, 0).ns).toEqual([3, 1]);
    expect(bracketPlan(1, 3, 9, 3, false, 0).budgets).toEqual([3, 9]);
  });

  it('budgets 6.25 / 12.5 / 25: paper trains int() and files ceil; fixed trains and files one value', () => {
    const b = [6.25, 12.5, 25];
    expect(b.map((x) => trainingBudget(x, 'paper', true, 5, 25))).toEqual([6, 12, 25]);
    expect(b.map((x) => historyBudget(x, 'paper', trainingBudget(x, 'paper', true, 5, 25)))).toEqual([7, 13, 25]);
    expect(b.map((x) => trainingBudget(x, 'fixed', true, 5, 25))).toEqual([7, 13, 25]);
    expect(b.map((x) => historyBudget(x, 'fixed', trainingBudget(x, 'fixed', true, 5, 25)))).toEqual([7, 13, 25]);
    expect(b.map((x) => trainingBudget(x, 'fixed', false, 5, 25))).toEqual([6.25, 12.5, 25]);
    expect(historyBudget(80, 'paper', 80)).toBe(50); // new_result caps at 50
  });

  for (const variant of ['paper', 'fixed'] as const) {
    it(`runs the schedule through ask/tell (${variant})`, () => {
      const zdt = new Zdt1(5);
      const opt = createMobohb(ctxOf(zdt), { variant, nInit: 3, minBudget: 5, maxBrackets: 4 });
      const got = drive(opt, (s) => zdt.evaluate(s.params, { budget: s.budget }).values as number[], 1000);
      const seq = got.map((s) => `${info(s).bracket}.${info(s).stage}@${s.budget}`);
      const count = (tag: string) => seq.filter((x) => x === tag).length;
      expect(count('0.0@25')).toBe(3);
      if (variant === 'paper') {
        expect([count('1.0@12'), count('1.1@25'), count('2.0@25'), count('3.0@6')]).toEqual([2, 2, 3, 4]);
        expect(count('3.1@12')).toBeGreaterThanOrEqual(3);
        expect(count('3.2@25')).toBeGreaterThanOrEqual(2);
      } else {
        expect([count('1.0@13'), count('1.1@25'), count('2.0@25'), count('3.0@7'), count('3.1@13'), count('3.2@25')]).toEqual([2, 1, 3, 4, 2, 1]);
      }
      expect(seq.length).toBe(seq.filter((x) => /^[0-3]\./.test(x)).length);
      expect(opt.ask(got.length).kind).toBe('done');
      expect(opt.ask(got.length).kind).toBe('done');
      // promoted trials carry the configuration of their entry in stage 0
      const stage0 = new Map(got.filter((s) => info(s).stage === 0).map((s) => [`${info(s).bracket}/${info(s).index}`, s.params]));
      for (const s of got.filter((x) => info(x).source === 'promoted')) expect(s.params).toEqual(stage0.get(`${info(s).bracket}/${info(s).index}`));
    });
  }

  it("answers 'wait' while a stage's results are out, without changing state or drawing", () => {
    const zdt = new Zdt1(5);
    const mk = () => createMobohb(ctxOf(zdt, 5), { nInit: 4, minBudget: 5, minPointsInModel: 3 });
    const a = mk(), b = mk();
    const val = (s: Suggestion) => zdt.evaluate(s.params, { budget: s.budget }).values as number[];
    // stage 0 of the init bracket: 4 suggestions at once, then 'wait'
    const sa: Suggestion[] = [];
    for (let i = 0; i < 4; i++) {
      const r = a.ask(i);
      expect(r.kind).toBe('suggest');
      if (r.kind === 'suggest') sa.push(r.suggestion);
    }
    for (let k = 0; k < 3; k++) expect(a.ask(4).kind).toBe('wait');
    for (let i = 0; i < 4; i++) a.tell({ number: i, params: sa[i].params, budget: sa[i].budget, state: 'complete', values: val(sa[i]) });
    const restA = drive({ method: 'x', ask: (n) => a.ask(n + 4), tell: (t) => a.tell({ ...t, number: t.number + 4 }) }, val, 30);
    // b: the same without the extra asks
    const sb = drive(b, val, 34);
    expect(sb.slice(0, 4)).toEqual(sa);
    expect(sb.slice(4)).toEqual(restA);
    expect(() => a.ask(0)).toThrow(/already proposed/);
    expect(() => a.tell({ number: 999, params: {}, state: 'failed' })).toThrow(/not proposed/);
    expect(() => a.tell({ number: 0, params: {}, state: 'failed' })).toThrow(/already told/);
  });
});

describe('MO-BOHB promotion (docs/methods.md#mobohb-promotion)', () => {
  // A(1,4), B(2,3), C(3,3.5) dominated by B, D(4,1): fronts {A, B, D}, {C}
  const losses = rows([[1, 4], [2, 3], [3, 3.5], [4, 1]]);

  it('paper: the overflowing front is promoted whole', () => {
    expect(promote(losses, 2, 2, 'paper')).toEqual([0, 1, 3]);
    // fronts {0, 1}, {2}, {3}: front 0 fits k = 2 exactly, and the next front is added as well
    expect(promote(rows([[1, 2], [2, 1], [2, 2], [3, 3]]), 2, 2, 'paper')).toEqual([0, 1, 2]);
    // s = 1 brackets: both configurations go on, whether or not one dominates
    expect(promote(rows([[1, 1], [2, 2]]), 2, 1, 'paper')).toEqual([0, 1]);
    expect(promote(rows([[1, 2], [2, 1]]), 2, 1, 'paper')).toEqual([0, 1]);
  });

  it('fixed: exactly k, the overflowing front truncated greedily by hypervolume contribution', () => {
    // ref = worst + 10 % of the range = (4.3, 4.3). Boxes: A 3.3·0.3 = 0.99, B 2.3·1.3 = 2.99,
    // D 0.3·3.3 = 0.99 -> B first. Then A loses the box of max(A, B) = (2, 4): 2.3·0.3 = 0.69 -> 0.30,
    // D loses max(D, B) = (4, 3): 0.3·1.3 = 0.39 -> 0.60 -> D.
    expect(promote(losses, 2, 2, 'fixed')).toEqual([1, 3]);
    expect(promote(losses, 2, 1, 'fixed')).toEqual([1]);
    expect(promote(rows([[1, 2], [2, 1], [2, 2], [3, 3]]), 2, 2, 'fixed')).toEqual([0, 1]);
    expect(promote(rows([[1, 1], [2, 2]]), 2, 1, 'fixed')).toEqual([0]);
    // duplicates share a rank; ties go to the first
    expect(promote(rows([[1, 1], [1, 1], [2, 2]]), 2, 1, 'fixed')).toEqual([0]);
    expect(promote(rows([[1, 1], [1, 1], [2, 2]]), 2, 1, 'paper')).toEqual([0, 1]);
  });

  it('promotes everything when at most k configurations finished (the reference code hangs)', () => {
    expect(promote(rows([[1, 1]]), 2, 2, 'paper')).toEqual([0]);
    expect(promote(new Float64Array(0), 2, 1, 'fixed')).toEqual([]);
    expect(promote(rows([[3, 1], [1, 3]]), 2, 2, 'fixed')).toEqual([0, 1]);
  });

  it('works for three objectives', () => {
    const l = rows([[1, 2, 3], [2, 3, 1], [3, 1, 2], [3, 3, 3]]);
    expect(promote(l, 3, 2, 'fixed')).toHaveLength(2);
    expect(promote(l, 3, 2, 'paper')).toEqual([0, 1, 2]);
  });
});

describe('MO-TPE split into good and bad (docs/methods.md#mobohb-motpe)', () => {
  // front 0: P0(1,5), P1(2,3), P2(4,2), P3(5,1); front 1: P4(3,4); front 2: P5(5,5); front 3: P6(6,6)
  const y = rows([[1, 5], [2, 3], [4, 2], [5, 1], [3, 4], [5, 5], [6, 6]]);

  it('fills the overflowing front greedily by hypervolume contribution', () => {
    // fixed ref = (6,6) + 0.1·5 = (6.5, 6.5): boxes 8.25, 15.75, 11.25, 8.25 -> P1; then
    // P0 8.25 - |(2,5)| 6.75 = 1.5, P2 11.25 - |(4,3)| 8.75 = 2.5, P3 8.25 - |(5,3)| 5.25 = 3 -> P3
    expect(splitGoodBad(y, 2, 2, 'fixed')).toEqual({ good: [1, 3], bad: [0, 2, 4, 5, 6] });
    // paper ref = 1.1·(6,6) = (6.6, 6.6): boxes 8.96, 16.56, 11.96, 8.96 -> P1; then
    // P0 8.96 - 7.36 = 1.6, P2 11.96 - 9.36 = 2.6, P3 8.96 - 5.76 = 3.2 -> P3
    expect(splitGoodBad(y, 2, 2, 'paper')).toEqual({ good: [1, 3], bad: [0, 2, 4, 5, 6] });
  });

  it('takes whole fronts while they fit', () => {
    expect(splitGoodBad(y, 2, 4, 'fixed').good).toEqual([0, 1, 2, 3]);
    expect(splitGoodBad(y, 2, 5, 'paper').good).toEqual([0, 1, 2, 3, 4]);
    expect(splitGoodBad(y, 2, 0, 'fixed')).toEqual({ good: [], bad: [0, 1, 2, 3, 4, 5, 6] });
    expect(splitGoodBad(y, 2, 7, 'fixed').good).toHaveLength(7);
    expect(splitGoodBad(new Float64Array(0), 2, 0, 'paper')).toEqual({ good: [], bad: [] });
  });

  it('hvReference: paper floors at eps (docs/methods.md#odd-21), fixed goes 10 % of the range beyond the worst', () => {
    const acc = rows([[-90, 3], [-50, 7], [-70, 4]]);
    expectAllClose(hvReference(acc, 2, 'paper'), [EPS, 7.7], 1e-12);
    expectAllClose(hvReference(acc, 2, 'fixed'), [-46, 7.4], 1e-12);
    expectAllClose(hvReference(rows([[1, 2], [1, 3]]), 2, 'fixed'), [2, 3.1], 1e-12);
  });
});

describe('MO-BOHB through a Study', () => {
  const zdt = new Zdt1(5);
  const opts: MobohbOptions = { nInit: 8, minBudget: 5, minPointsInModel: 8 };

  it('is a function of the seed: same seed, same trials', async () => {
    const run = async (seed: number, variant: 'fixed' | 'paper') => {
      const s = studyOf(zdt, { ...opts, variant }, seed);
      await s.optimize(evalOf(zdt, seed), { maxEvaluations: 60 });
      return summary(s);
    };
    for (const variant of ['fixed', 'paper'] as const) {
      const a = await run(3, variant);
      expect(a).toHaveLength(60);
      expect(a.some((t) => (t.info as { source: string }).source === 'model')).toBe(true);
      expect(await run(3, variant)).toEqual(a);
      expect(await run(4, variant)).not.toEqual(a);
    }
  });

  it('survives failed trials: never promotes them, keeps them out of the model, refills stages', async () => {
    const s = studyOf(zdt, opts, 1);
    await s.optimize(
      (t) => {
        const i = t.info as { bracket: number; stage: number };
        if (i.bracket === 3 && i.stage === 0) throw new Error('crashed'); // a whole stage fails
        if (t.number % 5 === 2) throw new Error('crashed');
        return evalOf(zdt, 1)(t);
      },
      { maxEvaluations: 150 },
    );
    expect(s.trials).toHaveLength(150);
    const key = (t: Trial) => {
      const i = t.info as { bracket: number; stage: number; index: number };
      return `${i.bracket}/${i.stage}/${i.index}`;
    };
    const byKey = new Map(s.trials.map((t) => [key(t), t]));
    for (const t of s.trials) {
      const i = t.info as { bracket: number; stage: number; index: number; source: string };
      if (i.source !== 'promoted') continue;
      expect(byKey.get(`${i.bracket}/${i.stage - 1}/${i.index}`)?.state).toBe('complete');
    }
    // bracket 3 (s = 2): nothing to promote, so its stage 1 consists of two fresh configurations
    const b3s1 = s.trials.filter((t) => (t.info as { bracket: number; stage: number }).bracket === 3 && (t.info as { stage: number }).stage === 1);
    expect(b3s1.map((t) => (t.info as { source: string }).source).every((x) => x !== 'promoted')).toBe(true);
    expect(b3s1).toHaveLength(2);
    expect(s.trials.some((t) => (t.info as { source: string }).source === 'model')).toBe(true);
  });

  it('runs stages concurrently and deterministically', async () => {
    const run = async () => {
      const s = studyOf(zdt, opts, 2);
      await s.optimize(async (t) => evalOf(zdt, 2)(t), { maxEvaluations: 80, concurrency: 4 });
      return summary(s);
    };
    const a = await run();
    expect(a).toHaveLength(80);
    expect(await run()).toEqual(a);
  });

  it('resumes by replay and continues identically, also after an interrupted trial', async () => {
    const full = studyOf(zdt, opts, 7);
    await full.optimize(evalOf(zdt, 7), { maxEvaluations: 90 });

    const storage = new MemoryStorage();
    const first = studyOf(zdt, opts, 7, storage);
    await first.optimize(evalOf(zdt, 7), { maxEvaluations: 40 });
    const resumed = Study.resume(storage, factory, () => {});
    expect(summary(resumed)).toEqual(summary(first));
    await resumed.optimize(evalOf(zdt, 7), { maxEvaluations: 90 });
    expect(summary(resumed)).toEqual(summary(full));

    // trial 40 is asked and the process ends before it is told: on resume it is run again,
    // so the run is the uninterrupted one
    const st2 = new MemoryStorage();
    const crashed = studyOf(zdt, opts, 7, st2);
    await crashed.optimize(evalOf(zdt, 7), { maxEvaluations: 40 });
    expect(crashed.ask()?.number).toBe(40);
    const again = Study.resume(st2, factory, () => {});
    expect(again.trials[40].state).toBe('running');
    await again.optimize(evalOf(zdt, 7), { maxEvaluations: 90 });
    expect(summary(again)).toEqual(summary(full));

    // asked to fail it instead: the same as a study in which trial 40 failed
    const st3 = new MemoryStorage();
    const crashed3 = studyOf(zdt, opts, 7, st3);
    await crashed3.optimize(evalOf(zdt, 7), { maxEvaluations: 40 });
    expect(crashed3.ask()?.number).toBe(40);
    const failed = Study.resume(st3, factory, () => {}, { interrupted: 'fail' });
    expect(failed.trials[40].state).toBe('failed');
    await failed.optimize(evalOf(zdt, 7), { maxEvaluations: 90 });
    const ref = studyOf(zdt, opts, 7);
    await ref.optimize(async (t) => {
      if (t.number === 40) throw new Error('interrupted');
      return evalOf(zdt, 7)(t);
    }, { maxEvaluations: 90 });
    expect(summary(failed)).toEqual(summary(ref));
  });

  it('proposes valid configurations on conditional, categorical, ordinal and constant hyperparameters', async () => {
    const space = new SearchSpace(
      [
        { type: 'int', name: 'depth', lower: 1, upper: 3 },
        { type: 'int', name: 'w1', lower: 2, upper: 512, log: true },
        { type: 'int', name: 'w2', lower: 2, upper: 512, log: true },
        { type: 'float', name: 'lr', lower: 1e-5, upper: 1, log: true },
        { type: 'float', name: 'drop', lower: 0, upper: 0.9 },
        { type: 'categorical', name: 'act', choices: ['relu', 'tanh', 'gelu'] },
        { type: 'ordinal', name: 'size', sequence: ['s', 'm', 'l', 'xl'] },
        { type: 'categorical', name: 'bn', choices: [false, true] },
        { type: 'constant', name: 'opt', value: 'adam' },
      ],
      { w1: { parent: 'depth', in: [2, 3] }, w2: { parent: 'depth', equals: 3 } },
    );
    // a toy problem: 'gelu', size 'm' and a small lr are best in objective 0; objective 1 is the size
    const f = (c: Record<string, unknown>): number[] => [
      (c.act === 'gelu' ? 0 : 1) + Math.abs(Math.log10(c.lr as number) + 3) / 5 + (c.size === 'm' ? 0 : 0.5) + (c.drop as number),
      (c.depth as number) + Math.log2(((c.w1 as number) ?? 1) * ((c.w2 as number) ?? 1)) / 9 + (c.bn ? 0.3 : 0),
    ];
    for (const variant of ['fixed', 'paper'] as const) {
      const s = Study.create(
        { space, directions: ['minimize', 'minimize'], referencePoint: [10, 10], method: 'mobohb', seed: 0, minBudget: 1, maxBudget: 9, onWarning: () => {} },
        (ctx) => createMobohb(ctx, { variant, nInit: 12, minPointsInModel: 12, eta: 3 }),
      );
      await s.optimize((t) => f(t.params), { maxEvaluations: 160 });
      expect(s.trials).toHaveLength(160);
      const model = s.trials.filter((t) => (t.info as { source: string }).source === 'model');
      expect(model.length).toBeGreaterThan(40);
      for (const t of s.trials) {
        expect(space.isValid(t.params)).toBe(true);
        expect(t.params.opt).toBe('adam');
        expect([1, 3, 9]).toContain(t.budget);
      }
      if (variant === 'fixed') {
        // the categorical model finds the good choice (prior rate 1/3)
        expect(model.filter((t) => t.params.act === 'gelu').length / model.length).toBeGreaterThan(0.5);
      }
    }
  });

  it('samples the NAS uniform space with the Fashion preset (paper variant, > 27 points at budget 25)', async () => {
    const space = nasUniformSpace();
    const rng = new Rng(0);
    const noise = () => rng.random() * 0.1;
    const s = Study.create(
      { space, directions: ['minimize', 'minimize'], referencePoint: [0, 8], method: 'mobohb', seed: 0, minBudget: 1, maxBudget: 25, onWarning: () => {} },
      (ctx) => createMobohb(ctx, { preset: 'fashion', variant: 'paper' }),
    );
    await s.optimize((t) => {
      const c = t.params as Record<string, number>;
      return [-50 - 10 * c.n_conv_l - 5 * c.batch_norm + noise(), Math.log10(c.n_conv_0 * c.n_fc_0 * 100)];
    }, { maxEvaluations: 110 });
    const sources = s.trials.map((t) => (t.info as { source: string }).source);
    expect(sources.filter((x) => x === 'model').length).toBeGreaterThan(5);
    // the model starts only once budget 25 holds 28 results
    const firstModel = s.trials.find((t) => (t.info as { source: string }).source === 'model')!;
    expect(s.trials.filter((t) => t.number < firstModel.number && t.budget === 25 && t.state === 'complete').length).toBeGreaterThanOrEqual(28);
    expect(new Set(s.trials.map((t) => t.budget))).toEqual(new Set([6, 12, 25]));
  });

  it('validates its options', () => {
    const ctx = ctxOf(zdt);
    expect(() => createMobohb(ctx, { eta: 1 })).toThrow(/eta/);
    expect(() => createMobohb(ctx, { gamma: 2 })).toThrow(/gamma/);
    expect(() => createMobohb(ctx, { nInit: 0 })).toThrow(/nInit/);
    expect(() => createMobohb(ctx, { maxBudget: 30 })).toThrow(/maxBudget/);
    expect(() => createMobohb(ctx, { variant: 'x' as never })).toThrow(/variant/);
    expect(() => createMobohb(ctx, { preset: 'mnist' as never })).toThrow(/preset/);
    expect(MOBOHB_PRESETS.flowers).toMatchObject({ nInit: 50, maxBrackets: 2000, minPointsInModel: 27 });
    expect(MOBOHB_PRESETS.fashion).toMatchObject({ nInit: 10, maxBrackets: 150, numCandidates: 24, gamma: 0.1, eta: 2 });
    // a problem without fidelity: no budgets in the suggestions
    const r = createMobohb({ ...ctx, minBudget: undefined, maxBudget: undefined }, {}).ask(0);
    expect(r.kind === 'suggest' && r.suggestion.budget).toBeUndefined();
  });
});

describe('MO-BOHB quality', () => {
  /** Hypervolume of the full-budget trials, in minimisation space. */
  function fullBudgetHv(problem: Problem, values: number[][]): number {
    const ctx = ctxOf(problem);
    const signs = problem.objectives.map((o) => (o.direction === 'maximize' ? -1 : 1));
    const pts = Float64Array.from(values.flatMap((v) => v.map((x, k) => x * signs[k])));
    return pts.length ? hypervolume(pts, ctx.nObj, ctx.referencePoint) : 0;
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

  for (const [name, problem] of [['BraninCurrin', new BraninCurrin()], ['ZDT1 (5 variables)', new Zdt1(5)]] as const) {
    // Random sampling runs all its 200 evaluations at the full budget, MO-BOHB about 85 of them
    // (its cost is about 130 full evaluations), so this is the harder comparison.
    it(`beats random sampling's median hypervolume on ${name} with 200 evaluations`, async () => {
      const n = 200;
      const random = [0, 1, 2, 3, 4].map((seed) => {
        const rng = new Rng(100 + seed);
        return fullBudgetHv(problem, Array.from({ length: n }, () => (problem.evaluate(problem.space.sample(rng)) as { values: number[] }).values));
      });
      for (const variant of ['fixed', 'paper'] as const) {
        const hvs: number[] = [];
        for (const seed of [0, 1, 2, 3, 4]) {
          const s = studyOf(problem, { variant, nInit: 10, minBudget: 5 }, seed);
          await s.optimize(evalOf(problem, seed), { maxEvaluations: n });
          hvs.push(fullBudgetHv(problem, s.trials.filter((t) => t.budget === problem.maxBudget && t.values).map((t) => t.values!)));
        }
        expect(median(hvs), `${variant}: ${hvs.map((h) => h.toFixed(2))} vs random ${random.map((h) => h.toFixed(2))}`).toBeGreaterThan(median(random));
      }
    });
  }
});
