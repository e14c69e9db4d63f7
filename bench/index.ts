// `npm run bench`: every benchmark, one after the other.
import { benchGp, benchMsehviAsk, GP_BENCH_SIZES, printGpTable, printMsehviAsk } from './gp.ts';
import { benchPareto } from './pareto.ts';
import { machine, printTable } from './harness.ts';

console.log(`# paretonas benchmarks on ${machine()}`);
if (!process.env.MOOCORE_BIN) console.log('# anchors: set MOOCORE_BIN / MOOCORE_DRIVER / DEAP_PYTHON to compare side by side');
printTable('Pareto kernels (all values checked before timing)', benchPareto());

// GP regression vs scikit-learn (GP_PYTHON, default /usr/bin/python3); BENCH_GP=0 skips it,
// BENCH_GP_SIZES=100,200 picks the sizes.
if (process.env.BENCH_GP !== '0') {
  const sizes = process.env.BENCH_GP_SIZES ? process.env.BENCH_GP_SIZES.split(',').map(Number) : GP_BENCH_SIZES;
  printGpTable(benchGp({ sizes }));
  printMsehviAsk(await benchMsehviAsk());
}
