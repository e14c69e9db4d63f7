// Attainment surfaces of a collection of runs, three objectives.
import { sortRowsBy } from '../common/sort';
import { bufClear, bufData, bufFree, bufGrow, bufLength, bufNew } from './growbuf';
import { lowerValue, sortValues } from './sortedvalues';
import { bestY, countBelow } from './staircase';

/**
 * Level-k attainment surfaces (k = load<i32>(levels + 4 l), l = 0..L-1) of `n` points
 * (row-major, stride `d` >= 3, the first three coordinates used) whose runs are
 * load<i32>(runs + 4 i) in 0..nruns-1. Appends to the growbuf u32[L] `pointBufs` the points
 * (x, y, z) of each level, ordered by z ascending, then x ascending, and, when `flagBufs` != 0,
 * nruns bytes per point (1 when that run attains it).
 *
 * Sweep in z. A point (x, y, z) is on the level-k surface iff (x, y) is a minimal point of the
 * 2-D level-k region of the points with third objective <= z and was not in that region for the
 * previous distinct z. Each run keeps the staircase of its points swept so far (minimal in
 * (x, y)). Adding a point p of run r lowers r's staircase from y = o(x) to p.y on an interval
 * [p.x, e) of x and changes the level-k value K(x) (the k-th smallest staircase value over the
 * runs at x) only there, so only that interval is swept again: every run's staircase points in
 * it, in x order, with the sorted run values. A drop of K at x gives (x, K) as a candidate when
 * run r is the one that made it reach level k: p.y <= K < o(x) and exactly k runs attain it.
 * The candidates of the points sharing one z are then reduced to their minimal elements.
 *
 * Cost: O(n log n) to sort, then per point O(nruns log n) to locate the interval plus
 * O(m (nruns + L)) for the m staircase points in it: O(n^2 (nruns + L)) in the worst case,
 * far less when the interval is short (the usual case); plus O(nruns log n) per point emitted
 * with flags.
 */
