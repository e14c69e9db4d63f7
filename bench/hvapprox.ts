// Approximate hypervolume benchmark: hvApprox at d = 8 and 10, n = 1000 points on the positive
// unit sphere, N = 100,000 directions, each method checked before timing (against the twin on a
// small case, against the exact hypervolume at d = 8, n = 300, and against moocore's hvapprox
// when MOOCORE_BIN is set: -m 2 and 3 must give its values, -m 1 agree within the standard
// error), then timed side by side with moocore's kernel time (its -v).
//   MOOCORE_BIN=/path/to/moocore/bin      directory with moocore's `hvapprox`
import { hvApprox, hypervolume, type HvApproxMethod } from '../src/index.ts';
import { hvApproxReference } from '../src/pareto/reference/hvApprox.ts';
import { Rng } from '../src/random/rng.ts';
import { spherePoints } from '../test/helpers/fronts.ts';
import { checkAgree, machine, printTable, runAnchor, time, writePoints, type Row } from './harness.ts';

const MOO = process.env.MOOCORE_BIN;
const QUICK = process.argv.includes('--quick');
const METHODS: [HvApproxMethod, number][] = [['montecarlo', 1], ['rphi-fwe', 3], ['hua-wang', 2]];
const REF = 1.1;

export function benchHvApprox(): Row[] {
  const rows: Row[] = [];
  const rng = new Rng(2026);
  const samples = QUICK ? 5000 : 100_000;

  // Accuracy against the exact hypervolume where that is affordable (d = 8, n = 300: seconds).
  {
    const d = 8;
    const pts = spherePoints(rng, QUICK ? 60 : 300, d);
    const ref = new Array<number>(d).fill(REF);
    const exact = hypervolume(pts, d, ref);
    for (const [method] of METHODS) {
      const r = hvApprox(pts, d, ref, { method, samples, seed: 1 });
      const err = Math.abs(r.value / exact - 1);
      const se = r.standardError !== undefined ? `, standard error ${(r.standardError / exact).toExponential(1)} relative` : '';
      console.log(`# d=${d} n=${pts.length / d} N=${samples} ${method}: ${r.value} vs exact ${exact}: error ${err.toExponential(1)} relative${se}`);
      if (err > 0.02) throw new Error(`hvApprox ${method}: error ${err} against the exact hypervolume`);
      if (r.standardError !== undefined && Math.abs(r.value - exact) > 5 * r.standardError) throw new Error(`hvApprox ${method}: beyond 5 standard errors`);
    }
  }

  for (const d of [8, 10]) {
    const pts = spherePoints(rng, 1000, d);
    const ref = new Array<number>(d).fill(REF);
    const small = pts.slice(0, 20 * d);
    const file = MOO ? writePoints(`hvapprox-${d}d.txt`, pts, d) : '';
    for (const [method, id] of METHODS) {
      checkAgree(`hvApprox ${d}-D ${method} twin`, [hvApprox(small, d, ref, { method, samples: 2000, seed: 3 }).value],
        [hvApproxReference(small, d, ref, id as 1 | 2 | 3, 2000, 3).value], 1e-13);
      const t = time(() => hvApprox(pts, d, ref, { method, samples, seed: 1 }), QUICK ? 3 : 5);
      const row: Row = { kernel: `hvApprox ${method} N=${samples}`, set: 'sphere', n: 1000, d, first: t.first, median: t.median };
      if (MOO) {
        const a = runAnchor(`${MOO}/hvapprox`, ['-v', '-m', String(id), ...(id === 1 ? ['-S', '1'] : []), '-n', String(samples), '-r', ref.join(' '), file], 3);
        if (id === 1) {
          const se = t.result.standardError!;
          if (Math.abs(t.result.value - a.values[0]) > 5 * Math.SQRT2 * se) throw new Error(`hvApprox ${d}-D montecarlo vs moocore: ${t.result.value} vs ${a.values[0]} (se ${se})`);
        } else {
          // Hua-Wang: moocore's angles for lattice points with a zero coordinate are set by its
          // rounding noise (see the docs); Rphi-FWE+ agrees to rounding.
          checkAgree(`hvApprox ${d}-D ${method} vs moocore`, [t.result.value], a.values, id === 2 ? 1e-9 : 1e-13);
        }
        Object.assign(row, { anchor: a.median, anchorName: `moocore hvapprox -m ${id}` });
      }
      rows.push(row);
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`# Approximate hypervolume on ${machine()}${QUICK ? ' (--quick: 5,000 directions)' : ''}`);
  if (!MOO) console.log('# (set MOOCORE_BIN to time moocore\'s hvapprox side by side)');
  printTable('hvApprox (seconds; all values checked before timing)', benchHvApprox());
}
