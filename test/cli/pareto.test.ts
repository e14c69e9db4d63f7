import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  epsilonAdditive, fromRows, hvContributions, hypervolume, igd, igdPlus, isNonDominated, ndsort,
} from '../../src/index.ts';
import { formatG } from '../../src/cli/format.ts';
import { Rng } from '../../src/random/rng.ts';
import { latticePoints, spherePoints } from '../helpers/fronts.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'paretonas-cli-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin/paretonas.js'), ...args], { encoding: 'utf8', input });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function toText(pts: Float64Array, d: number): string {
  const lines: string[] = [];
  for (let i = 0; i < pts.length; i += d) lines.push(Array.from(pts.subarray(i, i + d)).join(' '));
  return lines.join('\n') + '\n';
}

const values = (out: string) => out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => Number(l.trim()));
/** A value as the CLI prints it (15 significant digits), read back. */
const printed = (xs: ArrayLike<number>) => Array.from(xs, (x) => Number(formatG(x)));

describe('paretonas hv', () => {
  const A = fromRows([[1, 2], [2, 1], [2, 2]]);
  const B = fromRows([[0.5, 3], [3, 0.5], [1e-7, 5]]);
  const twoSets = file('two.txt', `# a comment\n${toText(A, 2)}\n\n${toText(B, 2)}`);

  it('prints one hypervolume per set, formatted as moocore (%-22.15g)', () => {
    const r = run(['hv', '-r', '4 4', twoSets]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0]).toBe(formatG(hypervolume(A, 2, [4, 4])).padEnd(22));
    expect(Number(lines[1])).toBe(printed([hypervolume(B, 2, [4, 4])])[0]);
    expect(lines[2]).toBe('');
  });

  it('reads standard input, joins sets with --union and defaults the reference to max + 0.1 range', () => {
    const text = readFileSync(twoSets, 'utf8');
    expect(values(run(['hv', '-r', '4 4', '-'], text).out)).toEqual(printed([hypervolume(A, 2, [4, 4]), hypervolume(B, 2, [4, 4])]));
    const both = new Float64Array([...A, ...B]);
    expect(values(run(['hv', '--union', '--reference=4 4', twoSets]).out)).toEqual(printed([hypervolume(both, 2, [4, 4])]));
    const ref = [3 + 0.1 * (3 - 1e-7), 5 + 0.1 * (5 - 0.5)];
    expect(values(run(['hv', twoSets]).out)).toEqual(printed([hypervolume(A, 2, ref), hypervolume(B, 2, ref)]));
  });

  it('honours --maximise and -o, and -v prints the kernel time', () => {
    const neg = A.map((v) => -v);
    const f = file('neg.txt', toText(neg, 2));
    expect(values(run(['hv', '--maximise', '-r', '-4 -4', f]).out)).toEqual(printed([hypervolume(A, 2, [4, 4])]));
    const mixed = A.map((v, i) => (i % 2 ? -v : v));
    const g = file('mixed.txt', toText(mixed, 2));
    expect(values(run(['hv', '-o', '-+', '-r', '4 -4', g]).out)).toEqual(printed([hypervolume(A, 2, [4, 4])]));
    const v = run(['hv', '-v', '-r', '4 4', twoSets]);
    expect(v.out).toMatch(/^# Time: \d+\.\d{6} seconds$/m);
    expect(values(v.out)).toEqual(printed([hypervolume(A, 2, [4, 4]), hypervolume(B, 2, [4, 4])]));
  });

  it('agrees with the API on 3-D to 5-D sets', () => {
    const rng = new Rng(4);
    for (const d of [3, 4, 5]) {
      const pts = spherePoints(rng, 60, d);
      const f = file(`s${d}.txt`, toText(pts, d));
      expect(values(run(['hv', '-r', new Array(d).fill(1.1).join(' '), f]).out)[0]).toBeCloseTo(hypervolume(pts, d, new Array(d).fill(1.1)), 13);
    }
  });

  it('fails with a message naming the file and line on bad input', () => {
    const bad = file('bad.txt', '1 2\n3 x\n');
    let r = run(['hv', '-r', '4 4', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.txt: line 2 column 2: not a number: 'x'/);
    const ragged = file('ragged.txt', '1 2\n3 4 5\n');
    r = run(['hv', '-r', '4 4', ragged]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/ragged\.txt: line 2 has 3 columns, expected 2/);
    r = run(['hv', '-r', '4 4 4', twoSets]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/-r\/--reference has 3 values but the input has 2 objectives/);
    r = run(['hv', '--bogus', twoSets]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown option --bogus/);
    r = run(['hv', '-r', '4 4', join(dir, 'missing.txt')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/missing\.txt: no such file/);
  });
});

describe('paretonas hvc, ndsort, nondominated', () => {
  const rng = new Rng(8);
  const pts = latticePoints(rng, 40, 3, 0, 6);
  const f = file('lattice.txt', toText(pts, 3) + '\n' + toText(pts.subarray(0, 30), 3));

  it('hvc prints each contribution, a blank line after each set', () => {
    const r = run(['hvc', '-r', '7 7 7', f]);
    expect(r.code).toBe(0);
    const sets = r.out.split('\n\n').filter((s) => s.trim() !== '');
    expect(sets.length).toBe(2);
    expect(values(sets[0])).toEqual(printed(hvContributions(pts, 3, [7, 7, 7])));
    expect(values(sets[1])).toEqual(printed(hvContributions(pts.subarray(0, 30), 3, [7, 7, 7])));
    expect(run(['hvc', f]).code).toBe(2);
  });

  it('ndsort ranks all points of a file together', () => {
    const r = run(['ndsort', f]);
    const all = new Float64Array([...pts, ...pts.subarray(0, 30)]);
    expect(values(r.out)).toEqual(Array.from(ndsort(all, 3)));
    const max = run(['ndsort', '--maximise', f]);
    expect(values(max.out)).toEqual(Array.from(ndsort(all, 3, { maximise: true })));
  });

  it('nondominated prints the non-dominated points of each set once, in input order', () => {
    const r = run(['nondominated', f]);
    const first = r.out.split('\n\n')[0].trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
    const keep = isNonDominated(pts, 3, { keepDuplicates: false });
    const expected: number[][] = [];
    keep.forEach((k, i) => k && expected.push(Array.from(pts.subarray(i * 3, i * 3 + 3))));
    expect(first).toEqual(expected);
    const dup = file('dup.txt', '1 1\n1 1\n2 0\n3 3\n');
    expect(run(['nondominated', dup]).out.trim().split('\n').length).toBe(2);
    expect(run(['nondominated', '--keep-duplicates', dup]).out.trim().split('\n').length).toBe(3);
  });
});

describe('paretonas igd, igdplus, epsilon', () => {
  const A = fromRows([[1, 2], [2, 1], [2, 2]]);
  const R = fromRows([[0, 1], [1, 0], [3, 3]]); // (3, 3) is dominated: removed unless --no-check
  const fa = file('a.txt', toText(A, 2));
  const fr = file('r.txt', toText(R, 2));
  const Rnd = fromRows([[0, 1], [1, 0]]);

  it('compute the indicators against the non-dominated part of the reference set', () => {
    expect(values(run(['igd', '--reference-set', fr, fa]).out)).toEqual(printed([igd(A, Rnd, 2)]));
    expect(values(run(['igdplus', '-r', fr, fa]).out)).toEqual(printed([igdPlus(A, Rnd, 2)]));
    expect(values(run(['epsilon', '--reference-set', fr, fa]).out)).toEqual(printed([epsilonAdditive(A, Rnd, 2)]));
    expect(values(run(['igd', '--no-check', '--reference-set', fr, fa]).out)).toEqual(printed([igd(A, R, 2)]));
    const r = run(['igd', fa]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/reference set is required/);
  });
});

// Byte-for-byte parity with moocore's tools, where moocore is installed (MOOCORE_BIN points
// at its bin/ directory; CI has no moocore, so there these comparisons cannot run).
const MOO = process.env.MOOCORE_BIN;
describe.skipIf(!MOO || !existsSync(`${MOO}/hv`))('parity with moocore (needs MOOCORE_BIN)', () => {
  const rng = new Rng(12);
  const sets = [spherePoints(rng, 200, 3), latticePoints(rng, 100, 3, 0, 9)];
  const f = file('parity.txt', sets.map((s) => toText(s, 3)).join('\n'));
  const moo = (tool: string, args: string[]) => spawnSync(`${MOO}/${tool}`, args, { encoding: 'utf8' }).stdout;

  /** Same lines and layout; numbers equal to 1e-12 relative (the last of 15 printed digits may differ). */
  function expectSameOutput(ours: string, theirs: string): void {
    const a = ours.split('\n'), b = theirs.split('\n');
    expect(a.length).toBe(b.length);
    a.forEach((line, i) => {
      expect(line.length, `line ${i + 1}`).toBe(b[i].length);
      const x = line.trim().split(/\s+/).filter(Boolean).map(Number), y = b[i].trim().split(/\s+/).filter(Boolean).map(Number);
      expect(x.length).toBe(y.length);
      x.forEach((v, k) => expect(Math.abs(v - y[k]), `line ${i + 1}: ${v} vs ${y[k]}`).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(v), Math.abs(y[k])) + 1e-300));
    });
  }

  it('hv, hvc (moocore: hv -c), igd, igd+ and epsilon print the same values in the same layout', () => {
    expectSameOutput(run(['hv', '-r', '10 10 10', f]).out, moo('hv', ['-r', '10 10 10', f]));
    expectSameOutput(run(['hvc', '-r', '10 10 10', f]).out, moo('hv', ['-c', '-r', '10 10 10', f]));
    const ref = file('parity-ref.txt', toText(spherePoints(rng, 50, 3), 3));
    expectSameOutput(run(['igd', '-r', ref, f]).out, moo('igd', ['-r', ref, f]));
    expectSameOutput(run(['igdplus', '-r', ref, f]).out, moo('igd', ['--igd-plus', '-r', ref, f]));
    expectSameOutput(run(['epsilon', '-r', ref, f]).out, moo('epsilon', ['-r', ref, f]));
  });
});
