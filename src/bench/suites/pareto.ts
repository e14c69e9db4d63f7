// The Pareto kernels suite: hypervolume (d = 2..6), exclusive contributions, non-dominated
// sorting and filtering, the indicators, the EAF, the approximate hypervolume, dominance between
// groups of sets and the incremental archive, each checked before it is timed (against the
// pure-TypeScript twins on a prefix small enough for them, and against moocore where it is
// there), with moocore's tools side by side (--moocore DIR). Platform-neutral: it runs in the
// benchmark page too; moocore (Node only) is imported when it is asked for.
import type { Moocore } from '../anchors/moocore.ts';
import { checkAgree, sortedRows } from '../check.ts';
import { measure, resultFrom, type MeasureOptions, type Suite, type SuiteContext, type SuiteOutput, type Timing } from '../harness.ts';
import { spherePoints, uniformPoints } from '../points.ts';
import { speedup, type BenchResult } from '../schema.ts';
import { formatRow } from '../../cli/format.ts';
import {
  dominatedSets, eaf, eafDiff, epsilonAdditive, hvApprox, hvContributions, hypervolume, igd, igdPlus, isNonDominated, ndsort,
  nonDominatedPoints, ParetoArchive, type HvApproxMethod,
} from '../../pareto/index.ts';
import { eafDiffReference, eafReference } from '../../pareto/reference/eaf.ts';
import { hvApproxReference } from '../../pareto/reference/hvApprox.ts';
import { hvContributionsReference } from '../../pareto/reference/hvContributions.ts';
import { hypervolumeReference } from '../../pareto/reference/hypervolume.ts';
import { epsilonAdditiveReference, igdReference } from '../../pareto/reference/indicators.ts';
import { ndsortReference } from '../../pareto/reference/ndsort.ts';
import { runtime } from '../../platform/index.ts';
import { Rng } from '../../random/rng.ts';

const SUITE = 'pareto';

/** A case's figures from moocore, for the row. */
interface AnchorTimes {
  name: string;
  first: number;
  median: number;
  p90: number;
}

/** The run's state: options, the rows so far and moocore where it was found. */
class Run {
  readonly out: SuiteOutput = { results: [], anchors: [], skipped: [] };
  moocore: Moocore | undefined;
  private readonly missing = new Set<string>();

  constructor(readonly ctx: SuiteContext) {}

  /** warm calls: 7 (3 with --quick) within 20 s (2 s) */
  get timing(): MeasureOptions {
    return this.ctx.quick ? { runs: 3, budgetS: 2 } : { runs: 7, budgetS: 20 };
  }

  /** the size of a case: `n` (n / 20, at least 50, with --quick) */
  scale(n: number): number {
    return this.ctx.quick ? Math.max(50, Math.floor(n / 20)) : n;
  }

  /** anchor processes per case */
  anchorRuns(full: number): number {
    return this.ctx.quick ? Math.min(full, 2) : full;
  }

  async openMoocore(): Promise<void> {
    const { ctx } = this;
    const absent = (detail: string) => this.out.anchors.push({ name: 'moocore', status: 'absent', detail });
    if (ctx.moocore === undefined) return void absent('not asked for (--moocore DIR, the directory of moocore\'s built tools)');
    if (runtime() !== 'node') return void absent(`moocore's tools run only from Node, not from ${runtime()}`);
    const { Moocore } = await import('../anchors/moocore.ts');
    const m = await Moocore.open(ctx.moocore, ctx.moocoreSource);
    if (typeof m === 'string') return void absent(m);
    this.moocore = m;
    this.out.anchors.push(m.status());
  }

  /** moocore's `name` tool, or undefined (reported absent once) where moocore or the tool is missing. */
  tool(name: string): string | undefined {
    if (!this.moocore) return undefined;
    const p = this.moocore.tool(name);
    if (!p && !this.missing.has(name)) {
      this.missing.add(name);
      this.out.anchors.push({ name: `moocore ${name}`, status: 'absent', detail: `${this.moocore.dir}/${name} not found` });
    }
    return p;
  }

