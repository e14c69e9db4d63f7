import { sortRowsBy } from '../common/sort';

// ---------------------------------------------------------------------------------------------
// A set of integers in [0, size) as a 64-ary tree of bitsets: level 0 has one bit per element,
// a bit of level l+1 is set when the corresponding 64-bit word of level l is non-zero. Insert,
// remove, predecessor and successor cost O(log_64 size) word operations.
// Layout at `t`: u32 number of levels, u32 word offset of each level (at most 7 levels), then
// the words from t + TREE_HEADER.

const TREE_HEADER: usize = 32;

function treeWords(size: i32): usize {
  let words = (<usize>size + 63) >> 6;
  if (words == 0) words = 1;
  let total = words;
  while (words > 1) {
    words = (words + 63) >> 6;
    total += words;
  }
  return total;
}

/** Allocate an empty set over [0, size). */
function treeNew(size: i32): usize {
  const total = treeWords(size);
  const t = heap.alloc(TREE_HEADER + (total << 3));
  let words = (<usize>size + 63) >> 6;
  if (words == 0) words = 1;
  let levels: u32 = 0;
  let off: usize = 0;
  while (true) {
    store<u32>(t + 4 + (<usize>levels << 2), <u32>off);
    levels++;
    off += words;
    if (words == 1) break;
    words = (words + 63) >> 6;
  }
  store<u32>(t, levels);
  memory.fill(t + TREE_HEADER, 0, total << 3);
  return t;
}

// @ts-ignore: decorator
@inline
function treeWord(t: usize, level: u32, w: u32): usize {
  return t + TREE_HEADER + ((<usize>load<u32>(t + 4 + (<usize>level << 2)) + <usize>w) << 3);
}

function treeInsert(t: usize, k: i32): void {
  const levels = load<u32>(t);
  let pos = <u32>k;
  for (let l: u32 = 0; l < levels; l++) {
    const w = treeWord(t, l, pos >> 6);
    const old = load<u64>(w);
    store<u64>(w, old | (<u64>1 << <u64>(pos & 63)));
    if (old != 0) return;
    pos >>= 6;
  }
}

function treeRemove(t: usize, k: i32): void {
  const levels = load<u32>(t);
  let pos = <u32>k;
  for (let l: u32 = 0; l < levels; l++) {
    const w = treeWord(t, l, pos >> 6);
    const now = load<u64>(w) & ~(<u64>1 << <u64>(pos & 63));
    store<u64>(w, now);
    if (now != 0) return;
    pos >>= 6;
  }
}

/** The least element > k (k >= 0), or -1. */
function treeSucc(t: usize, k: i32): i32 {
  const levels = load<u32>(t);
  let pos = <u32>k;
  let l: u32 = 0;
  while (true) {
    if (l == levels) return -1;
    const wi = pos >> 6;
    const word = load<u64>(treeWord(t, l, wi)) & ((<u64>-1 << <u64>(pos & 63)) << 1);
    if (word != 0) {
      pos = (wi << 6) + <u32>ctz(word);
      break;
    }
    pos = wi;
    l++;
  }
  while (l > 0) {
    l--;
    pos = (pos << 6) + <u32>ctz(load<u64>(treeWord(t, l, pos)));
  }
  return <i32>pos;
}

/** The greatest element <= k, or -1 (also for k < 0). */
function treePred(t: usize, k: i32): i32 {
  if (k < 0) return -1;
  const levels = load<u32>(t);
  let pos = <u32>k;
  let l: u32 = 0;
  while (true) {
    if (l == levels) return -1;
    const wi = pos >> 6;
    const word = load<u64>(treeWord(t, l, wi)) & (<u64>-1 >> <u64>(63 - (pos & 63)));
    if (word != 0) {
      pos = (wi << 6) + 63 - <u32>clz(word);
      break;
    }
    if (wi == 0) return -1;
    pos = wi - 1;
    l++;
  }
  while (l > 0) {
    l--;
    pos = (pos << 6) + 63 - <u32>clz(load<u64>(treeWord(t, l, pos)));
  }
  return <i32>pos;
}

