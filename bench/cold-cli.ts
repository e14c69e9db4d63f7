// The Pareto tools as a script calls them: one fresh process per call, `paretonas <tool> -v`
// beside moocore's tool on the same file, both measured in this run. Each side's kernel time is
// what its `-v` prints ('# Time: <s> seconds': the kernel alone, parsing excluded), best of
// `RUNS` processes; the wall time of the whole process (start-up, parsing, printing) is shown too.
//   MOOCORE_BIN=/path/to/moocore/bin   moocore's `hv` (and `hv -c`)
//   MOOCORE_SRC=/path/to/moocore/c     moocore's sources: bench/anchors/moocore_ndsort.c is built
//                                      against them to time pareto_rank(), which moocore's
//                                      `ndsort` tool does not time
// Without them only our side is printed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/random/rng.ts';
import { checkAgree } from '../src/bench/check.ts';
import { spherePoints, uniformPoints } from '../src/bench/points.ts';
import { machine, writePoints } from './harness.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin/paretonas.js');
const MOO = process.env.MOOCORE_BIN;
const MOO_SRC = process.env.MOOCORE_SRC;
const RUNS = 3;

export interface ColdRun {
  /** best kernel time (s) printed by -v over the runs */
  kernel: number;
  /** best wall time (s) of the whole process */
  wall: number;
  values: number[];
}

/** Run `cmd args` RUNS times in fresh processes; the best -v time and wall time, and the values printed. */
export function coldRun(cmd: string, args: string[], runs = RUNS): ColdRun {
  let kernel = Infinity, wall = Infinity;
  let values: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    const w = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
    let t = NaN;
    const vals: number[] = [];
    for (const line of `${r.stdout}\n${r.stderr}`.split('\n')) {
      const m = /^# Time: ([0-9.eE+-]+) seconds/.exec(line);
      if (m) t = Number.isNaN(t) ? Number(m[1]) : t + Number(m[1]);
      else if (/^\s*[-+0-9.]/.test(line)) vals.push(Number(line.trim().split(/\s+/)[0]));
    }
    if (Number.isNaN(t)) throw new Error(`${cmd} ${args.join(' ')} printed no '# Time:' line`);
    kernel = Math.min(kernel, t);
    wall = Math.min(wall, w);
    values = vals;
  }
  return { kernel, wall, values };
}

let driverPath: string | undefined;

/** Build the ndsort timing driver against moocore's sources (once per process); undefined without MOOCORE_SRC. */
export function ndsortDriver(): string | undefined {
  if (!MOO_SRC) return undefined;
  if (driverPath) return driverPath;
  const out = join(mkdtempSync(join(tmpdir(), 'paretonas-driver-')), 'moocore_ndsort');
  execFileSync('cc', ['-O3', '-march=native', '-DNDEBUG', `-I${MOO_SRC}`, '-o', out,
    join(ROOT, 'bench/anchors/moocore_ndsort.c'), join(MOO_SRC, 'pareto.c'), '-lm']);
  driverPath = out;
  return out;
}

export interface ColdRow {
  tool: string;
  set: string;
  d: number;
  n: number;
  ours: ColdRun;
  anchor?: ColdRun;
  anchorName?: string;
  /** the ratio (ours / anchor, kernel times) to stay at or below */
  target: number;
}

const ones = (d: number) => new Array<number>(d).fill(1).join(' ');

export function benchColdCli(): ColdRow[] {
  const rng = new Rng(2021);
  const rows: ColdRow[] = [];
  // Hypervolume on the positive unit sphere, reference all ones. Targets: at most moocore's time,
  // and at most 0.8 of it where it was already below (issue 12).
  for (const [d, n, target] of [[2, 1_000_000, 0.8], [3, 100_000, 0.8], [4, 10_000, 1], [5, 1_000, 1], [6, 300, 0.8]] as const) {
    const file = writePoints(`cold-hv-${d}d.txt`, spherePoints(rng, n, d), d);
    const ours = coldRun(process.execPath, [CLI, 'hv', '-v', '-r', ones(d), file]);
    const row: ColdRow = { tool: 'hv', set: 'sphere', d, n, ours, target };
    if (MOO) {
      row.anchor = coldRun(join(MOO, 'hv'), ['-v', '-r', ones(d), file]);
      row.anchorName = 'moocore hv';
      checkAgree(`hv ${d}-D vs moocore`, ours.values, row.anchor.values, 1e-12);
    }
    rows.push(row);
  }
  // Contributions for d = 4, 5: moocore's `hv -c` (one hypervolume per point) is slow, so smaller sets.
  for (const [d, n] of [[4, 1_000], [5, 300]] as const) {
    const file = writePoints(`cold-hvc-${d}d.txt`, spherePoints(rng, n, d), d);
    const ours = coldRun(process.execPath, [CLI, 'hvc', '-v', '-r', ones(d), file]);
    const row: ColdRow = { tool: 'hvc', set: 'sphere', d, n, ours, target: 1 };
    if (MOO) {
      row.anchor = coldRun(join(MOO, 'hv'), ['-c', '-v', '-r', ones(d), file], 1);
      row.anchorName = 'moocore hv -c';
      const scale = Math.max(...ours.values);
      checkAgree(`hvc ${d}-D vs moocore`, ours.values, row.anchor.values, 1e-9, 1e-12 * scale);
    }
    rows.push(row);
  }
  // Non-dominated sorting of uniform random points.
  const driver = ndsortDriver();
  for (const d of [4, 5]) {
    const n = 10_000;
    const file = writePoints(`cold-ndsort-${d}d.txt`, uniformPoints(rng, n, d), d);
    const ours = coldRun(process.execPath, [CLI, 'ndsort', '-v', file]);
    const row: ColdRow = { tool: 'ndsort', set: 'uniform', d, n, ours, target: 1 };
    if (driver) {
      row.anchor = coldRun(driver, ['ndsort', '-v', file]);
      row.anchorName = 'moocore pareto_rank (driver)';
      checkAgree(`ndsort ${d}-D vs moocore`, ours.values, row.anchor.values, 0);
    }
    rows.push(row);
  }
  return rows;
}

const ms = (s: number) => (s < 1 ? `${(s * 1000).toFixed(1)} ms` : `${s.toFixed(2)} s`);

export function formatColdCli(rows: ColdRow[]): string {
  const out = [
    `| tool | set | d | n | paretonas -v | moocore -v | ratio | target | paretonas process | moocore process |`,
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const ratio = r.anchor ? r.ours.kernel / r.anchor.kernel : undefined;
    const verdict = ratio === undefined ? '' : ratio <= r.target ? ' (met)' : ' (missed)';
    out.push(`| ${r.tool} | ${r.set} | ${r.d} | ${r.n.toLocaleString('en')} | ${ms(r.ours.kernel)} | ${r.anchor ? ms(r.anchor.kernel) : '—'} | ` +
      `${ratio === undefined ? '—' : ratio.toFixed(3) + verdict} | ≤ ${r.target} | ${ms(r.ours.wall)} | ${r.anchor ? ms(r.anchor.wall) : '—'} |`);
  }
  return out.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(CLI)) throw new Error('bench/cold-cli.ts runs bin/paretonas.js: build first (npm run build)');
  console.log(`# The Pareto tools from a cold process (best of ${RUNS}) on ${machine()}`);
  if (!MOO) console.log('# (set MOOCORE_BIN and MOOCORE_SRC to time moocore side by side)');
  console.log(formatColdCli(benchColdCli()));
}
