import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { eaf, eafDiff, fromRows } from '../../src/index.ts';
import { formatRow } from '../../src/cli/format.ts';
import { Rng } from '../../src/random/rng.ts';
import { latticePoints, spherePoints } from '../helpers/fronts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'paretonas-eaf-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin/paretonas.js'), 'eaf', ...args], { encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Sets as moocore's input: one point per line, a blank line after each set. */
function toText(sets: Float64Array[], d: number): string {
  return sets
    .map((s) => {
      const lines: string[] = [];
      for (let i = 0; i < s.length; i += d) lines.push(Array.from(s.subarray(i, i + d)).join(' '));
      return lines.join('\n') + '\n';
    })
    .join('\n');
}

function concat(sets: Float64Array[], d: number) {
  const points = new Float64Array(sets.reduce((s, x) => s + x.length, 0));
  const runs: number[] = [];
  let at = 0;
  sets.forEach((s, r) => {
    points.set(s, at);
    at += s.length;
    for (let i = 0; i < s.length / d; i++) runs.push(r);
  });
  return { points, runs };
}

/** What the CLI should print for the API's surfaces (points, then optional flags/counts). */
function expected(sets: Float64Array[], d: number, levels?: number[], withFlags = false): string {
  const { points, runs } = concat(sets, d);
  let out = '';
  for (const s of eaf(points, d, runs, { levels, attained: withFlags })) {
    for (let i = 0; i < s.points.length / d; i++) {
      out += formatRow(s.points, i * d, d);
      if (withFlags) {
        const f = Array.from(s.attained!.subarray(i * sets.length, (i + 1) * sets.length));
        out += '\t' + f.join(' ');
      }
      out += '\n';
    }
    out += '\n';
  }
  return out;
}

const A = fromRows([[3, 2], [2, 3]]);
const B = fromRows([[2.5, 1], [1, 2]]);
const C = fromRows([[1, 2]]);
const small = file('small.txt', `# three sets\n${toText([A, B, C], 2)}`);