// ---------------------------------------------------------------------------------------------
// Sweep state, indexed by the dense lexicographic (x, y) rank of a point's projection.
// Module globals hold the buffers of the running call (kernels are not re-entrant).

let XS: usize = 0; // f64 per rank: x
let YS: usize = 0; // f64 per rank: y
let AREA: usize = 0; // f64 per rank: exclusive area of the front point at this rank
let LASTZ: usize = 0; // f64 per rank: height up to which AREA has been integrated
let MASS: usize = 0; // f64 per rank: AREA when last computed from scratch plus all cuts since
let OWNER: usize = 0; // u32 per rank: original row of the point that occupies the rank
let DEAD: usize = 0; // u8 per rank: the front point has a duplicate projection (area stays 0)
let FRONT: usize = 0; // tree: ranks of the 2-D non-dominated front of the swept points
let SECOND: usize = 0; // tree: ranks of the second-level points (see hvc3d)
let OUT: usize = 0;

// @ts-ignore: decorator
@inline function xs(r: i32): f64 { return load<f64>(XS + (<usize>r << 3)); }
// @ts-ignore: decorator
@inline function ys(r: i32): f64 { return load<f64>(YS + (<usize>r << 3)); }

/** Integrate the area of front rank `r` up to height z (its area is about to change). */
function flush(r: i32, z: f64): void {
  const a = AREA + (<usize>r << 3);
  const lz = LASTZ + (<usize>r << 3);
  const o = OUT + (<usize>load<u32>(OWNER + (<usize>r << 2)) << 3);
  store<f64>(o, load<f64>(o) + load<f64>(a) * (z - load<f64>(lz)));
  store<f64>(lz, z);
}

/** Front rank `r` loses `covered` of its area at height z. */
function shrink(r: i32, z: f64, covered: f64): void {
  flush(r, z);
  const a = AREA + (<usize>r << 3);
  store<f64>(a, load<f64>(a) - covered);
  const w = MASS + (<usize>r << 3);
  store<f64>(w, load<f64>(w) + covered);
}

/**
 * Area of front rank `r` from scratch: the vertical strips between its corner and its second
 * level, bounded by its front neighbours (or the reference).
 */
function exactArea(r: i32, rx: f64, ry: f64): f64 {
  const l = treePred(FRONT, r - 1);
  const nx = treeSucc(FRONT, r);
  const end = nx >= 0 ? nx : 0x7fffffff;
  const y0 = ys(r);
  let px = xs(r);
  let py = l >= 0 ? ys(l) : ry;
  let area = 0.0;
  let s = treeSucc(SECOND, r);
  while (s >= 0 && s < end) {
    const sx = xs(s);
    area += (sx - px) * (py - y0);
    px = sx;
    py = ys(s);
    s = treeSucc(SECOND, s);
  }
  return area + ((nx >= 0 ? xs(nx) : rx) - px) * (py - y0);
}

/**
 * Keep the running area of front rank `r` accurate: an area obtained by subtracting cuts from a
 * much larger one has lost relative precision (about eps * MASS / AREA), so once MASS exceeds
 * 2^10 AREA the area is recomputed exactly, in O(size of its second level). The cuts since the
 * last exact value add up to at most that value, so a recomputation follows at least a 512-fold
 * shrink of the area: few per point in practice.
 */
function settle(r: i32, rx: f64, ry: f64): void {
  if (r < 0 || load<u8>(DEAD + <usize>r) != 0) return;
  const a = AREA + (<usize>r << 3);
  const w = MASS + (<usize>r << 3);
  if (load<f64>(w) > 1024.0 * load<f64>(a)) {
    const exact = exactArea(r, rx, ry);
    store<f64>(a, exact);
    store<f64>(w, exact);
  }
}

