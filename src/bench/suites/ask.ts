// The ask suite: what one ask() costs each method (and variant) once a study holds N finished
// trials, on ZDT1 (30 variables, a cheap objective, so the method's own work is what is timed),
// and MS-EHVI's ask() on the Ax form of the NAS space. The first ask after the design is timed
// apart from the next ones. Each proposal is checked (a valid configuration of the space, told
// back) before its time counts. Backend 'js': the methods are TypeScript (calling the WebAssembly
// kernels where they model).
import { median, quantile, type Suite, type SuiteContext, type SuiteOutput, type Timing } from '../harness.ts';
import type { BenchResult } from '../schema.ts';
import { getMethod } from '../../optimizers/index.ts';
import { Zdt1 } from '../../problems/synthetic.ts';
import type { Problem } from '../../problems/types.ts';
import { nasAxSpace, toNetworkConfig } from '../../space/nas.ts';
import type { Config } from '../../space/types.ts';
import { MemoryStorage } from '../../study/storage.ts';
import { Study } from '../../study/study.ts';
import { networkSpec } from '../../train/network.ts';
import { now } from '../../platform/index.ts';

const SUITE = 'ask';

/**
 * The methods and variants with the options of their quality comparison (bench/methods.ts), sized
 * for `evals` evaluations; budgets 5..25 as in the paper's scripts.
 */
export function methodVariants(evals = 300): [label: string, method: string, options: Record<string, unknown>][] {
  return [
    ['random', 'random', {}],
    ['sobol', 'sobol', {}],
    ['nsga2', 'nsga2', { populationSize: 20 }],
    ['shemoa', 'shemoa', { populationSize: 20, maxEvaluations: evals, minBudget: 5 }],
    // the paper's schedule overshoots its total by N per rung change (docs/methods.md#odd-13): plan for 80% so it ends inside the cap
    ['shemoa (paper)', 'shemoa', { populationSize: 20, maxEvaluations: Math.round(evals * 0.8), minBudget: 5, variant: 'paper' }],
    ['mobohb', 'mobohb', { nInit: 10, minPointsInModel: 10, maxBrackets: 100000, minBudget: 5 }],
    ['mobohb (paper)', 'mobohb', { nInit: 10, minPointsInModel: 27, maxBrackets: 100000, minBudget: 5, variant: 'paper' }],
    ['mobananas', 'mobananas', { nInit: 10, functionEvaluations: evals, minBudget: 5 }],
    ['mobananas (paper)', 'mobananas', { nInit: 10, functionEvaluations: evals, minBudget: 5, variant: 'paper' }],
    ['mobananas-plain', 'mobananas-plain', { functionEvaluations: evals }],
    ['mobananas-plain (paper)', 'mobananas-plain', { functionEvaluations: evals, variant: 'paper' }],
  ];
}

function study(space: Problem['space'], directions: Problem['objectives'][number]['direction'][], referencePoint: number[], method: string, options: Record<string, unknown>, budgets?: { minBudget?: number; maxBudget?: number }): Study {
  return Study.create(
    { space, directions, referencePoint, method, methodOptions: options, seed: 1, ...budgets, storage: new MemoryStorage(), onWarning: () => {} },
    (ctx, meta) => getMethod(method).create(ctx, meta.methodOptions ?? {}),
  );
}

/** `asks` proposals after the study's trials, each checked and told; their times (ms). */
function timeAsks(s: Study, asks: number, evaluate: (t: { params: Config; budget?: number }) => number[], label: string): number[] {
  const times: number[] = [];
  for (let i = 0; i < asks; i++) {
    const t0 = now();
    const trial = s.ask();
    const ms = now() - t0;
    if (!trial) break;
    s.space.validate(trial.params, `${label}: ask()`);
    s.tell(trial, evaluate(trial));
    times.push(ms);
  }
  if (times.length < 2) throw new Error(`${label}: ask() proposed ${times.length} trials after the design; the timing needs 2`);
  return times;
}

function timing(ms: number[]): Timing {
  const warm = ms.slice(1).map((x) => x / 1000);
  return { first: ms[0] / 1000, median: median(warm), p90: quantile(warm, 0.9), times: warm };
}

export const askSuite: Suite = {
  name: SUITE,
  description: "each method's ask() once a study holds N finished trials (ZDT1; MS-EHVI on the NAS space)",
  async run(ctx: SuiteContext): Promise<SuiteOutput> {
    const out: SuiteOutput = { results: [], anchors: [], skipped: [] };
    const push = (c: string, shape: BenchResult['shape'], t: Timing, check: string) => {
      out.results.push({ suite: SUITE, case: c, shape, backend: 'js', unit: 's', first: t.first, median: t.median, p90: t.p90, runs: t.times.length, check });
      ctx.log(`${SUITE}: ${c} ${JSON.stringify(shape)}: median ${(t.median * 1000).toFixed(3)} ms`);
    };
    const check = 'every proposal a valid configuration of the space, told back';
    const finished = ctx.quick ? 50 : 1000, asks = ctx.quick ? 5 : 50;
    const problem = new Zdt1(30);
    const evaluate = (t: { params: Config; budget?: number }) => problem.evaluate(t.params as never, { budget: t.budget }).values as number[];
    // room for the finished trials and the timed asks in the methods that plan a total budget
    for (const [label, method, options] of methodVariants(2 * finished)) {
      const s = study(problem.space, problem.objectives.map((x) => x.direction), [...problem.referencePoint], method, options, { minBudget: problem.minBudget, maxBudget: problem.maxBudget });
      await s.optimize((t) => evaluate(t), { maxEvaluations: finished });
      push(`${label} ask()`, { problem: 'zdt1', finished }, timing(timeAsks(s, asks, evaluate, label)), check);
    }

    // MS-EHVI (a GP fit per objective and an EHVI search per ask) on the NAS space with the exact
    // log10 parameter count as the known second objective and a cheap synthetic first one
    const space = nasAxSpace();
    const nas = (c: Config): number[] => {
      const size = Math.log10(networkSpec(toNetworkConfig(c), [3, 16, 16], 17).numParams);
      const lr = Math.log10(c.lr_init as number);
      return [-100 / (1 + Math.exp(-(size - 4))) + 8 * Math.abs(lr + 3) + (c.batch_norm ? 0 : 3) + 2 * Math.sin(c.batch_size as number), size];
    };
    for (const n of ctx.quick ? [20] : [50, 100, 200]) {
      const s = study(space, ['minimize', 'minimize'], [0, 8], 'msehvi', { nInit: n });
      await s.optimize((t) => nas(t.params), { maxEvaluations: n });
      push('msehvi ask()', { problem: 'nas (ax space)', finished: n }, timing(timeAsks(s, ctx.quick ? 3 : 4, (t) => nas(t.params), 'msehvi')), check);
    }
    return out;
  },
};
