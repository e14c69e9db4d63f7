import { hypervolume } from '../hypervolume/index';
import { hv3dStrided } from '../hypervolume/hv3d';
import { hvContributions } from '../hypervolume/hvc';

/**
 * An incremental Pareto archive (minimisation): the non-dominated subset of the points inserted
 * so far, with its exact hypervolume w.r.t. a reference point fixed at creation, kept up to date
 * by the exact change of every insertion and removal instead of being recomputed.
 *
 * Semantics. insert(p) rejects p (returns -1) when p does not strictly dominate the reference
 * point or when an archived point weakly dominates it (duplicates included); otherwise p enters
 * with a fresh id and every archived point that p dominates is dropped for good. remove(id)
 * takes an archived point out; points dropped earlier do not come back (as in an SMS-EMOA
 * bounded archive). Equivalently: the archive is the non-dominated subset (first copy of
 * duplicates) of the points given inside the reference box, where removing a point also
 * forgets every point given so far that it weakly dominates.
 *
 * Storage. One state block (below) plus row-major f64[cap*d] points and i32[cap] ids:
 *  - d = 2: the rows sorted by the first coordinate (strictly increasing x, strictly decreasing
 *    y). insert: binary search for x, the weak-dominance test against the predecessor, then the
 *    dominated run (the contiguous points after it with y >= p.y) is replaced by p in one block
 *    move. The hypervolume changes by the area between p and the old staircase, a sum of
 *    non-negative rectangles (see insert2d). remove: a scan for the id, the exclusive rectangle
 *    of the point subtracted, one block move. O(log n + k) comparisons plus an O(n) memmove.
 *  - d = 1 or d >= 3: the rows in insertion order (ascending ids). insert: one O(n d) pass for
 *    weak dominance and the contribution bounds, the exclusive contribution of p from the
 *    archive limited to p's box (see contribution), one compaction pass. remove: the removed
 *    point's contribution the same way, then one block move.
 *
 * The hypervolume is a Neumaier-compensated sum of the exact changes (reset to 0 when the
 * archive empties); each change is computed in a box around the point, so its rounding is
 * relative to that box, not to the total.
 */

// State block layout (byte offsets).
const O_D: usize = 0; // i32 number of objectives
const O_N: usize = 4; // i32 archived points
const O_CAP: usize = 8; // i32 capacity (rows)
const O_NEXT: usize = 12; // i32 next id
const O_PTS: usize = 16; // usize f64[cap*d] rows
const O_IDS: usize = 20; // usize i32[cap] ids
const O_REF: usize = 24; // usize f64[d] reference point
const O_SCR: usize = 28; // usize f64[cap*d] limited set (d != 2)
const O_CORNER: usize = 32; // usize f64[d] upper corner of the contribution box (d != 2)
const O_DROP: usize = 36; // usize i32[cap] ids dropped by the last insert
const O_NDROP: usize = 40; // i32 number of them
const O_SUM: usize = 48; // f64 hypervolume sum
const O_COMP: usize = 56; // f64 its compensation
const STATE_BYTES: usize = 64;
const MIN_CAP: i32 = 16;

// @ts-ignore: decorator
@inline function dimOf(h: usize): i32 { return load<i32>(h + O_D); }
// @ts-ignore: decorator
@inline function sizeOf(h: usize): i32 { return load<i32>(h + O_N); }
// @ts-ignore: decorator
@inline function ptsOf(h: usize): usize { return load<usize>(h + O_PTS); }
// @ts-ignore: decorator
@inline function idsOf(h: usize): usize { return load<usize>(h + O_IDS); }
// @ts-ignore: decorator
@inline function refOf(h: usize): usize { return load<usize>(h + O_REF); }
// @ts-ignore: decorator
@inline function f64At(p: usize, k: i32): f64 { return load<f64>(p + (<usize>k << 3)); }

/** Neumaier-compensated accumulation of `v` into the archive's hypervolume. */
function addHv(h: usize, v: f64): void {
  const s = load<f64>(h + O_SUM);
  const t = s + v;
  let c = load<f64>(h + O_COMP);
  if (Math.abs(s) >= Math.abs(v)) c += (s - t) + v;
  else c += (v - t) + s;
  store<f64>(h + O_SUM, t);
  store<f64>(h + O_COMP, c);
}

