// MS-EHVI: the unit-cube encoding, the known size objective, the exact EHVI, ask/tell
// behaviour, determinism, resume, and quality against Random Search on Branin-Currin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getMethod } from '../../src/optimizers/index.ts';
import { boltzmannRestarts, createMsehvi, CubeEncoder, log10ParamCount, MSEHVI_PRESETS, optimizeAcquisition, staircase, type MsehviOptimizer } from '../../src/optimizers/msehvi/index.ts';
import type { OptimizerContext } from '../../src/optimizers/types.ts';
import { BraninCurrin } from '../../src/problems/synthetic.ts';
import type { Problem } from '../../src/problems/types.ts';
import { Rng } from '../../src/random/rng.ts';
import { nasAxSpace, nasSpace, toNetworkConfig } from '../../src/space/nas.ts';
import { SearchSpace } from '../../src/space/space.ts';
import type { Config } from '../../src/space/types.ts';
import { JournalStorage } from '../../src/study/journal.ts';
import { MemoryStorage } from '../../src/study/storage.ts';
import { Study } from '../../src/study/study.ts';
import { ehvi2 } from '../../src/surrogates/ehvi.ts';
import { GaussianProcess } from '../../src/surrogates/gp.ts';
import { ehviReference } from '../../src/surrogates/reference/ehvi.ts';
import { approximateParameterCount, networkSpec } from '../../src/train/network.ts';
import { quantile, score } from '../helpers/quality.ts';

const quiet = () => {};

function randomU(rng: Rng, d: number, lo = 0, hi = 1): Float64Array {
  return Float64Array.from({ length: d }, () => lo + (hi - lo) * rng.random());
}

const mixed = () =>
  new SearchSpace(
    [
      { type: 'float', name: 'a', lower: -2, upper: 3 },
      { type: 'float', name: 'lr', lower: 1e-4, upper: 1, log: true },
      { type: 'int', name: 'k', lower: 0, upper: 4 },
      { type: 'int', name: 'w', lower: 2, upper: 300, log: true },
      { type: 'ordinal', name: 'size', sequence: ['s', 'm', 'l', 'xl'] },
      { type: 'categorical', name: 'act', choices: ['relu', 'tanh', 'gelu', 'silu'] },
      { type: 'categorical', name: 'flag', choices: [false, true] },
      { type: 'categorical', name: 'only', choices: ['x'] },
      { type: 'constant', name: 'c', value: 7 },
    ],
    { lr: { parent: 'flag', equals: true } },
  );

