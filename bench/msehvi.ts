// MS-EHVI against Random Search with a budget a GP method is made for: 60 evaluations, 5 seeds,
// median [quartiles] hypervolume on ZDT1 (30 variables) and Branin-Currin.
import { BraninCurrin, Zdt1 } from '../src/problems/synthetic.ts';
import { quantile, score } from '../test/helpers/quality.ts';

const EVALS = Number(process.env.MSEHVI_EVALS ?? 60);
const SEEDS = [1, 2, 3, 4, 5];
console.log(`# ${EVALS} evaluations, seeds ${SEEDS.join(',')}\n\n| method | ZDT1 (30 vars) | Branin-Currin |\n|---|---|---|`);
for (const [label, method, options] of [
  ['random', 'random', {}],
  ['msehvi', 'msehvi', { nInit: 10 }],
  ['msehvi (paper)', 'msehvi', { nInit: 10, variant: 'paper' }],
] as [string, string, Record<string, unknown>][]) {
  const cells: string[] = [];
  for (const make of [() => new Zdt1(30), () => new BraninCurrin()]) {
    const hv: number[] = [];
    for (const seed of SEEDS) hv.push(await score(make(), method, options, seed, EVALS));
    cells.push(`${quantile(hv, 0.5).toFixed(3)} [${quantile(hv, 0.25).toFixed(3)}, ${quantile(hv, 0.75).toFixed(3)}]`);
  }
  console.log(`| ${label} | ${cells.join(' | ')} |`);
}
