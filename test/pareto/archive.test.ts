import { describe, expect, it } from 'vitest';
import { ParetoArchive, hvContributions, hypervolume } from '../../src/index.ts';
import { pareto } from '../../src/wasm/pareto.ts';
import { nonDominatedReference } from '../../src/pareto/reference/nonDominated.ts';
import { hypervolumeReference } from '../../src/pareto/reference/hypervolume.ts';
import { Rng } from '../../src/random/rng.ts';
import { expectAllClose, expectClose, expectEqual } from '../helpers/tolerance.ts';

/**
 * The plain-TypeScript twin of the archive, built on the reference non-dominated filter: the
 * points given (inside the reference box) in order, with the archive's definition of removal
 * (the removed point and every point given so far that it weakly dominates are forgotten). The
 * archive must equal the non-dominated subset of what is left, first copy of duplicates.
 */
class Twin {
  private given: { p: number[]; id: number }[] = [];
  private nextId = 0;

  constructor(readonly d: number, readonly ref: readonly number[]) {}

  private flags(): Uint8Array {
    const flat = this.given.flatMap((g) => g.p);
    return nonDominatedReference(flat, this.d, false);
  }

  /** The entries of the front: 2-D by the first objective, else by id. */
  front(): { p: number[]; id: number }[] {
    const f = this.flags();
    const out = this.given.filter((_, i) => f[i] === 1);
    for (const g of out) expect(g.id, 'a point that was rejected never joins the front later').toBeGreaterThanOrEqual(0);
    if (this.d === 2) out.sort((a, b) => a.p[0] - b.p[0]);
    else out.sort((a, b) => a.id - b.id);
    return out;
  }

  /** Returns the new id or -1, and the ids that left the front. */
  insert(p: number[]): { id: number; dropped: number[] } {
    if (!p.every((v, j) => v < this.ref[j])) return { id: -1, dropped: [] };
    const before = new Set(this.front().map((g) => g.id));
    const entry = { p: p.slice(), id: -1 };
    this.given.push(entry);
    const f = this.flags();
    if (f[f.length - 1] === 0) return { id: -1, dropped: [] };
    entry.id = this.nextId++;
    const after = new Set(this.front().map((g) => g.id));
    return { id: entry.id, dropped: [...before].filter((id) => !after.has(id)).sort((a, b) => a - b) };
  }

  remove(id: number): boolean {
    const x = this.front().find((g) => g.id === id);
    if (x === undefined) return false;
    this.given = this.given.filter((g) => g !== x && !g.p.every((v, j) => x.p[j] <= v));
    return true;
  }
}

type Gen = (rng: Rng, d: number, past: number[][]) => number[];

/** Integer coordinates 0..k: ties, duplicates and (with the reference at k - 0.5) points outside. */
const lattice = (k: number): Gen => (rng, d) => Array.from({ length: d }, () => rng.int(k + 1));

/**
 * Integer points near the simplex sum = k (a sizeable front with many ties): a random
 * composition of k plus 0..spread on one coordinate.
 */
const latticeSimplex = (k: number, spread: number): Gen => (rng, d) => {
  const cuts = Array.from({ length: d - 1 }, () => rng.int(k + 1)).sort((x, y) => x - y);
  const p = [...cuts, k].map((c, j) => c - (j > 0 ? cuts[j - 1] : 0));
  p[rng.int(d)] += rng.int(spread + 1);
  return p;
};

/** Near the positive unit sphere with noise; some repeats of earlier points, some beyond the reference. */
const noisySphere = (noise: number): Gen => (rng, d, past) => {
  const u = rng.random();
  if (u < 0.08 && past.length > 0) return past[rng.int(past.length)].slice();
  const v = Array.from({ length: d }, () => Math.abs(rng.normal()) + 1e-9);
  const norm = Math.hypot(...v);
  const r = (u > 0.95 ? 1.4 : 1) * (1 + noise * rng.random());
  return v.map((x) => (x / norm) * r);
};

function rowsOf(points: Float64Array, d: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < points.length; i += d) rows.push(Array.from(points.subarray(i, i + d)));
  return rows;
}

