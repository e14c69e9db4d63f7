// Empirical attainment function (EAF) kernels. Both return a block they allocate, which the
// host reads and then frees with dealloc(): the output size is known only at the end.
import { sortRowsBy } from '../common/sort';
import { bufData, bufFree, bufNew } from './growbuf';
import { assembleResult } from './result';
import { eaf2dSurfaces } from './eaf2d';
import { eaf3dSurfaces } from './eaf3d';
import { eafDiff2dRects } from './diff2d';

/**
 * Attainment surfaces of `nruns` runs at L levels. `pts` is f64[n*d] (d = 2 or 3, all
 * objectives minimised), `runs` i32[n] the run (0..nruns-1) of each point, `levels` i32[L] the
 * levels (1..nruns; level k: attained by at least k runs), `flags` != 0 to also return which
 * runs attain each surface point. Runs with no point are allowed (they attain nothing).
 * Returns a block laid out as in result.ts: u32 total T, u32 count per level, then (at the
 * header size rounded up to 8 bytes) f64[T*d] points level after level, then u8[T*nruns] flags.
 * Points of a 2-D level are ordered by the first objective ascending; of a 3-D level by the
 * third objective ascending, then the first ascending.
 */
export function eafCompute(pts: usize, runs: usize, n: i32, d: i32, nruns: i32, levels: usize, L: i32, flags: i32): usize {
  const pointBufs = heap.alloc((L > 0 ? <usize>L : <usize>1) << 2);
  const flagBufs = flags != 0 ? heap.alloc((L > 0 ? <usize>L : <usize>1) << 2) : 0;
  for (let l = 0; l < L; l++) {
    store<u32>(pointBufs + (<usize>l << 2), <u32>bufNew(256));
    if (flagBufs != 0) store<u32>(flagBufs + (<usize>l << 2), <u32>bufNew(256));
  }
  if (n > 0) {
    if (d == 2) eaf2dSurfaces(pts, runs, n, d, nruns, levels, L, pointBufs, flagBufs);
    else eaf3dSurfaces(pts, runs, n, d, nruns, levels, L, pointBufs, flagBufs);
  }
  const res = assembleResult(pointBufs, flagBufs, L, d, nruns);
  heap.free(pointBufs);
  if (flagBufs != 0) heap.free(flagBufs);
  return res;
}

/**
 * EAF differences of two collections of runs, two objectives: `pts` f64[n*2] (minimised),
 * `runs` i32[n] with runs 0..nA-1 of side A and nA..nA+nB-1 of side B. Returns a block: u32
 * count m at 0, then at byte 8 f64[m*5] rows [xmin, ymin, xmax, ymax, diff], diff = (fraction of
 * A's runs attaining the rectangle) - (fraction of B's), non-zero; half-open rectangles
 * [xmin, xmax) x [ymin, ymax) that do not overlap and cover exactly where the EAFs differ,
 * sorted by xmin, then ymin. See diff2d.ts.
 */
export function eafDiff2d(pts: usize, runs: usize, n: i32, nA: i32, nB: i32): usize {
  const rects = bufNew(1024);
  const m = n > 0 ? eafDiff2dRects(pts, runs, n, nA, nB, rects) : 0;
  const res = heap.alloc(8 + <usize>m * 40);
  store<u32>(res, <u32>m);
  if (m > 0) {
    const perm = heap.alloc(<usize>m << 2);
    sortRowsBy(bufData(rects), m, 5, 0, 1, perm);
    for (let k = 0; k < m; k++) {
      memory.copy(res + 8 + <usize>k * 40, bufData(rects) + <usize>load<u32>(perm + (<usize>k << 2)) * 40, 40);
    }
    heap.free(perm);
  }
  bufFree(rects);
  return res;
}
