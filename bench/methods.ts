// Method quality: median and quartile full-fidelity hypervolume over 5 seeds on ZDT1 and
// Branin-Currin with the same number of evaluations (BENCH_EVALS, default 300). The time of one
// ask() is the 'ask' suite of `paretonas bench`.
import { BraninCurrin, Zdt1 } from '../src/problems/synthetic.ts';
import type { Problem } from '../src/problems/types.ts';
import { methodVariants } from '../src/bench/suites/ask.ts';
import { quantile, score } from '../test/helpers/quality.ts';
import { machine } from './harness.ts';

const EVALS = Number(process.env.BENCH_EVALS ?? 300);
const SEEDS = [1, 2, 3, 4, 5];

export async function benchQuality(problems: [string, () => Problem][]): Promise<string[]> {
  const lines = [`| method | ${problems.map(([p]) => `${p} median HV [q1, q3]`).join(' | ')} |`, `|---|${problems.map(() => '---').join('|')}|`];
  for (const [label, method, options] of methodVariants(EVALS)) {
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

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# Methods on ${machine()}: ${EVALS} evaluations, seeds ${SEEDS.join(', ')}; HV of full-budget trials`);
  console.log('');
  for (const l of await benchQuality([
    ['ZDT1 (30 vars, ref 11,11)', () => new Zdt1(30)],
    ['Branin-Currin (ref -18,-6)', () => new BraninCurrin()],
  ])) console.log(l);
}