function checkAgainstTwin(a: ParetoArchive, twin: Twin, what: string): void {
  const d = twin.d;
  const f = a.front();
  const want = twin.front();
  expect(a.size, `${what}: size`).toBe(want.length);
  expectEqual(f.ids, want.map((g) => g.id), `${what}: ids`);
  expectEqual(f.points, want.flatMap((g) => g.p), `${what}: points`);
  const exact = f.points.length ? hypervolume(f.points, d, twin.ref) : 0;
  expectClose(a.hypervolume, exact, 1e-12, 0, `${what}: hypervolume vs kernel`);
  if (want.length <= 10) {
    expectClose(a.hypervolume, hypervolumeReference(f.points, d, twin.ref), 1e-12, 0, `${what}: hypervolume vs twin`);
  }
  if (f.points.length) {
    const c = hvContributions(f.points, d, twin.ref);
    expectAllClose(a.contributions(), c, 1e-9, 1e-15 * Math.max(exact, 1), `${what}: contributions`);
  }
}

/** A seeded stream of inserts with removals interleaved, checked against the twin after every step. */
function runStream(seed: number, d: number, ref: number[], gen: Gen, steps: number, removeRate: number): { entered: number; removed: number; maxSize: number } {
  const rng = new Rng(seed);
  const a = new ParetoArchive(d, ref);
  const twin = new Twin(d, ref);
  const past: number[][] = [];
  const stats = { entered: 0, removed: 0, maxSize: 0 };
  try {
    for (let s = 0; s < steps; s++) {
      const what = `seed ${seed} d=${d} step ${s}`;
      if (s > 0 && rng.random() < removeRate) {
        const ids = a.front().ids;
        // Mostly an archived id; sometimes a stale, rejected or never-issued one.
        const id = ids.length > 0 && rng.random() < 0.8 ? ids[rng.int(ids.length)] : rng.int(s + 2);
        const want = twin.remove(id);
        expect(a.remove(id), `${what}: remove(${id})`).toBe(want);
        if (want) stats.removed++;
      } else {
        const p = gen(rng, d, past);
        past.push(p);
        const want = twin.insert(p);
        expect(a.insert(p), `${what}: insert(${p})`).toBe(want.id);
        if (want.id >= 0) {
          stats.entered++;
          expectEqual(Array.from(a.lastDropped()).sort((x, y) => x - y), want.dropped, `${what}: dropped`);
        }
      }
      checkAgainstTwin(a, twin, what);
      stats.maxSize = Math.max(stats.maxSize, a.size);
    }
  } finally {
    a.dispose();
  }
  return stats;
}

