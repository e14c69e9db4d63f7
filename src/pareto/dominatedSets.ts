import { isNonDominated } from './nonDominated.ts';
import {
  checkDim, checkOptions, checkPoints, objectiveSigns,
  type ObjectiveOptions, type PointData,
} from './validate.ts';

export interface DominatedSetsOptions extends ObjectiveOptions {
  /**
   * Check that every set is mutually non-dominated without duplicate points (default true), as
   * moocore's dominatedsets does unless --no-check. With false, sets are compared as given.
   */
  check?: boolean;
}

export interface DominatedSetsResult {
  /**
   * better[k][j] = in how many pairs (a set of group k, a set of group j) the set of group k is
   * better; NaN on the diagonal (groups are not compared with themselves).
   */
  better: number[][];
  /** percent[k][j] = 100 better[k][j] / (sets in k x sets in j); NaN on the diagonal. */
  percent: number[][];
  /** ranks[j] = sum over k != j of better[k][j]: how often the sets of group j are beaten. */
  ranks: number[];
}

/** Rows of `p` (minimisation after `sign`) as a fresh Float64Array. */
function signed(p: PointData, sign: Float64Array | undefined, d: number): Float64Array {
  const out = Float64Array.from(p as ArrayLike<number>);
  if (sign) for (let i = 0; i < out.length; i++) out[i] *= sign[i % d];
  return out;
}

/** The distinct non-dominated rows of a minimisation set. */
function frontOf(p: Float64Array, d: number): Float64Array {
  const keep = isNonDominated(p, d, { keepDuplicates: false });
  let kept = 0;
  for (let i = 0; i < keep.length; i++) kept += keep[i];
  if (kept === keep.length) return p;
  const out = new Float64Array(kept * d);
  for (let i = 0, w = 0; i < keep.length; i++) if (keep[i]) out.set(p.subarray(i * d, i * d + d), d * w++);
  return out;
}

/** The smallest value of each objective over a set's rows. */
function minima(p: Float64Array, d: number): Float64Array {
  const lo = new Float64Array(d).fill(Infinity);
  for (let i = 0; i < p.length; i++) if (p[i] < lo[i % d]) lo[i % d] = p[i];
  return lo;
}

/** A set, its distinct non-dominated rows, and the minimum of each objective. */
interface Prepared {
  set: Float64Array;
  front: Float64Array;
  min: Float64Array;
}

function prepare(set: Float64Array, front: Float64Array, d: number): Prepared {
  return { set, front, min: minima(front, d) };
}

/** Pairs of rows below which covers() compares every pair directly instead of calling the kernel. */
const DIRECT_PAIRS = 1 << 14;

/**
 * Whether a weakly dominates b's front (every row of it is dominated by or equal to a row of a).
 * Only a's front can matter: a row of a that weakly dominates q is itself weakly dominated by a
 * row of a's front, which then weakly dominates q too.
 * First a test in O(d): the row of b's front with the least value of an objective needs a row of
 * a no greater there, so a's minimum must not exceed b's in any objective. Most pairs of
 * incomparable sets fail it. Small fronts are then compared pair by pair (a kernel call costs
 * more than a few thousand comparisons). Larger ones go through the non-dominated kernel: with
 * a's rows first, it drops exactly the rows of b's front (distinct, mutually non-dominated) that
 * a weakly dominates (duplicates: the first kept).
 */
function covers(a: Prepared, b: Prepared, d: number): boolean {
  const fa = a.front, fb = b.front;
  if (fb.length === 0) return true;
  if (fa.length === 0) return false;
  for (let i = 0; i < d; i++) if (a.min[i] > b.min[i]) return false;
  if ((fa.length / d) * (fb.length / d) <= DIRECT_PAIRS) {
    for (let q = 0; q < fb.length; q += d) {
      let covered = false;
      for (let p = 0; p < fa.length && !covered; p += d) {
        let k = 0;
        while (k < d && fa[p + k] <= fb[q + k]) k++;
        covered = k === d;
      }
      if (!covered) return false;
    }
    return true;
  }
  const both = new Float64Array(fa.length + fb.length);
  both.set(fa);
  both.set(fb, fa.length);
  const keep = isNonDominated(both, d, { keepDuplicates: false });
  for (let i = fa.length / d; i < keep.length; i++) if (keep[i]) return false;
  return true;
}

/** 1: a is better than b (a weakly dominates b, b not a); -1: b is better; 0: neither. */
function compareFronts(a: Prepared, b: Prepared, d: number): -1 | 0 | 1 {
  const ab = covers(a, b, d), ba = covers(b, a, d);
  return ab && !ba ? 1 : ba && !ab ? -1 : 0;
}

