// Pareto kernel benchmark: hypervolume (d = 2..6), contributions (2-D, 3-D), non-dominated
// sorting and filtering (d = 2, 3, 5), each checked before timing and compared side by side
// with moocore (and DEAP's hypervolume) when those are installed:
//   MOOCORE_BIN=/path/to/moocore/bin      directory with moocore's `hv` (timed by its -v)
//   MOOCORE_SRC=/path/to/moocore/c        moocore's sources, to build bench/anchors/moocore_ndsort.c
//                                         (moocore's `ndsort` tool does not time its kernel)
//   DEAP_PYTHON=/usr/bin/python3          a Python with DEAP (Debian python3-deap) and NumPy
import { execFileSync } from 'node:child_process';
import { hvContributions, hypervolume, isNonDominated, ndsort } from '../src/index.ts';
import { hypervolumeReference } from '../src/pareto/reference/hypervolume.ts';
import { hvContributionsReference } from '../src/pareto/reference/hvContributions.ts';
import { ndsortReference } from '../src/pareto/reference/ndsort.ts';
import { Rng } from '../src/random/rng.ts';
import { spherePoints, uniformPoints } from '../test/helpers/fronts.ts';
import { ndsortDriver } from './cold-cli.ts';
import { checkAgree, machine, printTable, runAnchor, time, writePoints, type Row } from './harness.ts';

const MOO = process.env.MOOCORE_BIN;
const DEAP = process.env.DEAP_PYTHON;
const TARGET = 1.3;
const QUICK = process.argv.includes('--quick');
const scale = (n: number) => (QUICK ? Math.max(50, Math.floor(n / 20)) : n);

function ones(d: number): number[] {
  return new Array<number>(d).fill(1);
}

/** The twin on a prefix small enough for brute force. */
function prefix(pts: Float64Array, d: number, n: number): Float64Array {
  return pts.slice(0, Math.min(pts.length, n * d));
}

function deapHv(file: string, d: number): { value: number; median: number } | undefined {
  if (!DEAP) return undefined;
  const script = [
    'import sys, time, numpy as np',
    'from deap.tools._hypervolume import hv',
    'x = np.loadtxt(sys.argv[1], ndmin=2); ref = np.ones(x.shape[1]); ts = []',
    'for _ in range(3):',
    '    t = time.perf_counter(); v = hv.hypervolume(x, ref); ts.append(time.perf_counter() - t)',
    'print(repr(v)); print(sorted(ts)[1])',
  ].join('\n');
  const out = execFileSync(DEAP, ['-c', script, file], { encoding: 'utf8' }).trim().split('\n');
  return { value: Number(out[0]), median: Number(out[1]) };
}

export function benchPareto(): Row[] {
  const rows: Row[] = [];
  const rng = new Rng(2021);

  // Hypervolume on the positive unit sphere, reference all ones.
  for (const [d, n] of [[2, 1_000_000], [3, 100_000], [4, 10_000], [5, 1_000], [6, 300]] as const) {
    const pts = spherePoints(rng, scale(n), d);
    const ref = ones(d);
    const small = prefix(pts, d, d <= 3 ? 14 : 9);
    checkAgree(`hv ${d}-D twin`, [hypervolume(small, d, ref)], [hypervolumeReference(small, d, ref)], 1e-12);
    const t = time(() => hypervolume(pts, d, ref), 7);
    const row: Row = { kernel: 'hypervolume', set: 'sphere', n: pts.length / d, d, first: t.first, median: t.median, target: TARGET };
    if (MOO || DEAP) {
      const file = writePoints(`hv-${d}d.txt`, pts, d);
      if (MOO) {
        const a = runAnchor(`${MOO}/hv`, ['-v', '-r', ref.join(' '), file]);
        checkAgree(`hv ${d}-D vs moocore`, [t.result], a.values, 1e-12);
        Object.assign(row, { anchor: a.median, anchorName: 'moocore hv' });
      }
      const deap = deapHv(file, d);
      if (deap) {
        checkAgree(`hv ${d}-D vs DEAP`, [t.result], [deap.value], 1e-10);
        rows.push({ ...row, kernel: 'hypervolume', anchor: deap.median, anchorName: 'DEAP hv', target: undefined });
      }
    }
    rows.push(row);
  }

  // Exclusive contributions.
  // d = 4, 5: moocore's `hv -c` computes one hypervolume per point, hence the smaller sets.
  for (const [d, n] of [[2, 100_000], [3, 10_000], [4, 1_000], [5, 300]] as const) {
    const pts = spherePoints(rng, QUICK ? Math.min(n, 200) : n, d);
    const ref = ones(d);
    const small = prefix(pts, d, d <= 3 ? 12 : 8);
    checkAgree(`hvc ${d}-D twin`, hvContributions(small, d, ref), hvContributionsReference(small, d, ref), 1e-9, 1e-15);
    const t = time(() => hvContributions(pts, d, ref), 7);
    const row: Row = { kernel: 'hvContributions', set: 'sphere', n: pts.length / d, d, first: t.first, median: t.median, target: TARGET };
    if (MOO) {
      const file = writePoints(`hvc-${d}d.txt`, pts, d);
      const a = runAnchor(`${MOO}/hv`, ['-c', '-v', '-r', ref.join(' '), file], d <= 3 ? 5 : 1);
      const total = hypervolume(pts, d, ref);
      checkAgree(`hvc ${d}-D vs moocore`, t.result, a.values, 1e-9, 1e-12 * total);
      Object.assign(row, { anchor: a.median, anchorName: 'moocore hv -c' });
    }
    rows.push(row);
  }

  // Non-dominated sorting and filtering of uniform random points, one case per ndsort path
  // (2-D sweep, 3-D sweep, divide and conquer above).
  const driver = ndsortDriver();
  for (const [d, n] of [[3, 100_000], [2, 1_000_000], [4, 10_000], [5, 10_000]] as const) {
    const pts = uniformPoints(rng, scale(n), d);
    const small = prefix(pts, d, 300);
    const twin = ndsortReference(small, d).ranks;
    checkAgree(`ndsort ${d}-D twin`, ndsort(small, d), twin, 0);
    checkAgree(`isNonDominated ${d}-D twin`, isNonDominated(small, d), twin.map((r) => (r === 0 ? 1 : 0)), 0);
    const t = time(() => ndsort(pts, d), 7);
    const row: Row = { kernel: 'ndsort', set: 'uniform', n: pts.length / d, d, first: t.first, median: t.median, target: TARGET };
    if (driver) {
      const file = writePoints(`ndsort-${d}d.txt`, pts, d);
      const a = runAnchor(driver, ['ndsort', '-v', file]);
      checkAgree(`ndsort ${d}-D vs moocore`, t.result, a.values, 0);
      Object.assign(row, { anchor: a.median, anchorName: 'moocore ndsort (driver)' });
    }
    rows.push(row);
    const f = time(() => isNonDominated(pts, d), 7);
    rows.push({ kernel: 'isNonDominated', set: 'uniform', n: pts.length / d, d, first: f.first, median: f.median });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# Pareto kernels on ${machine()}${QUICK ? ' (--quick: sizes / 20)' : ''}`);
  if (!MOO) console.log('# (set MOOCORE_BIN, MOOCORE_SRC and DEAP_PYTHON to time the anchors side by side)');
  printTable('Pareto kernels (seconds; all values checked before timing)', benchPareto());
}
