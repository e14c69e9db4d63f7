// Decompositions of the region that a front does NOT dominate (inside the reference box) into
// disjoint boxes, for the expected hypervolume improvement: a candidate y improves the
// hypervolume by the volume of {z ≥ y} within that region, i.e. by
//   Σ_boxes Π_j (u_j − max(l_j, y_j))⁺,
// and with independent coordinates the expectation of that product factorises per box.
// Minimisation throughout. Every box is unbounded below in y (l_y = −∞), and may be in x and z.
//
// 2-D: the staircase of the front sorted by x gives s + 1 vertical strips.
// 3-D: sweep the points in z order, keeping the 2-D staircase of the points swept so far as a
// list of strips (x range, height y_h, and the z at which the strip took its current shape).
// Inserting a point closes the strips it changes, emitting each as a box [x_l, x_u) × (−∞, y_h)
// × [z_start, z), and opens at most two new ones; at the end every open strip is closed at the
// reference z. So there are at most 2n + 1 boxes, built in O(n²) time (strips kept in an array).
//
// Coordinates are kept by index into per-axis tables (the front's values, then the reference
// value), so that the EHVI kernel can evaluate each Gaussian term once per distinct coordinate;
// index −1 stands for −∞.
import { sortRowsBy } from '../common/sort';

/**
 * The boxes of a 3-D front: a plain record in linear memory (unmanaged: allocated with
 * heap.alloc by buildBoxes3, released by freeBoxes3; no runtime object, no GC).
 * Box c is [X[ixl[c]], X[ixu[c]]) × (−∞, Y[iy[c]]) × [Z[izl[c]], Z[izu[c]]), the index arrays
 * being i32[count]; the coordinate tables X, Y, Z are f64[k + 1], entry k the reference
 * coordinate, index −1 standing for −∞.
 */
// @ts-ignore: decorator
@unmanaged
export class Boxes3 {
  /** number of boxes */
  count: i32;
  /** number of front points inside the reference box (table entries 0..k−1) */
  k: i32;
  ixl: usize;
  ixu: usize;
  iy: usize;
  izl: usize;
  izu: usize;
  X: usize;
  Y: usize;
  Z: usize;
}

/** Coordinate value of table entry i (−∞ for −1). */
// @ts-ignore: decorator
@inline
export function coord(table: usize, i: i32): f64 {
  return i < 0 ? -Infinity : load<f64>(table + (<usize>i << 3));
}

/**
 * The 2-D staircase: the points of `front` (n rows of stride 2) strictly inside (rx, ry),
 * non-dominated, sorted by x ascending (so y strictly descending), into xs/ys (f64[n] each).
 * Weakly dominated points and duplicates are dropped. Returns the number s of staircase points.
 * The strips of the non-dominated region are then [xs[i−1], xs[i]) × (−∞, ys[i−1]) for
 * i = 0..s, with xs[−1] = −∞, ys[−1] = ry and xs[s] = rx.
 */
export function staircase2(front: usize, n: i32, rx: f64, ry: f64, xs: usize, ys: usize): i32 {
  const cap: i32 = n > 0 ? n : 1;
  const xy = heap.alloc(<usize>cap << 4);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = front + (<usize>i << 4);
    const x = load<f64>(p), y = load<f64>(p, 8);
    if (x < rx && y < ry) {
      const q = xy + (<usize>m << 4);
      store<f64>(q, x);
      store<f64>(q, y, 8);
      m++;
    }
  }
  let s = 0;
  if (m > 0) {
    const perm = heap.alloc(<usize>m << 2);
    sortRowsBy(xy, m, 2, 0, 1, perm); // x ascending, ties by y ascending
    let ymin = ry;
    for (let i = 0; i < m; i++) {
      const q = xy + (<usize>load<i32>(perm + (<usize>i << 2)) << 4);
      const y = load<f64>(q, 8);
      if (y < ymin) {
        store<f64>(xs + (<usize>s << 3), load<f64>(q));
        store<f64>(ys + (<usize>s << 3), y);
        s++;
        ymin = y;
      }
    }
    heap.free(perm);
  }
  heap.free(xy);
  return s;
}

/**
 * Build the boxes of the region not dominated by the 3-D `front` (n rows of stride 3) inside
 * the reference box (rx, ry, rz). Points not strictly inside are ignored; dominated points and
 * duplicates are allowed (they add no box). Release the result with freeBoxes3.
 */