describe('MS-EHVI unit-cube encoding (docs/methods.md#msehvi-encoding)', () => {
  it('lays out the Ax form of the NAS space in 15 dimensions: one-hot kernel size, one dim per boolean', () => {
    const enc = new CubeEncoder(nasAxSpace());
    expect(enc.dim).toBe(15);
    const ks = enc.params.find((p) => p.name === 'kernel_size')!;
    expect([ks.kind, ks.width]).toEqual(['onehot', 3]);
    for (const b of ['batch_norm', 'global_avg_pooling']) expect(enc.params.find((p) => p.name === b)!.kind).toBe('binary');
    const w = enc.params.find((p) => p.name === 'n_conv_0')!;
    expect(w.lo).toBeCloseTo(Math.log(16 - 0.49999), 14);
    expect(w.hi).toBeCloseTo(Math.log(1024 + 0.49999), 14);
  });

  it.each([
    ['Ax NAS space', nasAxSpace],
    ['conditional NAS space', nasSpace],
    ['mixed space with ordinals, constants and a condition', mixed],
  ])('round-trips configurations and points: %s', (_name, make) => {
    const space = make();
    const enc = new CubeEncoder(space);
    const rng = new Rng(3);
    for (let t = 0; t < 300; t++) {
      // any real point decodes to a valid configuration
      const u = randomU(rng, enc.dim, -0.5, 1.5);
      const c = enc.decode(u);
      expect(space.isValid(c)).toBe(true);
      // encode(decode(u)) is a fixed point of rounding
      const r = enc.round(u);
      const c2 = enc.decode(r);
      for (const [k, v] of Object.entries(c)) {
        if (typeof v === 'number' && space.get(k).type === 'float') expect(c2[k] as number).toBeCloseTo(v, 10);
        else expect(c2[k]).toBe(v);
      }
      expect(Object.keys(c2)).toEqual(Object.keys(c));
      for (const x of r) expect(x >= 0 && x <= 1).toBe(true);
      // configurations from the space's own sampler survive encode -> decode
      const s = space.sample(rng);
      const back = enc.decode(enc.encode(s));
      for (const [k, v] of Object.entries(s)) {
        if (space.get(k).type === 'float') expect(back[k] as number).toBeCloseTo(v as number, 10);
        else expect(back[k]).toBe(v);
      }
    }
  });

  it('rounds integers on the widened range, booleans half to even, one-hots by argmax; inactive dims are zero', () => {
    const space = mixed();
    const enc = new CubeEncoder(space);
    const at = (name: string) => enc.params.find((p) => p.name === name)!;
    const base = new Float64Array(enc.dim).fill(0.3);
    const with_ = (name: string, vals: number[]) => {
      const u = Float64Array.from(base);
      vals.forEach((v, i) => (u[at(name).offset + i] = v));
      return enc.decode(u);
    };
    // k in 0..4 on [-0.49999, 4.49999]: each integer gets a fifth of the cube
    expect([0, 0.19, 0.21, 0.5, 0.99, 1].map((x) => with_('k', [x]).k)).toEqual([0, 0, 1, 2, 4, 4]);
    expect(with_('w', [0]).w).toBe(2);
    expect(with_('w', [1]).w).toBe(300);
    expect([0.49, 0.5, 0.51].map((x) => with_('flag', [x]).flag)).toEqual([false, false, true]);
    expect(with_('act', [0.2, 0.9, 0.9, 0.1]).act).toBe('tanh'); // first of the tied maxima
    expect(with_('size', [0.99]).size).toBe('xl');
    const c = with_('flag', [0]);
    expect('lr' in c).toBe(false);
    expect(c.only).toBe('x');
    expect(c.c).toBe(7);
    const e = enc.encode(c);
    expect(e[at('lr').offset]).toBe(0);
    expect(enc.dim).toBe(1 + 1 + 1 + 1 + 1 + 4 + 1);
  });
});

// The test vectors of docs/methods.md#cnn-approx-count.
const NAS_VECTORS: [Config, number, number, number][] = [
  [{ n_conv_l: 3, n_conv_0: 128, n_conv_1: 128, n_conv_2: 128, n_fc_l: 3, n_fc_0: 32, n_fc_1: 32, n_fc_2: 32, kernel_size: 5, batch_norm: false, global_avg_pooling: true, lr_init: 1e-3, batch_size: 128 }, 835754, 835985, 829354],
  [{ n_conv_l: 2, n_conv_0: 32, n_conv_1: 64, n_conv_2: 16, n_fc_l: 1, n_fc_0: 100, n_fc_1: 16, n_fc_2: 16, kernel_size: 3, batch_norm: true, global_avg_pooling: false, lr_init: 1e-3, batch_size: 128 }, 123094, 123801, 333718],
  [{ n_conv_l: 1, n_conv_0: 16, n_conv_1: 16, n_conv_2: 16, n_fc_l: 2, n_fc_0: 8, n_fc_1: 4, n_fc_2: 16, kernel_size: 7, batch_norm: false, global_avg_pooling: false, lr_init: 1e-3, batch_size: 128 }, 10654, 10689, 25982],
];

function ctxFor(space: SearchSpace, seed = 1, ref = [0, 8]): OptimizerContext {
  return { space, nObj: 2, referencePoint: ref, seed, maxBudget: 25, minBudget: 1 };
}