describe('ParetoArchive', () => {
  it('keeps a small 2-D front by hand', () => {
    const a = new ParetoArchive(2, [4, 4]);
    expect(a.insert([1, 3])).toBe(0);
    expect(a.insert([3, 1])).toBe(1);
    expect(a.insert([2, 2])).toBe(2);
    expect(a.insert([3, 3])).toBe(-1); // dominated
    expect(a.insert([2, 2])).toBe(-1); // duplicate
    expect(a.insert([4, 0])).toBe(-1); // on the reference boundary
    expect(a.hypervolume).toBe(6);
    expectEqual(a.front().points, [1, 3, 2, 2, 3, 1]);
    expectEqual(a.front().ids, [0, 2, 1]);
    expectEqual(a.contributions(), [1, 1, 1]);
    expect(a.insert([1.5, 1.5])).toBe(3); // dominates [2, 2]
    expectEqual(a.lastDropped(), [2]);
    expect(a.hypervolume).toBe(7.25);
    expect(a.remove(3)).toBe(true);
    expect(a.remove(3)).toBe(false);
    expect(a.remove(2)).toBe(false); // dropped points do not come back
    expectEqual(a.front().ids, [0, 1]);
    expect(a.hypervolume).toBe(5);
    expect(a.insert([0, 0])).toBe(4);
    expectEqual(a.lastDropped(), [0, 1]);
    expect(a.size).toBe(1);
    expect(a.hypervolume).toBe(16);
    expect(a.remove(4)).toBe(true);
    expect(a.size).toBe(0);
    expect(a.hypervolume).toBe(0);
    expectEqual(a.front().points, []);
    a.dispose();
  });

  it('matches the twin after every step of seeded 1-D to 4-D streams (ties, duplicates, points outside, removals)', () => {
    const cases: [number, number, number[], Gen, number][] = [
      [1, 2, [5.5, 5.5], lattice(6), 200],
      [2, 2, [9.5, 9.5], latticeSimplex(9, 2), 300],
      [3, 2, [1.1, 1.1], noisySphere(0.05), 300],
      [4, 3, [3.5, 3.5, 3.5], lattice(4), 200],
      [5, 3, [7.5, 7.5, 7.5], latticeSimplex(7, 2), 300],
      [6, 3, [1.1, 1.1, 1.1], noisySphere(0.05), 300],
      [7, 4, [5.5, 5.5, 5.5, 5.5], latticeSimplex(5, 1), 250],
      [8, 4, [1.1, 1.1, 1.1, 1.1], noisySphere(0.1), 250],
      [9, 1, [3.5], lattice(4), 150],
      [10, 5, [1.1, 1.1, 1.1, 1.1, 1.1], noisySphere(0.1), 120],
    ];
    for (const [seed, d, ref, gen, steps] of cases) {
      const st = runStream(seed, d, ref, gen, steps, 0.15);
      // The streams exercise entries, removals and fronts of some size.
      expect(st.entered, `seed ${seed}`).toBeGreaterThan(10);
      expect(st.removed, `seed ${seed}`).toBeGreaterThan(5);
      if (d > 1) expect(st.maxSize, `seed ${seed}`).toBeGreaterThan(3);
    }
  });

  it('keeps the hypervolume within 1e-12 of the exact kernel over 100,000 insertions with removals (2-D, 3-D)', () => {
    for (const [d, noise, seed] of [[2, 0.002, 11], [3, 0.2, 12]] as const) {
      const rng = new Rng(seed);
      const ref = new Array<number>(d).fill(1.1);
      const a = new ParetoArchive(d, ref);
      const gen = noisySphere(noise);
      const ids: number[] = [];
      let maxSize = 0;
      for (let s = 1; s <= 100_000; s++) {
        const id = a.insert(gen(rng, d, []));
        if (id >= 0) ids.push(id);
        if (s % 20 === 0 && ids.length > 0) a.remove(ids[rng.int(ids.length)]);
        if (s % 25_000 === 0) {
          const f = a.front();
          maxSize = Math.max(maxSize, a.size);
          expectClose(a.hypervolume, hypervolume(f.points, d, ref), 1e-12, 0, `d=${d} after ${s} insertions`);
        }
      }
      expect(maxSize, `d=${d} front size`).toBeGreaterThan(500);
      a.dispose();
    }
  });

  it('supports maximise: same decisions, ids and hypervolume as the minimised mirror image', () => {
    const rng = new Rng(99);
    const d = 3;
    const maximise = [true, false, true];
    const sign = maximise.map((m) => (m ? -1 : 1));
    const refMax = [-3.5, 3.5, -3.5];
    const a = new ParetoArchive(d, refMax, { maximise });
    const b = new ParetoArchive(d, refMax.map((v, j) => v * sign[j]));
    for (let s = 0; s < 200; s++) {
      if (s % 7 === 6) {
        const id = rng.int(s);
        expect(a.remove(id)).toBe(b.remove(id));
        continue;
      }
      const q = Array.from({ length: d }, () => rng.int(5));
      const p = q.map((v, j) => v * sign[j]);
      expect(a.insert(p), `step ${s}`).toBe(b.insert(q));
    }
    const fa = a.front(), fb = b.front();
    expectEqual(fa.ids, fb.ids);
    expectEqual(fa.points, Array.from(fb.points, (v, i) => v * sign[i % d]));
    expect(a.hypervolume).toBe(b.hypervolume);
    expectClose(a.hypervolume, hypervolume(fa.points, d, refMax, { maximise }), 1e-12, 0);
    expectEqual(a.contributions(), b.contributions());
    const all = new ParetoArchive(2, [0, 0], { maximise: true });
    all.insert([1, 2]);
    all.insert([2, 1]);
    expect(all.insert([1, 1])).toBe(-1);
    expect(all.hypervolume).toBe(3);
    expectEqual(all.front().points, [2, 1, 1, 2]); // best first objective first
    all.dispose();
    a.dispose();
    b.dispose();
  });

  it('copies the reference point and the inserted points', () => {
    const ref = [2, 2];
    const a = new ParetoArchive(2, ref);
    ref[0] = 100;
    const p = new Float64Array([1, 1]);
    a.insert(p);
    p[0] = 0;
    expectEqual(a.front().points, [1, 1]);
    expect(a.hypervolume).toBe(1);
    a.dispose();
  });

  it('rejects bad input with errors naming the argument', () => {
    expect(() => new ParetoArchive(0, [])).toThrow(/ParetoArchive: nObj must be a positive integer/);
    expect(() => new ParetoArchive(2.5, [1, 1])).toThrow(RangeError);
    expect(() => new ParetoArchive(2, [1])).toThrow(/ParetoArchive: reference has length 1, expected nObj = 2/);
    expect(() => new ParetoArchive(2, [1, NaN])).toThrow(/reference\[1\] must be a finite number/);
    expect(() => new ParetoArchive(2, 'ab' as unknown as number[])).toThrow(TypeError);
    expect(() => new ParetoArchive(2, [1, 1], { maximise: [true] })).toThrow(/options\.maximise/);
    expect(() => new ParetoArchive(2, [1, 1], 3 as unknown as object)).toThrow(/options must be an object/);
    const a = new ParetoArchive(2, [1, 1]);
    expect(() => a.insert([0])).toThrow(/ParetoArchive\.insert: point has length 1, expected nObj = 2/);
    expect(() => a.insert([0, Infinity])).toThrow(/point\[1\] must be a finite number/);
    expect(() => a.insert(null as unknown as number[])).toThrow(/ParetoArchive\.insert: point must be an array/);
    expect(() => a.remove(1.5)).toThrow(/ParetoArchive\.remove: id must be an integer/);
    expect(() => a.remove('0' as unknown as number)).toThrow(TypeError);
    expect(a.remove(-1)).toBe(false);
    expect(a.remove(2 ** 40)).toBe(false);
    expect(a.size).toBe(0);
    a.dispose();
  });

  it('dispose() frees the state: idempotent, later use throws, no memory growth over many archives', () => {
    const a = new ParetoArchive(3, [1, 1, 1]);
    a.insert([0.5, 0.5, 0.5]);
    expect(a.disposed).toBe(false);
    a.dispose();
    a.dispose();
    expect(a.disposed).toBe(true);
    expect(() => a.insert([0, 0, 0])).toThrow(/ParetoArchive\.insert: the archive was disposed/);
    expect(() => a.size).toThrow(/disposed/);
    expect(() => a.hypervolume).toThrow(/disposed/);
    expect(() => a.front()).toThrow(/disposed/);
    expect(() => a.remove(0)).toThrow(/disposed/);
    const rng = new Rng(5);
    const cycle = (): void => {
      for (let k = 0; k < 20; k++) {
        const d = 2 + (k % 3);
        const b = new ParetoArchive(d, new Array<number>(d).fill(1.1));
        for (let i = 0; i < 300; i++) b.insert(noisySphere(0.1)(rng, d, []));
        b.dispose();
      }
    };
    cycle();
    const bytes = pareto.memory.buffer.byteLength;
    for (let r = 0; r < 5; r++) cycle();
    expect(pareto.memory.buffer.byteLength).toBe(bytes);
  });

  it('rows of the front come back as given in 2-D and 4-D', () => {
    const a = new ParetoArchive(4, [1, 1, 1, 1]);
    const pts = [[0.1, 0.9, 0.5, 0.5], [0.9, 0.1, 0.5, 0.5], [0.5, 0.5, 0.1, 0.9]];
    for (const p of pts) expect(a.insert(p)).toBeGreaterThanOrEqual(0);
    expect(rowsOf(a.front().points, 4)).toEqual(pts);
    expectClose(a.hypervolume, hypervolumeReference(pts.flat(), 4, [1, 1, 1, 1]), 1e-12, 0);
    a.dispose();
  });
});
