// Each model-free method beats Random Search on ZDT1 and Branin-Currin: median full-fidelity
// hypervolume over 5 seeds with the same number of evaluations (seeded, deterministic).
import { describe, expect, it } from 'vitest';
import { BraninCurrin, Zdt1 } from '../../src/problems/synthetic.ts';
import { quantile, score } from '../helpers/quality.ts';

const SEEDS = [1, 2, 3, 4, 5];
const EVALS = 200;
const METHODS: [string, Record<string, unknown>][] = [
  ['nsga2', { populationSize: 20 }],
  // budgets 5..25 as in the paper's example scripts
  ['shemoa', { populationSize: 20, maxEvaluations: EVALS, minBudget: 5 }],
  ['mobohb', { nInit: 10, minPointsInModel: 10, maxBrackets: 1000, minBudget: 5 }],
];

describe.each([
  ['zdt1', () => new Zdt1(10)],
  ['branincurrin', () => new BraninCurrin()],
] as const)('quality on %s', (_name, make) => {
  const problem = make();
  const medians = new Map<string, number>();
  const median = async (method: string, options: Record<string, unknown>) => {
    if (!medians.has(method)) {
      const hv: number[] = [];
      for (const seed of SEEDS) hv.push(await score(problem, method, options, seed, EVALS));
      medians.set(method, quantile(hv, 0.5));
    }
    return medians.get(method)!;
  };

  it.each(METHODS)('%s beats random search (median of 5 seeds, %#)', async (method, options) => {
    const random = await median('random', {});
    const ours = await median(method, options);
    expect(ours).toBeGreaterThan(random);
  });
});
