// `npm run bench`: every benchmark, one after the other (anchors side by side where installed).
//   MOOCORE_BIN, MOOCORE_SRC, DEAP_PYTHON: see bench/pareto.ts and bench/cold-cli.ts
//   GP_PYTHON (default /usr/bin/python3, with scikit-learn), BENCH_GP=0 skips it, BENCH_GP_SIZES=100,200
import { benchAsk, benchQuality, BENCH_METHODS } from './methods.ts';
import { benchEhvi, formatEhviBench } from './ehvi.ts';
import { benchGp, benchMsehviAsk, GP_BENCH_SIZES, printGpTable, printMsehviAsk } from './gp.ts';
import { benchPareto } from './pareto.ts';
import { benchColdCli, formatColdCli } from './cold-cli.ts';
import { benchBundle } from './bundle.ts';
import { benchArchive } from './archive.ts';
import { benchEaf } from './eaf.ts';
import { benchHvApprox } from './hvapprox.ts';
import { benchBulkCut } from './bulkcut.ts';
import { benchQueue } from './queue.ts';
import { machine, printTable } from './harness.ts';
import { BraninCurrin, Zdt1 } from '../src/problems/synthetic.ts';

console.log(`# paretonas benchmarks on ${machine()}`);
if (!process.env.MOOCORE_BIN) console.log('# anchors: set MOOCORE_BIN / MOOCORE_SRC / DEAP_PYTHON to compare side by side');
printTable('Pareto kernels (all values checked before timing)', benchPareto());

console.log('\n## The Pareto tools from a cold process, as a script calls them (best of 3; kernel time printed by -v)\n');
console.log(formatColdCli(benchColdCli()));

printTable('Empirical attainment function, every level (values checked against moocore before timing where installed)', benchEaf());

printTable('Approximate hypervolume (100,000 directions; moocore hvapprox side by side where installed)', benchHvApprox());

console.log('\n## ParetoArchive against recomputing the front and its hypervolume (results checked before timing)\n');
for (const l of benchArchive()) console.log(l);

console.log('\n## What a bundler ships for paretonas/pareto\n');
for (const r of await benchBundle()) console.log(r);

console.log('\n## Expected hypervolume improvement (front of 50 points; checked against the twin first)');
console.log(formatEhviBench(benchEhvi()));

if (process.env.BENCH_GP !== '0') {
  const sizes = process.env.BENCH_GP_SIZES ? process.env.BENCH_GP_SIZES.split(',').map(Number) : GP_BENCH_SIZES;
  printGpTable(benchGp({ sizes }));
  printMsehviAsk(await benchMsehviAsk());
}

console.log('\n## Bulk & Cut model operations (median of 7 after a first call; results checked first)\n');
for (const r of await benchBulkCut()) console.log(r);

console.log('\n## Trials on a Redis queue (starts its own redis-server)\n');
for (const r of await benchQueue()) console.log(r);

console.log('\n### Methods: median [quartiles] full-budget hypervolume over 5 seeds, 300 evaluations\n');
for (const l of await benchQuality([
  ['ZDT1 (30 vars)', () => new Zdt1(30)],
  ['Branin-Currin', () => new BraninCurrin()],
])) console.log(l);
console.log('\n| method | ask() ms at 1,000 finished trials |\n|---|---|');
for (const [label, method, options] of BENCH_METHODS) {
  const o = label.startsWith('shemoa') ? { ...options, maxEvaluations: 2000 } : label.startsWith('mobananas') ? { ...options, functionEvaluations: 2000 } : options;
  console.log(`| ${label} | ${(await benchAsk(method, o)).toFixed(3)} |`);
}
