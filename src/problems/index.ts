// Problems by name, for the CLI and for resuming a study from its journal.
import { BraninCurrin, Dtlz2, Zdt1, Zdt2, Zdt3, type FidelityOptions } from './synthetic.ts';
import type { Problem } from './types.ts';

export interface ProblemOptions extends FidelityOptions {
  /** number of decision variables (ZDT) */
  nVars?: number;
  /** number of objectives (DTLZ2) */
  nObj?: number;
  [key: string]: unknown;
}

type Maker = (o: ProblemOptions) => Problem | Promise<Problem>;

const PROBLEMS: Record<string, { make: Maker; summary: string }> = {
  zdt1: { make: (o) => new Zdt1(o.nVars ?? 30, o), summary: 'ZDT1, 30 variables, convex front' },
  zdt2: { make: (o) => new Zdt2(o.nVars ?? 30, o), summary: 'ZDT2, 30 variables, concave front' },
  zdt3: { make: (o) => new Zdt3(o.nVars ?? 30, o), summary: 'ZDT3, 30 variables, disconnected front' },
  dtlz2: { make: (o) => new Dtlz2(o.nObj ?? 3, 10, o), summary: 'DTLZ2, 3 objectives (nObj), spherical front' },
  branincurrin: { make: (o) => new BraninCurrin(o), summary: 'Branin-Currin, 2 variables, 2 maximised objectives' },
  // The CNN problems load WebGPU code only when used.
  flowers: {
    make: async (o) => new (await import('./cnn.ts')).CnnProblem('flowers', o as never),
    summary: 'Oxford Flowers 17 at 16x16: train the CNN of a configuration (dataDir or $PARETONAS_FLOWERS_DIR)',
  },
  fashion: {
    make: async (o) => new (await import('./cnn.ts')).CnnProblem('fashion', o as never),
    summary: 'Fashion-MNIST: train the CNN of a configuration (dataDir, default /usr/share/datasets/fashion-mnist)',
  },
};

/**
 * Register a problem maker under a name, for problems defined outside this table: a module
 * that calls this can be listed in a pool's `modules`, so that its workers know the problem too.
 */
export function registerProblem(name: string, make: Maker, summary: string): void {
  PROBLEMS[name] = { make, summary };
}

export function problemNames(): { name: string; summary: string }[] {
  return Object.entries(PROBLEMS).map(([name, p]) => ({ name, summary: p.summary }));
}

export async function makeProblem(name: string, options: ProblemOptions = {}): Promise<Problem> {
  const p = PROBLEMS[name];
  if (!p) throw new RangeError(`unknown problem '${name}' (known: ${Object.keys(PROBLEMS).join(', ')})`);
  return p.make(options);
}
