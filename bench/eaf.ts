// EAF benchmark: attainment surfaces (every level) of r runs of m points on the positive unit
// sphere, 2-D and 3-D, and the 2-D EAF difference of two such collections. Each result is
// checked before timing: against the reference twin on a small collection, and, with
//   MOOCORE_BIN=/path/to/moocore/bin      directory with moocore's `eaf`
// against moocore's output (2-D: the same text; 3-D: the same lines per level, as sets).
// moocore's `eaf` prints no kernel time, so its anchor is the wall time of the whole process
// (reading, computing, printing to /dev/null): an upper bound on its kernel time.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { eaf, eafDiff } from '../src/index.ts';
import { formatRow } from '../src/cli/format.ts';
import { eafDiffReference, eafReference } from '../src/pareto/reference/eaf.ts';
import { Rng } from '../src/random/rng.ts';
import { spherePoints } from '../test/helpers/fronts.ts';
import { checkAgree, median, time, writePoints, type Row } from './harness.ts';

const MOO = process.env.MOOCORE_BIN;
const QUICK = process.argv.includes('--quick');

/** r runs of m sphere points: the points and a run index per point. */
function collection(rng: Rng, r: number, m: number, d: number) {
  const points = new Float64Array(r * m * d);
  const runs = new Int32Array(r * m);
  for (let k = 0; k < r; k++) {
    points.set(spherePoints(rng, m, d), k * m * d);
    runs.fill(k, k * m, (k + 1) * m);
  }
  return { points, runs };
}

/** Our surfaces as moocore prints them: one block of lines per level. */
function blocks(surfaces: ReturnType<typeof eaf>, d: number): string[][] {
  return surfaces.map((s) => {
    const lines: string[] = [];
    for (let i = 0; i < s.points.length; i += d) lines.push(formatRow(s.points, i, d));
    return lines;
  });
}

function checkTwin(rng: Rng, d: number): void {
  const { points, runs } = collection(rng, 4, 6, d);
  const levels = [1, 2, 3, 4];
  const ours = eaf(points, d, runs, { levels });
  const twin = eafReference(points, d, runs, 4, levels);
  ours.forEach((s, l) => checkAgree(`eaf ${d}-D level ${l + 1} twin`, s.points, twin[l].points.flat(), 0));
}

/** moocore's eaf on `file`: its level blocks and the median wall time of `runs` processes. */
function moocoreEaf(file: string, runs: number): { blocks: string[][]; median: number } {
  const text = spawnSync(`${MOO}/eaf`, ['-q', file], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const out = text.split('\n\n').filter((b) => b !== '').map((b) => b.split('\n').filter((l) => l !== ''));
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(`${MOO}/eaf`, ['-q', '-o', '/dev/null', file]);
    if (r.status !== 0) throw new Error(`moocore eaf failed on ${file}`);
    times.push((performance.now() - t0) / 1000);
  }
  return { blocks: out, median: median(times) };
}

export function benchEaf(): Row[] {
  const rows: Row[] = [];
  const rng = new Rng(2024);
  const sizes: [number, number, number][] = QUICK
    ? [[2, 10, 100], [3, 10, 100]]
    : [[2, 10, 100], [2, 30, 300], [3, 10, 100], [3, 30, 300]];
  for (const [d, r, m] of sizes) {
    checkTwin(rng, d);
    const { points, runs } = collection(rng, r, m, d);
    const t = time(() => eaf(points, d, runs), 5);
    const row: Row = { kernel: 'eaf (all levels)', set: `sphere ${r} runs x ${m}`, n: r * m, d, first: t.first, median: t.median };
    if (MOO) {
      // moocore reads blank-line-separated sets: write the file again with one set per run.
      const file = writePoints(`eaf-${d}d-${r}x${m}.txt`, points, d);
      const text = Array.from({ length: r }, (_, k) => {
        const lines: string[] = [];
        for (let i = k * m; i < (k + 1) * m; i++) lines.push(Array.from(points.subarray(i * d, i * d + d), String).join(' '));
        return lines.join('\n') + '\n';
      }).join('\n');
      writeFileSync(file, text);
      const moo = moocoreEaf(file, 3);
      const ours = blocks(t.result, d);
      if (moo.blocks.length !== ours.length) throw new Error(`eaf ${d}-D: ${ours.length} levels vs moocore ${moo.blocks.length}`);
      ours.forEach((lines, l) => {
        const a = d === 2 ? lines : [...lines].sort(), b = d === 2 ? moo.blocks[l] : [...moo.blocks[l]].sort();
        if (a.length !== b.length || a.some((x, i) => x !== b[i])) throw new Error(`eaf ${d}-D level ${l + 1} differs from moocore`);
      });
      Object.assign(row, { anchor: moo.median, anchorName: 'moocore eaf (process)' });
    }
    rows.push(row);
  }
  // EAF differences: two collections of r runs of m points.
  for (const [r, m] of QUICK ? [[10, 100]] : [[10, 100], [30, 300]]) {
    const small = [collection(rng, 3, 5, 2), collection(rng, 2, 5, 2)];
    checkAgree('eafDiff twin', eafDiff(small[0].points, small[0].runs, small[1].points, small[1].runs, 2),
      eafDiffReference(small[0].points, small[0].runs, 3, small[1].points, small[1].runs, 2).flat(), 0);
    const A = collection(rng, r, m, 2), B = collection(rng, r, m, 2);
    const t = time(() => eafDiff(A.points, A.runs, B.points, B.runs, 2), 5);
    rows.push({ kernel: 'eafDiff', set: `sphere ${r} vs ${r} runs x ${m}`, n: 2 * r * m, d: 2, first: t.first, median: t.median });
  }
  return rows;
}

// Run alone: `npx tsx bench/eaf.ts [--quick]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable, machine } = await import('./harness.ts');
  console.log(`# EAF benchmark on ${machine()}`);
  printTable('EAF kernels (checked against the twin, and moocore with MOOCORE_BIN)', benchEaf());
}
