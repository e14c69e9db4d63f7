import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromRows, hvApprox } from '../../src/index.ts';
import { formatG, formatRow } from '../../src/cli/format.ts';
import { Rng } from '../../src/random/rng.ts';
import { latticePoints, spherePoints } from '../helpers/fronts.ts';

// Run `npm run build:ts` first: these run bin/paretonas.js (the compiled CLI).
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'paretonas-hvapprox-'));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [join(root, 'bin/paretonas.js'), ...args], { encoding: 'utf8', input, cwd: dir });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function toText(pts: Float64Array, d: number): string {
  const lines: string[] = [];
  for (let i = 0; i < pts.length; i += d) lines.push(Array.from(pts.subarray(i, i + d)).join(' '));
  return lines.join('\n') + '\n';
}

const values = (out: string) => out.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => Number(l.trim()));
const printed = (xs: number[]) => xs.map((x) => Number(formatG(x)));

describe('paretonas hvapprox', () => {
  const A = fromRows([[1, 2], [2, 1], [1.5, 1.5]]);
  const B = fromRows([[0.5, 3], [3, 0.5]]);
  const two = file('two.txt', `${toText(A, 2)}\n${toText(B, 2)}`);
  const ref = [3 + 0.1 * 2.5, 3 + 0.1 * 2.5]; // max + 0.1 (max - min) over both sets

  it('prints one estimate per set (%-22.15g), method 3 by default, the reference as hv', () => {
    const r = run(['hvapprox', '-n', '2000', two]);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.length).toBe(3);
    expect(lines[0]).toBe(formatG(hvApprox(A, 2, ref, { samples: 2000 }).value).padEnd(22));
    expect(values(r.out)).toEqual(printed([hvApprox(A, 2, ref, { samples: 2000 }).value, hvApprox(B, 2, ref, { samples: 2000 }).value]));
    expect(values(run(['hvapprox', '-n', '2000', '-m', '2', '-r', '4 4', two]).out))
      .toEqual(printed([A, B].map((s) => hvApprox(s, 2, [4, 4], { samples: 2000, method: 'hua-wang' }).value)));
    expect(values(run(['hvapprox', '-n', '2000', '--method=hua-wang', '--reference', '4 4', two]).out))
      .toEqual(values(run(['hvapprox', '-n', '2000', '-m', '2', '-r', '4 4', two]).out));
    const both = new Float64Array([...A, ...B]);
    expect(values(run(['hvapprox', '-u', '-n', '500', '-r', '4 4', '-'], readFileSync(two, 'utf8')).out))
      .toEqual(printed([hvApprox(both, 2, [4, 4], { samples: 500 }).value]));
  });

  it('method 1: -S seeds it, -v prints the header, the standard error and the time', () => {
    const r = run(['hvapprox', '-m', '1', '-S', '17', '-n', '3000', '-r', '4 4', two]);
    const api = [A, B].map((s) => hvApprox(s, 2, [4, 4], { samples: 3000, method: 'montecarlo', seed: 17 }));
    expect(values(r.out)).toEqual(printed(api.map((x) => x.value)));
    const v = run(['hvapprox', '-v', '-m', '1', '-S', '17', '-n', '3000', '-r', '4 4', two]);
    const lines = v.out.split('\n');
    expect(lines.slice(0, 4)).toEqual(['# Method: DZ2019-MC', '# seed: 17', '# nsamples: 3000', `# file: ${two}`]);
    expect(lines.slice(4, 7)).toEqual([`# minimum:   ${formatRow([0.5, 0.5])}`, `# maximum:   ${formatRow([3, 3])}`, `# reference: ${formatRow([4, 4])}`]);
    expect(v.out).toContain(`# Standard error: ${formatG(api[0].standardError!)}\n`);
    expect(v.out).toMatch(/^# Time: \d+\.\d{6} seconds$/m);
    // without -S method 1 is seeded from the clock (and says so with -v)
    expect(run(['hvapprox', '-v', '-m', '1', '-n', '10', two]).out).toMatch(/^# seed: [1-9]\d*$/m);
  });

  it('-s writes FILE + SUFFIX and notes it on standard error unless -q', () => {
    const r = run(['hvapprox', '-n', '500', '-r', '4 4', '-s', '.hva', two]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('');
    expect(r.err).toBe(`# ${two} -> ${two}.hva\n`);
    expect(values(readFileSync(`${two}.hva`, 'utf8'))).toEqual(values(run(['hvapprox', '-n', '500', '-r', '4 4', two]).out));
    expect(run(['hvapprox', '-q', '-n', '500', '-r', '4 4', '-s', '.hva', two]).err).toBe('');
  });

  it('fails with a message on bad options and input', () => {
    let r = run(['hvapprox', two]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/must specify a value for -n\/--nsamples/);
    r = run(['hvapprox', '-n', '0', two]);
    expect(r.err).toMatch(/value of -n\/--nsamples must be a positive integer/);
    r = run(['hvapprox', '-n', '10', '-S', '3', two]);
    expect(r.err).toMatch(/-S\/--seed only makes sense with --method=1/);
    r = run(['hvapprox', '-n', '10', '-m', '1', '-S', '0', two]);
    expect(r.err).toMatch(/value of -S\/--seed must be a positive integer/);
    r = run(['hvapprox', '-n', '10', '-m', '4', two]);
    expect(r.err).toMatch(/valid values of -m\/--method are 1, 2 or 3/);
    r = run(['hvapprox', '-n', '10', file('one.txt', '1\n2\n')]);
    expect(r.err).toMatch(/the input has 1 objectives; hvapprox needs 2 to 31/);
    r = run(['hvapprox', '-n', '10', '-r', '1 1', two]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/none of the points strictly dominates the reference point/);
    r = run(['hvapprox', '-n', '10', '-r', '1.6 3.5', two]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/two.txt: 1 point\(s\) do not strictly dominate the reference point/);
  });
});

describe('paretonas dominatedsets', () => {
  const a = file('a.txt', '1 2\n2 1\n\n1.5 1.5\n3 0.5\n\n1 2\n2 1\n');
  const b = file('b.txt', '0.5 2\n2 0.5\n\n3 3\n');
  const c = file('c.txt', '1 2\n2 1\n');

  it('prints moocore\'s tables', () => {
    const r = run(['dominatedsets', '-p', 'a.txt', 'b.txt', 'c.txt']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`# f1: a.txt
# f2: b.txt
# f3: c.txt

# f1: 3 (2, 4, 6)
# f2: 2 (2, 3)
# f3: 1 (2)
# objectives (2): --


Number of times that <row> is better than <column>:

   f1 f2 f3
f1 --  3  0
f2  2 --  1
f3  0  1 --


Percentage of times that <row> is better than <column>:

      f1    f2    f3
f1    --  50.0   0.0
f2  33.3    --  50.0
f3   0.0  50.0    --

Ranks:   2   4   1
`);
    expect(run(['dominatedsets', a, b, c]).out).toMatch(/\nf3 {2}0 {2}1 --\n\n\nRanks: {3}2 {3}4 {3}1\n$/);
  });

  it('checks the sets unless --no-check; -o flips or ignores objectives', () => {
    const dup = file('dup.txt', '1 1\n1 1\n');
    let r = run(['dominatedsets', dup, c]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/f1: set 0: point 1 is dominated\.\n.*input must be a collection of nondominated sets/);
    r = run(['dominatedsets', '--no-check', dup, c]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nf1 -- {2}1\nf2 {2}0 --\n/);
    r = run(['dominatedsets', '-o', '+-', a, b]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/# objectives \(2\): \+-\n/);
    const t = file('t.txt', '0 5 1\n1 4 0\n');
    const u = file('u.txt', '1 0 2\n2 9 1\n');
    r = run(['dominatedsets', '-o', '-i-', t, u]);
    expect(r.out).toMatch(/# objectives \(3\): -i-\n[^]*\nf1 -- {2}1\nf2 {2}0 --\n/);
    expect(run(['dominatedsets', a]).err).toMatch(/at least two input files are required/);
    expect(run(['dominatedsets', '-o', '+x', a, b]).err).toMatch(/invalid argument '\+x' for -o\/--obj/);
  });
});

// Parity with moocore's binaries, where moocore is installed (MOOCORE_BIN points at its bin/).
const MOO = process.env.MOOCORE_BIN;
describe.skipIf(!MOO || !existsSync(`${MOO}/hvapprox`) || !existsSync(`${MOO}/dominatedsets`))('parity with moocore (needs MOOCORE_BIN)', () => {
  const moo = (tool: string, args: string[]) => spawnSync(`${MOO}/${tool}`, args, { encoding: 'utf8', cwd: dir });
  const rng = new Rng(31);
  const f3 = file('p3.txt', [spherePoints(rng, 60, 3), spherePoints(rng, 40, 3)].map((s) => toText(s, 3)).join('\n'));
  const f8 = file('p8.txt', toText(spherePoints(rng, 200, 8), 8));

  /** Same lines, same layout; numbers within rel (of 15 printed digits); '# Time' lines skipped. */
  function expectSame(ours: string, theirs: string, rel: number): void {
    const keep = (s: string) => s.split('\n').filter((l) => !l.startsWith('# Time') && !l.startsWith('# Standard error'));
    const a = keep(ours), b = keep(theirs);
    expect(a.length).toBe(b.length);
    a.forEach((line, i) => {
      expect(line.length, `line ${i + 1}: '${line}' vs '${b[i]}'`).toBe(b[i].length);
      if (line.startsWith('#')) return expect(line).toBe(b[i]);
      const x = Number(line), y = Number(b[i]);
      expect(Math.abs(x - y), `line ${i + 1}: ${x} vs ${y}`).toBeLessThanOrEqual(rel * Math.abs(y) + 1e-300);
    });
  }

  it('hvapprox -m 3 (Rphi-FWE+) and -m 2 (Hua-Wang) give moocore\'s values; -v has its layout', () => {
    for (const n of ['1000', '4099']) {
      expectSame(run(['hvapprox', '-n', n, f3]).out, moo('hvapprox', ['-n', n, f3]).stdout, 1e-13);
      expectSame(run(['hvapprox', '-n', n, f8]).out, moo('hvapprox', ['-n', n, f8]).stdout, 1e-13);
      expectSame(run(['hvapprox', '-m', '2', '-n', n, f3]).out, moo('hvapprox', ['-m', '2', '-n', n, f3]).stdout, 1e-13);
      // d >= 5: moocore's Newton solves for angles of lattice points with a zero coordinate end
      // where its rounding noise says (see the docs); measured differences are 1e-13 .. 1e-9.
      expectSame(run(['hvapprox', '-m', '2', '-n', n, f8]).out, moo('hvapprox', ['-m', '2', '-n', n, f8]).stdout, 1e-8);
    }
    expectSame(run(['hvapprox', '-v', '-n', '500', f3, f3]).out, moo('hvapprox', ['-v', '-n', '500', f3, f3]).stdout, 1e-13);
    expectSame(run(['hvapprox', '-v', '-u', '-r', '2 2 2', '-n', '500', f3]).out, moo('hvapprox', ['-v', '-u', '-r', '2 2 2', '-n', '500', f3]).stdout, 1e-13);
  });

  it('hvapprox -m 1 agrees with moocore within the standard error (different generators)', () => {
    const ours = run(['hvapprox', '-v', '-m', '1', '-S', '5', '-n', '20000', f8]).out;
    const se = Number(/# Standard error: (\S+)/.exec(ours)![1]);
    const theirs = values(moo('hvapprox', ['-m', '1', '-S', '5', '-n', '20000', f8]).stdout)[0];
    expect(Math.abs(values(ours)[0] - theirs)).toBeLessThanOrEqual(5 * Math.SQRT2 * se);
  });

  it('dominatedsets prints exactly what moocore prints', () => {
    const sets = (k: number, d: number) => Array.from({ length: k }, () => {
      const s = latticePoints(rng, 8, d, 0, 5);
      // keep the non-dominated distinct rows (moocore checks them)
      const rows = Array.from({ length: 8 }, (_, i) => Array.from(s.subarray(i * d, i * d + d)));
      const nd = rows.filter((p, i) => !rows.some((q, j) => (q.every((v, t) => v <= p[t]) && q.some((v, t) => v < p[t])) || (j < i && q.every((v, t) => v === p[t]))));
      return nd.map((p) => p.join(' ')).join('\n') + '\n';
    }).join('\n');
    const g = [file('g1.txt', sets(4, 3)), file('g2.txt', sets(3, 3)), file('g3.txt', sets(5, 3))];
    for (const opts of [[], ['-p'], ['--no-check'], ['-p', '-o', '-+-']]) {
      const ours = run(['dominatedsets', ...opts, ...g]), theirs = moo('dominatedsets', [...opts, ...g]);
      expect(ours.code).toBe(theirs.status);
      expect(ours.out, opts.join(' ')).toBe(theirs.stdout);
    }
  });
});