export function buildBoxes3(front: usize, n: i32, rx: f64, ry: f64, rz: f64): Boxes3 {
  const b = changetype<Boxes3>(heap.alloc(offsetof<Boxes3>()));
  // the points inside the box become the table entries 0..k−1, in z order
  const cap: i32 = n > 0 ? n : 1;
  const inside = heap.alloc(<usize>cap * 24);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const p = front + <usize>i * 24;
    const x = load<f64>(p), y = load<f64>(p, 8), z = load<f64>(p, 16);
    if (x < rx && y < ry && z < rz) {
      const q = inside + <usize>k * 24;
      store<f64>(q, x);
      store<f64>(q, y, 8);
      store<f64>(q, z, 16);
      k++;
    }
  }
  b.k = k;
  b.X = heap.alloc(<usize>(k + 1) << 3);
  b.Y = heap.alloc(<usize>(k + 1) << 3);
  b.Z = heap.alloc(<usize>(k + 1) << 3);
  if (k > 0) {
    const perm = heap.alloc(<usize>k << 2);
    sortRowsBy(inside, k, 3, 2, 0, perm); // z ascending, ties by x
    for (let i = 0; i < k; i++) {
      const q = inside + <usize>load<i32>(perm + (<usize>i << 2)) * 24;
      store<f64>(b.X + (<usize>i << 3), load<f64>(q));
      store<f64>(b.Y + (<usize>i << 3), load<f64>(q, 8));
      store<f64>(b.Z + (<usize>i << 3), load<f64>(q, 16));
    }
    heap.free(perm);
  }
  heap.free(inside);
  store<f64>(b.X + (<usize>k << 3), rx);
  store<f64>(b.Y + (<usize>k << 3), ry);
  store<f64>(b.Z + (<usize>k << 3), rz);

  const boxCap = <usize>(2 * k + 1);
  b.ixl = heap.alloc(boxCap << 2);
  b.ixu = heap.alloc(boxCap << 2);
  b.iy = heap.alloc(boxCap << 2);
  b.izl = heap.alloc(boxCap << 2);
  b.izu = heap.alloc(boxCap << 2);
  b.count = 0;

  // open strips, sorted by x: lower x (table index), height (index), start z (index)
  const stripCap = <usize>(k + 2);
  const sx = heap.alloc(stripCap << 2);
  const sy = heap.alloc(stripCap << 2);
  const sz = heap.alloc(stripCap << 2);
  let ns = 1;
  store<i32>(sx, -1);
  store<i32>(sy, k);
  store<i32>(sz, -1);

  for (let p = 0; p < k; p++) {
    const px = load<f64>(b.X + (<usize>p << 3)), py = load<f64>(b.Y + (<usize>p << 3)), pz = load<f64>(b.Z + (<usize>p << 3));
    // a = the last strip whose lower x is <= px (strip 0 starts at −∞)
    let lo = 0, hi = ns - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (coord(b.X, load<i32>(sx + (<usize>mid << 2))) <= px) lo = mid;
      else hi = mid - 1;
    }
    const a = lo;
    if (load<f64>(b.Y + (<usize>load<i32>(sy + (<usize>a << 2)) << 3)) <= py) continue; // weakly dominated by a point swept earlier
    // strips a..e−1 lie above py (heights decrease with x) and are cut by p
    let e = a + 1;
    while (e < ns && load<f64>(b.Y + (<usize>load<i32>(sy + (<usize>e << 2)) << 3)) > py) e++;
    for (let j = a; j < e; j++) {
      const zs = load<i32>(sz + (<usize>j << 2));
      if (coord(b.Z, zs) < pz) {
        const c = b.count++;
        store<i32>(b.ixl + (<usize>c << 2), load<i32>(sx + (<usize>j << 2)));
        store<i32>(b.ixu + (<usize>c << 2), j + 1 < ns ? load<i32>(sx + (<usize>(j + 1) << 2)) : k);
        store<i32>(b.iy + (<usize>c << 2), load<i32>(sy + (<usize>j << 2)));
        store<i32>(b.izl + (<usize>c << 2), zs);
        store<i32>(b.izu + (<usize>c << 2), p);
      }
    }
    // replacement: [x_a, px) keeps strip a's height if non-empty, then [px, x_e) at height py
    const keepLeft = coord(b.X, load<i32>(sx + (<usize>a << 2))) < px;
    const added = keepLeft ? 2 : 1;
    const removed = e - a;
    const tail = ns - e;
    if (added != removed && tail > 0) {
      const from = <usize>e << 2, to = <usize>(a + added) << 2, bytes = <usize>tail << 2;
      memory.copy(sx + to, sx + from, bytes);
      memory.copy(sy + to, sy + from, bytes);
      memory.copy(sz + to, sz + from, bytes);
    }
    let w = a;
    if (keepLeft) {
      // sx[a], sy[a] stay as they are
      store<i32>(sz + (<usize>w << 2), p);
      w++;
    }
    store<i32>(sx + (<usize>w << 2), p);
    store<i32>(sy + (<usize>w << 2), p);
    store<i32>(sz + (<usize>w << 2), p);
    ns += added - removed;
  }
  for (let j = 0; j < ns; j++) {
    const c = b.count++;
    store<i32>(b.ixl + (<usize>c << 2), load<i32>(sx + (<usize>j << 2)));
    store<i32>(b.ixu + (<usize>c << 2), j + 1 < ns ? load<i32>(sx + (<usize>(j + 1) << 2)) : k);
    store<i32>(b.iy + (<usize>c << 2), load<i32>(sy + (<usize>j << 2)));
    store<i32>(b.izl + (<usize>c << 2), load<i32>(sz + (<usize>j << 2)));
    store<i32>(b.izu + (<usize>c << 2), k);
  }
  heap.free(sx);
  heap.free(sy);
  heap.free(sz);
  return b;
}

export function freeBoxes3(b: Boxes3): void {
  heap.free(b.ixl);
  heap.free(b.ixu);
  heap.free(b.iy);
  heap.free(b.izl);
  heap.free(b.izu);
  heap.free(b.X);
  heap.free(b.Y);
  heap.free(b.Z);
  heap.free(changetype<usize>(b));
}