/** Grow the buffers to hold at least `need` rows. */
function reserve(h: usize, need: i32): void {
  const cap = load<i32>(h + O_CAP);
  if (need <= cap) return;
  let nc = cap < MIN_CAP ? MIN_CAP : cap;
  while (nc < need) nc = nc << 1;
  const row = <usize>dimOf(h) << 3;
  store<usize>(h + O_PTS, heap.realloc(ptsOf(h), <usize>nc * row));
  store<usize>(h + O_IDS, heap.realloc(idsOf(h), <usize>nc << 2));
  store<usize>(h + O_DROP, heap.realloc(load<usize>(h + O_DROP), <usize>nc << 2));
  if (dimOf(h) != 2) store<usize>(h + O_SCR, heap.realloc(load<usize>(h + O_SCR), <usize>nc * row));
  store<i32>(h + O_CAP, nc);
}

/**
 * A new empty archive for `d` objectives with reference point `ref` (f64[d], copied). Returns
 * the handle (a pointer to the state), or 0 when d < 1.
 */
/** Append row p after the first `at` rows (the archive's new size is at + 1) with a fresh id; returns it. */
function append(h: usize, at: i32, p: usize): i32 {
  reserve(h, at + 1);
  const row = <usize>dimOf(h) << 3;
  memory.copy(ptsOf(h) + <usize>at * row, p, row);
  const id = load<i32>(h + O_NEXT);
  store<i32>(idsOf(h) + (<usize>at << 2), id);
  store<i32>(h + O_NEXT, id + 1);
  store<i32>(h + O_N, at + 1);
  return id;
}

export function archiveCreate(d: i32, ref: usize): usize {
  if (d < 1) return 0;
  const row = <usize>d << 3;
  const h = heap.alloc(STATE_BYTES);
  memory.fill(h, 0, STATE_BYTES);
  store<i32>(h + O_D, d);
  store<i32>(h + O_CAP, MIN_CAP);
  store<usize>(h + O_PTS, heap.alloc(<usize>MIN_CAP * row));
  store<usize>(h + O_IDS, heap.alloc(<usize>MIN_CAP << 2));
  store<usize>(h + O_DROP, heap.alloc(<usize>MIN_CAP << 2));
  const r = heap.alloc(row);
  memory.copy(r, ref, row);
  store<usize>(h + O_REF, r);
  if (d != 2) {
    store<usize>(h + O_SCR, heap.alloc(<usize>MIN_CAP * row));
    store<usize>(h + O_CORNER, heap.alloc(row));
  }
  return h;
}

/** Release an archive and all its buffers. */
export function archiveFree(h: usize): void {
  if (h == 0) return;
  heap.free(ptsOf(h));
  heap.free(idsOf(h));
  heap.free(load<usize>(h + O_DROP));
  heap.free(refOf(h));
  if (dimOf(h) != 2) {
    heap.free(load<usize>(h + O_SCR));
    heap.free(load<usize>(h + O_CORNER));
  }
  heap.free(h);
}

/** Number of archived points. */
export function archiveSize(h: usize): i32 {
  return sizeOf(h);
}

/** The archive's hypervolume (maintained incrementally; exact up to rounding). */
export function archiveHypervolume(h: usize): f64 {
  return load<f64>(h + O_SUM) + load<f64>(h + O_COMP);
}

/**
 * Copy the archived points to `out` (f64[size*d], row-major) and their ids to `ids`
 * (i32[size]); either may be 0 to skip it. Order: d = 2 by the first objective ascending
 * (the second descending); otherwise insertion order (ascending ids).
 */
export function archiveFront(h: usize, out: usize, ids: usize): void {
  const n = <usize>sizeOf(h);
  if (out != 0) memory.copy(out, ptsOf(h), n * (<usize>dimOf(h) << 3));
  if (ids != 0) memory.copy(ids, idsOf(h), n << 2);
}

/**
 * Ids of the archived points that the last successful insert dropped (it dominated them):
 * written to `out` (i32[count]) unless out is 0; returns the count.
 */
