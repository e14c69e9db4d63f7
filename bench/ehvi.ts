// Throughput of the exact EHVI kernels: 10,000 Gaussian candidates scored against a front of 50
// mutually non-dominated points (on the simplex), for 2 and 3 objectives, through the public
// facade (validation and copies included). Also the quasi-Monte Carlo estimate (128 samples,
// as MS-EHVI's qEHVI) for comparison. Values are checked against the plain-TS twin first.
//
// Standalone: npx tsx bench/ehvi.ts [runs]   (build the kernels first: npm run build:wasm)
import { pathToFileURL } from 'node:url';
import { Rng } from '../src/random/rng.ts';
import { ehvi2, ehvi3, ehviQmc } from '../src/surrogates/ehvi.ts';
import { ehviReference } from '../src/surrogates/reference/ehvi.ts';
import { median } from './harness.ts';

export interface EhviBenchRow {
  label: string;
  d: number;
  /** front size */
  n: number;
  /** candidates per call */
  m: number;
  /** median milliseconds per call */
  medianMs: number;
  /** EHVI evaluations (candidates) per second */
  perSecond: number;
}

function simplexFront(rng: Rng, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += (out[i * d + j] = rng.random() + 0.05);
    for (let j = 0; j < d; j++) out[i * d + j] /= s;
  }
  return out;
}

function rows(a: Float64Array, d: number): number[][] {
  const r: number[][] = [];
  for (let i = 0; i < a.length; i += d) r.push(Array.from(a.subarray(i, i + d)));
  return r;
}

/** Time the EHVI kernels; `runs` timed calls per case after one warm-up call. */
export function benchEhvi(options: { runs?: number; n?: number; m?: number; seed?: number } = {}): EhviBenchRow[] {
  const runs = options.runs ?? 5, n = options.n ?? 50, m = options.m ?? 10_000;
  const out: EhviBenchRow[] = [];
  for (const d of [2, 3]) {
    const rng = new Rng(options.seed ?? 1);
    const front = simplexFront(rng, n, d);
    const ref = new Array<number>(d).fill(1.1);
    const mean = new Float64Array(m * d), std = new Float64Array(m * d);
    for (let i = 0; i < m * d; i++) {
      mean[i] = rng.uniform(0, 0.8);
      std[i] = rng.uniform(0.01, 0.3);
    }
    const exact = () => (d === 2 ? ehvi2(front, ref, mean, std) : ehvi3(front, ref, mean, std));
    // correctness first: a few candidates against the twin
    const v = exact();
    const fr = rows(front, d);
    for (let i = 0; i < 5; i++) {
      const r = ehviReference(fr, ref, Array.from(mean.subarray(i * d, i * d + d)), Array.from(std.subarray(i * d, i * d + d)));
      if (!(Math.abs(v[i] - r) <= 1e-9 * Math.abs(r) + 1e-14)) throw new Error(`bench/ehvi: d = ${d} candidate ${i}: ${v[i]} vs twin ${r}`);
    }
    const cases: [string, () => unknown, number][] = [
      ['exact', exact, m],
      ['qmc 128', () => ehviQmc(front, d, ref, mean.subarray(0, (m / 10) * d), std.subarray(0, (m / 10) * d), { samples: 128 }), m / 10],
    ];
    for (const [label, fn, count] of cases) {
      fn();
      const times: number[] = [];
      for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        fn();
        times.push(performance.now() - t0);
      }
      const ms = median(times);
      out.push({ label, d, n, m: count, medianMs: ms, perSecond: (count / ms) * 1000 });
    }
  }
  return out;
}

export function formatEhviBench(rows: readonly EhviBenchRow[]): string {
  const lines = ['method    d    n       m   median ms   EHVI/s'];
  for (const r of rows) {
    lines.push(
      `${r.label.padEnd(8)} ${String(r.d).padStart(2)} ${String(r.n).padStart(4)} ${String(r.m).padStart(7)} ` +
        `${r.medianMs.toFixed(2).padStart(11)} ${Math.round(r.perSecond).toLocaleString('en-US').padStart(12)}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = process.argv[2] !== undefined ? Number(process.argv[2]) : undefined;
  console.log(formatEhviBench(benchEhvi({ runs })));
}