describe('MS-EHVI known size objective (docs/methods.md#msehvi-surrogate)', () => {
  it.each(NAS_VECTORS)('is the exact log10 count by default and the docs/methods.md#cnn-approx-count approximation with variant paper (%#)', (config, approx, flowers, fashion) => {
    const space = nasAxSpace();
    const byDefault = createMsehvi(ctxFor(space), {}) as MsehviOptimizer;
    const paper = createMsehvi(ctxFor(space), { variant: 'paper' }) as MsehviOptimizer;
    const fashionPreset = createMsehvi(ctxFor(space), { preset: 'fashion' }) as MsehviOptimizer;
    expect(byDefault.knownObjective!(config)).toBe(Math.log10(flowers));
    expect(byDefault.knownObjective!(config)).toBe(Math.log10(networkSpec(toNetworkConfig(config), [3, 16, 16], 17).numParams));
    expect(paper.knownObjective!(config)).toBe(Math.log10(approx));
    expect(paper.knownObjective!(config)).toBe(Math.log10(approximateParameterCount(toNetworkConfig(config))));
    expect(fashionPreset.knownObjective!(config)).toBe(Math.log10(fashion));
    expect(log10ParamCount('fixed', [1, 28, 28], 10)(config)).toBe(Math.log10(fashion));
  });

  it('is absent outside the NAS spaces unless given, and can be a function', () => {
    const bc = new BraninCurrin();
    expect((createMsehvi(ctxFor(bc.space, 1, [18, 6]), {}) as MsehviOptimizer).knownObjective).toBeUndefined();
    const f = (c: Config) => c.x1 as number;
    expect((createMsehvi(ctxFor(bc.space, 1, [18, 6]), { knownObjective: f }) as MsehviOptimizer).knownObjective).toBe(f);
    expect((createMsehvi(ctxFor(nasAxSpace()), { knownObjective: 'none' }) as MsehviOptimizer).knownObjective).toBeUndefined();
    expect(() => createMsehvi(ctxFor(bc.space, 1, [18, 6]), { knownObjective: 'numParams' })).toThrow(/createMsehvi: options.knownObjective 'numParams' needs the NAS search space/);
    expect(() => createMsehvi({ ...ctxFor(bc.space), nObj: 3, referencePoint: [1, 1, 1] }, {})).toThrow(/createMsehvi: MS-EHVI handles 2 objectives/);
    expect(() => createMsehvi(ctxFor(bc.space), { variant: 'x' as never })).toThrow(/createMsehvi: options.variant must be/);
    expect(() => createMsehvi(ctxFor(bc.space), { nInit: 0 })).toThrow(/createMsehvi: options.nInit must be an integer >= 1/);
    expect(MSEHVI_PRESETS.flowers.nInit).toBe(50);
    expect(MSEHVI_PRESETS.fashion.nInit).toBe(10);
  });
});

// The kernel itself is tested in test/surrogates/ehvi.test.ts; here only that scoring against
// the staircase instead of the whole observed front changes nothing.
describe('the staircase MS-EHVI scores against', () => {
  const front = Float64Array.of(1, 5, 2, 3, 4, 2, 3, 4 /* dominated */, 9, 9 /* outside */, 2, 3 /* duplicate */);
  const ref: [number, number] = [6, 7];

  it('keeps the non-dominated points inside the box, sorted by f1', () => {
    expect(Array.from(staircase(front, ref))).toEqual([1, 5, 2, 3, 4, 2]);
    expect(staircase(new Float64Array(0), ref).length).toBe(0);
  });

  it('gives the same EHVI as the whole front, deterministic and uncertain', () => {
    const rng = new Rng(1);
    const stair = staircase(front, ref);
    const rows = [[1, 5], [2, 3], [4, 2], [3, 4], [9, 9]];
    for (let t = 0; t < 100; t++) {
      const mean = [rng.uniform(0, 7), rng.uniform(0, 8)];
      const std = t % 3 === 0 ? [0, 0] : [rng.uniform(0, 2), t % 3 === 1 ? 0 : rng.uniform(0, 2)];
      const e = ehvi2(stair, ref, Float64Array.from(mean), Float64Array.from(std))[0];
      expect(e).toBe(ehvi2(front, ref, Float64Array.from(mean), Float64Array.from(std))[0]);
      expect(e).toBeCloseTo(ehviReference(rows, ref, mean, std), 10);
    }
  });
});

/** A cheap problem on the Ax NAS space whose second objective is the true log10 parameter count. */
function nasProblem(): Problem {
  const space = nasAxSpace();
  return {
    name: 'nas-cheap',
    space,
    objectives: [{ name: 'err', direction: 'minimize' }, { name: 'size', direction: 'minimize' }],
    referencePoint: [1, 8],
    minBudget: 1,
    maxBudget: 25,
    evaluate: (c) => {
      const size = Math.log10(networkSpec(toNetworkConfig(c), [3, 16, 16], 17).numParams);
      const err = 1 / (1 + size) + Math.abs(Math.log10(c.lr_init as number) + 3) / 10 + (c.batch_norm ? 0 : 0.05);
      return { values: [err, size] };
    },
  };
}

