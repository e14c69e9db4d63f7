// Running a method on a synthetic problem and scoring it, for the quality test and benchmark.
import { getMethod } from '../../src/optimizers/index.ts';
import { hypervolume } from '../../src/pareto/hypervolume.ts';
import type { Problem } from '../../src/problems/types.ts';
import { MemoryStorage } from '../../src/study/storage.ts';
import { Study } from '../../src/study/study.ts';

export function newStudy(problem: Problem, method: string, options: Record<string, unknown>, seed: number): Study {
  return Study.create(
    {
      space: problem.space,
      directions: problem.objectives.map((o) => o.direction),
      referencePoint: [...problem.referencePoint],
      method,
      methodOptions: options,
      seed,
      minBudget: problem.minBudget,
      maxBudget: problem.maxBudget,
      storage: new MemoryStorage(),
      onWarning: () => {},
    },
    (ctx, meta) => getMethod(method).create(ctx, meta.methodOptions ?? {}),
  );
}

/**
 * Hypervolume of the trials evaluated at the full budget (low-fidelity results are noisy
 * stand-ins, so they do not count), in the minimisation space.
 */
export function fullFidelityHv(study: Study, problem: Problem): number {
  const full = study.trials.filter((t) => t.state === 'complete' && (t.budget === undefined || t.budget >= (problem.maxBudget ?? Infinity)));
  if (full.length === 0) return 0;
  const d = problem.objectives.length;
  const pts = new Float64Array(full.length * d);
  full.forEach((t, i) => pts.set(study.toMin(t.values!), i * d));
  const ref = study.toMin(problem.referencePoint as number[]);
  return hypervolume(pts, d, ref);
}

/** Run `method` for `evaluations` trials on `problem` with `seed`; returns its full-fidelity hypervolume. */
export async function score(problem: Problem, method: string, options: Record<string, unknown>, seed: number, evaluations: number): Promise<number> {
  const study = newStudy(problem, method, options, seed);
  await study.optimize(async (t) => (await problem.evaluate(t.params, { budget: t.budget, seed })).values, { maxEvaluations: evaluations });
  return fullFidelityHv(study, problem);
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
