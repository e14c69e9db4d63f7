// `npm run bench`: every benchmark, one after the other.
import { benchEhvi, formatEhviBench } from './ehvi.ts';
import { benchPareto } from './pareto.ts';
import { machine, printTable } from './harness.ts';

console.log(`# paretonas benchmarks on ${machine()}`);
if (!process.env.MOOCORE_BIN) console.log('# anchors: set MOOCORE_BIN / MOOCORE_DRIVER / DEAP_PYTHON to compare side by side');
printTable('Pareto kernels (all values checked before timing)', benchPareto());
console.log('\n## Expected hypervolume improvement (front of 50 points; checked against the twin first)');
console.log(formatEhviBench(benchEhvi()));
