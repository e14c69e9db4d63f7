// The benchmark suites `paretonas bench` and the benchmark page know, in the order they run. Each
// is loaded when it runs, so that `paretonas bench pareto` compiles the Pareto kernels alone.
// A new suite adds one entry here (or calls registerSuite() before the run).
import type { Suite } from '../harness.ts';

export interface SuiteEntry {
  name: string;
  /** one line for `paretonas bench --help` */
  description: string;
  load(): Promise<Suite>;
}

export const SUITES: SuiteEntry[] = [
  {
    name: 'pareto',
    description: 'WebAssembly Pareto kernels (hypervolume, contributions, ndsort, filter, indicators, EAF, hvApprox, dominatedSets, archive); moocore side by side',
    load: async () => (await import('./pareto.ts')).paretoSuite,
  },
  {
    name: 'surrogates',
    description: 'GP fit and predict (scikit-learn side by side), exact and QMC EHVI, the MLP ensemble',
    load: async () => (await import('./surrogates.ts')).surrogatesSuite,
  },
  {
    name: 'ask',
    description: "each method's ask() once a study holds N finished trials",
    load: async () => (await import('./ask.ts')).askSuite,
  },
  {
    name: 'train-kernels',
    description: 'GFLOP/s of the training kernels (conv, dense, SGEMM ceiling) in WebAssembly and on WebGPU, checked against float64 twins',
    load: async () => (await import('./train.ts')).trainKernelsSuite,
  },
  {
    name: 'train',
    description: "training images/s per configuration (synthetic data of Flowers' shape) on each backend, one training and one per core; PyTorch side by side",
    load: async () => (await import('./train.ts')).trainSuite,
  },
];

/** Add a suite (after the others), or replace the one of the same name. */
export function registerSuite(entry: SuiteEntry): void {
  const i = SUITES.findIndex((s) => s.name === entry.name);
  if (i >= 0) SUITES[i] = entry;
  else SUITES.push(entry);
}