  row(c: string, shape: BenchResult['shape'], t: Timing, check: string, anchor?: AnchorTimes): void {
    const r = resultFrom(t, { suite: SUITE, case: c, shape, backend: 'wasm', check });
    if (anchor) {
      r.anchor = { name: anchor.name, version: this.moocore?.version, first: anchor.first, median: anchor.median, p90: anchor.p90 };
      r.ratio = speedup(r.unit, r.median, anchor.median);
    }
    this.out.results.push(r);
    this.ctx.log(`${SUITE}: ${c} ${JSON.stringify(shape)}: median ${fmtS(r.median)}${r.ratio !== undefined ? `, ${r.ratio.toFixed(2)}x ${anchor!.name}` : ''}`);
  }
}

const fmtS = (s: number) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : s < 1 ? `${(s * 1e3).toFixed(2)} ms` : `${s.toFixed(3)} s`);
const ones = (d: number, v = 1) => new Array<number>(d).fill(v);
const prefix = (pts: Float64Array, d: number, n: number) => pts.slice(0, Math.min(pts.length, n * d));

/** Time `fn`, keeping the first call's result for the checks against an anchor. */
async function timed<T>(fn: () => T, options: MeasureOptions): Promise<{ t: Timing; result: T }> {
  let result: T | undefined, first = true;
  const t = await measure(() => {
    const r = fn();
    if (first) result = r;
    first = false;
  }, options);
  return { t, result: result as T };
}

async function hypervolumeCases(run: Run, rng: Rng): Promise<void> {
  for (const [d, n] of [[2, 1_000_000], [3, 100_000], [4, 10_000], [5, 1_000], [6, 300]] as const) {
    const pts = spherePoints(rng, run.scale(n), d);
    const ref = ones(d);
    const small = prefix(pts, d, d <= 3 ? 14 : 9);
    checkAgree(`hypervolume ${d}-D against the twin`, [hypervolume(small, d, ref)], [hypervolumeReference(small, d, ref)], 1e-12);
    const { t, result } = await timed(() => hypervolume(pts, d, ref), run.timing);
    let check = `twin on ${small.length / d} points (1e-12 relative)`;
    let anchor: AnchorTimes | undefined;
    const hv = run.tool('hv');
    if (hv) {
      const a = run.moocore!.run(hv, ['-v', '-r', ref.join(' '), run.moocore!.writePoints(`hv-${d}d.txt`, pts, d)], run.anchorRuns(5));
      checkAgree(`hypervolume ${d}-D against moocore`, [result], a.values, 1e-12);
      check += '; moocore hv on the whole set (1e-12 relative)';
      anchor = { name: 'moocore hv (-v kernel time)', ...a };
    }
    run.row('hypervolume', { set: 'sphere', n: pts.length / d, d }, t, check, anchor);
  }
}

async function contributionCases(run: Run, rng: Rng): Promise<void> {
  // d = 4, 5: moocore's `hv -c` computes one hypervolume per point, hence the smaller sets
  for (const [d, n] of [[2, 100_000], [3, 10_000], [4, 1_000], [5, 300]] as const) {
    const pts = spherePoints(rng, run.ctx.quick ? Math.min(n, 200) : n, d);
    const ref = ones(d);
    const small = prefix(pts, d, d <= 3 ? 12 : 8);
    checkAgree(`hvContributions ${d}-D against the twin`, hvContributions(small, d, ref), hvContributionsReference(small, d, ref), 1e-9, 1e-15);
    const { t, result } = await timed(() => hvContributions(pts, d, ref), run.timing);
    let check = `twin on ${small.length / d} points (1e-9 relative)`;
    let anchor: AnchorTimes | undefined;
    const hv = run.tool('hv');
    if (hv) {
      const a = run.moocore!.run(hv, ['-c', '-v', '-r', ref.join(' '), run.moocore!.writePoints(`hvc-${d}d.txt`, pts, d)], run.anchorRuns(d <= 3 ? 5 : 2));
      checkAgree(`hvContributions ${d}-D against moocore`, result, a.values, 1e-9, 1e-12 * hypervolume(pts, d, ref));
      check += '; moocore hv -c on the whole set (1e-9 relative)';
      anchor = { name: 'moocore hv -c (-v kernel time)', ...a };
    }
    run.row('hvContributions', { set: 'sphere', n: pts.length / d, d }, t, check, anchor);
  }
}

