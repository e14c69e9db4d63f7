// Non-dominated sorting and filtering in one and two objectives.
import { orderKey, sortPairs } from '../common/sort';

/**
 * Fill perm (u32[n]) with the rows of pts (stride d) in lexicographic (x, y) order, ties in
 * input order. One stable radix sort by x; then the runs of equal x are sorted by y, one by one
 * when they hold few rows in all, else by a full stable sort by y followed by one by x. O(n).
 */
function lexOrder2(pts: usize, n: i32, d: i32, perm: usize): void {
  const keys = heap.alloc(<usize>n << 3);
  const tk = heap.alloc(<usize>n << 3);
  const tv = heap.alloc(<usize>n << 2);
  const sd = <usize>d;
  for (let i = 0; i < n; i++) {
    store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((<usize>i * sd) << 3))));
    store<u32>(perm + (<usize>i << 2), <u32>i);
  }
  sortPairs(keys, perm, n, tk, tv);
  let tied = 0;
  for (let i = 1; i < n; i++) {
    if (load<u64>(keys + (<usize>i << 3)) == load<u64>(keys + (<usize>(i - 1) << 3))) tied++;
  }
  if (tied > 0 && tied <= (n >> 4)) {
    let i = 0;
    while (i < n) {
      const k = load<u64>(keys + (<usize>i << 3));
      let j = i + 1;
      while (j < n && load<u64>(keys + (<usize>j << 3)) == k) j++;
      if (j - i > 1) {
        for (let t = i; t < j; t++) {
          const r = <usize>load<u32>(perm + (<usize>t << 2));
          store<u64>(keys + (<usize>t << 3), orderKey(load<f64>(pts + ((r * sd + 1) << 3))));
        }
        sortPairs(keys + (<usize>i << 3), perm + (<usize>i << 2), j - i, tk, tv);
      }
      i = j;
    }
  } else if (tied > 0) {
    for (let c = 1; c >= 0; c--) {
      for (let t = 0; t < n; t++) {
        const r = <usize>load<u32>(perm + (<usize>t << 2));
        store<u64>(keys + (<usize>t << 3), orderKey(load<f64>(pts + ((r * sd + <usize>c) << 3))));
      }
      sortPairs(keys, perm, n, tk, tv);
    }
  }
  heap.free(tv);
  heap.free(tk);
  heap.free(keys);
}

/**
 * Ranks in one objective (stride d, column 0 used): the rank of a value is the number of distinct
 * smaller values. Radix sort then one pass: O(n). Returns the number of fronts.
 */
export function ndsort1d(pts: usize, n: i32, d: i32, out: usize): i32 {
  const keys = heap.alloc(<usize>n << 3);
  const perm = heap.alloc(<usize>n << 2);
  for (let i = 0; i < n; i++) {
    store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((<usize>i * <usize>d) << 3))));
    store<u32>(perm + (<usize>i << 2), <u32>i);
  }
  sortPairs(keys, perm, n);
  let rank: i32 = -1;
  let prev: u64 = 0;
  for (let i = 0; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    if (i == 0 || k != prev) rank++;
    prev = k;
    store<i32>(out + (<usize>load<u32>(perm + (<usize>i << 2)) << 2), rank);
  }
  heap.free(perm);
  heap.free(keys);
  return rank + 1;
}

/**
 * Ranks in two objectives (stride d, columns 0 and 1), after M. T. Jensen, "Reducing the
 * run-time complexity of multiobjective EAs", IEEE TEC 7(5), 2003, section on two objectives.
 *
 * Visit the points in lexicographic (x, y) order; every dominator of a point comes before it.
 * Keep for each front f the smallest y of the points given rank f so far, last[f]: this is
 * non-decreasing in f, and the current point p is dominated by a point of front f iff
 * last[f] <= p.y (an earlier point with y <= p.y that is not p itself dominates p). So the rank of
 * p is the first f with last[f] > p.y, found by binary search, and last[f] becomes p.y. A point
 * identical to its predecessor takes the same rank. O(n log F) after the O(n) radix sort, F the
 * number of fronts.
 */
export function ndsort2d(pts: usize, n: i32, d: i32, out: usize): i32 {
  const perm = heap.alloc(<usize>n << 2);
  const last = heap.alloc(<usize>n << 3);
  lexOrder2(pts, n, d, perm);
  let fronts: i32 = 0;
  let px = 0.0, py = 0.0;
  let pr: i32 = -1;
  for (let i = 0; i < n; i++) {
    const r = <usize>load<u32>(perm + (<usize>i << 2));
    const p = pts + ((r * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8);
    let f: i32;
    if (i > 0 && x == px && y == py) {
      f = pr;
    } else {
      // First front whose last y exceeds y (branch-free binary search).
      f = 0;
      if (fronts > 0) {
        let base: i32 = 0, len: i32 = fronts;
        while (len > 1) {
          const half = len >> 1;
          base = select<i32>(base + half, base, load<f64>(last + (<usize>(base + half) << 3)) <= y);
          len -= half;
        }
        f = base + select<i32>(1, 0, load<f64>(last + (<usize>base << 3)) <= y);
      }
      if (f == fronts) fronts++;
      store<f64>(last + (<usize>f << 3), y);
    }
    store<i32>(out + (r << 2), f);
    px = x;
    py = y;
    pr = f;
  }
  heap.free(last);
  heap.free(perm);
  return fronts;
}

/**
 * Non-dominated points in one objective: those equal to the minimum. O(n).
 * keepDuplicates = 0 keeps only the first of them.
 */
export function nondom1d(pts: usize, n: i32, d: i32, keepDuplicates: i32, out: usize): i32 {
  let best = load<f64>(pts);
  for (let i = 1; i < n; i++) {
    const x = load<f64>(pts + ((<usize>i * <usize>d) << 3));
    if (x < best) best = x;
  }
  let count: i32 = 0;
  for (let i = 0; i < n; i++) {
    const keep = load<f64>(pts + ((<usize>i * <usize>d) << 3)) == best && (keepDuplicates != 0 || count == 0);
    store<u8>(out + <usize>i, keep ? 1 : 0);
    if (keep) count++;
  }
  return count;
}

/**
 * Non-dominated points in two objectives: the sweep of H. T. Kung, F. Luccio, F. P. Preparata,
 * "On finding the maxima of a set of vectors", JACM 22(4), 1975. In lexicographic (x, y) order
 * a point is dominated iff some earlier point different from it has y <= its y, so it is kept iff
 * its y is below the smallest y of the points before its run of identical copies. O(n) after the
 * O(n) radix sort. Copies are in input order within a run (stable sort), so keepDuplicates = 0
 * keeps the lowest index.
 */
export function nondom2d(pts: usize, n: i32, d: i32, keepDuplicates: i32, out: usize): i32 {
  const perm = heap.alloc(<usize>n << 2);
  lexOrder2(pts, n, d, perm);
  let minY = Infinity; // smallest y before the current run
  let runMinY = Infinity;
  let px = 0.0, py = 0.0;
  let keep = false;
  let count: i32 = 0;
  for (let i = 0; i < n; i++) {
    const r = <usize>load<u32>(perm + (<usize>i << 2));
    const p = pts + ((r * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8);
    let k: bool;
    if (i > 0 && x == px && y == py) {
      k = keep && keepDuplicates != 0;
    } else {
      if (runMinY < minY) minY = runMinY;
      runMinY = y;
      keep = y < minY;
      k = keep;
    }
    store<u8>(out + r, k ? 1 : 0);
    if (k) count++;
    px = x;
    py = y;
  }
  heap.free(perm);
  return count;
}
