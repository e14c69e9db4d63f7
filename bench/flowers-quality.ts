// A small multi-fidelity search on Flowers for the method comparison: the real problem with
// widths capped at 24, subsets of the splits and 1-3 epochs, so that 5 seeds of each method
// finish in minutes on a software adapter. Median [quartiles] of the full-budget hypervolume.
import { fileURLToPath } from 'node:url';
import { CnnProblem } from '../src/problems/cnn.ts';
import { fullFidelityHv, newStudy, quantile } from '../test/helpers/quality.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const FLOWERS_DIR = process.env.PARETONAS_FLOWERS_DIR ?? `${root}../shared/data/flowers17`;
const EVALS = Number(process.env.FLOWERS_EVALS ?? 12);
const SEEDS = [1, 2, 3, 4, 5];

export const FLOWERS_METHODS: [string, string, Record<string, unknown>][] = [
  ['random', 'random', {}],
  ['msehvi', 'msehvi', { nInit: 4 }],
  ['mobananas', 'mobananas', { nInit: 4, functionEvaluations: EVALS, numArch: 8, selectModels: 4 }],
  ['mobohb', 'mobohb', { nInit: 4, minPointsInModel: 6 }],
  ['shemoa', 'shemoa', { populationSize: 4, maxEvaluations: EVALS }],
];

if (import.meta.url === `file://${process.argv[1]}`) {
  const methods = process.argv.slice(2);
  const problem = new CnnProblem('flowers', { dataDir: FLOWERS_DIR, maxWidth: 24, maxEpochs: 3, subset: { train: 85, val: 51, test: 17 } });
  console.log(`# Flowers (widths <= 24, 85/51 train/val images, 1-3 epochs), ${EVALS} evaluations, seeds ${SEEDS.join(',')}, on ${(await problem.backend()).description}`);
  console.log('| method | median HV [q1, q3] | seconds per run |\n|---|---|---|');
  for (const [label, method, options] of FLOWERS_METHODS.filter(([l]) => methods.length === 0 || methods.includes(l))) {
    const hv: number[] = [];
    const t0 = performance.now();
    for (const seed of SEEDS) {
      const study = newStudy(problem, method, options, seed);
      await study.optimize(async (t) => {
        const r = await problem.evaluate(t.params, { budget: t.budget, seed: seed * 1000 + t.number });
        return r.values;
      }, { maxEvaluations: EVALS });
      hv.push(fullFidelityHv(study, problem));
    }
    const secs = (performance.now() - t0) / 1000 / SEEDS.length;
    console.log(`| ${label} | ${quantile(hv, 0.5).toFixed(2)} [${quantile(hv, 0.25).toFixed(2)}, ${quantile(hv, 0.75).toFixed(2)}] | ${secs.toFixed(1)} |`);
    console.error(`${label}: ${hv.map((h) => h.toFixed(2)).join(' ')}`);
  }
  await problem.dispose();
}
