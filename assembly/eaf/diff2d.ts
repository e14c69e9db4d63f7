// Differences between the EAFs of two collections of runs, two objectives, as rectangles.
import { sortRowsBy } from '../common/sort';
import { bufClear, bufData, bufFree, bufGrow, bufLength, bufNew } from './growbuf';
import { lowerValue } from './sortedvalues';

// Segment / open rectangle rows: (y0, y1, num, x0), f64 each.
const SEG: usize = 32;

/**
 * The regions where the EAFs of runs 0..nA-1 (side A) and nA..nA+nB-1 (side B) differ, as
 * rectangles [xmin, ymin, xmax, ymax, diff] (f64 x 5 each), appended to the growbuf `out`:
 * diff = cA / nA - cB / nB where cA (cB) is the number of runs of A (B) attaining the
 * rectangle's points; only diff != 0 is reported. Rectangles are half-open
 * [xmin, xmax) x [ymin, ymax) (xmax, ymax may be +inf), do not overlap, and together cover
 * exactly the points where diff != 0. Returns the number of rectangles in `out`, in closing
 * order (the caller sorts them).
 *
 * Sweep in x over the points (row-major, stride 2) sorted by x. Between two consecutive
 * distinct x every run's attained y-range [g[r], inf) is fixed, so the column's diff is a step
 * function of y with steps at the g values: its maximal pieces of equal non-zero diff are the
 * column's segments. A segment equal (same ymin, ymax, diff) to an open rectangle of the previous
 * column extends it; an open rectangle not continued is closed at this x. Diffs are compared as
 * the exact integers cA nB - cB nA. O(n log n + n (nA + nB)).
 */
export function eafDiff2dRects(pts: usize, runs: usize, n: i32, nA: i32, nB: i32, out: usize): i32 {
  const R = nA + nB;
  const perm = heap.alloc(<usize>n << 2);
  sortRowsBy(pts, n, 2, 0, -1, perm);
  const g = heap.alloc(<usize>R << 3);
  const gA = heap.alloc((nA > 0 ? <usize>nA : <usize>1) << 3);
  const gB = heap.alloc((nB > 0 ? <usize>nB : <usize>1) << 3);
  for (let r = 0; r < R; r++) store<f64>(g + (<usize>r << 3), Infinity);
  for (let r = 0; r < nA; r++) store<f64>(gA + (<usize>r << 3), Infinity);
  for (let r = 0; r < nB; r++) store<f64>(gB + (<usize>r << 3), Infinity);
  let open = bufNew(<usize>SEG * 8);
  let next = bufNew(<usize>SEG * 8);
  const fA = <f64>nA, fB = <f64>nB, scale = <f64>nA * <f64>nB;
  let i = 0;
  while (i < n) {
    const x = load<f64>(pts + (<usize>load<u32>(perm + (<usize>i << 2)) << 4));
    while (i < n) {
      const p = <usize>load<u32>(perm + (<usize>i << 2));
      if (load<f64>(pts + (p << 4)) != x) break;
      const y = load<f64>(pts + (p << 4), 8);
      const r = load<i32>(runs + (p << 2));
      const old = load<f64>(g + (<usize>r << 3));
      if (y < old) {
        store<f64>(g + (<usize>r << 3), y);
        if (r < nA) lowerValue(gA, nA, old, y);
        else lowerValue(gB, nB, old, y);
      }
      i++;
    }
    // Column segments, matched against the open rectangles (both ascending in y).
    bufClear(next);
    const on = <i32>(bufLength(open) / SEG);
    let oi = 0;
    let a = 0, b = 0;
    let segY0 = 0.0, segNum = 0.0;
    let inSeg = false;
    while (a < nA || b < nB) {
      const ya = a < nA ? load<f64>(gA + (<usize>a << 3)) : Infinity;
      const yb = b < nB ? load<f64>(gB + (<usize>b << 3)) : Infinity;
      const y = ya < yb ? ya : yb;
      if (y == Infinity) break;
      while (a < nA && load<f64>(gA + (<usize>a << 3)) == y) a++;
      while (b < nB && load<f64>(gB + (<usize>b << 3)) == y) b++;
      // From y up to the next breakpoint: a runs of A and b runs of B attain.
      const num = <f64>a * fB - <f64>b * fA;
      if (inSeg && num == segNum) continue;
      if (inSeg) {
        oi = emit(open, on, oi, next, segY0, y, segNum, x, out, scale);
      }
      inSeg = num != 0;
      segY0 = y;
      segNum = num;
    }
    if (inSeg) {
      oi = emit(open, on, oi, next, segY0, Infinity, segNum, x, out, scale);
    }
    // Open rectangles above the last segment end here.
    for (; oi < on; oi++) closeRect(bufData(open) + <usize>oi * SEG, x, out, scale);
    const t = open;
    open = next;
    next = t;
  }
  const on = <i32>(bufLength(open) / SEG);
  for (let k = 0; k < on; k++) closeRect(bufData(open) + <usize>k * SEG, Infinity, out, scale);
  bufFree(open);
  bufFree(next);
  heap.free(gB);
  heap.free(gA);
  heap.free(g);
  heap.free(perm);
  return <i32>(bufLength(out) / 40);
}

function closeRect(row: usize, x1: f64, out: usize, scale: f64): void {
  const o = bufGrow(out, 40);
  store<f64>(o, load<f64>(row, 24));
  store<f64>(o, load<f64>(row), 8);
  store<f64>(o, x1, 16);
  store<f64>(o, load<f64>(row, 8), 24);
  store<f64>(o, load<f64>(row, 16) / scale, 32);
}

/**
 * Add the segment [y0, y1) with diff numerator num of the column at x to `next`: it continues an
 * open rectangle equal to it, else it starts at x. Open rectangles it passes (below y1 and not
 * equal) are closed at x. Returns the new index into `open`.
 */
function emit(open: usize, on: i32, oi: i32, next: usize, y0: f64, y1: f64, num: f64, x: f64, out: usize, scale: f64): i32 {
  let x0 = x;
  while (oi < on) {
    const row = bufData(open) + <usize>oi * SEG;
    const oy0 = load<f64>(row);
    if (oy0 >= y1) break;
    if (oy0 == y0 && load<f64>(row, 8) == y1 && load<f64>(row, 16) == num) {
      x0 = load<f64>(row, 24);
      oi++;
      break;
    }
    closeRect(row, x, out, scale);
    oi++;
  }
  const s = bufGrow(next, SEG);
  store<f64>(s, y0);
  store<f64>(s, y1, 8);
  store<f64>(s, num, 16);
  store<f64>(s, x0, 24);
  return oi;
}
