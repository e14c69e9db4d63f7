import { describe, expect, it } from 'vitest';
import { eaf, eafDiff, eafPercentileLevel, fromRows } from '../../src/index.ts';
import { attainedBy, eafDiffReference, eafReference } from '../../src/pareto/reference/eaf.ts';
import { Rng } from '../../src/random/rng.ts';

/** Runs of 1..maxPts points each, integer coordinates in 0..span (ties and duplicates galore). */
function latticeRuns(rng: Rng, nRuns: number, maxPts: number, d: number, span: number) {
  const points: number[] = [];
  const runs: number[] = [];
  for (let r = 0; r < nRuns; r++) {
    const m = 1 + rng.int(maxPts);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < d; j++) points.push(rng.int(span + 1));
      runs.push(r);
    }
  }
  return { points: Float64Array.from(points), runs };
}

/** Runs of points with continuous coordinates, some rows copied from other runs. */
function continuousRuns(rng: Rng, nRuns: number, maxPts: number, d: number) {
  const points: number[] = [];
  const runs: number[] = [];
  for (let r = 0; r < nRuns; r++) {
    const m = 1 + rng.int(maxPts);
    for (let i = 0; i < m; i++) {
      if (points.length > 0 && rng.int(5) === 0) {
        const k = rng.int(points.length / d);
        points.push(...points.slice(k * d, k * d + d));
      } else for (let j = 0; j < d; j++) points.push(rng.uniform(0, 1));
      runs.push(r);
    }
  }
  return { points: Float64Array.from(points), runs };
}

const rows = (x: Float64Array, d: number) => Array.from({ length: x.length / d }, (_, i) => Array.from(x.subarray(i * d, i * d + d)));
const flagRows = (x: Uint8Array, r: number) => Array.from({ length: x.length / r }, (_, i) => Array.from(x.subarray(i * r, i * r + r)));

function expectTwin(points: Float64Array, d: number, runs: number[], nRuns: number, levels: number[]): void {
  const got = eaf(points, d, runs, { levels, attained: true });
  const want = eafReference(points, d, runs, nRuns, levels);
  expect(got.map((s) => s.level)).toEqual(levels);
  got.forEach((s, l) => {
    expect(rows(s.points, d), `level ${levels[l]}`).toEqual(want[l].points);
    expect(flagRows(s.attained!, nRuns), `flags of level ${levels[l]}`).toEqual(want[l].attained);
  });
}

describe('eaf: kernel against the reference twin', () => {
  it('2-D and 3-D lattice runs (ties, duplicates), every level', () => {
    const rng = new Rng(101);
    for (let t = 0; t < 160; t++) {
      const d = t % 2 === 0 ? 2 : 3;
      const nRuns = 1 + rng.int(7);
      const { points, runs } = latticeRuns(rng, nRuns, t % 5 === 0 ? 14 : 7, d, t % 3 === 0 ? 3 : 7);
      expectTwin(points, d, runs, nRuns, Array.from({ length: nRuns }, (_, k) => k + 1));
    }
  });

  it('continuous runs with copied rows; subsets, repeats and any order of levels', () => {
    const rng = new Rng(202);
    for (let t = 0; t < 60; t++) {
      const d = t % 2 === 0 ? 2 : 3;
      const nRuns = 2 + rng.int(8);
      const { points, runs } = continuousRuns(rng, nRuns, 6, d);
      const levels = Array.from({ length: 1 + rng.int(4) }, () => 1 + rng.int(nRuns));
      expectTwin(points, d, runs, nRuns, levels);
    }
  });

  it('larger sets: 12 runs of up to 25 points', () => {
    const rng = new Rng(303);
    for (const d of [2, 3]) {
      const { points, runs } = latticeRuns(rng, 12, 25, d, 9);
      expectTwin(points, d, runs, 12, [1, 4, 6, 7, 12]);
    }
  });

  it('run labels: any numbers, one run per distinct value, runs ordered by label', () => {
    const pts = fromRows([[1, 3], [3, 1], [2, 2]]);
    const a = eaf(pts, 2, [7, 7, -2.5], { attained: true });
    const b = eaf(pts, 2, [1, 1, 0], { attained: true });
    expect(a).toEqual(b);
  });
});

