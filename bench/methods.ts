// Method quality and ask() cost: median and quartile full-fidelity hypervolume over 5 seeds on
// ZDT1 and Branin-Currin with the same number of evaluations, and the time of one ask() (plus
// its tell) once a study holds 1,000 finished trials.
import { BraninCurrin, Zdt1 } from '../src/problems/synthetic.ts';
import type { Problem } from '../src/problems/types.ts';
import { newStudy, quantile, score } from '../test/helpers/quality.ts';
import { machine, median } from './harness.ts';

const EVALS = Number(process.env.BENCH_EVALS ?? 300);
const SEEDS = [1, 2, 3, 4, 5];

export const BENCH_METHODS: [string, string, Record<string, unknown>][] = [
  ['random', 'random', {}],
  ['sobol', 'sobol', {}],
  ['nsga2', 'nsga2', { populationSize: 20 }],
  // budgets 5..25 as in the paper's scripts (the problems allow 1..25)
  ['shemoa', 'shemoa', { populationSize: 20, maxEvaluations: EVALS, minBudget: 5 }],
  // the paper's schedule overshoots its total by N per rung change (docs/methods.md#odd-13): plan for 80% so it ends inside the cap
  ['shemoa (paper)', 'shemoa', { populationSize: 20, maxEvaluations: Math.round(EVALS * 0.8), minBudget: 5, variant: 'paper' }],
  ['mobohb', 'mobohb', { nInit: 10, minPointsInModel: 10, maxBrackets: 100000, minBudget: 5 }],
  ['mobohb (paper)', 'mobohb', { nInit: 10, minPointsInModel: 27, maxBrackets: 100000, minBudget: 5, variant: 'paper' }],
  ['mobananas', 'mobananas', { nInit: 10, functionEvaluations: EVALS, minBudget: 5 }],
  ['mobananas (paper)', 'mobananas', { nInit: 10, functionEvaluations: EVALS, minBudget: 5, variant: 'paper' }],
  ['mobananas-plain', 'mobananas-plain', { functionEvaluations: EVALS }],
  ['mobananas-plain (paper)', 'mobananas-plain', { functionEvaluations: EVALS, variant: 'paper' }],
];

export async function benchQuality(problems: [string, () => Problem][]): Promise<string[]> {
  const lines = [`| method | ${problems.map(([p]) => `${p} median HV [q1, q3]`).join(' | ')} |`, `|---|${problems.map(() => '---').join('|')}|`];
  for (const [label, method, options] of BENCH_METHODS) {
    const cells: string[] = [];
    for (const [, make] of problems) {
      const problem = make();
      const hv: number[] = [];
      for (const seed of SEEDS) hv.push(await score(problem, method, options, seed, EVALS));
      cells.push(`${quantile(hv, 0.5).toFixed(3)} [${quantile(hv, 0.25).toFixed(3)}, ${quantile(hv, 0.75).toFixed(3)}]`);
    }
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Mean milliseconds of ask() + tell() after `finished` trials (a cheap objective), over 50 calls. */
export async function benchAsk(method: string, options: Record<string, unknown>, finished = 1000): Promise<number> {
  const problem = new Zdt1(30);
  const study = newStudy(problem, method, options, 1);
  const evaluate = (t: { params: Record<string, unknown>; budget?: number }) => problem.evaluate(t.params as never, { budget: t.budget }).values;
  await study.optimize(evaluate, { maxEvaluations: finished });
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    const trial = study.ask();
    if (!trial) break;
    times.push(performance.now() - t0);
    study.tell(trial, evaluate(trial));
  }
  return median(times);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# Methods on ${machine()}: ${EVALS} evaluations, seeds ${SEEDS.join(', ')}; HV of full-budget trials`);
  console.log('');
  for (const l of await benchQuality([
    ['ZDT1 (30 vars, ref 11,11)', () => new Zdt1(30)],
    ['Branin-Currin (ref -18,-6)', () => new BraninCurrin()],
  ])) console.log(l);
  console.log('\n| method | ask() ms at 1,000 finished trials (median of 50) |\n|---|---|');
  for (const [label, method, options] of BENCH_METHODS) {
    const o = label.startsWith('shemoa') ? { ...options, maxEvaluations: 2000 } : label.startsWith('mobananas') ? { ...options, functionEvaluations: 2000 } : options;
    console.log(`| ${label} | ${(await benchAsk(method, o)).toFixed(3)} |`);
  }
}