/** Non-dominated sorting and filtering of uniform points, one case per ndsort path (2-D sweep, 3-D sweep, divide and conquer). */
async function sortingCases(run: Run, rng: Rng): Promise<void> {
  let driver: string | undefined;
  if (run.moocore) {
    const dr = run.moocore.ndsortDriver();
    if ('path' in dr) {
      driver = dr.path;
      run.out.anchors.push({ name: 'moocore ndsort driver', status: 'present', detail: `bench/anchors/moocore_ndsort.c built against ${run.moocore.source} (times pareto_rank alone)` });
    } else run.out.anchors.push({ name: 'moocore ndsort driver', status: 'absent', detail: dr.reason });
  }
  for (const [d, n] of [[3, 100_000], [2, 1_000_000], [4, 10_000], [5, 10_000]] as const) {
    const pts = uniformPoints(rng, run.scale(n), d);
    const shape = { set: 'uniform', n: pts.length / d, d };
    const small = prefix(pts, d, 300);
    const twin = ndsortReference(small, d).ranks;
    checkAgree(`ndsort ${d}-D against the twin`, ndsort(small, d), twin, 0);
    checkAgree(`isNonDominated ${d}-D against the twin`, isNonDominated(small, d), twin.map((r) => (r === 0 ? 1 : 0)), 0);
    const twinCheck = `twin on ${small.length / d} points (exact)`;
    const file = run.moocore ? run.moocore.writePoints(`ndsort-${d}d.txt`, pts, d) : '';

    const sorted = await timed(() => ndsort(pts, d), run.timing);
    let anchor: AnchorTimes | undefined, check = twinCheck;
    if (driver) {
      const a = run.moocore!.run(driver, ['ndsort', '-v', file], run.anchorRuns(5));
      checkAgree(`ndsort ${d}-D against moocore`, sorted.result, a.values, 0);
      check += '; moocore pareto_rank on the whole set (exact)';
      anchor = { name: 'moocore pareto_rank (driver, kernel time)', ...a };
    }
    run.row('ndsort', shape, sorted.t, check, anchor);

    const filtered = await timed(() => isNonDominated(pts, d), run.timing);
    anchor = undefined;
    check = twinCheck;
    const nd = run.tool('nondominated');
    if (nd) {
      const a = run.moocore!.run(nd, ['-f', '-q', '-s', '_nd', file], run.anchorRuns(5), true);
      const theirs = readRows(run.moocore!, `${file}_nd`);
      const ours = nonDominatedPoints(pts, d);
      if (filtered.result.reduce((s, v) => s + v, 0) !== ours.length / d) throw new Error(`isNonDominated ${d}-D: disagrees with nonDominatedPoints`);
      // moocore prints 15 significant digits
      checkAgree(`nondominated ${d}-D against moocore`, sortedRows(ours, d), sortedRows(theirs, d), 1e-14);
      check += '; moocore nondominated -f on the whole set (15 digits)';
      anchor = { name: 'moocore nondominated -f (whole process)', ...a };
    }
    run.row('isNonDominated', shape, filtered.t, check, anchor);
  }
}

/** Every number of a file moocore wrote, row-major. */
function readRows(m: Moocore, file: string): number[] {
  return m.readText(file).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).flatMap((l) => l.trim().split(/\s+/).map(Number));
}