export function archiveDropped(h: usize, out: usize): i32 {
  const k = load<i32>(h + O_NDROP);
  if (out != 0 && k > 0) memory.copy(out, load<usize>(h + O_DROP), <usize>k << 2);
  return k;
}

/**
 * The exclusive hypervolume contribution of every archived point, in front order, to `out`
 * (f64[size]). d = 2: each point's rectangle up to its neighbours, O(n); otherwise the
 * contributions kernel on the archived points.
 */
export function archiveContributions(h: usize, out: usize): void {
  const n = sizeOf(h);
  if (n == 0) return;
  const d = dimOf(h);
  const pts = ptsOf(h);
  const ref = refOf(h);
  if (d != 2) {
    hvContributions(pts, n, d, ref, out);
    return;
  }
  const rx = load<f64>(ref), ry = load<f64>(ref, 8);
  for (let i = 0; i < n; i++) {
    const q = pts + (<usize>i << 4);
    const nx = i + 1 < n ? load<f64>(q, 16) : rx;
    const py = i > 0 ? load<f64>(q - 8) : ry;
    store<f64>(out + (<usize>i << 3), (nx - load<f64>(q)) * (py - load<f64>(q, 8)));
  }
}

/** Index of the archived point with id `id`, or -1. */
function indexOfId(h: usize, id: i32): i32 {
  const ids = idsOf(h);
  const n = sizeOf(h);
  for (let i = 0; i < n; i++) if (load<i32>(ids + (<usize>i << 2)) == id) return i;
  return -1;
}

/**
 * Offer the point `p` (f64[d], not retained) to the archive. Returns its id (>= 0) when it
 * entered, -1 when rejected (outside the reference box, or weakly dominated by an archived
 * point), -2 (archive unchanged) once 2^31 - 1 ids have been issued. On entry the archived
 * points it dominates are dropped (see archiveDropped).
 */
export function archiveInsert(h: usize, p: usize): i32 {
  if (load<i32>(h + O_NEXT) == i32.MAX_VALUE) return -2;
  const d = dimOf(h);
  const ref = refOf(h);
  for (let k = 0; k < d; k++) if (!(f64At(p, k) < f64At(ref, k))) return -1;
  if (d == 2) return insert2d(h, p);
  return d == 3 ? insert3d(h, p) : insertNd(h, p);
}

/** Take the archived point `id` out; returns 1 when it was archived, else 0. */
export function archiveRemove(h: usize, id: i32): i32 {
  const i = indexOfId(h, id);
  if (i < 0) return 0;
  const d = dimOf(h);
  const n = sizeOf(h);
  const pts = ptsOf(h);
  const ids = idsOf(h);
  const row = <usize>d << 3;
  if (d == 2) {
    const ref = refOf(h);
    const q = pts + (<usize>i << 4);
    const nx = i + 1 < n ? load<f64>(q, 16) : load<f64>(ref);
    const py = i > 0 ? load<f64>(q - 8) : load<f64>(ref, 8);
    addHv(h, -((nx - load<f64>(q)) * (py - load<f64>(q, 8))));
  } else if (d == 3) {
    addHv(h, -contribution3d(h, pts + <usize>i * row, i));
  } else {
    addHv(h, -contribution(h, pts + <usize>i * row, i));
  }
  const tail = <usize>(n - 1 - i);
  if (tail > 0) {
    memory.copy(pts + <usize>i * row, pts + <usize>(i + 1) * row, tail * row);
    memory.copy(ids + (<usize>i << 2), ids + (<usize>(i + 1) << 2), tail << 2);
  }
  store<i32>(h + O_N, n - 1);
  if (n == 1) {
    store<f64>(h + O_SUM, 0);
    store<f64>(h + O_COMP, 0);
  }
  return 1;
}