export function eaf3dSurfaces(
  pts: usize, runs: usize, n: i32, d: i32, nruns: i32, levels: usize, L: i32, pointBufs: usize, flagBufs: usize,
): void {
  const perm = heap.alloc(<usize>n << 2);
  sortRowsBy(pts, n, d, 2, -1, perm);
  // Staircase slots: run r owns [base[r], base[r] + size of r).
  const base = heap.alloc(<usize>(nruns + 1) << 2);
  const len = heap.alloc(<usize>nruns << 2);
  memory.fill(base, 0, <usize>(nruns + 1) << 2);
  memory.fill(len, 0, <usize>nruns << 2);
  for (let i = 0; i < n; i++) {
    const b = base + (<usize>(load<i32>(runs + (<usize>i << 2)) + 1) << 2);
    store<i32>(b, load<i32>(b) + 1);
  }
  for (let r = 0; r < nruns; r++) {
    const b = base + (<usize>(r + 1) << 2);
    store<i32>(b, load<i32>(b) + load<i32>(b - 4));
  }
  const sx = heap.alloc((n > 0 ? <usize>n : <usize>1) << 3);
  const sy = heap.alloc((n > 0 ? <usize>n : <usize>1) << 3);
  // Interval sweep state.
  const cur = heap.alloc(<usize>nruns << 3);
  const sorted = heap.alloc(<usize>nruns << 3);
  const prevK = heap.alloc(<usize>L << 3);
  const removed = heap.alloc((n > 0 ? <usize>n : <usize>1) << 4); // (x, y) of the points p displaced
  const events = bufNew(256); // (x, y, run as f64) of the staircase points in the interval
  const evPerm = bufNew(256);
  // Per level: candidate (x, y) of the current z.
  const cand = heap.alloc(<usize>L << 2);
  for (let l = 0; l < L; l++) store<u32>(cand + (<usize>l << 2), <u32>bufNew(256));
  const candPerm = bufNew(256);

  let i = 0;
  while (i < n) {
    const z = load<f64>(pts + ((<usize>load<u32>(perm + (<usize>i << 2)) * <usize>d + 2) << 3));
    for (let l = 0; l < L; l++) bufClear(<usize>load<u32>(cand + (<usize>l << 2)));
    while (i < n) {
      const pi = <usize>load<u32>(perm + (<usize>i << 2));
      const q = pts + ((pi * <usize>d) << 3);
      if (load<f64>(q, 16) != z) break;
      i++;
      const px = load<f64>(q), py = load<f64>(q, 8);
      const r = load<i32>(runs + (pi << 2));
      const rb = load<i32>(base + (<usize>r << 2));
      const rl = load<i32>(len + (<usize>r << 2));
      // Weakly dominated in (x, y) by a point of its own run: nothing changes.
      const atOrLeft = countBelow(sx, rb, rl, px, true);
      if (atOrLeft > 0 && load<f64>(sy + (<usize>(rb + atOrLeft - 1) << 3)) <= py) continue;
      // Displace the staircase points of run r that p dominates; they follow the first x >= px.
      const first = countBelow(sx, rb, rl, px, false);
      let j = first;
      let nrem = 0;
      while (j < rl && load<f64>(sy + (<usize>(rb + j) << 3)) >= py) {
        store<f64>(removed + (<usize>nrem << 4), load<f64>(sx + (<usize>(rb + j) << 3)));
        store<f64>(removed + (<usize>nrem << 4), load<f64>(sy + (<usize>(rb + j) << 3)), 8);
        nrem++;
        j++;
      }
      const xEnd = j < rl ? load<f64>(sx + (<usize>(rb + j) << 3)) : Infinity;
      const oBefore = first > 0 ? load<f64>(sy + (<usize>(rb + first - 1) << 3)) : Infinity;
      // Replace slots [first, j) by p.
      const tail = rl - j;
      const newLen = first + 1 + tail;
      if (j != first + 1 && tail > 0) {
        memory.copy(sx + (<usize>(rb + first + 1) << 3), sx + (<usize>(rb + j) << 3), <usize>tail << 3);
        memory.copy(sy + (<usize>(rb + first + 1) << 3), sy + (<usize>(rb + j) << 3), <usize>tail << 3);
      }
      store<f64>(sx + (<usize>(rb + first) << 3), px);
      store<f64>(sy + (<usize>(rb + first) << 3), py);
      store<i32>(len + (<usize>r << 2), newLen);

      // Every run's value just left of px, and the staircase points in [px, xEnd).
      bufClear(events);
      for (let s = 0; s < nruns; s++) {
        const sb = load<i32>(base + (<usize>s << 2));
        const sl = load<i32>(len + (<usize>s << 2));
        const c = countBelow(sx, sb, sl, px, false);
        const v = c > 0 ? load<f64>(sy + (<usize>(sb + c - 1) << 3)) : Infinity;
        store<f64>(cur + (<usize>s << 3), v);
        store<f64>(sorted + (<usize>s << 3), v);
        for (let t = c; t < sl; t++) {
          const x = load<f64>(sx + (<usize>(sb + t) << 3));
          if (x >= xEnd) break;
          const e = bufGrow(events, 24);
          store<f64>(e, x);
          store<f64>(e, load<f64>(sy + (<usize>(sb + t) << 3)), 8);
          store<f64>(e, <f64>s, 16);
        }
      }
      sortValues(sorted, nruns);
      for (let l = 0; l < L; l++) {
        const k = load<i32>(levels + (<usize>l << 2));
        store<f64>(prevK + (<usize>l << 3), load<f64>(sorted + (<usize>(k - 1) << 3)));
      }
      const ne = <i32>(bufLength(events) / 24);
      let ev = bufData(events);
      let order: usize = 0;
      if (ne > 1) {
        bufClear(evPerm);
        order = bufGrow(evPerm, <usize>ne << 2);
        sortRowsBy(ev, ne, 3, 0, -1, order);
        ev = bufData(events);
      }
      let o = oBefore;
      let ro = 0;
      let e = 0;
      while (e < ne) {
        const x = load<f64>(ev + (<usize>(order != 0 ? load<u32>(order + (<usize>e << 2)) : e) * 24));
        while (e < ne) {
          const row = ev + <usize>(order != 0 ? load<u32>(order + (<usize>e << 2)) : e) * 24;
          if (load<f64>(row) != x) break;
          const s = <usize>load<f64>(row, 16);
          const y = load<f64>(row, 8);
          const old = load<f64>(cur + (s << 3));
          if (y < old) {
            lowerValue(sorted, nruns, old, y);
            store<f64>(cur + (s << 3), y);
          }
          e++;
        }
        while (ro < nrem && load<f64>(removed + (<usize>ro << 4)) <= x) {
          o = load<f64>(removed + (<usize>ro << 4), 8);
          ro++;
        }
        for (let l = 0; l < L; l++) {
          const k = load<i32>(levels + (<usize>l << 2));
          const K = load<f64>(sorted + (<usize>(k - 1) << 3));
          if (K < load<f64>(prevK + (<usize>l << 3))) {
            store<f64>(prevK + (<usize>l << 3), K);
            if (py <= K && K < o && (k == nruns || load<f64>(sorted + (<usize>k << 3)) > K)) {
              const c = bufGrow(<usize>load<u32>(cand + (<usize>l << 2)), 16);
              store<f64>(c, x);
              store<f64>(c, K, 8);
            }
          }
        }
      }
    }
    // The minimal candidates of each level are the new surface points at this z.
    for (let l = 0; l < L; l++) {
      const cb = <usize>load<u32>(cand + (<usize>l << 2));
      const nc = <i32>(bufLength(cb) >> 4);
      if (nc == 0) continue;
      bufClear(candPerm);
      const cp = bufGrow(candPerm, <usize>nc << 2);
      sortRowsBy(bufData(cb), nc, 2, 0, 1, cp);
      const cd = bufData(cb);
      let best = Infinity;
      for (let c = 0; c < nc; c++) {
        const row = cd + (<usize>load<u32>(cp + (<usize>c << 2)) << 4);
        const x = load<f64>(row), y = load<f64>(row, 8);
        if (!(y < best)) continue;
        best = y;
        const out = bufGrow(<usize>load<u32>(pointBufs + (<usize>l << 2)), 24);
        store<f64>(out, x);
        store<f64>(out, y, 8);
        store<f64>(out, z, 16);
        if (flagBufs != 0) {
          const f = bufGrow(<usize>load<u32>(flagBufs + (<usize>l << 2)), <usize>nruns);
          for (let s = 0; s < nruns; s++) {
            const v = bestY(sx, sy, load<i32>(base + (<usize>s << 2)), load<i32>(len + (<usize>s << 2)), x, true);
            store<u8>(f + <usize>s, v <= y ? 1 : 0);
          }
        }
      }
    }
  }
  bufFree(candPerm);
  for (let l = 0; l < L; l++) bufFree(<usize>load<u32>(cand + (<usize>l << 2)));
  heap.free(cand);
  bufFree(evPerm);
  bufFree(events);
  heap.free(removed);
  heap.free(prevK);
  heap.free(sorted);
  heap.free(cur);
  heap.free(sy);
  heap.free(sx);
  heap.free(len);
  heap.free(base);
  heap.free(perm);
}