async function indicatorCases(run: Run, rng: Rng): Promise<void> {
  for (const [d, n, nRef] of [[2, 100_000, 1_000], [3, 10_000, 1_000]] as const) {
    const pts = uniformPoints(rng, run.scale(n), d);
    const refSet = spherePoints(rng, run.scale(nRef), d);
    const sa = prefix(pts, d, 200), sr = prefix(refSet, d, 50);
    const shape = { n: pts.length / d, reference: refSet.length / d, d };
    const check = `twin on ${sa.length / d} points against ${sr.length / d} (1e-12 relative)`;
    const cases: [string, () => number, () => number][] = [
      ['igd', () => igd(pts, refSet, d), () => checkOne(igd(sa, sr, d), igdReference(sa, sr, d))],
      ['igdPlus', () => igdPlus(pts, refSet, d), () => checkOne(igdPlus(sa, sr, d), igdReference(sa, sr, d, true))],
      ['epsilonAdditive', () => epsilonAdditive(pts, refSet, d), () => checkOne(epsilonAdditive(sa, sr, d), epsilonAdditiveReference(sa, sr, d))],
    ];
    for (const [name, fn, twin] of cases) {
      twin();
      run.row(name, shape, (await timed(fn, run.timing)).t, check);
    }
  }
}

function checkOne(ours: number, twin: number): number {
  checkAgree('indicator against the twin', [ours], [twin], 1e-12);
  return ours;
}

/** r runs of m sphere points: the points and a run index per point. */
function collection(rng: Rng, r: number, m: number, d: number): { points: Float64Array; runs: Int32Array } {
  const points = new Float64Array(r * m * d);
  const runs = new Int32Array(r * m);
  for (let k = 0; k < r; k++) {
    points.set(spherePoints(rng, m, d), k * m * d);
    runs.fill(k, k * m, (k + 1) * m);
  }
  return { points, runs };
}

async function eafCases(run: Run, rng: Rng): Promise<void> {
  const sizes: [number, number, number][] = run.ctx.quick ? [[2, 10, 100], [3, 10, 100]] : [[2, 10, 100], [2, 30, 300], [3, 10, 100], [3, 30, 300]];
  for (const [d, r, m] of sizes) {
    const small = collection(rng, 4, 6, d);
    const levels = [1, 2, 3, 4];
    const twin = eafReference(small.points, d, small.runs, 4, levels);
    eaf(small.points, d, small.runs, { levels }).forEach((s, l) => checkAgree(`eaf ${d}-D level ${l + 1} against the twin`, s.points, twin[l].points.flat(), 0));
    const { points, runs } = collection(rng, r, m, d);
    const { t, result } = await timed(() => eaf(points, d, runs), { ...run.timing, runs: Math.min(run.timing.runs!, 5) });
    let check = 'twin on 4 runs of 6 points (exact)';
    let anchor: AnchorTimes | undefined;
    const tool = run.tool('eaf');
    if (tool) {
      const file = run.moocore!.writePoints(`eaf-${d}d-${r}x${m}.txt`, points, d, m);
      const a = run.moocore!.run(tool, ['-q', file], run.anchorRuns(3), true);
      // moocore prints every level as a block of lines (2-D: in our order; 3-D: compared as sets)
      const theirs = a.stdout.split('\n\n').filter((b) => b.trim() !== '').map((b) => b.split('\n').filter((l) => l !== ''));
      if (theirs.length !== result.length) throw new Error(`eaf ${d}-D: ${result.length} levels vs moocore's ${theirs.length}`);
      result.forEach((s, l) => {
        const ours: string[] = [];
        for (let i = 0; i < s.points.length; i += d) ours.push(formatRow(s.points, i, d));
        const x = d === 2 ? ours : ours.sort(), y = d === 2 ? theirs[l] : [...theirs[l]].sort();
        if (x.length !== y.length || x.some((v, i) => v !== y[i])) throw new Error(`eaf ${d}-D level ${l + 1} differs from moocore's`);
      });
      check += '; moocore eaf on every level (the same text)';
      anchor = { name: 'moocore eaf (whole process)', ...a };
    }
    run.row('eaf (all levels)', { set: 'sphere', runs: r, m, d }, t, check, anchor);
  }
  for (const [r, m] of run.ctx.quick ? [[10, 100]] : [[10, 100], [30, 300]]) {
    const s = [collection(rng, 3, 5, 2), collection(rng, 2, 5, 2)];
    checkAgree('eafDiff against the twin', eafDiff(s[0].points, s[0].runs, s[1].points, s[1].runs, 2),
      eafDiffReference(s[0].points, s[0].runs, 3, s[1].points, s[1].runs, 2).flat(), 0);
    const A = collection(rng, r, m, 2), B = collection(rng, r, m, 2);
    const { t } = await timed(() => eafDiff(A.points, A.runs, B.points, B.runs, 2), { ...run.timing, runs: Math.min(run.timing.runs!, 5) });
    run.row('eafDiff', { set: 'sphere', runs: `${r} vs ${r}`, m, d: 2 }, t, 'twin on 3 vs 2 runs of 5 points (exact)');
  }
}