describe('paretonas eaf', () => {
  it("prints every level, moocore's %-22.15g columns, a blank line after each level", () => {
    const r = run([small]);
    expect(r.code).toBe(0);
    const cell = (x: number) => formatRow([x]);
    expect(r.out).toBe(
      `${cell(1)} ${cell(2)}\n${cell(2.5)} ${cell(1)}\n\n${cell(1)} ${cell(2)}\n\n${cell(2)} ${cell(3)}\n${cell(3)} ${cell(2)}\n\n`,
    );
    expect(r.out).toBe(expected([A, B, C], 2));
    expect(r.err).toBe('');
  });

  it('-b, -m, -w, -p and -l select levels as moocore; -v reports on standard error', () => {
    expect(run(['-b', small]).out).toBe(expected([A, B, C], 2, [1]));
    expect(run(['-m', small]).out).toBe(expected([A, B, C], 2, [2]));
    expect(run(['-w', small]).out).toBe(expected([A, B, C], 2, [3]));
    expect(run(['-p', '34,100', small]).out).toBe(expected([A, B, C], 2, [2, 3]));
    expect(run(['-p', '10', '--percentile=66.7', small]).out).toBe(expected([A, B, C], 2, [1, 3]));
    expect(run(['-l', '3 1', small]).out).toBe(expected([A, B, C], 2, [3, 1]));
    const v = run(['-v', '-l', '2;3', small]);
    expect(v.out).toBe(expected([A, B, C], 2, [2, 3]));
    expect(v.err).toMatch(/^# objectives \(2\): --\n# sets: 3\n# points: 5\n# calculating levels: 2 3\n# Time: \d+\.\d{6} seconds\n$/);
  });

  it('-i and -d: on the point line after a tab, or to their own files', () => {
    expect(run(['-i', small]).out).toBe(expected([A, B, C], 2, undefined, true));
    const both = run(['-i', '-d', small]).out.split('\n');
    expect(both[0]).toBe(`${formatRow([1, 2])}\t0 1 1\t0 2`);
    expect(run(['-d', '-b', small]).out.split('\n')[1]).toBe(`${formatRow([2.5, 1])}\t0 1`);
    const out = join(dir, 'coords.txt'), ind = join(dir, 'ind.txt'), diff = join(dir, 'diff.txt');
    const r = run(['-o', out, `-i${ind}`, `--diff=${diff}`, small]);
    expect(r.out).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(expected([A, B, C], 2));
    expect(readFileSync(ind, 'utf8')).toBe('0 1 1\n0 1 0\n0 1 1\n1 1 1\n1 1 1\n');
    expect(readFileSync(diff, 'utf8')).toBe('0 2\n0 1\n0 2\n1 2\n1 2\n');
    const toStdout = run(['-o', out, '-i-', small]);
    expect(toStdout.out).toBe('0 1 1\n0 1 0\n0 1 1\n1 1 1\n1 1 1\n');
  });

  it('several files, standard input, --maximise and --obj', () => {
    const f1 = file('f1.txt', toText([A, B], 2)), f2 = file('f2.txt', toText([C], 2));
    expect(run([f1, f2]).out).toBe(expected([A, B, C], 2));
    expect(run([f1, '-'], toText([C], 2)).out).toBe(expected([A, B, C], 2));
    const neg = [A, B, C].map((s) => s.map((v) => -v));
    const r = run(['--maximise', file('neg.txt', toText(neg, 2))]);
    const { points, runs } = concat(neg, 2);
    let want = '';
    for (const s of eaf(points, 2, runs, { maximise: true })) {
      for (let i = 0; i < s.points.length; i += 2) want += formatRow(s.points, i, 2) + '\n';
      want += '\n';
    }
    expect(r.out).toBe(want);
    const half = [A, B, C].map((s) => s.map((v, i) => (i % 2 ? -v : v)));
    const h = run(['--obj', '-+', file('half.txt', toText(half, 2))]);
    expect(h.out.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).map(Number)))
      .toEqual(r.out.split('\n').filter(Boolean).map((l) => l.trim().split(/\s+/).map((v, i) => (i === 0 ? -Number(v) : Number(v)))));
  });

  it('3-D input agrees with the API', () => {
    const rng = new Rng(31);
    const sets = [0, 1, 2, 3].map(() => latticePoints(rng, 12, 3, 0, 5));
    expect(run(['-i', file('l3.txt', toText(sets, 3))]).out).toBe(expected(sets, 3, undefined, true));
  });

  it('--eafdiff prints the rectangles of eafDiff', () => {
    const rng = new Rng(32);
    const a = [0, 1, 2].map(() => latticePoints(rng, 6, 2, 0, 6)), b = [0, 1].map(() => latticePoints(rng, 6, 2, 0, 6));
    const r = run(['--eafdiff', file('da.txt', toText(a, 2)), file('db.txt', toText(b, 2))]);
    expect(r.code).toBe(0);
    const A2 = concat(a, 2), B2 = concat(b, 2);
    const rects = eafDiff(A2.points, A2.runs, B2.points, B2.runs, 2);
    let want = '';
    for (let k = 0; k < rects.length; k += 5) want += formatRow(rects, k, 5) + '\n';
    expect(r.out).toBe(want);
    expect(r.out).toContain('inf');
  });

  it('errors', () => {
    expect(run(['-l', '0', small])).toMatchObject({ code: 1, err: 'paretonas eaf: error: arg to --level must be higher than 0\n' });
    expect(run(['-l', '4', small]).err).toMatch(/--level must not be higher than number of approximation sets \(3\)/);
    expect(run(['-l', '1.5', small]).err).toMatch(/invalid argument to --level '1.5'/);
    expect(run(['-p', '0', small]).err).toMatch(/--percentile must be higher than 0/);
    expect(run(['-p', '101', small]).err).toMatch(/--percentile must be <= 100/);
    expect(run([file('d4.txt', '1 2 3 4\n')]).err).toMatch(/only supports two or three dimensions/);
    expect(run(['--eafdiff', small]).err).toMatch(/--eafdiff needs exactly two FILEs/);
    expect(run(['--polygons', small])).toMatchObject({ code: 2 });
    expect(run(['--help']).out).toMatch(/^Usage: paretonas eaf/);
  });
});