function study(problem: Problem, options: Record<string, unknown>, seed: number, storage = new MemoryStorage() as MemoryStorage | JournalStorage): Study {
  return Study.create(
    {
      space: problem.space,
      directions: problem.objectives.map((o) => o.direction),
      referencePoint: [...problem.referencePoint],
      method: 'msehvi',
      methodOptions: options,
      seed,
      minBudget: problem.minBudget,
      maxBudget: problem.maxBudget,
      storage,
      onWarning: quiet,
    },
    (ctx, meta) => getMethod('msehvi').create(ctx, meta.methodOptions ?? {}),
  );
}

const SMALL = { nInit: 8, rawSamples: 300, numRestarts: 3 };

describe('MS-EHVI ask/tell', () => {
  it('hands out the Sobol design, then waits for running trials, then proposes by EHVI', () => {
    const problem = nasProblem();
    const opt = createMsehvi(ctxFor(problem.space), { ...SMALL, nInit: 4 });
    const asked = [0, 1, 2, 3].map((i) => opt.ask(i));
    expect(asked.every((a) => a.kind === 'suggest')).toBe(true);
    expect(opt.ask(4).kind).toBe('wait');
    asked.forEach((a, i) => {
      const params = (a as { suggestion: { params: Config } }).suggestion.params;
      expect(problem.space.isValid(params)).toBe(true);
      expect((a as { suggestion: { budget?: number } }).suggestion.budget).toBe(25);
      if (i === 1) opt.tell({ number: i, params, state: 'failed' });
      else opt.tell({ number: i, params, state: 'complete', values: (problem.evaluate(params) as { values: number[] }).values });
    });
    const next = opt.ask(4);
    expect(next.kind).toBe('suggest');
    const s = (next as { suggestion: { params: Config; info?: Record<string, unknown> } }).suggestion;
    expect(s.info?.source).toBe('ehvi');
    expect(problem.space.isValid(s.params)).toBe(true);
  });

  it('keeps drawing the design while fewer than two results are complete', () => {
    const problem = nasProblem();
    const opt = createMsehvi(ctxFor(problem.space), { ...SMALL, nInit: 2 });
    for (let i = 0; i < 4; i++) {
      const a = opt.ask(i);
      expect(a.kind).toBe('suggest');
      const s = (a as { suggestion: { params: Config; info?: Record<string, unknown> } }).suggestion;
      expect(s.info?.source).toBe('sobol');
      opt.tell({ number: i, params: s.params, state: 'failed' });
    }
  });

  it('is deterministic given the seed and never proposes a configuration twice', async () => {
    const problem = nasProblem();
    const runs = await Promise.all([1, 1, 2].map(async (seed) => {
      const s = study(problem, SMALL, seed);
      await s.optimize((t) => (problem.evaluate(t.params) as { values: number[] }).values, { maxEvaluations: 25 });
      return s.trials.map((t) => t.params);
    }));
    expect(runs[0]).toEqual(runs[1]);
    expect(runs[0]).not.toEqual(runs[2]);
    expect(new Set(runs[0].map((c) => JSON.stringify(c))).size).toBe(25);
  });

  it('resumes from its journal and continues exactly as the uninterrupted run', async () => {
    const problem = nasProblem();
    const evaluate = (t: { params: Config }) => (problem.evaluate(t.params) as { values: number[] }).values;
    const whole = study(problem, SMALL, 5);
    await whole.optimize(evaluate, { maxEvaluations: 20 });
    const path = join(mkdtempSync(join(tmpdir(), 'paretonas-msehvi-')), 'j.jsonl');
    const first = study(problem, SMALL, 5, new JournalStorage(path));
    await first.optimize(evaluate, { maxEvaluations: 13 });
    first.close();
    const resumed = Study.resume(new JournalStorage(path), (ctx, meta) => getMethod('msehvi').create(ctx, meta.methodOptions ?? {}), quiet);
    await resumed.optimize(evaluate, { maxEvaluations: 20 });
    expect(resumed.trials.map((t) => t.params)).toEqual(whole.trials.map((t) => t.params));
    resumed.close();
  });

  it('uses the known objective: proposals trade accuracy for size along the front', async () => {
    const problem = nasProblem();
    const s = study(problem, SMALL, 3);
    await s.optimize((t) => (problem.evaluate(t.params) as { values: number[] }).values, { maxEvaluations: 30 });
    const model = s.trials.filter((t) => (t.info as { source?: string } | undefined)?.source === 'ehvi');
    expect(model.length).toBe(22);
    const random = study(problem, { nInit: 1000 }, 3);
    await random.optimize((t) => (problem.evaluate(t.params) as { values: number[] }).values, { maxEvaluations: 30 });
    expect(s.hypervolume()).toBeGreaterThan(random.hypervolume());
  });
});