/**
 * Cover part of the exclusive region of a front point p by the quadrant [cx, inf) x [cy, inf),
 * with p.x <= cx and p.y <= cy, and return the area newly covered. The second-level points
 * of p after rank `start` that the quadrant weakly dominates (those with y >= cy, the first
 * ones in rank order) are removed. `yTop` is the y of the last second-level point of p at or
 * before `start` (or p's upper bound), `rb` p's right bound and `end` the rank bounding p's
 * second-level points. The covered area is a sum of vertical strips, each a product of
 * non-negative differences.
 */
function cover(start: i32, cx: f64, cy: f64, yTop: f64, rb: f64, end: i32): f64 {
  let covered = 0.0;
  let px = cx;
  let py = yTop;
  let s = treeSucc(SECOND, start);
  while (s >= 0 && s < end) {
    const sy = ys(s);
    if (sy < cy) break;
    const sx = xs(s);
    covered += (sx - px) * (py - cy);
    px = sx;
    py = sy;
    treeRemove(SECOND, s);
    s = treeSucc(SECOND, s);
  }
  const bx = s >= 0 && s < end ? xs(s) : rb;
  covered += (bx - px) * (py - cy);
  return covered;
}

/** Remove every second-level rank in (lo, hi). */
function dropSecond(lo: i32, hi: i32): void {
  let s = treeSucc(SECOND, lo);
  while (s >= 0 && s < hi) {
    treeRemove(SECOND, s);
    s = treeSucc(SECOND, s);
  }
}

/**
 * Exclusive 3-D hypervolume contributions (minimisation): out[i] = HV(S) - HV(S \ {i}) for the
 * `n` points of `pts` (row-major, stride `d` >= 3, the first three coordinates used) with
 * respect to (rx, ry, rz). `out` (f64[n]) must be zeroed by the caller. Exact for any input:
 * dominated points, duplicates and ties in any coordinate.
 *
 * Algorithm: a sweep in z in the spirit of HVC3D (A. P. Guerreiro, C. M. Fonseca, "Computing
 * and updating hypervolume contributions in up to four dimensions", IEEE Trans. Evol. Comput.
 * 22(3):449-463, 2018), extended to sets with dominated points. Points strictly inside the
 * reference box are inserted in z order; at height z the cross-section of the dominated region
 * is the 2-D union of the boxes of the points already inserted, and the contribution of p is
 * the integral over z of the area of the part of that cross-section covered by p alone.
 *  - Only a point of the 2-D non-dominated front F (kept in a bitset tree over the dense
 *    lexicographic (x, y) ranks) can cover something alone. For p in F with front neighbours
 *    l (left) and r (right), that part lies in the rectangle R_p = [p.x, r.x) x [p.y, l.y);
 *    it is R_p minus the boxes of the points that p alone dominates. The non-dominated ones of
 *    those form p's "second level" staircase, kept in a second bitset tree: their ranks lie
 *    between p's and r's, so the owner of a second-level point is its front predecessor.
 *  - A point dominated by two points of the cross-section never matters again (the set only
 *    grows), so it is dropped for good. Each point therefore enters and leaves the front and
 *    the second level at most once.
 *  - Inserting q: if a front point p weakly dominates q's projection, q either duplicates p
 *    (p's area becomes 0 for good, its second level is dropped), lies outside R_p or under
 *    p's second level (dropped), or joins p's second level, removing the second-level points
 *    it dominates and cutting p's area by the strips it newly covers. Otherwise q joins F: the
 *    front points it dominates leave F (their second levels are dropped) and become q's
 *    second level, the neighbours' rectangles are clipped to q's box and their second-level
 *    points inside it are dropped, and q's area is computed from its new second level.
 *  - Areas are integrated lazily: a front point's area times the height since its last change
 *    is added to its contribution whenever the area changes, and at rz at the end.
 *  - Precision: an area kept up to date by subtracting cuts loses relative accuracy when it
 *    becomes much smaller than what was subtracted; it is then recomputed from its strips
 *    (`settle`), so each contribution keeps a relative error of about 1e-12 or better.
 * All area updates are sums of vertical strips whose sides are non-negative differences, so
 * ties (zero-width strips) need no special cases.
 *
 * Complexity: O(n log n) time (radix sorts by (x, y) and by z, then O(1) amortised tree
 * operations of cost O(log_64 n) per point, plus the exact recomputations of `settle`, each
 * after a 512-fold shrink of an area), O(n) memory.
 */