// Parity with moocore's `eaf` (MOOCORE_BIN points at its bin/ directory).
const MOO = process.env.MOOCORE_BIN;
describe.skipIf(!MOO || !existsSync(`${MOO}/eaf`))('parity with moocore (needs MOOCORE_BIN)', () => {
  const moo = (args: string[]) => {
    const r = spawnSync(`${MOO}/eaf`, ['-q', ...args], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    return r.stdout;
  };
  const rng = new Rng(77);
  const inputs = {
    lattice2: file('p-l2.txt', toText([0, 1, 2, 3, 4, 5].map(() => latticePoints(rng, 15, 2, 0, 6)), 2)),
    sphere2: file('p-s2.txt', toText([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => spherePoints(rng, 60, 2)), 2)),
    lattice3: file('p-l3.txt', toText([0, 1, 2, 3, 4].map(() => latticePoints(rng, 15, 3, 0, 5)), 3)),
    sphere3: file('p-s3.txt', toText([0, 1, 2, 3, 4, 5, 6, 7].map(() => spherePoints(rng, 40, 3)), 3)),
  };
  const OPTIONS = [[], ['-b'], ['-m'], ['-w'], ['-p', '10,50,90'], ['-l', '2 4'], ['-i'], ['-d'], ['-i', '-d'], ['-m', '-i']];

  /** Levels as blocks of lines; 3-D blocks sorted (moocore's 3-D order differs from ours). */
  const blocks = (text: string, sort: boolean) => text.split('\n\n').map((b) => (sort ? b.split('\n').sort().join('\n') : b));

  it.each(Object.entries(inputs).flatMap(([name, f]) => OPTIONS.map((o) => [name, f, o] as const)))('%s %j', (name, f, opts) => {
    const ours = run([...opts, f]);
    expect(ours.code).toBe(0);
    const theirs = moo([...opts, f]);
    if (name.endsWith('2')) expect(ours.out).toBe(theirs);
    else expect(blocks(ours.out, true)).toEqual(blocks(theirs, true));
  });

  it('several files and the output files of -o, -iFILE, -dFILE', () => {
    const ours = [join(dir, 'o1'), join(dir, 'o2'), join(dir, 'o3')];
    const theirs = [join(dir, 't1'), join(dir, 't2'), join(dir, 't3')];
    expect(run(['-o', ours[0], `-i${ours[1]}`, `-d${ours[2]}`, inputs.lattice2, inputs.sphere2]).code).toBe(0);
    moo(['-o', theirs[0], `-i${theirs[1]}`, `-d${theirs[2]}`, inputs.lattice2, inputs.sphere2]);
    for (let k = 0; k < 3; k++) expect(readFileSync(ours[k], 'utf8')).toBe(readFileSync(theirs[k], 'utf8'));
  });

  it('--eafdiff agrees with the attainment flags of moocore -i on A then B', () => {
    const r2 = new Rng(78);
    const a = [0, 1, 2].map(() => latticePoints(r2, 8, 2, 0, 40)), b = [0, 1, 2, 3].map(() => latticePoints(r2, 8, 2, 0, 40));
    const fa = file('pa.txt', toText(a, 2)), fb = file('pb.txt', toText(b, 2));
    const num = (t: string) => (t === 'inf' ? Infinity : Number(t));
    const rects = run(['--eafdiff', fa, fb]).out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(num));
    const value = (x: number, y: number) => {
      const hit = rects.filter((q) => q[0] <= x && x < q[2] && q[1] <= y && y < q[3]);
      expect(hit.length).toBeLessThanOrEqual(1);
      return hit.length ? hit[0][4] : 0;
    };
    let checked = 0;
    for (const line of moo(['-i', fa, fb]).split('\n')) {
      if (line.trim() === '') continue;
      const [coords, flags] = line.split('\t');
      const [x, y] = coords.trim().split(/\s+/).map(Number);
      const f = flags.split(' ').map(Number);
      const diff = f.slice(0, 3).reduce((s, v) => s + v, 0) / 3 - f.slice(3).reduce((s, v) => s + v, 0) / 4;
      expect(value(x, y)).toBeCloseTo(diff, 12);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });
});
