// MS-EHVI's proposal step on fixed histories: the time of one ask() (surrogate fit plus
// acquisition optimisation) and the acquisition value it reaches, EHVI at the proposed
// (rounded) configuration, as the method reports it in the suggestion's info.
//
// Histories: for each problem, n = 20 and 50 observations (seeds 1..5), configurations sampled
// from the space (seeded) and evaluated. A fresh optimizer (nInit 1, its one design point
// reported failed) is told the history and asked once; the surrogate fit is seeded by the
// trial number, so every variant of the acquisition optimiser sees the same GP and front and
// their EHVI values are comparable.
//
// Problems: 'nas' = the Ax NAS space (15 encoded dims) with a synthetic error and the known
// exact log10 parameter count (one GP); 'nas paper' = the same with variant 'paper' (docs/methods.md#cnn-approx-count
// approximate count, FixedNoiseGP noise); 'branin-currin' = 2 dims, no known objective (two GPs).
//
// Before timing, every case is checked: the proposal is a valid configuration, from the
// acquisition ('ehvi'), with a finite positive EHVI, and a second run returns the same
// configuration and value (determinism). Then the first ask() is timed apart and the median
// of RUNS further asks (each on a fresh optimizer with the same history) is reported, in
// wall-clock and in CPU time of the process (the ask is single-threaded; CPU time is the
// steadier figure on a shared machine).
//
//   npx tsx bench/msehvi.ts             (MSEHVI_RUNS=3; MSEHVI_HV=1 adds the hypervolume
//                                        comparison with Random Search, MSEHVI_EVALS=60)
// benchMsehviCase takes the factory, so another implementation can be measured side by side
// on the same cases.
import { pathToFileURL } from 'node:url';
import { createMsehvi } from '../src/optimizers/msehvi/index.ts';
import type { Optimizer, OptimizerContext, OptimizerFactory } from '../src/optimizers/types.ts';
import { BraninCurrin, Zdt1 } from '../src/problems/synthetic.ts';
import { Rng } from '../src/random/rng.ts';
import { nasAxSpace, toNetworkConfig } from '../src/space/nas.ts';
import type { SearchSpace } from '../src/space/space.ts';
import type { Config } from '../src/space/types.ts';
import { networkSpec } from '../src/train/network.ts';
import { quantile, score } from '../test/helpers/quality.ts';
import { median } from '../src/bench/harness.ts';
import { machine } from './harness.ts';

const RUNS = Number(process.env.MSEHVI_RUNS ?? 3);
export const MSEHVI_BENCH_SEEDS = [1, 2, 3, 4, 5];
export const MSEHVI_BENCH_SIZES = [20, 50];
const SEEDS = MSEHVI_BENCH_SEEDS;

export interface MsehviBenchCase {
  label: string;
  space: SearchSpace;
  reference: [number, number];
  options: Record<string, unknown>;
  evaluate(c: Config): [number, number];
}

/** A synthetic validation error in [0, 1] of a NAS configuration, smooth in its numeric hyperparameters. */
function nasError(c: Config, size: number): number {
  const lr = Math.log10(c.lr_init as number);
  const bs = Math.log2(c.batch_size as number);
  const capacity = 1 / (1 + Math.exp(1.5 * (size - 4.5)));
  const e = 0.15 + 0.5 * capacity + 0.04 * (lr + 3) ** 2 + 0.01 * (bs - 6) ** 2 + (c.batch_norm ? 0 : 0.05) + (c.kernel_size === 3 ? 0.03 : 0);
  return Math.min(1, e);
}

function nasCase(label: string, options: Record<string, unknown>): MsehviBenchCase {
  return {
    label,
    space: nasAxSpace(),
    reference: [1, 8],
    options,
    evaluate: (c) => {
      const size = Math.log10(networkSpec(toNetworkConfig(c), [3, 16, 16], 17).numParams);
      return [nasError(c, size), size];
    },
  };
}

const bc = new BraninCurrin();
export const MSEHVI_BENCH_CASES: MsehviBenchCase[] = [
  nasCase('nas', {}),
  nasCase('nas paper', { variant: 'paper' }),
  {
    label: 'branin-currin',
    space: bc.space,
    // maximised metrics: negated into the minimisation space the method works in
    reference: [-bc.referencePoint[0], -bc.referencePoint[1]],
    options: {},
    evaluate: (c) => {
      const [a, b] = bc.evaluate(c).values;
      return [-a, -b];
    },
  },
];

/** The history of a case: n configurations sampled from the space (seeded), with their values. */
function history(cs: MsehviBenchCase, n: number, seed: number): { params: Config; values: number[] }[] {
  const rng = new Rng(seed * 7919 + n);
  const out: { params: Config; values: number[] }[] = [];
  while (out.length < n) {
    const params = cs.space.sample(rng);
    out.push({ params, values: cs.evaluate(params) });
  }
  return out;
}

/** A fresh optimizer told the history; returns it and the number of the next trial. */
type Factory = OptimizerFactory<Record<string, unknown>>;