const HVAPPROX_METHODS: [HvApproxMethod, 1 | 2 | 3][] = [['montecarlo', 1], ['rphi-fwe', 3], ['hua-wang', 2]];

async function hvApproxCases(run: Run, rng: Rng): Promise<void> {
  const samples = run.ctx.quick ? 5_000 : 100_000;
  // accuracy against the exact hypervolume where that is affordable (d = 8, n = 300: seconds)
  {
    const d = 8;
    const pts = spherePoints(rng, run.ctx.quick ? 60 : 300, d);
    const ref = ones(d, 1.1);
    const exact = hypervolume(pts, d, ref);
    for (const [method] of HVAPPROX_METHODS) {
      const r = hvApprox(pts, d, ref, { method, samples, seed: 1 });
      if (Math.abs(r.value / exact - 1) > 0.02) throw new Error(`hvApprox ${method}: ${r.value} is more than 2% from the exact ${exact}`);
      if (r.standardError !== undefined && Math.abs(r.value - exact) > 5 * r.standardError) throw new Error(`hvApprox ${method}: ${r.value} is beyond 5 standard errors of the exact ${exact}`);
    }
  }
  for (const d of [8, 10]) {
    const pts = spherePoints(rng, 1000, d);
    const ref = ones(d, 1.1);
    const small = pts.slice(0, 20 * d);
    const tool = run.tool('hvapprox');
    const file = tool ? run.moocore!.writePoints(`hvapprox-${d}d.txt`, pts, d) : '';
    for (const [method, id] of HVAPPROX_METHODS) {
      checkAgree(`hvApprox ${d}-D ${method} against the twin`, [hvApprox(small, d, ref, { method, samples: 2000, seed: 3 }).value],
        [hvApproxReference(small, d, ref, id, 2000, 3).value], 1e-13);
      const { t, result } = await timed(() => hvApprox(pts, d, ref, { method, samples, seed: 1 }), { ...run.timing, runs: Math.min(run.timing.runs!, 5) });
      let check = `twin on 20 points (1e-13 relative); within 2% of the exact hypervolume at d = 8, n = ${run.ctx.quick ? 60 : 300}`;
      let anchor: AnchorTimes | undefined;
      if (tool) {
        const a = run.moocore!.run(tool, ['-v', '-m', String(id), ...(id === 1 ? ['-S', '1'] : []), '-n', String(samples), '-r', ref.join(' '), file], run.anchorRuns(3));
        if (id === 1) {
          // different random streams: the two estimates agree within their standard errors
          const se = result.standardError!;
          if (Math.abs(result.value - a.values[0]) > 5 * Math.SQRT2 * se) throw new Error(`hvApprox ${d}-D montecarlo against moocore: ${result.value} vs ${a.values[0]} (standard error ${se})`);
          check += '; moocore hvapprox within 5 standard errors';
        } else {
          // Hua-Wang: moocore's angles for lattice points with a zero coordinate are set by its
          // rounding noise; Rphi-FWE+ agrees to rounding
          checkAgree(`hvApprox ${d}-D ${method} against moocore`, [result.value], a.values, id === 2 ? 1e-9 : 1e-13);
          check += `; moocore hvapprox (${id === 2 ? '1e-9' : '1e-13'} relative)`;
        }
        anchor = { name: `moocore hvapprox -m ${id} (-v kernel time)`, ...a };
      }
      run.row(`hvApprox ${method}`, { set: 'sphere', n: 1000, d, directions: samples }, t, check, anchor);
    }
  }
}

