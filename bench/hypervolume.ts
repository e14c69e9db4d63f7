// Timing of the public hypervolume() on points of the positive unit sphere (mutually
// non-dominated), reference point all ones. Reports the first call apart (it includes the
// WebAssembly tier-up) and the median of the following runs, next to moocore's time for the
// same problem measured on the 2-core development machine (the anchor).
//
// Standalone: npx tsx bench/hypervolume.ts [runs]   (build the kernels first: npm run build:wasm)
import { pathToFileURL } from 'node:url';
import { hypervolume } from '../src/index.ts';
import { Rng } from '../src/random/rng.ts';
import { spherePoints } from '../test/helpers/fronts.ts';

export interface HvBenchCase {
  d: number;
  n: number;
  /** moocore's time in ms on the development machine, if measured. */
  anchorMs?: number;
}

export interface HvBenchRow extends HvBenchCase {
  firstMs: number;
  medianMs: number;
  runs: number;
  /** medianMs / anchorMs */
  ratio?: number;
  hv: number;
}

export const HV_BENCH_CASES: readonly HvBenchCase[] = [
  { d: 2, n: 1_000_000 },
  { d: 3, n: 100_000, anchorMs: 62 },
  { d: 4, n: 10_000, anchorMs: 76 },
  { d: 5, n: 1_000, anchorMs: 17 },
  { d: 6, n: 300, anchorMs: 110 },
];

/** Time hypervolume() on each case: one first call, then `runs` timed calls (median reported). */
export function benchHypervolume(
  options: { runs?: number; cases?: readonly HvBenchCase[]; seed?: number } = {},
): HvBenchRow[] {
  const runs = options.runs ?? 5;
  const rows: HvBenchRow[] = [];
  for (const c of options.cases ?? HV_BENCH_CASES) {
    const points = spherePoints(new Rng(options.seed ?? 42), c.n, c.d);
    const ref = new Array<number>(c.d).fill(1);
    let t = performance.now();
    const hv = hypervolume(points, c.d, ref);
    const firstMs = performance.now() - t;
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
      t = performance.now();
      hypervolume(points, c.d, ref);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const medianMs = times.length % 2 ? times[times.length >> 1] : (times[times.length / 2 - 1] + times[times.length / 2]) / 2;
    const row: HvBenchRow = { ...c, firstMs, medianMs, runs, hv };
    if (c.anchorMs !== undefined) row.ratio = medianMs / c.anchorMs;
    rows.push(row);
  }
  return rows;
}

/** The rows as a plain-text table. */
export function formatHvBench(rows: readonly HvBenchRow[]): string {
  const lines = ['   d          n   first ms  median ms  moocore ms  ratio  hv'];
  for (const r of rows) {
    lines.push(
      `${String(r.d).padStart(4)} ${String(r.n).padStart(10)} ${r.firstMs.toFixed(1).padStart(10)} ` +
        `${r.medianMs.toFixed(1).padStart(10)} ${(r.anchorMs?.toFixed(0) ?? '-').padStart(11)} ` +
        `${(r.ratio?.toFixed(2) ?? '-').padStart(6)}  ${r.hv.toPrecision(12)}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = process.argv[2] !== undefined ? Number(process.argv[2]) : undefined;
  console.log(formatHvBench(benchHypervolume({ runs })));
}
