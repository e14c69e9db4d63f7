// Reference twin of the EAF kernels: the definitions evaluated on the grid of input coordinate
// values, by brute force. Slow and obviously correct; tests only, small inputs.
// Points are row-major, every objective minimised; runs are indices 0..nRuns-1.

/** Distinct values of column j, ascending. */
function axis(points: ArrayLike<number>, d: number, j: number): number[] {
  const s = new Set<number>();
  for (let i = j; i < points.length; i += d) s.add(points[i] === 0 ? 0 : points[i]);
  return [...s].sort((a, b) => a - b);
}

/** Per run, 1 when one of its points is <= z in every objective, else 0. */
export function attainedBy(points: ArrayLike<number>, d: number, runs: ArrayLike<number>, nRuns: number, z: readonly number[]): number[] {
  const hit = new Array<number>(nRuns).fill(0);
  for (let i = 0; i < runs.length; i++) {
    let weakly = true;
    for (let j = 0; j < d && weakly; j++) if (points[i * d + j] > z[j]) weakly = false;
    if (weakly) hit[runs[i]] = 1;
  }
  return hit;
}

const count = (flags: readonly number[]) => flags.reduce((s, f) => s + f, 0);

export interface EafReferenceLevel {
  level: number;
  /** the minimal points of {z : at least `level` runs attain z}, as rows */
  points: number[][];
  /** per point, one 0/1 flag per run: does that run attain the point */
  attained: number[][];
}

/**
 * The level-k attainment surface for every k in `levels`: the minimal elements of the set of
 * objective vectors attained (weakly dominated) by at least k runs. Such a minimal element has
 * every coordinate equal to an input coordinate, so only the grid of input values is searched.
 * A grid point z in the set is minimal iff lowering any one coordinate of z to the next lower
 * grid value leaves the set (the set is closed upwards, so any attained point strictly below z
 * would make one of those neighbours attained). O(g^d * n * d) for g values per axis.
 * Order: 2-D by the first objective ascending; 3-D by the third objective ascending, then the
 * first ascending (the order of the kernel).
 */
export function eafReference(
  points: ArrayLike<number>, d: number, runs: ArrayLike<number>, nRuns: number, levels: readonly number[],
): EafReferenceLevel[] {
  const axes = Array.from({ length: d }, (_, j) => axis(points, d, j));
  const grid: number[][] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === d) {
      grid.push(prefix);
      return;
    }
    for (const v of axes[prefix.length]) walk([...prefix, v]);
  };
  walk([]);
  const counts = new Map<string, number>();
  const countAt = (z: number[]) => {
    const key = z.join(',');
    let c = counts.get(key);
    if (c === undefined) {
      c = count(attainedBy(points, d, runs, nRuns, z));
      counts.set(key, c);
    }
    return c;
  };
  return levels.map((level) => {
    const found: number[][] = [];
    for (const z of grid) {
      if (countAt(z) < level) continue;
      let minimal = true;
      for (let j = 0; j < d && minimal; j++) {
        const at = axes[j].indexOf(z[j]);
        if (at === 0) continue;
        const lower = z.slice();
        lower[j] = axes[j][at - 1];
        if (countAt(lower) >= level) minimal = false;
      }
      if (minimal) found.push(z);
    }
    found.sort(d === 2 ? (a, b) => a[0] - b[0] : (a, b) => a[2] - b[2] || a[0] - b[0]);
    return { level, points: found, attained: found.map((z) => attainedBy(points, d, runs, nRuns, z)) };
  });
}

/**
 * 2-D EAF difference as rectangles [xmin, ymin, xmax, ymax, diff], diff = (fraction of the runs
 * of A attaining the rectangle) - (fraction of the runs of B attaining it), only where diff != 0.
 * The plane is cut into grid cells [x_i, x_i+1) x [y_j, y_j+1) by the distinct input values (the
 * last cell of each axis reaches +inf); the diff is constant on a cell. In each column, vertical
 * runs of cells with the same non-zero diff form one rectangle; a rectangle is then widened
 * across the next columns while they hold a rectangle with the same ymin, ymax and diff.
 * Sorted by xmin, then ymin. Diffs compared as exact integers cA * nB - cB * nA.
 */
export function eafDiffReference(
  pointsA: ArrayLike<number>, runsA: ArrayLike<number>, nA: number,
  pointsB: ArrayLike<number>, runsB: ArrayLike<number>, nB: number,
): number[][] {
  const all = [...Array.from(pointsA), ...Array.from(pointsB)];
  const xs = axis(all, 2, 0), ys = axis(all, 2, 1);
  const num = (z: number[]) =>
    count(attainedBy(pointsA, 2, runsA, nA, z)) * nB - count(attainedBy(pointsB, 2, runsB, nB, z)) * nA;
  const columns: { y0: number; y1: number; v: number }[][] = xs.map((x) => {
    const segs: { y0: number; y1: number; v: number }[] = [];
    for (let j = 0; j < ys.length; j++) {
      const v = num([x, ys[j]]);
      const y1 = j + 1 < ys.length ? ys[j + 1] : Infinity;
      const last = segs[segs.length - 1];
      if (last !== undefined && last.y1 === ys[j] && last.v === v) last.y1 = y1;
      else if (v !== 0) segs.push({ y0: ys[j], y1, v });
    }
    return segs.filter((s) => s.v !== 0);
  });
  const out: number[][] = [];
  const used = columns.map((c) => c.map(() => false));
  for (let i = 0; i < xs.length; i++) {
    columns[i].forEach((s, si) => {
      if (used[i][si]) return;
      let end = i + 1;
      for (; end < xs.length; end++) {
        const k = columns[end].findIndex((t) => t.y0 === s.y0 && t.y1 === s.y1 && t.v === s.v);
        if (k < 0) break;
        used[end][k] = true;
      }
      out.push([xs[i], s.y0, end < xs.length ? xs[end] : Infinity, s.y1, s.v / (nA * nB)]);
    });
  }
  return out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}
