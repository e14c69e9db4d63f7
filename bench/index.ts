// `npm run bench [-- SUITE... --quick]`: the kernel suites of `paretonas bench` (default pareto,
// surrogates, ask: src/bench/), then what only a clone measures: the Pareto tools from cold
// processes, the bundle size, Bulk & Cut's model operations, the Redis queue and the methods'
// quality. The anchors come from the environment, as before `paretonas bench` took flags:
//   MOOCORE_BIN (--moocore), MOOCORE_SRC (--moocore-source), GP_PYTHON or TORCH_PYTHON
//   (--python; default /usr/bin/python3, reported absent where it lacks scikit-learn)
import { readFileSync } from 'node:fs';
import { benchBulkCut } from './bulkcut.ts';
import { benchBundle } from './bundle.ts';
import { benchColdCli, formatColdCli } from './cold-cli.ts';
import { benchQuality } from './methods.ts';
import { benchQueue } from './queue.ts';
import { formatBench } from '../src/bench/format.ts';
import { runBench } from '../src/bench/run.ts';
import { BraninCurrin, Zdt1 } from '../src/problems/synthetic.ts';

const args = process.argv.slice(2);
const suites = args.filter((a) => !a.startsWith('-'));
const quick = args.includes('--quick');
const env = process.env;
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const file = await runBench({
  suites: suites.length ? suites : ['pareto', 'surrogates', 'ask'],
  quick,
  moocore: env.MOOCORE_BIN, moocoreSource: env.MOOCORE_SRC, python: env.GP_PYTHON ?? env.TORCH_PYTHON ?? '/usr/bin/python3',
  version, log: (m) => console.error(m),
});
console.log(formatBench(file));
// --quick: a smoke run of the suites alone
if (!quick) await rest();

async function rest(): Promise<void> {
  console.log('\n## The Pareto tools from a cold process, as a script calls them (best of 3; kernel time printed by -v)\n');
  console.log(formatColdCli(benchColdCli()));

  console.log('\n## What a bundler ships for paretonas/pareto\n');
  for (const r of await benchBundle()) console.log(r);

  console.log('\n## Bulk & Cut model operations (median of 7 after a first call; results checked first)\n');
  for (const r of await benchBulkCut()) console.log(r);

  console.log('\n## Trials on a Redis queue (starts its own redis-server)\n');
  for (const r of await benchQueue()) console.log(r);

  console.log('\n### Methods: median [quartiles] full-budget hypervolume over 5 seeds, 300 evaluations\n');
  for (const l of await benchQuality([
    ['ZDT1 (30 vars)', () => new Zdt1(30)],
    ['Branin-Currin', () => new BraninCurrin()],
  ])) console.log(l);
}
