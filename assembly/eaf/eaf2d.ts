// Attainment surfaces of a collection of runs, two objectives.
import { sortRowsBy } from '../common/sort';
import { bufGrow } from './growbuf';
import { lowerValue } from './sortedvalues';

/**
 * Level-k attainment surfaces (k = load<i32>(levels + 4 l), l = 0..L-1) of `n` points
 * (row-major, stride `d` >= 2, the first two coordinates used) whose runs are
 * load<i32>(runs + 4 i) in 0..nruns-1. Appends to the growbuf u32[L] `pointBufs` the
 * points (x, y) of each level, x ascending, and, when `flagBufs` != 0, nruns bytes per point
 * (1 when that run attains it).
 *
 * Sweep in x over the points sorted by x: g[r] is the least y of run r among the points swept
 * so far, `sorted` the g values ascending, so that the level-k surface has the value
 * sorted[k-1] at the current x; a point (x, sorted[k-1]) is emitted where that value drops.
 * Points with equal x are applied together before looking. O(n log n + n (nruns + L)) plus
 * O(nruns) per point emitted with flags.
 */
export function eaf2dSurfaces(
  pts: usize, runs: usize, n: i32, d: i32, nruns: i32, levels: usize, L: i32, pointBufs: usize, flagBufs: usize,
): void {
  const perm = heap.alloc(<usize>n << 2);
  sortRowsBy(pts, n, d, 0, -1, perm);
  const g = heap.alloc(<usize>nruns << 3);
  const sorted = heap.alloc(<usize>nruns << 3);
  const prevK = heap.alloc(<usize>L << 3);
  for (let r = 0; r < nruns; r++) {
    store<f64>(g + (<usize>r << 3), Infinity);
    store<f64>(sorted + (<usize>r << 3), Infinity);
  }
  for (let l = 0; l < L; l++) store<f64>(prevK + (<usize>l << 3), Infinity);
  let i = 0;
  while (i < n) {
    const x = load<f64>(pts + ((<usize>load<u32>(perm + (<usize>i << 2)) * <usize>d) << 3));
    // Apply every point at this x.
    while (i < n) {
      const p = <usize>load<u32>(perm + (<usize>i << 2));
      const q = pts + ((p * <usize>d) << 3);
      if (load<f64>(q) != x) break;
      const y = load<f64>(q, 8);
      const r = <usize>load<i32>(runs + (p << 2));
      const old = load<f64>(g + (r << 3));
      if (y < old) {
        lowerValue(sorted, nruns, old, y);
        store<f64>(g + (r << 3), y);
      }
      i++;
    }
    for (let l = 0; l < L; l++) {
      const k = load<i32>(levels + (<usize>l << 2));
      const K = load<f64>(sorted + (<usize>(k - 1) << 3));
      if (K < load<f64>(prevK + (<usize>l << 3))) {
        store<f64>(prevK + (<usize>l << 3), K);
        const out = bufGrow(<usize>load<u32>(pointBufs + (<usize>l << 2)), 16);
        store<f64>(out, x);
        store<f64>(out, K, 8);
        if (flagBufs != 0) {
          const f = bufGrow(<usize>load<u32>(flagBufs + (<usize>l << 2)), <usize>nruns);
          for (let r = 0; r < nruns; r++) store<u8>(f + <usize>r, load<f64>(g + (<usize>r << 3)) <= K ? 1 : 0);
        }
      }
    }
  }
  heap.free(prevK);
  heap.free(sorted);
  heap.free(g);
  heap.free(perm);
}