/**
 * 2-D insertion into the staircase x_0 < ... < x_{n-1}, y_0 > ... > y_{n-1} (all inside the
 * reference box (rx, ry)); p = (a, b).
 *
 * Let lo be the number of points with x < a. The only candidates for weakly dominating p are
 * the point at lo when x_lo == a (then y_lo <= b decides), else the point lo - 1 (least y among
 * x < a). If p enters, the points it dominates are exactly the run lo..hi-1 of points with
 * y >= b (their x >= a; none equals p). Write Y = y_{lo-1} (ry when lo = 0), x_n = rx, and
 * X = x_lo (= x_hi when the run is empty).
 *
 * Hypervolume change. HV(new) - HV(old) is the area dominated by p and by no old point: at
 * abscissa t in [a, X) the old staircase covers y >= Y, so p adds the height Y - b; at t in
 * [x_j, x_{j+1}) for a run point j the old staircase covers y >= y_j, so p adds y_j - b; for
 * t >= x_hi the old staircase is already below b. Hence
 *     dHV = (X - a)(Y - b) + sum_{j=lo}^{hi-1} (x_{j+1} - x_j)(y_j - b).
 * It equals p's exclusive rectangle in the new set, (x_hi - a)(Y - b), minus the run's joint
 * contribution in the old set, sum_j (x_{j+1} - x_j)(Y - y_j); the form above has only
 * non-negative terms (differences of ordered coordinates), so no cancellation.
 */
function insert2d(h: usize, p: usize): i32 {
  const a = load<f64>(p), b = load<f64>(p, 8);
  const ref = refOf(h);
  const rx = load<f64>(ref), ry = load<f64>(ref, 8);
  const n = sizeOf(h);
  let pts = ptsOf(h);
  // lo = first index with x >= a.
  let l = 0, r = n;
  while (l < r) {
    const mid = (l + r) >>> 1;
    if (load<f64>(pts + (<usize>mid << 4)) < a) l = mid + 1;
    else r = mid;
  }
  const lo = l;
  const w = lo < n && load<f64>(pts + (<usize>lo << 4)) == a ? lo : lo - 1;
  if (w >= 0 && load<f64>(pts + (<usize>w << 4), 8) <= b) return -1;
  let hi = lo;
  while (hi < n && load<f64>(pts + (<usize>hi << 4), 8) >= b) hi++;
  // The change of hypervolume, summed with compensation (positive terms).
  const Y = lo > 0 ? load<f64>(pts + (<usize>(lo - 1) << 4), 8) : ry;
  const X = lo < n ? load<f64>(pts + (<usize>lo << 4)) : rx;
  let s = (X - a) * (Y - b);
  let c = 0.0;
  for (let j = lo; j < hi; j++) {
    const q = pts + (<usize>j << 4);
    const nx = j + 1 < n ? load<f64>(q, 16) : rx;
    const v = (nx - load<f64>(q)) * (load<f64>(q, 8) - b);
    const t = s + v;
    c += s >= v ? (s - t) + v : (v - t) + s;
    s = t;
  }
  addHv(h, s + c);
  // Record the dropped ids, then replace the run by p.
  const k = hi - lo;
  let ids = idsOf(h);
  if (k > 0) memory.copy(load<usize>(h + O_DROP), ids + (<usize>lo << 2), <usize>k << 2);
  store<i32>(h + O_NDROP, k);
  if (k != 1) {
    reserve(h, n - k + 1);
    pts = ptsOf(h);
    ids = idsOf(h);
    const tail = <usize>(n - hi);
    if (tail > 0) {
      memory.copy(pts + (<usize>(lo + 1) << 4), pts + (<usize>hi << 4), tail << 4);
      memory.copy(ids + (<usize>(lo + 1) << 2), ids + (<usize>hi << 2), tail << 2);
    }
  }
  const q = pts + (<usize>lo << 4);
  store<f64>(q, a);
  store<f64>(q, b, 8);
  const id = load<i32>(h + O_NEXT);
  store<i32>(ids + (<usize>lo << 2), id);
  store<i32>(h + O_NEXT, id + 1);
  store<i32>(h + O_N, n - k + 1);
  return id;
}

/**
 * 3-D insertion: the general method (see insertNd and contribution) with the coordinates in
 * locals and two passes over the rows: one for weak dominance and the corner c of the
 * contribution box, one that collects the limited set and drops the dominated rows in place.
 */