describe('eaf: hand-derived cases', () => {
  it('2-D: two runs {(1,3),(3,1)} and {(2,2)}', () => {
    const s = eaf(fromRows([[1, 3], [3, 1], [2, 2]]), 2, [0, 0, 1], { attained: true });
    expect(s.map((x) => [x.level, x.percentile])).toEqual([[1, 50], [2, 100]]);
    expect(rows(s[0].points, 2)).toEqual([[1, 3], [2, 2], [3, 1]]);
    expect(flagRows(s[0].attained!, 2)).toEqual([[1, 0], [0, 1], [1, 0]]);
    expect(rows(s[1].points, 2)).toEqual([[2, 3], [3, 2]]);
    expect(flagRows(s[1].attained!, 2)).toEqual([[1, 1], [1, 1]]);
    expect(eaf(fromRows([[1, 1]]), 2, [0])[0].attained).toBeUndefined();
  });

  it('3-D: three unit vectors', () => {
    const s = eaf(fromRows([[0, 0, 1], [0, 1, 0], [1, 0, 0]]), 3, [0, 1, 2]);
    expect(rows(s[0].points, 3)).toEqual([[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
    expect(rows(s[1].points, 3)).toEqual([[1, 1, 0], [0, 1, 1], [1, 0, 1]]);
    expect(rows(s[2].points, 3)).toEqual([[1, 1, 1]]);
    expect(s.map((x) => x.percentile)).toEqual([100 / 3, 200 / 3, 100]);
  });

  it('identical runs: every level is their common front', () => {
    const one = [[1, 4], [2, 2], [4, 1], [3, 3]];
    const pts = fromRows([...one, ...one, ...one, [2, 2]]);
    const s = eaf(pts, 2, [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2], { attained: true });
    for (const level of s) {
      expect(rows(level.points, 2)).toEqual([[1, 4], [2, 2], [4, 1]]);
      expect(Array.from(level.attained!)).toEqual(new Array(9).fill(1));
    }
  });

  it("percentiles map to levels as moocore's percentile2level", () => {
    expect(eafPercentileLevel(50, 3)).toBe(2);
    expect(eafPercentileLevel(50, 4)).toBe(2);
    expect(eafPercentileLevel(100 / 3, 3)).toBe(1); // 1.0000000000000002 rounds down
    expect(eafPercentileLevel(34, 3)).toBe(2);
    expect(eafPercentileLevel(0.001, 10)).toBe(1);
    expect(eafPercentileLevel(100, 7)).toBe(7);
    const pts = fromRows([[1, 3], [3, 1], [2, 2], [0, 5]]);
    const s = eaf(pts, 2, [0, 0, 1, 2], { percentiles: [10, 50, 100] });
    expect(s.map((x) => [x.level, x.percentile])).toEqual([[1, 10], [2, 50], [3, 100]]);
    expect(s[1].points).toEqual(eaf(pts, 2, [0, 0, 1, 2], { levels: [2] })[0].points);
  });

  it('maximise flips the objectives in and out', () => {
    const rng = new Rng(404);
    const { points, runs } = latticeRuns(rng, 4, 6, 3, 5);
    const neg = points.map((v) => -v);
    const a = eaf(points, 3, runs, { attained: true });
    const b = eaf(neg, 3, runs, { attained: true, maximise: true });
    b.forEach((s, l) => {
      expect(Array.from(s.points, (v) => -v)).toEqual(Array.from(a[l].points));
      expect(s.attained).toEqual(a[l].attained);
    });
    const mixed = points.map((v, i) => (i % 3 === 1 ? -v : v));
    const c = eaf(mixed, 3, runs, { maximise: [false, true, false] });
    c.forEach((s, l) => expect(Array.from(s.points, (v, i) => (i % 3 === 1 ? -v : v))).toEqual(Array.from(a[l].points)));
  });

  it('does not mutate its inputs', () => {
    const pts = fromRows([[1, 3], [3, 1], [2, 2]]);
    const runs = Int32Array.from([0, 0, 1]);
    const levels = [2, 1];
    const copy = [pts.slice(), runs.slice(), levels.slice()];
    eaf(pts, 2, runs, { levels, maximise: true, attained: true });
    eafDiff(pts, runs, pts, runs, 2, { maximise: [true, false] });
    expect([pts, runs, levels]).toEqual(copy);
  });
});

describe('eaf: errors name the argument', () => {
  const pts = fromRows([[1, 2], [2, 1]]);
  it.each([
    [() => eaf(pts, 4, [0, 0]), /eaf: nObj must be 2 or 3/],
    [() => eaf(pts, 2, [0]), /eaf: runs has length 1/],
    [() => eaf(pts, 2, 'ab' as unknown as number[]), /eaf: runs must be an array/],
    [() => eaf(pts, 2, [0, NaN]), /eaf: runs\[1\] must be a finite number/],
    [() => eaf([1, NaN], 2, [0]), /eaf: points\[0\]\[1\] must be a finite number/],
    [() => eaf(new Float64Array(0), 2, []), /eaf: points is empty/],
    [() => eaf(pts, 2, [0, 1], { levels: [0] }), /eaf: options.levels\[0\] must be an integer in 1..2/],
    [() => eaf(pts, 2, [0, 1], { levels: [1, 3] }), /eaf: options.levels\[1\]/],
    [() => eaf(pts, 2, [0, 1], { levels: [] }), /eaf: options.levels is empty/],
    [() => eaf(pts, 2, [0, 1], { percentiles: [0] }), /eaf: options.percentiles\[0\] must be in \(0, 100\]/],
    [() => eaf(pts, 2, [0, 1], { percentiles: [100.5] }), /eaf: options.percentiles\[0\]/],
    [() => eaf(pts, 2, [0, 1], { levels: [1], percentiles: [50] }), /eaf: give options.levels or options.percentiles/],
    [() => eaf(pts, 2, [0, 1], { attained: 1 as unknown as boolean }), /eaf: options.attained must be a boolean/],
    [() => eaf(pts, 2, [0, 1], { maximise: [true] }), /eaf: options.maximise/],
    [() => eafDiff(pts, [0, 0], pts, [0, 0], 3), /eafDiff: nObj must be 2/],
    [() => eafDiff(pts, [0, 0], [], [], 2), /eafDiff: pointsB is empty/],
    [() => eafDiff(pts, [0], pts, [0, 0], 2), /eafDiff: runsA has length 1/],
    [() => eafDiff(pts, [0, 0], pts, [0, Infinity], 2), /eafDiff: runsB\[1\]/],
  ])('%#', (call, message) => {
    expect(call).toThrow(message);
  });
});

/** Value of the difference rectangles at z (0 where none covers it); fails on overlaps. */
function rectValue(rects: Float64Array, z: number[]): number {
  let v = 0, hits = 0;
  for (let k = 0; k < rects.length; k += 5) {
    if (rects[k] <= z[0] && z[0] < rects[k + 2] && rects[k + 1] <= z[1] && z[1] < rects[k + 3]) {
      v = rects[k + 4];
      hits++;
    }
  }
  expect(hits).toBeLessThanOrEqual(1);
  return v;
}

describe('eafDiff', () => {
  it('hand-derived: one point each', () => {
    expect(Array.from(eafDiff(fromRows([[1, 1]]), [0], fromRows([[2, 2]]), [0], 2))).toEqual([1, 1, 2, Infinity, 1, 2, 1, Infinity, 2, 1]);
    expect(Array.from(eafDiff(fromRows([[2, 2]]), [0], fromRows([[1, 1]]), [5], 2))).toEqual([1, 1, 2, Infinity, -1, 2, 1, Infinity, 2, -1]);
    const x = fromRows([[1, 3], [3, 1], [2, 2]]);
    expect(eafDiff(x, [0, 0, 1], x, [4, 4, 9], 2).length).toBe(0);
  });

  it('hand-derived: fractions with unequal numbers of runs', () => {
    // A: two runs, one at (0,0) and one at (2,2); B: one run at (1,1).
    const r = eafDiff(fromRows([[0, 0], [2, 2]]), [0, 1], fromRows([[1, 1]]), [0], 2);
    expect(rows(r, 5)).toEqual([
      [0, 0, 1, Infinity, 0.5],
      [1, 0, Infinity, 1, 0.5],
      [1, 1, 2, Infinity, -0.5],
      [2, 1, Infinity, 2, -0.5],
    ]);
  });

  it('kernel against the twin, and a tiling of exactly the differing points', () => {
    const rng = new Rng(505);
    for (let t = 0; t < 80; t++) {
      const nA = 1 + rng.int(4), nB = 1 + rng.int(4);
      const gen = t % 2 === 0 ? latticeRuns : (g: Rng, n: number, m: number, d: number) => continuousRuns(g, n, m, d);
      const A = gen(rng, nA, 6, 2, 6), B = gen(rng, nB, 6, 2, 6);
      const got = eafDiff(A.points, A.runs, B.points, B.runs, 2);
      expect(rows(got, 5)).toEqual(eafDiffReference(A.points, A.runs, nA, B.points, B.runs, nB));
      const xs = [...new Set([...rows(A.points, 2), ...rows(B.points, 2)].map((p) => p[0]))].sort((a, b) => a - b);
      const ys = [...new Set([...rows(A.points, 2), ...rows(B.points, 2)].map((p) => p[1]))].sort((a, b) => a - b);
      for (const x of [xs[0] - 1, ...xs]) {
        for (const y of [ys[0] - 1, ...ys]) {
          const a = attainedBy(A.points, 2, A.runs, nA, [x, y]).reduce((s, f) => s + f, 0);
          const b = attainedBy(B.points, 2, B.runs, nB, [x, y]).reduce((s, f) => s + f, 0);
          expect(rectValue(got, [x, y])).toBeCloseTo(a / nA - b / nB, 14);
        }
      }
    }
  });

  it('maximise: rectangles in the caller space, sorted by xmin then ymin', () => {
    const rng = new Rng(606);
    const A = latticeRuns(rng, 3, 5, 2, 6), B = latticeRuns(rng, 2, 5, 2, 6);
    const plain = eafDiff(A.points, A.runs, B.points, B.runs, 2);
    const flip = (p: Float64Array) => p.map((v, i) => (i % 2 === 0 ? -v : v));
    const got = eafDiff(flip(A.points), A.runs, flip(B.points), B.runs, 2, { maximise: [true, false] });
    const want = rows(plain, 5).map((r) => [-r[2], r[1], -r[0], r[3], r[4]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(rows(got, 5)).toEqual(want);
  });
});
