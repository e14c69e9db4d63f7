// Non-dominated sorting (Pareto ranks) and non-dominated filtering.
// Dominance (minimisation): a dominates b iff a <= b in every objective and a < b in one.
import { ndsort1d, ndsort2d, nondom1d, nondom2d } from './low';
import { groupRows, lexRank } from './lex';
import { dcRanks } from './dc';
import { ranks3d } from './rank3d';
import { nondomFilter, nondomSweep3 } from './filter';

// Outputs of prepare(): plain pointers, owned (and freed) by the caller.
let GRP: usize = 0;  // u32[n]: group (distinct point) id of each row
let URK: usize = 0;  // i32[m*(d-1)]: column ranks of objectives 1..d-1 per distinct point
let PERM: usize = 0; // u32[n]: rows in lexicographic order, copies in input order

/** Lexicographic order, dense ranks and duplicate groups for d >= 3 (lex.ts). Returns m. */
function prepare(pts: usize, n: i32, d: i32): i32 {
  PERM = heap.alloc(<usize>n << 2);
  const rk = heap.alloc((<usize>n * <usize>d) << 2);
  lexRank(pts, n, d, PERM, rk);
  GRP = heap.alloc(<usize>n << 2);
  // 16 bytes of slack: dc.ts compares rows of up to 4 columns with one 16-byte load.
  URK = heap.alloc(((<usize>n * <usize>(d - 1)) << 2) + 16);
  const m = groupRows(PERM, rk, n, d, GRP, URK);
  heap.free(rk);
  return m;
}

/** One more than the largest column-0 rank of the m rows of urk (stride d1). */
function columnBound(urk: usize, m: i32, d1: i32): i32 {
  let mx: i32 = 0;
  for (let u = 0; u < m; u++) {
    const v = load<i32>(urk + ((<usize>u * <usize>d1) << 2));
    if (v > mx) mx = v;
  }
  return mx + 1;
}

/**
 * Pareto rank of each of the `n` points (f64[n*d], row-major, minimised) into out (i32[n]):
 * rank 0 for the non-dominated points, rank k for those non-dominated once ranks < k are removed
 * (equivalently, 1 + the largest rank of a dominator). Identical points share a rank. Returns
 * the number of fronts (0 for n = 0).
 *
 * d = 1: radix sort, O(n). d = 2: lexicographic radix sort and a binary search over the fronts
 * per point (Jensen 2003), O(n log F) for F fronts (the sort is a radix sort). d >= 3:
 * lexicographic sort, dense ranks, duplicates merged (lex.ts), then for d = 3 a sweep with one
 * staircase per front and a binary search over the fronts (rank3d.ts), O(n log F log n), and for
 * d >= 4 the Jensen-Fortin-Buzdalov divide and conquer (dc.ts), O(n log^{d-1} n).
 */
export function ndsort(pts: usize, n: i32, d: i32, out: usize): i32 {
  if (n <= 0) return 0;
  if (d == 1) return ndsort1d(pts, n, d, out);
  if (d == 2) return ndsort2d(pts, n, d, out);
  const m = prepare(pts, n, d);
  const grp = GRP, urk = URK;
  heap.free(PERM);
  const rank = heap.alloc(<usize>m << 2);
  const fronts = d == 3 ? ranks3d(urk, m, rank) : dcRanks(urk, m, d - 1, columnBound(urk, m, d - 1), rank);
  for (let i = 0; i < n; i++) {
    const g = <usize>load<u32>(grp + (<usize>i << 2));
    store<i32>(out + (<usize>i << 2), load<i32>(rank + (g << 2)));
  }
  heap.free(rank);
  heap.free(urk);
  heap.free(grp);
  return fronts;
}

/**
 * out[i] (u8) = 1 iff point i of the `n` points (f64[n*d], row-major, minimised) is not
 * dominated by any other; with keepDuplicates = 0 only the first (lowest index) of identical
 * non-dominated points is kept. Returns the number of points kept.
 *
 * d = 1: the minimum, O(n). d = 2: Kung-Luccio-Preparata sweep, O(n log n) (radix sort, O(n)).
 * d = 3: the same sweep with a Fenwick tree of prefix minima, O(n log n). d >= 4: comparison
 * with the non-dominated points found so far in lexicographic order, falling back on the
 * divide-and-conquer ranks when that grows too costly (filter.ts).
 */
export function nonDominated(pts: usize, n: i32, d: i32, keepDuplicates: i32, out: usize): i32 {
  if (n <= 0) return 0;
  if (d == 1) return nondom1d(pts, n, d, keepDuplicates, out);
  if (d == 2) return nondom2d(pts, n, d, keepDuplicates, out);
  const m = prepare(pts, n, d);
  const grp = GRP, urk = URK, perm = PERM;
  const nd = heap.alloc(<usize>m);
  const r0 = columnBound(urk, m, d - 1);
  if (d == 3) nondomSweep3(urk, m, r0, nd);
  else nondomFilter(urk, m, d - 1, r0, nd);
  // Rows in lexicographic order: copies of a point are consecutive and in input order.
  let count: i32 = 0;
  let prev: u32 = 0xffffffff;
  for (let i = 0; i < n; i++) {
    const r = <usize>load<u32>(perm + (<usize>i << 2));
    const g = load<u32>(grp + (r << 2));
    const keep = load<u8>(nd + <usize>g) != 0 && (keepDuplicates != 0 || g != prev);
    store<u8>(out + r, keep ? 1 : 0);
    if (keep) count++;
    prev = g;
  }
  heap.free(nd);
  heap.free(urk);
  heap.free(grp);
  heap.free(perm);
  return count;
}