/** Brute force: set a is better than b (Zitzler et al.): every point of b weakly dominated by one of a, not the other way round. */
function betterReference(a: Float64Array, b: Float64Array, d: number): boolean {
  const covers = (x: Float64Array, y: Float64Array) => {
    for (let j = 0; j < y.length; j += d) {
      let hit = false;
      for (let i = 0; i < x.length && !hit; i += d) {
        let le = true;
        for (let k = 0; k < d && le; k++) le = x[i + k] <= y[j + k];
        hit = le;
      }
      if (!hit) return false;
    }
    return true;
  };
  return covers(a, b) && !covers(b, a);
}

/** Groups of sets: each set the non-dominated points of m uniform ones, so that sets of two groups often compare. */
function groupsOf(rng: Rng, groups: number, sets: number, m: number, d: number): Float64Array[][] {
  return Array.from({ length: groups }, (_, g) =>
    Array.from({ length: sets }, () => nonDominatedPoints(uniformPoints(rng, m, d, 0.1 * g, 1), d, { keepDuplicates: false })));
}

async function dominatedSetsCases(run: Run, rng: Rng): Promise<void> {
  const d = 3;
  {
    const g = groupsOf(rng, 2, 6, 20, d);
    const ours = dominatedSets(g, d).better;
    for (let k = 0; k < 2; k++) {
      const want = g[k].reduce((s, a) => s + g[1 - k].filter((b) => betterReference(a, b, d)).length, 0);
      if (ours[k][1 - k] !== want) throw new Error(`dominatedSets: group ${k} better ${ours[k][1 - k]} times, the brute force says ${want}`);
    }
  }
  const sets = run.ctx.quick ? 10 : 30, m = run.ctx.quick ? 200 : 1000;
  const g = groupsOf(rng, 2, sets, m, d);
  const { t, result } = await timed(() => dominatedSets(g, d), run.timing);
  let check = 'brute force on 2 groups of 6 sets (exact)';
  let anchor: AnchorTimes | undefined;
  const tool = run.tool('dominatedsets');
  if (tool) {
    const files = g.map((sets, k) => {
      const flat = new Float64Array(sets.reduce((s, x) => s + x.length, 0));
      let off = 0;
      const text = sets.map((x) => {
        flat.set(x, off);
        off += x.length;
        const lines: string[] = [];
        for (let i = 0; i < x.length; i += d) lines.push(Array.from(x.subarray(i, i + d), String).join(' '));
        return lines.join('\n');
      }).join('\n\n') + '\n';
      return run.moocore!.writeText(`dominatedsets-${k}.txt`, text);
    });
    const a = run.moocore!.run(tool, files, run.anchorRuns(3), true);
    // "Number of times that <row> is better than <column>:" then a header line and a row per file
    const lines = a.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Number of times'));
    const row = (k: number) => lines[at + 3 + k].trim().split(/\s+/).slice(1);
    const theirs = [Number(row(0)[1]), Number(row(1)[0])];
    if (at < 0 || theirs[0] !== result.better[0][1] || theirs[1] !== result.better[1][0]) {
      throw new Error(`dominatedSets against moocore: ${result.better[0][1]}, ${result.better[1][0]} vs ${theirs.join(', ')}`);
    }
    check += '; moocore dominatedsets (the same counts)';
    anchor = { name: 'moocore dominatedsets (whole process)', ...a };
  }
  run.row('dominatedSets', { groups: 2, sets, m, d }, t, check, anchor);
}