function insert3d(h: usize, p: usize): i32 {
  const n = sizeOf(h);
  const pts = ptsOf(h);
  const ref = refOf(h);
  const px = load<f64>(p), py = load<f64>(p, 8), pz = load<f64>(p, 16);
  let cx = load<f64>(ref), cy = load<f64>(ref, 8), cz = load<f64>(ref, 16);
  let dominated = 0;
  for (let i = 0; i < n; i++) {
    const q = pts + <usize>i * 24;
    const qx = load<f64>(q), qy = load<f64>(q, 8), qz = load<f64>(q, 16);
    const wx = qx > px, wy = qy > py, wz = qz > pz;
    const nw = <i32>wx + <i32>wy + <i32>wz;
    if (nw == 0) return -1;
    if (nw == 1) {
      if (wx) cx = min(cx, qx);
      else if (wy) cy = min(cy, qy);
      else cz = min(cz, qz);
    }
    dominated += <i32>(qx >= px) & <i32>(qy >= py) & <i32>(qz >= pz);
  }
  const scr = load<usize>(h + O_SCR);
  let ids = idsOf(h);
  const drop = load<usize>(h + O_DROP);
  let m = 0, w = 0;
  for (let i = 0; i < n; i++) {
    const q = pts + <usize>i * 24;
    const qx = load<f64>(q), qy = load<f64>(q, 8), qz = load<f64>(q, 16);
    const mx = max(qx, px), my = max(qy, py), mz = max(qz, pz);
    if (mx < cx && my < cy && mz < cz) {
      const s = scr + <usize>m * 24;
      store<f64>(s, mx);
      store<f64>(s, my, 8);
      store<f64>(s, mz, 16);
      m++;
    }
    if (dominated > 0) {
      if (qx >= px && qy >= py && qz >= pz) {
        store<i32>(drop + (<usize>(i - w) << 2), load<i32>(ids + (<usize>i << 2)));
        continue;
      }
      if (w != i) {
        const t = pts + <usize>w * 24;
        store<f64>(t, qx);
        store<f64>(t, qy, 8);
        store<f64>(t, qz, 16);
        store<i32>(ids + (<usize>w << 2), load<i32>(ids + (<usize>i << 2)));
      }
    }
    w++;
  }
  let v = (cx - px) * (cy - py) * (cz - pz);
  if (m > 0) v -= hv3dStrided(scr, m, 3, cx, cy, cz);
  addHv(h, v);
  store<i32>(h + O_NDROP, n - w);
  return append(h, w, p);
}

/** contribution() for d = 3, the coordinates in locals. */
function contribution3d(h: usize, p: usize, skip: i32): f64 {
  const n = sizeOf(h);
  const pts = ptsOf(h);
  const ref = refOf(h);
  const px = load<f64>(p), py = load<f64>(p, 8), pz = load<f64>(p, 16);
  let cx = load<f64>(ref), cy = load<f64>(ref, 8), cz = load<f64>(ref, 16);
  for (let i = 0; i < n; i++) {
    if (i == skip) continue;
    const q = pts + <usize>i * 24;
    const qx = load<f64>(q), qy = load<f64>(q, 8), qz = load<f64>(q, 16);
    const wx = qx > px, wy = qy > py, wz = qz > pz;
    if (<i32>wx + <i32>wy + <i32>wz == 1) {
      if (wx) cx = min(cx, qx);
      else if (wy) cy = min(cy, qy);
      else cz = min(cz, qz);
    }
  }
  const scr = load<usize>(h + O_SCR);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (i == skip) continue;
    const q = pts + <usize>i * 24;
    const mx = max(load<f64>(q), px), my = max(load<f64>(q, 8), py), mz = max(load<f64>(q, 16), pz);
    if (mx < cx && my < cy && mz < cz) {
      const s = scr + <usize>m * 24;
      store<f64>(s, mx);
      store<f64>(s, my, 8);
      store<f64>(s, mz, 16);
      m++;
    }
  }
  const v = (cx - px) * (cy - py) * (cz - pz);
  return m > 0 ? v - hv3dStrided(scr, m, 3, cx, cy, cz) : v;
}