/**
 * Compare two point sets by the "better" relation of Zitzler et al. (2003): a is better than b
 * when every point of b is weakly dominated by (no better than, in every objective) some point of
 * a, and not the other way round. Returns 1 when a is better, -1 when b is better, 0 when the
 * sets are incomparable or equal as sets. Each direction is a test of the objectives' minima
 * (O(d)), then, for fronts of up to 2^14 pairs of rows, a comparison of every pair, else the
 * non-dominated kernel (isNonDominated) on the union of the two fronts: O(n log n) for d <= 3.
 *
 * @param a, b row-major sets of nObj objectives (either may be empty: an empty set is beaten by
 *   any non-empty one)
 * @throws RangeError/TypeError naming the argument for ragged or non-finite input
 * @example compareSets(fromRows([[1, 1]]), fromRows([[1, 2], [2, 1]]), 2) // 1
 */
export function compareSets(a: PointData, b: PointData, nObj: number, options?: ObjectiveOptions): -1 | 0 | 1 {
  const fn = 'compareSets';
  const d = checkDim(fn, nObj);
  checkPoints(fn, 'a', a, d, true);
  checkPoints(fn, 'b', b, d, true);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  const A = signed(a, sign, d), B = signed(b, sign, d);
  return compareFronts(prepare(A, frontOf(A, d), d), prepare(B, frontOf(B, d), d), d);
}

/**
 * The index of the first point of a set that another point of the set dominates or duplicates,
 * or -1 when the set is mutually non-dominated without duplicates.
 */
export function firstDominatedPoint(points: PointData, nObj: number, options?: ObjectiveOptions): number {
  const fn = 'firstDominatedPoint';
  const d = checkDim(fn, nObj);
  checkPoints(fn, 'points', points, d, true);
  const sign = objectiveSigns(fn, checkOptions<ObjectiveOptions>(fn, options).maximise, d);
  const keep = isNonDominated(signed(points, sign, d), d, { keepDuplicates: false });
  return keep.indexOf(0);
}

/**
 * Dominance between groups of point sets (moocore's dominatedsets): for every two groups (e.g.
 * the runs of two optimisers), in how many pairs of one set from each the first set is better
 * than the second (see compareSets), as counts and percentages, and for each group how often
 * its sets are beaten (its rank; lower is better).
 *
 * Complexity: one comparison per pair of sets (see compareSets), the sets' fronts and minima
 * computed once; O(P (n log n)) for d <= 3 at worst (P pairs).
 *
 * @param groups groups[k] = the sets of group k, each a row-major set of nObj objectives
 * @param options maximise; check (default true): every set must be non-dominated and free of
 *   duplicates
 * @throws RangeError/TypeError naming the argument for fewer than two groups, an empty group or
 *   set, ragged or non-finite input, or (check) a set with a dominated or duplicated point
 * @example dominatedSets([[fromRows([[1, 1]])], [fromRows([[2, 2]]), fromRows([[0, 3]])]], 2).better
 *   // [[NaN, 1], [0, NaN]]
 */
export function dominatedSets(groups: readonly (readonly PointData[])[], nObj: number, options?: DominatedSetsOptions): DominatedSetsResult {
  const fn = 'dominatedSets';
  const d = checkDim(fn, nObj);
  const opts = checkOptions<DominatedSetsOptions>(fn, options);
  if (opts.check !== undefined && typeof opts.check !== 'boolean') {
    throw new TypeError(`${fn}: options.check must be a boolean, got ${String(opts.check)}`);
  }
  const sign = objectiveSigns(fn, opts.maximise, d);
  if (!Array.isArray(groups) || groups.length < 2) {
    throw new RangeError(`${fn}: groups must be an array of at least two groups of sets, got ${Array.isArray(groups) ? `${groups.length}` : typeof groups}`);
  }
  const sets: Prepared[][] = [];
  groups.forEach((g, k) => {
    if (!Array.isArray(g) || g.length === 0) throw new RangeError(`${fn}: groups[${k}] must be a non-empty array of sets`);
    sets.push([]);
    g.forEach((s, i) => {
      checkPoints(fn, `groups[${k}][${i}]`, s, d);
      const p = signed(s, sign, d);
      const f = frontOf(p, d);
      if (opts.check !== false && f !== p) {
        const at = isNonDominated(p, d, { keepDuplicates: false }).indexOf(0);
        throw new RangeError(`${fn}: groups[${k}][${i}]: point ${at} is dominated or duplicated (pass check: false to compare anyway)`);
      }
      sets[k].push(prepare(p, f, d));
    });
  });
  const m = groups.length;
  const better = Array.from({ length: m }, (_, k) => Array.from({ length: m }, (_, j) => (k === j ? NaN : 0)));
  for (let k = 0; k < m; k++) {
    for (let j = k + 1; j < m; j++) {
      for (let a = 0; a < sets[k].length; a++) {
        for (let b = 0; b < sets[j].length; b++) {
          const r = compareFronts(sets[k][a], sets[j][b], d);
          if (r > 0) better[k][j]++;
          else if (r < 0) better[j][k]++;
        }
      }
    }
  }
  const percent = better.map((row, k) => row.map((v, j) => (k === j ? NaN : (v * 100) / (sets[k].length * sets[j].length))));
  const ranks = Array.from({ length: m }, (_, j) => better.reduce((s, row, k) => (k === j ? s : s + row[j]), 0));
  return { better, percent, ranks };
}
