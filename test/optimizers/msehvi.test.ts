// MS-EHVI: the unit-cube encoding, the known size objective, the exact EHVI, ask/tell
// behaviour, determinism, resume, and quality against Random Search on Branin-Currin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getMethod } from '../../src/optimizers/index.ts';
import { createMsehvi, CubeEncoder, log10ParamCount, MSEHVI_PRESETS, staircase, type MsehviOptimizer } from '../../src/optimizers/msehvi/index.ts';
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

describe('MS-EHVI unit-cube encoding (§10.2)', () => {
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

// The test vectors of METHODS.md §4.4.
const NAS_VECTORS: [Config, number, number, number][] = [
  [{ n_conv_l: 3, n_conv_0: 128, n_conv_1: 128, n_conv_2: 128, n_fc_l: 3, n_fc_0: 32, n_fc_1: 32, n_fc_2: 32, kernel_size: 5, batch_norm: false, global_avg_pooling: true, lr_init: 1e-3, batch_size: 128 }, 835754, 835985, 829354],
  [{ n_conv_l: 2, n_conv_0: 32, n_conv_1: 64, n_conv_2: 16, n_fc_l: 1, n_fc_0: 100, n_fc_1: 16, n_fc_2: 16, kernel_size: 3, batch_norm: true, global_avg_pooling: false, lr_init: 1e-3, batch_size: 128 }, 123094, 123801, 333718],
  [{ n_conv_l: 1, n_conv_0: 16, n_conv_1: 16, n_conv_2: 16, n_fc_l: 2, n_fc_0: 8, n_fc_1: 4, n_fc_2: 16, kernel_size: 7, batch_norm: false, global_avg_pooling: false, lr_init: 1e-3, batch_size: 128 }, 10654, 10689, 25982],
];

function ctxFor(space: SearchSpace, seed = 1, ref = [0, 8]): OptimizerContext {
  return { space, nObj: 2, referencePoint: ref, seed, maxBudget: 25, minBudget: 1 };
}

describe('MS-EHVI known size objective (§10.3)', () => {
  it.each(NAS_VECTORS)('is the exact log10 count by default and the §4.4 approximation with variant paper (%#)', (config, approx, flowers, fashion) => {
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
    expect(() => createMsehvi(ctxFor(bc.space, 1, [18, 6]), { knownObjective: 'numParams' })).toThrow(/createMsehvi: knownObjective 'numParams' needs the NAS search space/);
    expect(() => createMsehvi({ ...ctxFor(bc.space), nObj: 3, referencePoint: [1, 1, 1] }, {})).toThrow(/createMsehvi: MS-EHVI handles 2 objectives/);
    expect(() => createMsehvi(ctxFor(bc.space), { variant: 'x' as never })).toThrow(/createMsehvi: variant/);
    expect(() => createMsehvi(ctxFor(bc.space), { nInit: 0 })).toThrow(/createMsehvi: nInit must be an integer >= 1/);
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
    (ctx, meta) => getMethod('msehvi').factory(ctx, meta.methodOptions ?? {}),
  );
}

const SMALL = { nInit: 8, rawSamples: 300, numRestarts: 3, localSteps: 8, neighbours: 8 };

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
    const resumed = Study.resume(new JournalStorage(path), (ctx, meta) => getMethod('msehvi').factory(ctx, meta.methodOptions ?? {}), quiet);
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
