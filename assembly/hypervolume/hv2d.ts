import { sortRowsBy } from '../common/sort';

/**
 * Exact 2-D hypervolume (minimisation) of `n` points (row-major, stride `d` >= 2, the first two
 * coordinates used) with respect to (rx, ry). Points that do not strictly dominate the reference
 * point are ignored. Sweep in x over the points sorted by x: O(n log n) in general, O(n) here
 * because the sort is a radix sort.
 */
export function hv2dStrided(pts: usize, n: i32, d: i32, rx: f64, ry: f64): f64 {
  // Compact the points inside the reference box.
  const cap: i32 = n > 0 ? n : 1;
  const xy = heap.alloc(<usize>cap << 4);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8);
    if (x < rx && y < ry) {
      store<f64>(xy + (<usize>m << 4), x);
      store<f64>(xy + (<usize>m << 4), y, 8);
      m++;
    }
  }
  let hv = 0.0;
  if (m > 0) {
    const perm = heap.alloc(<usize>m << 2);
    sortRowsBy(xy, m, 2, 0, -1, perm);
    let ymin = ry;
    for (let i = 0; i < m; i++) {
      const q = xy + (<usize>load<u32>(perm + (<usize>i << 2)) << 4);
      const y = load<f64>(q, 8);
      if (y < ymin) {
        hv += (rx - load<f64>(q)) * (ymin - y);
        ymin = y;
      }
    }
    heap.free(perm);
  }
  heap.free(xy);
  return hv;
}
