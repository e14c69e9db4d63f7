// A run does what the paper did unless a setting is overridden explicitly: budgets from the
// problem's paper range or the preset, 'paper' on flowers/fashion = the paper's settings,
// impossible plans refused, option typos refused, the known size objective of the problem's
// own network (docs/methods.md#presets).
import { describe, expect, it } from 'vitest';
import { getMethod, methodNames } from '../../src/optimizers/index.ts';
import { createMobananas, createMobananasPlain } from '../../src/optimizers/mobananas/index.ts';
import { numRungs } from '../../src/optimizers/mobohb/schedule.ts';
import { createMsehvi } from '../../src/optimizers/msehvi/index.ts';
import { createShemoa } from '../../src/optimizers/shemoa/index.ts';
import type { OptimizerContext } from '../../src/optimizers/types.ts';
import { CnnProblem } from '../../src/problems/cnn.ts';
import { nasAxSpace, toNetworkConfig } from '../../src/space/nas.ts';
import { approximateParameterCount, networkSpec } from '../../src/train/network.ts';

/** The context a study over a CNN problem gives its method (no data is loaded). */
function cnnCtx(name: 'flowers' | 'fashion', seed = 0, problem: string | undefined = name): OptimizerContext {
  const p = new CnnProblem(name);
  return {
    space: p.space, nObj: 2, referencePoint: [...p.referencePoint], seed, minBudget: p.minBudget, maxBudget: p.maxBudget,
    problem, objectives: p.objectives.map((o) => o.name),
  };
}

describe('budgets come from the paper, not from flags', () => {
  it('the CNN problems span the paper\'s 5..25 epochs', () => {
    for (const name of ['flowers', 'fashion'] as const) {
      const p = new CnnProblem(name);
      expect([p.minBudget, p.maxBudget]).toEqual([5, 25]);
    }
    expect(new CnnProblem('flowers', { maxEpochs: 3 }).minBudget).toBe(3);
    expect(() => new CnnProblem('flowers', { minEpochs: 30 })).toThrow(/minEpochs must be an integer in \[1, maxEpochs = 25\], got 30/);
  });

  it('SH-EMOA: the paper ladder [7, 13, 25] with and without --preset; the default ladder [5, 11, 25]', () => {
    const paper = createShemoa(cnnCtx('flowers'), { variant: 'paper' });
    const preset = createShemoa(cnnCtx('flowers'), { variant: 'paper', preset: 'flowers' });
    expect(paper.schedule).toEqual(preset.schedule);
    expect(paper.schedule.budgets).toEqual([7, 13, 25]);
    expect(paper.schedule.steps).toEqual([8516, 4258, 2129]);
    expect(paper.schedule.evaluations).toBe(15203);
    expect(createShemoa(cnnCtx('fashion'), { variant: 'paper' }).schedule).toEqual({ budgets: [7, 13, 25], steps: [80, 40, 20], evaluations: 170 });
    // an explicit setting overrides the problem's preset
    expect(createShemoa(cnnCtx('fashion'), { variant: 'paper', maxEvaluations: 80 }).schedule.steps).toEqual([40, 20, 10]);
    // the default variant: the method's defaults over the problem's range
    expect(createShemoa(cnnCtx('flowers')).schedule.budgets).toEqual([5, 11, 25]);
  });

  it('MO-SH-BANANAS: [9, 25] with rungs of 10 and 3 and one survivor, with and without --preset', () => {
    for (const o of [{ variant: 'paper' as const }, { variant: 'paper' as const, preset: 'flowers' as const }]) {
      const s = createMobananas(cnnCtx('flowers'), o).schedule;
      expect(s).toMatchObject({ budgets: [9, 25], sizes: [10, 3], survivors: 1, iterations: 3330 });
    }
    expect(createMobananas(cnnCtx('fashion'), { variant: 'paper' }).schedule.iterations).toBe(130);
    // the default variant on the problem's range: at least one survivor too
    expect(createMobananas(cnnCtx('flowers')).schedule).toMatchObject({ budgets: [9, 25], sizes: [10, 3], survivors: 3 });
  });

  it('MO-BOHB: three rungs (6.25, 12.5, 25) on 5..25, and the paper\'s 50 initial configurations on flowers', () => {
    expect(numRungs(5, 25, 2, 'paper')).toBe(3);
    for (const o of [{ variant: 'paper' as const }, { variant: 'paper' as const, preset: 'flowers' as const }]) {
      const opt = getMethod('mobohb').create(cnnCtx('flowers'), o);
      const budgets: (number | undefined)[] = [];
      for (let n = 0; n < 51; n++) {
        const r = opt.ask(n);
        if (r.kind !== 'suggest') break;
        budgets.push(r.suggestion.budget);
      }
      // the init bracket holds nInit = 50 configurations at the full budget, then the stage waits
      expect(budgets.length).toBe(50);
      expect(budgets.every((b) => b === 25)).toBe(true);
    }
  });

  it('a plan with no survivor is an error that says why', () => {
    // a range of 1..25 epochs (the flowers preset's own 5 overridden): [3, 9, 25] halves 10 → 3 → 1 → 0
    const wide: OptimizerContext = { ...cnnCtx('flowers'), minBudget: 1 };
    expect(() => createMobananas(wide, { variant: 'paper', minBudget: 1 })).toThrow(/keeps \[10, 3, 1\] and then 0, so no member would ever enter the archive/);
  });

  it('plain MO-BANANAS has its own name and the reference\'s settings (20 initial, 8 parents, 4 chosen, 100 evaluations)', () => {
    expect(methodNames().map((m) => m.name)).toContain('mobananas-plain');
    const opt = createMobananasPlain(cnnCtx('flowers'), { variant: 'paper' });
    expect(opt.method).toBe('mobananas-plain');
    expect(opt.schedule).toEqual({ budgets: [25], sizes: [4], survivors: 4, iterations: 20, evaluations: 100 });
    expect(getMethod('mobananas-plain').presets).toEqual(['flowers', 'fashion']);
    expect(() => createMobananasPlain(cnnCtx('flowers'), { successiveHalving: true } as never)).toThrow(/unknown option 'successiveHalving'/);
  });
});