/** Insertion for d = 1 and d >= 4 (rows in insertion order). */
function insertNd(h: usize, p: usize): i32 {
  const d = dimOf(h);
  const n = sizeOf(h);
  const row = <usize>d << 3;
  let pts = ptsOf(h);
  // Weak dominance of p, and how many archived points p dominates.
  let dominated = 0;
  for (let i = 0; i < n; i++) {
    const q = pts + <usize>i * row;
    let worse = false, better = false;
    for (let k = 0; k < d; k++) {
      const qk = f64At(q, k), pk = f64At(p, k);
      if (qk > pk) worse = true;
      else if (qk < pk) better = true;
    }
    if (!worse) return -1;
    if (!better) dominated++;
  }
  addHv(h, contribution(h, p, -1));
  // Drop the dominated points (order kept), then append p.
  let ids = idsOf(h);
  const drop = load<usize>(h + O_DROP);
  let m = n;
  if (dominated > 0) {
    m = 0;
    let nd = 0;
    for (let i = 0; i < n; i++) {
      const q = pts + <usize>i * row;
      let better = false;
      for (let k = 0; k < d; k++) {
        if (f64At(q, k) < f64At(p, k)) {
          better = true;
          break;
        }
      }
      if (!better) {
        store<i32>(drop + (<usize>nd << 2), load<i32>(ids + (<usize>i << 2)));
        nd++;
        continue;
      }
      if (m != i) {
        memory.copy(pts + <usize>m * row, q, row);
        store<i32>(ids + (<usize>m << 2), load<i32>(ids + (<usize>i << 2)));
      }
      m++;
    }
  }
  store<i32>(h + O_NDROP, n - m);
  return append(h, m, p);
}

/**
 * Exclusive hypervolume contribution of `p` (inside the reference box, not weakly dominated by
 * an archived point) with respect to the archived points other than row `skip` (-1: all of
 * them); d != 2. O(n d) plus one hypervolume call on the limited set.
 *
 * A point z of p's box [p, r) is dominated by an archived q iff z >= max(q, p) (the set limited
 * to p), so the contribution is vol[p, r) - HV({max(q, p)}). Two reductions keep the limited set
 * and the cancellation small:
 *  - a point q no worse than p in every coordinate but l (q_l > p_l) clips to p moved along
 *    axis l to q_l, which dominates all of p's box from q_l on in l. So the exclusive region
 *    lies in the box [p, c) with c_l = min(r_l, least such q_l);
 *  - inside that box, a clipped point max(q, p) matters only when it lies strictly below c in
 *    every coordinate (else its box misses [p, c)).
 * Hence contribution = vol[p, c) - HV({max(q, p) < c}, reference c): the hypervolume call
 * sees only the points near p (the neighbours on the front), and the subtraction is relative to
 * the small box [p, c), not to p's whole box.
 */
function contribution(h: usize, p: usize, skip: i32): f64 {
  const d = dimOf(h);
  const n = sizeOf(h);
  const row = <usize>d << 3;
  const pts = ptsOf(h);
  const ref = refOf(h);
  const c = load<usize>(h + O_CORNER);
  memory.copy(c, ref, row);
  for (let i = 0; i < n; i++) {
    if (i == skip) continue;
    const q = pts + <usize>i * row;
    let worse = -1, nworse = 0;
    for (let k = 0; k < d; k++) {
      if (f64At(q, k) > f64At(p, k)) {
        worse = k;
        if (++nworse > 1) break;
      }
    }
    if (nworse == 1) {
      const v = f64At(q, worse);
      const cw = c + (<usize>worse << 3);
      if (v < load<f64>(cw)) store<f64>(cw, v);
    }
  }
  const scr = load<usize>(h + O_SCR);
  let m = 0;
  for (let i = 0; i < n; i++) {
    if (i == skip) continue;
    const q = pts + <usize>i * row;
    const dst = scr + <usize>m * row;
    let keep = true;
    for (let k = 0; k < d; k++) {
      const qk = f64At(q, k), pk = f64At(p, k);
      const v = qk > pk ? qk : pk;
      if (!(v < f64At(c, k))) {
        keep = false;
        break;
      }
      store<f64>(dst + (<usize>k << 3), v);
    }
    if (keep) m++;
  }
  let vol = 1.0;
  for (let k = 0; k < d; k++) vol *= f64At(c, k) - f64At(p, k);
  if (m == 0) return vol;
  if (d == 3) return vol - hv3dStrided(scr, m, 3, f64At(c, 0), f64At(c, 1), f64At(c, 2));
  return vol - hypervolume(scr, m, d, c);
}