/** Points on the positive unit sphere pushed outwards by up to `noise` (relative): a sizeable front. */
function noisySphere(rng: Rng, n: number, d: number, noise: number): Float64Array {
  const out = spherePoints(rng, n, d);
  for (let i = 0; i < n; i++) {
    const r = 1 + noise * rng.random();
    for (let j = 0; j < d; j++) out[i * d + j] *= r;
  }
  return out;
}

/**
 * ParetoArchive: a whole stream inserted, beside the front and hypervolume of the whole stream
 * computed once from scratch (what each insertion would cost without the archive). The archive
 * is checked against the recomputation at every 1,000th insertion first.
 */
async function archiveCases(run: Run, rng: Rng): Promise<void> {
  const N = run.ctx.quick ? 5_000 : 100_000, EVERY = 1_000;
  const streams: [string, number, Float64Array][] = [
    ['sphere, noise 0.1%', 2, noisySphere(rng, N, 2, 0.001)],
    ['uniform square', 2, uniformPoints(rng, N, 2)],
    ['sphere, noise 5%', 3, noisySphere(rng, N, 3, 0.05)],
    ['uniform cube', 3, uniformPoints(rng, N, 3)],
  ];
  for (const [name, d, points] of streams) {
    const ref = ones(d, 1.1);
    const insertAll = () => {
      const a = new ParetoArchive(d, ref);
      try {
        for (let i = 0; i < N; i++) a.insert(points.subarray(i * d, (i + 1) * d));
        return { size: a.size, hv: a.hypervolume };
      } finally {
        a.dispose();
      }
    };
    const a = new ParetoArchive(d, ref);
    try {
      for (let i = 0; i < N; i++) {
        a.insert(points.subarray(i * d, (i + 1) * d));
        if ((i + 1) % EVERY !== EVERY / 2) continue;
        const front = nonDominatedPoints(points.subarray(0, (i + 1) * d), d, { keepDuplicates: false });
        if (a.size !== front.length / d) throw new Error(`archive ${name}: front of ${a.size} vs ${front.length / d} after ${i + 1} insertions`);
        checkAgree(`archive ${name}: hypervolume after ${i + 1}`, [a.hypervolume], [hypervolume(front, d, ref)], 1e-12);
      }
      checkAgree(`archive ${name}: final front`, sortedRows(a.front().points, d), sortedRows(nonDominatedPoints(points, d, { keepDuplicates: false }), d), 0);
    } finally {
      a.dispose();
    }
    const check = `front and hypervolume recomputed at every ${EVERY}th insertion (exact front, 1e-12 relative)`;
    const shape = { stream: name, n: N, d };
    run.row('ParetoArchive (insert the stream)', shape, (await timed(insertAll, { ...run.timing, runs: Math.min(run.timing.runs!, 3) })).t, check);
    const recompute = () => hypervolume(nonDominatedPoints(points, d, { keepDuplicates: false }), d, ref);
    checkAgree(`archive ${name}: recomputation`, [recompute()], [insertAll().hv], 1e-12);
    run.row('front + hypervolume from scratch (once)', shape, (await timed(recompute, run.timing)).t, 'the archive\'s final hypervolume (1e-12 relative)');
  }
}

export const paretoSuite: Suite = {
  name: SUITE,
  description: 'WebAssembly Pareto kernels: hypervolume (d = 2..6), contributions, ndsort, non-dominated filter, indicators, EAF, hvApprox, dominatedSets, archive; moocore side by side (--moocore DIR)',
  async run(ctx: SuiteContext): Promise<SuiteOutput> {
    const run = new Run(ctx);
    await run.openMoocore();
    try {
      const rng = new Rng(2021);
      await hypervolumeCases(run, rng);
      await contributionCases(run, rng);
      await sortingCases(run, rng);
      await indicatorCases(run, rng);
      await eafCases(run, new Rng(2024));
      await hvApproxCases(run, new Rng(2026));
      await dominatedSetsCases(run, new Rng(2027));
      await archiveCases(run, new Rng(2025));
    } finally {
      run.moocore?.dispose();
    }
    return run.out;
  },
};