describe('MS-EHVI initial design', () => {
  const designOf = (options: Record<string, unknown>, seed = 1) => {
    const opt = createMsehvi(ctxFor(nasAxSpace(), seed), { nInit: 6, ...options });
    return [0, 1, 2, 3, 4, 5].map((i) => (opt.ask(i) as { suggestion: { params: Config; info?: Record<string, unknown> } }).suggestion);
  };

  it("is one scrambled Sobol sequence by default and i.i.d. uniform draws under 'paper' (or initialDesign)", () => {
    const sobol = designOf({});
    const iid = designOf({ variant: 'paper' });
    expect(sobol.every((s) => s.info?.source === 'sobol')).toBe(true);
    expect(iid.every((s) => s.info?.source === 'random')).toBe(true);
    expect(designOf({ initialDesign: 'iid' }).map((s) => s.params)).toEqual(iid.map((s) => s.params));
    expect(designOf({ variant: 'paper', initialDesign: 'sobol' }).map((s) => s.params)).toEqual(sobol.map((s) => s.params));
    expect(iid.map((s) => s.params)).not.toEqual(sobol.map((s) => s.params));
    // seeded: the same per seed, different across seeds
    expect(designOf({ variant: 'paper' }).map((s) => s.params)).toEqual(iid.map((s) => s.params));
    expect(designOf({ variant: 'paper' }, 2).map((s) => s.params)).not.toEqual(iid.map((s) => s.params));
    expect(() => createMsehvi(ctxFor(nasAxSpace()), { initialDesign: 'lhs' as never })).toThrow(/createMsehvi: options.initialDesign must be 'sobol', 'iid'/);
  });

  it('i.i.d. draws are uniform in the cube: each coordinate of 2000 draws has mean 1/2 and variance 1/12', () => {
    const space = mixed();
    const opt = createMsehvi(ctxFor(space), { initialDesign: 'iid', nInit: 2000 });
    const enc = new CubeEncoder(space);
    const p = enc.params.find((q) => q.name === 'a')!; // a float: the decoded value is the draw
    const us: number[] = [];
    for (let i = 0; i < 2000; i++) us.push(enc.encode((opt.ask(i) as { suggestion: { params: Config } }).suggestion.params)[p.offset]);
    const mean = us.reduce((x, y) => x + y, 0) / us.length;
    const v = us.reduce((x, y) => x + (y - mean) ** 2, 0) / us.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 2000));
    expect(Math.abs(v - 1 / 12)).toBeLessThan(0.008);
  });
});

describe('MS-EHVI restart heuristic (BoTorch initialize_q_batch)', () => {
  it('draws distinct indices, always includes the best, favours high values, and is seeded', () => {
    const rng = new Rng(4);
    const y = Float64Array.from({ length: 1000 }, () => rng.random() ** 3);
    let best = 0;
    for (let i = 1; i < y.length; i++) if (y[i] > y[best]) best = i;
    const counts = new Float64Array(y.length);
    for (let t = 0; t < 200; t++) {
      const r = boltzmannRestarts(y, 20, new Rng(t));
      expect(r.length).toBe(20);
      expect(new Set(r).size).toBe(20);
      expect(r).toContain(best);
      for (const i of r) counts[i]++;
    }
    expect(boltzmannRestarts(y, 20, new Rng(9))).toEqual(boltzmannRestarts(y, 20, new Rng(9)));
    // selection frequency grows with the value: top decile picked far more often than the bottom one
    const order = Array.from(y.keys()).sort((a, b) => y[a] - y[b]);
    const freq = (from: number, to: number) => order.slice(from, to).reduce((s, i) => s + counts[i], 0);
    expect(freq(900, 999)).toBeGreaterThan(3 * freq(0, 100));
  });

  it('takes every index when n >= the number of points, a random subset of equal values, none for n = 0', () => {
    expect(boltzmannRestarts([3, 1, 2], 5, new Rng(1))).toEqual([0, 1, 2]);
    expect(boltzmannRestarts([3, 1, 2], 0, new Rng(1))).toEqual([]);
    const flat = boltzmannRestarts(new Float64Array(50), 10, new Rng(2));
    expect(new Set(flat).size).toBe(10);
    expect(flat.every((i) => i >= 0 && i < 50)).toBe(true);
    expect(boltzmannRestarts(new Float64Array(50), 10, new Rng(3))).not.toEqual(flat);
  });
});

