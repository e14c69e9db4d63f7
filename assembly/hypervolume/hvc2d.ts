import { sortRowsBy } from '../common/sort';

/**
 * Exclusive 2-D hypervolume contributions (minimisation): out[i] = HV(S) - HV(S \ {i}) for the
 * `n` points of `pts` (row-major, stride `d` >= 2, the first two coordinates used) with respect
 * to (rx, ry). `out` (f64[n]) must be zeroed by the caller; only non-zero entries are written.
 *
 * Algorithm: keep the points strictly inside the reference box and sweep them in lexicographic
 * (x, y) order. A point whose y is below every y seen so far is a step of the staircase; every
 * other point is weakly dominated by the current step `p` (the last step, which has the least y
 * and an x no greater than the point's). The region dominated by `p` alone is bounded above by
 * the previous step's y (or ry) and to the right by the next step's x (or rx); points dominated
 * by `p` and swept before the next step cut it from above. So the sweep carries, for `p`, the
 * current height `h` of its exclusive region (the least of the upper bound and of the y of the
 * points it dominates, minus p.y) and adds `h` times each x-gap to p's contribution. A duplicate
 * of `p` makes h = 0, so both copies contribute 0; weakly dominated points are never steps and
 * contribute 0. Every term added is a product of non-negative differences (no cancellation).
 *
 * Complexity: O(n) time after the O(n) radix sort (O(n log n) with a comparison sort), O(n)
 * memory. This is the classic 2-D dimension sweep; see e.g. M. Emmerich, N. Beume, B. Naujoks,
 * "An EMO algorithm using the hypervolume measure as selection criterion", EMO 2005, and
 * A. P. Guerreiro, C. M. Fonseca, L. Paquete, "The hypervolume indicator: computational
 * problems and algorithms", ACM Computing Surveys 54(6), 2021.
 */
export function hvc2d(pts: usize, n: i32, d: i32, rx: f64, ry: f64, out: usize): void {
  const cap: i32 = n > 0 ? n : 1;
  const xy = heap.alloc(<usize>cap << 4);
  const idx = heap.alloc(<usize>cap << 2);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8);
    if (x < rx && y < ry) {
      store<f64>(xy + (<usize>m << 4), x);
      store<f64>(xy + (<usize>m << 4), y, 8);
      store<u32>(idx + (<usize>m << 2), <u32>i);
      m++;
    }
  }
  if (m > 0) {
    const perm = heap.alloc(<usize>m << 2);
    sortRowsBy(xy, m, 2, 0, 1, perm);
    // Current step: its compacted index, y, the x where its pending strip starts, its height.
    let cur = load<u32>(perm);
    let cy = load<f64>(xy + (<usize>cur << 4), 8);
    let sx = load<f64>(xy + (<usize>cur << 4));
    let h = ry - cy;
    let acc = 0.0;
    for (let k = 1; k < m; k++) {
      const j = load<u32>(perm + (<usize>k << 2));
      const q = xy + (<usize>j << 4);
      const x = load<f64>(q), y = load<f64>(q, 8);
      acc += (x - sx) * h;
      sx = x;
      if (y < cy) {
        // A new step (its x exceeds the current step's): close the current one.
        store<f64>(out + (<usize>load<u32>(idx + (<usize>cur << 2)) << 3), acc);
        h = cy - y;
        cur = j;
        cy = y;
        acc = 0;
      } else {
        const g = y - cy;
        if (g < h) h = g;
      }
    }
    acc += (rx - sx) * h;
    store<f64>(out + (<usize>load<u32>(idx + (<usize>cur << 2)) << 3), acc);
    heap.free(perm);
  }
  heap.free(idx);
  heap.free(xy);
}