function primed(cs: MsehviBenchCase, n: number, seed: number, factory: Factory): { opt: Optimizer; next: number } {
  const ctx: OptimizerContext = { space: cs.space, nObj: 2, referencePoint: [...cs.reference], seed, maxBudget: 25, minBudget: 1 };
  const opt = factory(ctx, { ...cs.options, nInit: 1 });
  // the one design point is reported failed, so that the history is the same whatever the
  // method's initial design
  const a = opt.ask(0);
  if (a.kind !== 'suggest') throw new Error('bench: the first ask did not suggest');
  opt.tell({ number: 0, params: a.suggestion.params, state: 'failed' });
  history(cs, n, seed).forEach((ob, i) => opt.tell({ number: i + 1, params: ob.params, state: 'complete', values: ob.values }));
  return { opt, next: n + 1 };
}

interface Proposal {
  params: Config;
  info: Record<string, unknown>;
  /** wall-clock and CPU (user + system) milliseconds of the ask() */
  ms: number;
  cpuMs: number;
}

function proposeOnce(cs: MsehviBenchCase, n: number, seed: number, factory: Factory): Proposal {
  const { opt, next } = primed(cs, n, seed, factory);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const a = opt.ask(next);
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  if (a.kind !== 'suggest') throw new Error(`bench: ask(${next}) answered ${a.kind}`);
  return { params: a.suggestion.params, info: a.suggestion.info ?? {}, ms, cpuMs: (c.user + c.system) / 1000 };
}

export interface MsehviBenchResult {
  /** ms of the first ask() of the case, and the median of `runs` more (wall clock; CPU time of the process) */
  first: number;
  median: number;
  medianCpu: number;
  /** EHVI at the proposal, and the relaxed optimum's value when reported */
  ehvi: number;
  relaxed?: number;
  params: Config;
}

/**
 * One case (problem, history size, seed): checked first (valid, from the acquisition, finite
 * positive EHVI, the same proposal twice), then timed.
 */
export function benchMsehviCase(cs: MsehviBenchCase, n: number, seed: number, runs = RUNS, factory: Factory = createMsehvi as Factory): MsehviBenchResult {
  const p = proposeOnce(cs, n, seed, factory);
  const q = proposeOnce(cs, n, seed, factory);
  const where = `bench ${cs.label} n=${n} seed=${seed}`;
  if (!cs.space.isValid(p.params)) throw new Error(`${where}: invalid proposal ${JSON.stringify(p.params)}`);
  if (p.info.source !== 'ehvi') throw new Error(`${where}: proposal from ${String(p.info.source)} (${String(p.info.reason)})`);
  const e = p.info.ehvi as number;
  if (!(Number.isFinite(e) && e > 0)) throw new Error(`${where}: EHVI ${e}`);
  if (JSON.stringify(p.params) !== JSON.stringify(q.params) || p.info.ehvi !== q.info.ehvi) throw new Error(`${where}: not deterministic`);
  const times: number[] = [], cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = proposeOnce(cs, n, seed, factory);
    times.push(t.ms);
    cpu.push(t.cpuMs);
  }
  return { first: p.ms, median: runs > 0 ? median(times) : Number.NaN, medianCpu: runs > 0 ? median(cpu) : Number.NaN, ehvi: e, relaxed: typeof p.info.ehviRelaxed === 'number' ? p.info.ehviRelaxed : undefined, params: p.params };
}

const fmt = (v: number | undefined, digits = 4): string => (typeof v === 'number' ? v.toPrecision(digits) : '-');

async function main(): Promise<void> {
  console.log(`# MS-EHVI ask() on fixed histories, ${machine()}; seeds ${SEEDS.join(',')}, first ask timed apart, median of ${RUNS} more\n`);
  console.log('| problem | n | first ask ms | median ask ms, wall (median over seeds) | median ask ms, CPU | EHVI at the proposal, per seed | relaxed EHVI, per seed |');
  console.log('|---|---|---|---|---|---|---|');
  for (const cs of MSEHVI_BENCH_CASES) {
    for (const n of MSEHVI_BENCH_SIZES) {
      const rs = SEEDS.map((seed) => benchMsehviCase(cs, n, seed));
      console.log(`| ${cs.label} | ${n} | ${median(rs.map((r) => r.first)).toFixed(0)} | ${median(rs.map((r) => r.median)).toFixed(0)} | ${median(rs.map((r) => r.medianCpu)).toFixed(0)} | ${rs.map((r) => fmt(r.ehvi)).join(', ')} | ${rs.map((r) => fmt(r.relaxed)).join(', ')} |`);
    }
  }
  if (process.env.MSEHVI_HV === '1') {
    // MS-EHVI against Random Search with a budget a GP method is made for: median [quartiles]
    // hypervolume over 5 seeds on ZDT1 (30 variables) and Branin-Currin.
    const EVALS = Number(process.env.MSEHVI_EVALS ?? 60);
    console.log(`\n# ${EVALS} evaluations, seeds ${SEEDS.join(',')}\n\n| method | ZDT1 (30 vars) | Branin-Currin |\n|---|---|---|`);
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
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