export function hvc3d(pts: usize, n: i32, d: i32, rx: f64, ry: f64, rz: f64, out: usize): void {
  const cap: i32 = n > 0 ? n : 1;
  // Compact the points strictly inside the reference box.
  const c = heap.alloc(<usize>cap * 24);
  const idx = heap.alloc(<usize>cap << 2);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8), z = load<f64>(p, 16);
    if (x < rx && y < ry && z < rz) {
      const q = c + <usize>m * 24;
      store<f64>(q, x);
      store<f64>(q, y, 8);
      store<f64>(q, z, 16);
      store<u32>(idx + (<usize>m << 2), <u32>i);
      m++;
    }
  }
  if (m == 0) {
    heap.free(idx);
    heap.free(c);
    return;
  }
  // Dense lexicographic (x, y) ranks.
  const perm = heap.alloc(<usize>m << 2);
  const rankOf = heap.alloc(<usize>m << 2);
  sortRowsBy(c, m, 3, 0, 1, perm);
  XS = heap.alloc(<usize>m << 3);
  YS = heap.alloc(<usize>m << 3);
  let nr = 0;
  let lx = 0.0, ly = 0.0;
  for (let k = 0; k < m; k++) {
    const j = load<u32>(perm + (<usize>k << 2));
    const q = c + <usize>j * 24;
    const x = load<f64>(q), y = load<f64>(q, 8);
    if (k == 0 || x != lx || y != ly) {
      store<f64>(XS + (<usize>nr << 3), x);
      store<f64>(YS + (<usize>nr << 3), y);
      lx = x;
      ly = y;
      nr++;
    }
    store<u32>(rankOf + (<usize>j << 2), <u32>(nr - 1));
  }
  sortRowsBy(c, m, 3, 2, -1, perm);
  AREA = heap.alloc(<usize>nr << 3);
  LASTZ = heap.alloc(<usize>nr << 3);
  MASS = heap.alloc(<usize>nr << 3);
  OWNER = heap.alloc(<usize>nr << 2);
  DEAD = heap.alloc(<usize>nr);
  memory.fill(DEAD, 0, <usize>nr);
  FRONT = treeNew(nr);
  SECOND = treeNew(nr);
  OUT = out;

  for (let t = 0; t < m; t++) {
    const j = load<u32>(perm + (<usize>t << 2));
    const k = <i32>load<u32>(rankOf + (<usize>j << 2));
    const z = load<f64>(c + <usize>j * 24, 16);
    const x = xs(k), y = ys(k);
    const row = load<u32>(idx + (<usize>j << 2));
    const p = treePred(FRONT, k);
    if (p >= 0 && ys(p) <= y) {
      // p weakly dominates q's projection.
      if (load<u8>(DEAD + <usize>p) != 0) continue;
      const r = treeSucc(FRONT, p);
      const end = r >= 0 ? r : nr;
      if (p == k) {
        // Duplicate projection: neither copy covers anything alone from now on.
        flush(p, z);
        store<f64>(AREA + (<usize>p << 3), 0);
        store<u8>(DEAD + <usize>p, 1);
        dropSecond(p, end);
        continue;
      }
      const l = treePred(FRONT, p - 1);
      const lb = l >= 0 ? ys(l) : ry;
      if (y >= lb) continue; // also dominated by l
      const a = treePred(SECOND, k);
      if (a > p && ys(a) <= y) continue; // under p's second level (or a duplicate of it)
      const yTop = a > p ? ys(a) : lb;
      const covered = cover(k, x, y, yTop, r >= 0 ? xs(r) : rx, end);
      treeInsert(SECOND, k);
      store<u32>(OWNER + (<usize>k << 2), row);
      shrink(p, z, covered);
      settle(p, rx, ry);
      continue;
    }
    // q joins the front. Its left neighbour is p (p.x < x, p.y > y); the front points after it
    // with y >= q.y (a contiguous run) are dominated by q; the first one below is rn.
    const first = treeSucc(FRONT, k);
    let rn = first;
    let lastX = -1;
    while (rn >= 0 && ys(rn) >= y) {
      lastX = rn;
      rn = treeSucc(FRONT, rn);
    }
    const firstX = lastX >= 0 ? first : -1;
    const endQ = rn >= 0 ? rn : nr;
    if (p >= 0 && load<u8>(DEAD + <usize>p) == 0) {
      // Clip the left neighbour's rectangle at x = q.x.
      const pl = treePred(FRONT, p - 1);
      const a = treePred(SECOND, k);
      const yTop = a > p ? ys(a) : (pl >= 0 ? ys(pl) : ry);
      const oldRb = firstX >= 0 ? xs(firstX) : (rn >= 0 ? xs(rn) : rx);
      shrink(p, z, cover(k, x, ys(p), yTop, oldRb, firstX >= 0 ? firstX : endQ));
    }
    if (rn >= 0 && load<u8>(DEAD + <usize>rn) == 0) {
      // Clip the right neighbour's rectangle at y = q.y.
      const rr = treeSucc(FRONT, rn);
      const oldLb = lastX >= 0 ? ys(lastX) : (p >= 0 ? ys(p) : ry);
      shrink(rn, z, cover(rn, xs(rn), y, oldLb, rr >= 0 ? xs(rr) : rx, rr >= 0 ? rr : nr));
    }
    // The second levels of the dominated front points are dominated twice now.
    dropSecond(k, endQ);
    // Move the dominated front points to q's second level and compute q's area.
    let area = 0.0;
    let px = x;
    let py = p >= 0 ? ys(p) : ry;
    let f = firstX;
    while (f >= 0 && f < endQ) {
      const next = treeSucc(FRONT, f);
      flush(f, z);
      treeRemove(FRONT, f);
      treeInsert(SECOND, f);
      const fx = xs(f);
      area += (fx - px) * (py - y);
      px = fx;
      py = ys(f);
      f = next;
    }
    area += ((rn >= 0 ? xs(rn) : rx) - px) * (py - y);
    treeInsert(FRONT, k);
    store<u32>(OWNER + (<usize>k << 2), row);
    store<f64>(AREA + (<usize>k << 3), area);
    store<f64>(MASS + (<usize>k << 3), area);
    store<f64>(LASTZ + (<usize>k << 3), z);
    settle(p, rx, ry);
    settle(rn, rx, ry);
  }
  // Integrate the final front up to rz.
  for (let r = 0; r < nr; r++) {
    const w = load<u64>(treeWord(FRONT, 0, <u32>r >> 6));
    if (((w >> <u64>(r & 63)) & 1) != 0) flush(r, rz);
  }

  heap.free(SECOND);
  heap.free(FRONT);
  heap.free(DEAD);
  heap.free(OWNER);
  heap.free(MASS);
  heap.free(LASTZ);
  heap.free(AREA);
  heap.free(YS);
  heap.free(XS);
  heap.free(rankOf);
  heap.free(perm);
  heap.free(idx);
  heap.free(c);
  XS = YS = AREA = LASTZ = MASS = OWNER = DEAD = FRONT = SECOND = OUT = 0;
}
