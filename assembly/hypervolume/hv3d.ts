import { orderKey, sortPairs, sortRowsBy } from '../common/sort';
import {
  rankSetAdd, rankSetBytes, rankSetInit, rankSetNext, rankSetPrev, rankSetRemove,
} from './rankset';

/**
 * Exact 3-D hypervolume (minimisation) of `n` points (row-major, stride `d` >= 3, the first three
 * coordinates used) with respect to (rx, ry, rz). Points that do not strictly dominate the
 * reference point are ignored.
 *
 * Algorithm: dimension sweep in z in the style of HV3D+ (Guerreiro, Fonseca & Beume's
 * O(n log n) algorithm; N. Beume, C. M. Fonseca, M. López-Ibáñez, L. Paquete, J. Vahrenhold,
 * "On the complexity of computing the hypervolume indicator", IEEE TEVC 13(5), 2009; A. P.
 * Guerreiro, C. M. Fonseca, "Computing and updating hypervolume contributions in up to four
 * dimensions", IEEE TEVC 22(3), 2018). The points are ranked once lexicographically by (x, y);
 * the non-dominated (x, y) staircase of the points swept so far is a set of such ranks in a
 * 64-ary bit tree, so locating a point's neighbours costs O(log_64 n). The covered area is kept
 * up to date by adding, for each inserted point, the rectangles between it and the old staircase
 * (only non-negative terms, no cancellation); every removed staircase point is paid for by its
 * insertion. The volume is the sum of area * (gap in z) between consecutive points.
 *
 * Complexity: O(n) for the radix sorts plus O(n log_64 n) for the sweep; O(n) memory.
 */
export function hv3dStrided(pts: usize, n: i32, d: i32, rx: f64, ry: f64, rz: f64): f64 {
  // Compact the points inside the reference box.
  const cap: usize = n > 0 ? <usize>n : 1;
  const buf = heap.alloc(cap * 24);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8), z = load<f64>(p, 16);
    if (x < rx && y < ry && z < rz) {
      const q = buf + <usize>m * 24;
      store<f64>(q, x);
      store<f64>(q, y, 8);
      store<f64>(q, z, 16);
      m++;
    }
  }
  let hv = 0.0;
  if (m > 0) hv = sweep(buf, m, rx, ry, rz);
  heap.free(buf);
  return hv;
}

/** The z-sweep over `m` compact (x, y, z) rows, all strictly inside the reference box. */
function sweep(buf: usize, m: i32, rx: f64, ry: f64, rz: f64): f64 {
  const mm = <usize>m;
  // Rank by (x, y); store x and y by rank, and each rank's z as a sort key.
  const perm = heap.alloc(mm << 2);
  sortRowsBy(buf, m, 3, 0, 1, perm);
  const xs = heap.alloc(mm << 3);
  const ys = heap.alloc(mm << 3);
  const zs = heap.alloc(mm << 3);
  const keys = heap.alloc(mm << 3);
  for (let r: usize = 0; r < mm; r++) {
    const q = buf + <usize>load<u32>(perm + (r << 2)) * 24;
    store<f64>(xs + (r << 3), load<f64>(q));
    store<f64>(ys + (r << 3), load<f64>(q, 8));
    const z = load<f64>(q, 16);
    store<f64>(zs + (r << 3), z);
    store<u64>(keys + (r << 3), orderKey(z));
    store<u32>(perm + (r << 2), <u32>r);
  }
  // perm becomes the ranks in z order.
  sortPairs(keys, perm, m);
  heap.free(keys);

  const set = heap.alloc(rankSetBytes(m));
  rankSetInit(set, m);
  let area = 0.0, vol = 0.0;
  let lastZ = load<f64>(zs + (<usize>load<u32>(perm) << 3));
  for (let k: usize = 0; k < mm; k++) {
    const r = <i32>load<u32>(perm + (k << 2));
    const z = load<f64>(zs + (<usize>r << 3));
    vol += area * (z - lastZ);
    lastZ = z;
    const x = load<f64>(xs + (<usize>r << 3));
    const y = load<f64>(ys + (<usize>r << 3));
    // Height of the staircase just right of x: the y of the closest rank below r.
    const pr = rankSetPrev(set, r);
    let h = pr >= 0 ? load<f64>(ys + (<usize>pr << 3)) : ry;
    if (h <= y) continue; // weakly dominated in (x, y)
    // Remove the staircase points that the new point dominates, adding the area
    // between the new point and the old staircase one rectangle at a time.
    let cur = x;
    let s = rankSetNext(set, r);
    while (s >= 0) {
      const sy = load<f64>(ys + (<usize>s << 3));
      if (sy < y) break;
      const sx = load<f64>(xs + (<usize>s << 3));
      area += (sx - cur) * (h - y);
      h = sy;
      cur = sx;
      rankSetRemove(set, s);
      s = rankSetNext(set, s);
    }
    const end = s >= 0 ? load<f64>(xs + (<usize>s << 3)) : rx;
    area += (end - cur) * (h - y);
    rankSetAdd(set, r);
  }
  vol += area * (rz - lastZ);
  heap.free(set);
  heap.free(zs);
  heap.free(ys);
  heap.free(xs);
  heap.free(perm);
  return vol;
}
