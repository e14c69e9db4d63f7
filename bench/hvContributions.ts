// Benchmark of hvContributions on the positive unit sphere (mutually non-dominated points),
// reference point all ones: 2-D 100,000 and 3-D 10,000 points. Each set is first checked
// against the reference twin on a prefix; then the first call is timed on its own and, after
// two untimed warm-up calls, `runs` warm calls (median reported). Runs alone with `npx tsx bench/hvContributions.ts` (after
// `npm run build:wasm`); set MOOCORE_BIN=/path/to/moocore/bin to time moocore's `hv -c` on the
// same points side by side (its `# Time:` line: kernel CPU time) and compare the values.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hvContributions } from '../src/pareto/hvContributions.ts';
import { hvContributionsRef } from '../src/pareto/reference/hvContributions.ts';
import { Rng } from '../src/random/rng.ts';
import { spherePoints } from '../test/helpers/fronts.ts';

export interface HvcBenchRow {
  d: number;
  n: number;
  /** seconds of the first call */
  first: number;
  /** median seconds of the warm calls */
  median: number;
  runs: number[];
  /** moocore `hv -c` kernel seconds (median), when MOOCORE_BIN is set */
  moocore?: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function check(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rel: number, abs: number): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values vs ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rel * Math.max(Math.abs(got[i]), Math.abs(want[i])) + abs)) {
      throw new Error(`${what}: value ${i}: ${got[i]} vs ${want[i]}`);
    }
  }
}

/** moocore's `hv -c -v`: the contributions it printed and the median of its `# Time:` values. */
function moocoreHvc(bin: string, pts: Float64Array, d: number, runs: number): { values: number[]; median: number } {
  const dir = mkdtempSync(join(tmpdir(), 'paretonas-hvc-'));
  const file = join(dir, `sphere-${d}d.txt`);
  const lines: string[] = [];
  for (let i = 0; i < pts.length; i += d) lines.push(Array.from(pts.subarray(i, i + d), String).join(' '));
  writeFileSync(file, lines.join('\n') + '\n');
  const times: number[] = [];
  let values: number[] = [];
  for (let r = 0; r < runs; r++) {
    const out = execFileSync(join(bin, 'hv'), ['-c', '-v', '-r', new Array(d).fill(1).join(' '), file], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    values = [];
    for (const line of out.split('\n')) {
      const m = /^# Time: ([0-9.eE+-]+) seconds/.exec(line);
      if (m) times.push(Number(m[1]));
      else if (line.trim() !== '' && !line.startsWith('#')) values.push(Number(line.trim()));
    }
  }
  return { values, median: median(times) };
}

/** Time hvContributions on 2-D 100,000 and 3-D 10,000 sphere points (`runs` warm calls each). */
export function benchHvContributions(runs = 9, moocoreBin = process.env.MOOCORE_BIN): HvcBenchRow[] {
  const rows: HvcBenchRow[] = [];
  const rng = new Rng(2024);
  for (const [d, n] of [[2, 100_000], [3, 10_000]] as const) {
    const pts = spherePoints(rng, n, d);
    const ref = new Array<number>(d).fill(1);
    const small = pts.slice(0, (d === 2 ? 200 : 40) * d);
    check(`${d}-D twin`, hvContributions(small, d, ref), hvContributionsRef(small, d, ref), 1e-12, 1e-18);
    let t0 = performance.now();
    const result = hvContributions(pts, d, ref);
    const first = (performance.now() - t0) / 1000;
    const times: number[] = [];
    const out = new Float64Array(n);
    for (let r = 0; r < 2; r++) hvContributions(pts, d, ref, undefined, out); // JIT warm-up, untimed
    for (let r = 0; r < runs; r++) {
      t0 = performance.now();
      hvContributions(pts, d, ref, undefined, out);
      times.push((performance.now() - t0) / 1000);
    }
    const row: HvcBenchRow = { d, n, first, median: median(times), runs: times };
    if (moocoreBin) {
      const m = moocoreHvc(moocoreBin, pts, d, 5);
      let total = 0;
      for (const v of result) total += v;
      check(`${d}-D vs moocore`, result, m.values, 1e-9, 1e-9 * total);
      row.moocore = m.median;
    }
    rows.push(row);
  }
  return rows;
}

function ms(s: number | undefined): string {
  return s === undefined ? '-' : `${(s * 1000).toFixed(2)} ms`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const c = cpus();
  console.log(`# hvContributions, sphere points, reference 1; ${c.length} x ${c[0]?.model ?? '?'}, Node ${process.version}`);
  console.log('| d | n | first call | median (warm) | moocore hv -c | ratio |');
  console.log('|---|---|---|---|---|---|');
  for (const r of benchHvContributions()) {
    const ratio = r.moocore ? (r.median / r.moocore).toFixed(2) : '-';
    console.log(`| ${r.d} | ${r.n} | ${ms(r.first)} | ${ms(r.median)} | ${ms(r.moocore)} | ${ratio} |`);
  }
}
