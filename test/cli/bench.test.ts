import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateBenchFile, type BenchFile } from '../../src/bench/schema.ts';

// Run `npm run build:ts` first: these run bin/paretonas.js (the compiled CLI). No timed
// assertions: the figures are whatever this machine measures; what is tested is that the run
// happened, was checked, and says so in the schema.
const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'paretonas-bench-test-'));
const MOOCORE_BIN = process.env.MOOCORE_BIN;

function run(args: string[], env: Record<string, string | undefined> = {}) {
  const r = spawnSync(process.execPath, [join(root, 'bin/paretonas.js'), 'bench', ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

let quickRun: { code: number | null; out: string; err: string; file: BenchFile } | undefined;

/** One quick run of the three suites, shared by the tests that read its file. */
function quickFile() {
  if (!quickRun) {
    const r = run(['pareto', 'surrogates', 'ask', '--quick', '--json']);
    quickRun = { ...r, file: validateBenchFile(JSON.parse(r.out), 'stdout') };
  }
  return quickRun;
}

describe('paretonas bench', () => {
  it('bench pareto surrogates ask --quick --json prints a valid result file with every suite checked and timed', () => {
    const r = quickFile();
    expect(r.err).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const quick = r.file;
    expect(quick.quick).toBe(true);
    expect(quick.suites).toEqual(['pareto', 'surrogates', 'ask']);
    for (const s of quick.suites) expect(quick.results.filter((x) => x.suite === s).length).toBeGreaterThan(0);
    for (const x of quick.results) {
      expect(x.median, `${x.suite} ${x.case}`).toBeGreaterThan(0);
      expect(x.first).toBeGreaterThan(0);
      expect(x.check.length).toBeGreaterThan(10);
      expect(x.anchor).toBeUndefined();
    }
    const cases = new Set(quick.results.map((x) => x.case));
    for (const c of ['hypervolume', 'hvContributions', 'ndsort', 'isNonDominated', 'igd', 'eaf (all levels)', 'hvApprox montecarlo', 'dominatedSets',
      'ParetoArchive (insert the stream)', 'gp fit (1 start)', 'gp predict (mean + std)', 'ehvi exact', 'mlp ensemble training', 'random ask()', 'msehvi ask()']) {
      expect(cases, c).toContain(c);
    }
    // hypervolume at every dimension the kernels specialise for
    expect(quick.results.filter((x) => x.case === 'hypervolume').map((x) => x.shape.d)).toEqual([2, 3, 4, 5, 6]);
    expect(quick.machine.cores).toBeGreaterThan(0);
    expect(quick.machine.runtime).toBe('node');
    expect(quick.machine.runtimeVersion).toBe(process.version);
  });

  it('bench without anchor flags reports moocore and scikit-learn absent, with the reason', () => {
    const quick = quickFile().file;
    const byName = new Map(quick.anchors.map((a) => [a.name, a]));
    for (const name of ['moocore', 'scikit-learn']) {
      expect(byName.get(name)?.status, name).toBe('absent');
      expect(byName.get(name)?.detail).toMatch(/not asked for \(--(moocore|python)/);
    }
  });

  it('bench --python with an interpreter that does not exist reports scikit-learn absent, naming it', () => {
    const r = run(['surrogates', '--quick', '--json', '--python', join(dir, 'no-python')]);
    expect(r.code).toBe(0);
    const f = validateBenchFile(JSON.parse(r.out));
    expect(f.anchors.find((a) => a.name === 'scikit-learn')).toEqual({ name: 'scikit-learn', status: 'absent', detail: `${join(dir, 'no-python')} not found` });
  });

  it.skipIf(!MOOCORE_BIN)('bench pareto --moocore DIR times moocore side by side, with ratios (set MOOCORE_BIN to run)', () => {
    const r = run(['pareto', '--quick', '--json', '--moocore', MOOCORE_BIN!]);
    expect(r.code).toBe(0);
    const f = validateBenchFile(JSON.parse(r.out));
    expect(f.anchors.find((a) => a.name === 'moocore')?.status).toBe('present');
    const hv = f.results.filter((x) => x.case === 'hypervolume');
    for (const x of hv) {
      expect(x.anchor?.name).toMatch(/^moocore hv/);
      expect(x.anchor!.median).toBeGreaterThan(0);
      expect(x.ratio).toBeCloseTo(x.anchor!.median / x.median, 12);
      expect(x.check).toMatch(/moocore hv on the whole set/);
    }
  });

  it('bench --json FILE writes the file and prints the tables and the anchors', () => {
    const file = join(dir, 'ask.json');
    const r = run(['ask', '--quick', '--json', file]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^# paretonas .* bench --quick/);
    expect(r.out).toContain('## ask');
    expect(r.out).toContain('| case | shape | backend | first | median | p90 | unit | anchor | anchor median | ratio |');
    expect(r.out).toContain('## Anchors');
    expect(validateBenchFile(JSON.parse(readFileSync(file, 'utf8'))).suites).toEqual(['ask']);
  });

  it('bench --compare A B prints B against A case by case and lists the cases only one file has', () => {
    const quick = quickFile().file;
    const a = join(dir, 'a.json'), b = join(dir, 'b.json');
    writeFileSync(a, JSON.stringify(quick));
    // B: every time halved (twice as fast), rates doubled, and its last result missing
    const faster: BenchFile = structuredClone(quick);
    for (const x of faster.results) for (const k of ['first', 'median', 'p90'] as const) x[k] = x.unit === 's' ? x[k] / 2 : x[k] * 2;
    const dropped = faster.results.pop()!;
    writeFileSync(b, JSON.stringify(faster));
    const r = run(['--compare', a, b]);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| suite'));
    expect(rows.length).toBe(quick.results.length - 1);
    for (const l of rows) expect(l).toMatch(/\| 2\.00x \|$/);
    expect(r.out).toContain('Only in A');
    expect(r.out).toContain(`- ${dropped.suite}: ${dropped.case}`);
  });

  it('bench --compare names the file and the field of a result file that does not match the schema', () => {
    const quick = quickFile().file;
    const bad = join(dir, 'bad.json');
    const broken = structuredClone(quick) as unknown as { results: Record<string, unknown>[] };
    delete broken.results[2].median;
    writeFileSync(bad, JSON.stringify(broken));
    const a = join(dir, 'a.json');
    writeFileSync(a, JSON.stringify(quick));
    const r = run(['--compare', a, bad]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`paretonas bench: error: --compare B: ${bad}: results[2].median must be a non-negative number`);
    const missing = run(['--compare', a, join(dir, 'missing.json')]);
    expect(missing.err).toMatch(/--compare B: cannot read .*missing\.json: ENOENT/);
  });

  it('bench rejects bad arguments, naming the argument', () => {
    const cases: [string[], RegExp][] = [
      [['nosuch'], /unknown suite 'nosuch' \(suites: pareto, surrogates, ask/],
      [['--moocore', join(dir, 'nowhere')], /--moocore: .*nowhere is not a directory/],
      [['--compare', 'a.json'], /--compare needs two result files \(A\.json B\.json\), got 1/],
      [['--compare', '--quick', 'a.json', 'b.json'], /--compare reads two result files and runs nothing: drop --quick/],
      [['--fast'], /unknown option --fast/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });

  it('bench --help lists the suites', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const s of ['pareto', 'surrogates', 'ask']) expect(r.out).toMatch(new RegExp(`^  ${s} +\\S`, 'm'));
    expect(r.out).toContain('--compare');
  });
});
