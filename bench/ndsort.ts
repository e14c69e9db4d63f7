// Benchmark of non-dominated sorting and filtering on uniform random points.
// Standalone: `npx tsx bench/ndsort.ts [reps]` (build the kernels first: npm run build:wasm).
//
// Each case is timed through the public API (validation, copy in, kernel, copy out), after one
// warm-up call, as the median of `reps` runs. Anchor: moocore's pareto_rank on 100,000 uniform
// 3-D points (C, -O3), about 0.106 s on the 2-core development VM.
import { pathToFileURL } from 'node:url';
import { ndsort } from '../src/pareto/ndsort.ts';
import { isNonDominated } from '../src/pareto/nonDominated.ts';
import { Rng } from '../src/random/rng.ts';

export interface NdsortBenchResult {
  task: 'ndsort' | 'isNonDominated';
  d: number;
  n: number;
  /** Median wall time in milliseconds. */
  medianMs: number;
  /** Number of fronts (ndsort) or of non-dominated points (isNonDominated). */
  result: number;
}

const CASES: readonly (readonly [d: number, n: number])[] = [
  [3, 100_000],
  [2, 1_000_000],
  [5, 10_000],
];

function uniform(rng: Rng, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = rng.random();
  return out;
}

function median(times: number[]): number {
  const s = [...times].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function time(fn: () => void, reps: number): number {
  fn(); // warm-up: tier-up of the WebAssembly code, memory growth
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Time ndsort and isNonDominated on the benchmark cases; returns one row per case and task. */
export function benchNdsort(reps = 5): NdsortBenchResult[] {
  const rows: NdsortBenchResult[] = [];
  for (const [d, n] of CASES) {
    const pts = uniform(new Rng(1000 * d + n), n, d);
    let fronts = 0;
    const tSort = time(() => {
      const r = ndsort(pts, d);
      fronts = r.reduce((m, v) => (v > m ? v : m), -1) + 1;
    }, reps);
    rows.push({ task: 'ndsort', d, n, medianMs: tSort, result: fronts });
    let kept = 0;
    const tNd = time(() => {
      kept = isNonDominated(pts, d).reduce((s, v) => s + v, 0);
    }, reps);
    rows.push({ task: 'isNonDominated', d, n, medianMs: tNd, result: kept });
  }
  return rows;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const reps = Number(process.argv[2] ?? 5);
  console.log(`ndsort / isNonDominated, uniform points, median of ${reps} runs`);
  for (const r of benchNdsort(reps)) {
    const what = r.task === 'ndsort' ? `${r.result} fronts` : `${r.result} non-dominated`;
    console.log(`${r.task.padEnd(15)} d=${r.d} n=${String(r.n).padStart(9)}  ${r.medianMs.toFixed(1).padStart(8)} ms  (${what})`);
  }
}