describe('MS-EHVI acquisition optimiser', () => {
  /** A GP on n points of the mixed space, with a smooth objective, and a front. */
  function setting(seed: number, n = 25) {
    const space = mixed();
    const enc = new CubeEncoder(space);
    const rng = new Rng(seed);
    const X = new Float64Array(n * enc.dim);
    const y0 = new Float64Array(n), y1 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = space.sample(rng);
      const u = enc.encode(c);
      X.set(u, i * enc.dim);
      y0[i] = Math.sin(3 * u[0]) + (u[2] - 0.4) ** 2 + 0.3 * u[5];
      y1[i] = Math.cos(2 * u[0]) + u[3] + 0.2 * u[6];
    }
    const fit = (y: Float64Array) => GaussianProcess.fit(X, y, enc.dim, { priors: true, restarts: 1, seed });
    const front = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) [front[2 * i], front[2 * i + 1]] = [y0[i], y1[i]];
    return { space, enc, fit, y0, y1, front };
  }

  it('two GPs: every local optimisation climbs from its raw start, and candidates carry EHVI at their rounded configurations', () => {
    const { enc, fit, y0, y1, front } = setting(1);
    const m0 = fit(y0), m1 = fit(y1);
    const ref: [number, number] = [3, 3];
    const stairs = staircase(front, ref);
    const model = { encoder: enc, models: [m0, m1] as [GaussianProcess, GaussianProcess], front: stairs, reference: ref };
    const rawOnly = optimizeAcquisition(model, { rawSamples: 200, numRestarts: 0 }, new Rng(7));
    const full = optimizeAcquisition(model, { rawSamples: 200, numRestarts: 5 }, new Rng(7));
    expect(full.relaxedBest).toBeGreaterThan(rawOnly.relaxedBest);
    expect(full.iterations).toBeGreaterThan(0);
    expect(full.restarts.length).toBe(5);
    // the best raw point is among the starts; each run ends no lower than it started, inside the cube
    let bestRaw = 0;
    for (const r of full.restarts) bestRaw = Math.max(bestRaw, r.startValue);
    expect(bestRaw).toBe(rawOnly.relaxedBest);
    for (const r of full.restarts) {
      // (the start's value comes from the batched prediction, the runs' from the gradient kernel: equal to rounding)
      expect(r.endValue).toBeGreaterThanOrEqual(r.startValue * (1 - 1e-12));
      expect(r.end.every((v) => v >= 0 && v <= 1)).toBe(true);
      // the reported relaxed value is EHVI of the GPs at the end point itself
      const p0 = m0.predict(r.end), p1 = m1.predict(r.end);
      expect(r.endValue).toBeCloseTo(ehvi2(stairs, ref, [p0.mean[0], p1.mean[0]], [Math.sqrt(p0.variance[0]), Math.sqrt(p1.variance[0])])[0], 9);
    }
    expect(Math.max(...full.restarts.map((r) => r.endValue))).toBe(full.relaxedBest);
    expect(full.restarts.some((r) => r.endValue > 1.01 * r.startValue)).toBe(true);
    expect(full.candidates[0].value).toBeGreaterThanOrEqual(rawOnly.candidates[0].value);
    // the same raw points (the rng's first draw seeds them): every raw configuration is a candidate of both
    expect(full.candidates.length).toBeGreaterThanOrEqual(rawOnly.candidates.length);
    // candidates: distinct, sorted, each value the EHVI of its configuration's point
    expect(new Set(full.candidates.map((c) => c.key)).size).toBe(full.candidates.length);
    for (let i = 1; i < full.candidates.length; i++) expect(full.candidates[i].value).toBeLessThanOrEqual(full.candidates[i - 1].value);
    for (const c of full.candidates.slice(0, 10)) {
      const u = enc.encode(c.config);
      const p0 = m0.predict(u), p1 = m1.predict(u);
      const e = ehvi2(stairs, ref, [p0.mean[0], p1.mean[0]], [Math.sqrt(p0.variance[0]), Math.sqrt(p1.variance[0])])[0];
      expect(c.value).toBeCloseTo(e, 12);
    }
    expect(full.candidates.some((c) => c.origin === 'local')).toBe(true);
    // deterministic given the rng
    expect(optimizeAcquisition(model, { rawSamples: 200, numRestarts: 5 }, new Rng(7)).candidates.map((c) => c.key)).toEqual(full.candidates.map((c) => c.key));
    m0.dispose();
    m1.dispose();
  });

  it('a known objective enters at the rounded configuration; candidates are scored there', () => {
    const { space, enc, fit, y0, front } = setting(2);
    const m0 = fit(y0);
    const known = (c: Config) => (c.k as number) + (c.act === 'gelu' ? 0.5 : 0);
    const ref: [number, number] = [3, 6];
    const stairs = staircase(front.map((v, i) => (i % 2 ? v + 2 : v)), ref);
    const res = optimizeAcquisition({ encoder: enc, models: [m0, undefined], known, front: stairs, reference: ref }, { rawSamples: 300, numRestarts: 4 }, new Rng(3));
    expect(res.relaxedBest).toBeGreaterThan(0);
    for (const r of res.restarts) expect(r.endValue).toBeGreaterThanOrEqual(r.startValue * (1 - 1e-12));
    const best = res.candidates[0];
    expect(space.isValid(best.config)).toBe(true);
    const u = enc.encode(best.config);
    const p = m0.predict(u);
    expect(best.value).toBeCloseTo(ehvi2(stairs, ref, [p.mean[0], known(best.config)], [Math.sqrt(p.variance[0]), 0])[0], 12);
    expect(() => optimizeAcquisition({ encoder: enc, models: [m0, undefined], known: () => NaN, front: stairs, reference: ref }, { rawSamples: 10, numRestarts: 1 }, new Rng(3)))
      .toThrow(/msehvi: the known objective returned NaN/);
    m0.dispose();
  });

  it("records the EHVI reached (rounded) and the relaxed optimum's value in the suggestion", () => {
    const problem = nasProblem();
    const opt = createMsehvi(ctxFor(problem.space), { ...SMALL, nInit: 6 });
    for (let i = 0; i < 6; i++) {
      const params = (opt.ask(i) as { suggestion: { params: Config } }).suggestion.params;
      opt.tell({ number: i, params, state: 'complete', values: (problem.evaluate(params) as { values: number[] }).values });
    }
    const info = (opt.ask(6) as { suggestion: { info: Record<string, unknown> } }).suggestion.info;
    expect(info.source).toBe('ehvi');
    expect(info.ehvi as number).toBeGreaterThan(0);
    expect(info.ehviRelaxed as number).toBeGreaterThan(0);
    expect(['local', 'raw', 'discrete']).toContain(info.origin);
    expect(() => createMsehvi(ctxFor(problem.space), { localSteps: 4 } as never)).toThrow(/createMsehvi: unknown option 'localSteps'/);
  });

  it('the default variant adds a discrete search on rounded configurations: never a lower EHVI than without it', () => {
    const problem = nasProblem();
    const proposal = (discreteSteps: number) => {
      const opt = createMsehvi(ctxFor(problem.space), { ...SMALL, nInit: 6, discreteSteps });
      for (let i = 0; i < 6; i++) {
        const params = (opt.ask(i) as { suggestion: { params: Config } }).suggestion.params;
        opt.tell({ number: i, params, state: 'complete', values: (problem.evaluate(params) as { values: number[] }).values });
      }
      return (opt.ask(6) as { suggestion: { info: Record<string, unknown> } }).suggestion.info;
    };
    const without = proposal(0), withSearch = proposal(10);
    expect(without.origin).not.toBe('discrete');
    expect(withSearch.ehvi as number).toBeGreaterThanOrEqual(without.ehvi as number);
  });
});

describe('MS-EHVI quality', () => {
  it('beats Random Search on Branin-Currin: median HV of 5 seeds with 50 evaluations', async () => {
    const problem = new BraninCurrin();
    const seeds = [1, 2, 3, 4, 5];
    const ours: number[] = [], random: number[] = [];
    for (const seed of seeds) {
      ours.push(await score(problem, 'msehvi', { nInit: 10 }, seed, 50));
      random.push(await score(problem, 'random', {}, seed, 50));
    }
    expect(quantile(ours, 0.5)).toBeGreaterThan(quantile(random, 0.5));
  });
});