describe('each method searches the space form it used in the paper', () => {
  it('random and MS-EHVI the Ax form, MO-BOHB the uniform form, SH-EMOA and MO-BANANAS the ConfigSpace form', () => {
    const forms = Object.fromEntries(methodNames().map((m) => [m.name, getMethod(m.name).spaceForm]));
    expect(forms).toMatchObject({ random: 'ax', msehvi: 'ax', mobohb: 'uniform', shemoa: 'configspace', mobananas: 'configspace', 'mobananas-plain': 'configspace' });
  });
});

describe('option typos are errors for every method', () => {
  const ctx: OptimizerContext = { ...cnnCtx('flowers', 0, undefined), space: nasAxSpace() };
  it.each(methodNames().map((m) => m.name))('%s', (name) => {
    expect(() => getMethod(name).create(ctx, { definitelyNotAnOption: 1 })).toThrow(/unknown option 'definitelyNotAnOption'/);
  });
  it('the message suggests the nearest option', () => {
    expect(() => getMethod('mobohb').create(ctx, { etaa: 3 })).toThrow(/unknown option 'etaa' \(did you mean 'eta'\?\)/);
    expect(() => getMethod('msehvi').create(ctx, { nIinit: 3 })).toThrow(/unknown option 'nIinit' \(did you mean 'nInit'\?\)/);
    expect(() => getMethod('nsga2').create(ctx, { variant: 'paper' })).toThrow(/options.variant must be 'fixed'/);
  });
});

describe('MS-EHVI counts the problem\'s own network', () => {
  // one conv layer, no global average pooling: the flatten size depends on the input
  const config = {
    n_conv_l: 1, n_conv_0: 16, n_conv_1: 16, n_conv_2: 16, n_fc_l: 1, n_fc_0: 2, n_fc_1: 2, n_fc_2: 2,
    kernel_size: 3, lr_init: 1e-3, batch_norm: false, batch_size: 32, global_avg_pooling: false,
  };
  it('fashion without a preset: the Fashion network, not a Flowers one', () => {
    const fashion = createMsehvi({ ...cnnCtx('fashion'), space: nasAxSpace() });
    const exact = networkSpec(toNetworkConfig(config), [1, 28, 28], 10).numParams;
    const flowers = networkSpec(toNetworkConfig(config), [3, 16, 16], 17).numParams;
    expect(exact).not.toBe(flowers);
    expect(fashion.knownObjective!(config)).toBeCloseTo(Math.log10(exact), 12);
    const onFlowers = createMsehvi({ ...cnnCtx('flowers'), space: nasAxSpace() });
    expect(onFlowers.knownObjective!(config)).toBeCloseTo(Math.log10(flowers), 12);
  });
  it('paper: the reference\'s approximation on either problem', () => {
    const paper = createMsehvi({ ...cnnCtx('fashion'), space: nasAxSpace() }, { variant: 'paper' });
    expect(paper.knownObjective!(config)).toBeCloseTo(Math.log10(approximateParameterCount(toNetworkConfig(config))), 12);
  });
});
