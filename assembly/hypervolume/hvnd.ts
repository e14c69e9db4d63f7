import { orderKey } from '../common/sort';
import { sortPairsAny } from './pairsort';
import { hv4dCore, hv4dWorkspace } from './hv4d';

// Per-level workspace of the recursion, one per dimension 5..d, each sized for n points:
// a header of pointers followed by the arrays.
const L_ORD: usize = 0; // u32[n] the points in order of the last coordinate
const L_KEYS: usize = 4; // u64[n] sort keys
const L_TK: usize = 8; // u64[n] sort scratch
const L_TV: usize = 12; // u32[n] sort scratch
const L_LIM: usize = 16; // f64[n * (dim - 1)] the limited set handed to the level below
const L_MASK: usize = 20; // u64[n] exceed mask of each earlier point (see hvLevel)
const L_KEPT: usize = 24; // u32[n] kept candidates (row pointers)
const L_KMASK: usize = 28; // u64[n] their masks
const L_BEST: usize = 32; // f64[dim] per objective: lowest value among one-objective candidates
const L_BESTJ: usize = 36; // i32[dim] and its position in L_ORD (-1: none)
const L_SRT: usize = 40; // f64[n * dim] the rows sorted by the last objective
const L_HEADER: usize = 44;

// Exceed masks have one bit per objective; objectives from MASK_LAST on share the last bit,
// which is then never treated as a single objective.
const MASK_LAST: usize = 63;

function levelAlloc(n: usize, dim: i32): usize {
  const du = <usize>dim;
  const bytes = L_HEADER + n * (8 * 4 + 4 * 3) + ((n * (du - 1)) << 3) + ((n * du) << 3) + du * 12;
  const lv = heap.alloc(bytes);
  let p = lv + L_HEADER;
  store<usize>(lv + L_KEYS, p); p += n << 3;
  store<usize>(lv + L_TK, p); p += n << 3;
  store<usize>(lv + L_MASK, p); p += n << 3;
  store<usize>(lv + L_KMASK, p); p += n << 3;
  store<usize>(lv + L_LIM, p); p += (n * (du - 1)) << 3;
  store<usize>(lv + L_SRT, p); p += (n * du) << 3;
  store<usize>(lv + L_BEST, p); p += du << 3;
  store<usize>(lv + L_ORD, p); p += n << 2;
  store<usize>(lv + L_TV, p); p += n << 2;
  store<usize>(lv + L_KEPT, p); p += n << 2;
  store<usize>(lv + L_BESTJ, p);
  return lv;
}

/**
 * Exact hypervolume (minimisation) for d >= 5 of `n` points (row-major, stride d) w.r.t. `ref`
 * (f64[d]). Points that do not strictly dominate the reference point are ignored.
 *
 * Algorithm: dimension sweep over the last objective with exclusive contributions computed on
 * limited sets, in the manner of WFG (L. While, L. Bradstreet, L. Barone, "A fast way of
 * calculating exact hypervolumes", IEEE TEVC 16(1), 2012) and of the dimension-sweep recursion
 * of C. M. Fonseca, L. Paquete, M. López-Ibáñez, "An improved dimension-sweep algorithm for the
 * hypervolume indicator", CEC 2006. With the points sorted by the last objective v,
 *   HV_d(S) = sum_i (r_v - v_i) * C_i,  C_i = vol(box of p_i) - HV_{d-1}(limit(p_1..p_{i-1}, p_i)),
 * where C_i is the (d-1)-D exclusive contribution of p_i to the points before it and the limited
 * set replaces every earlier point q by max(q, p_i) (coordinate-wise, first d-1 objectives). The
 * (d-1)-D volume recurses the same way down to d = 4, where the HV4D+-style kernel of hv4d.ts
 * takes over (told that a limited point equal to p_i in x, y, z ends its sweep). A point weakly
 * dominated in its first d-1 objectives by an earlier one contributes 0 and is skipped at once.
 *
 * Complexity: O(n^(d-2)) in the worst case (O(n^2) per 4-D call); the limited sets shrink quickly
 * in practice. Memory O(n d^2).
 */
export function hvNdStrided(pts: usize, n: i32, d: i32, ref: usize): f64 {
  const cap: usize = n > 0 ? <usize>n : 1;
  const du = <usize>d;
  const buf = heap.alloc((cap * du) << 3);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * du) << 3);
    let inside = true;
    for (let c: usize = 0; c < du; c++) {
      if (!(load<f64>(p + (c << 3)) < load<f64>(ref + (c << 3)))) {
        inside = false;
        break;
      }
    }
    if (inside) {
      memory.copy(buf + ((<usize>m * du) << 3), p, du << 3);
      m++;
    }
  }
  let hv = 0.0;
  if (m > 0) {
    const mm = <usize>m;
    // Level workspaces for dimensions 5..d, at levels[dim].
    const levels = heap.alloc((du + 1) << 2);
    for (let dim = 5; dim <= d; dim++) store<usize>(levels + (<usize>dim << 2), levelAlloc(mm, dim));
    const ws4 = hv4dWorkspace(m);
    hv = hvLevel(levels, ws4, buf, m, d, ref, 0);
    heap.free(ws4);
    for (let dim = 5; dim <= d; dim++) heap.free(load<usize>(levels + (<usize>dim << 2)));
    heap.free(levels);
  }
  heap.free(buf);
  return hv;
}

// @ts-ignore: decorator
@inline
function maskShift(c: usize): u64 {
  return <u64>(c < MASK_LAST ? c : MASK_LAST);
}

/** Whether the limited point max(a, p) weakly dominates max(b, p) in the first `bytes` / 8 objectives. */
// @ts-ignore: decorator
@inline
function limitedLeq(a: usize, b: usize, p: usize, bytes: usize): bool {
  for (let c: usize = 0; c < bytes; c += 8) {
    const pv = load<f64>(p + c);
    if (max(load<f64>(a + c), pv) > max(load<f64>(b + c), pv)) return false;
  }
  return true;
}

/**
 * HV of `m` compact rows of `dim` >= 5 objectives, all inside the reference box. If `corner` is
 * not 0, every row is >= corner (f64[dim]) coordinate-wise, so a row equal to it in the first
 * dim - 1 objectives makes every later contribution 0.
 *
 * The limited set of p is reduced to its non-dominated points before recursing. Most limited
 * points are dominated, and cheaply so: let the exceed mask of q be the set of objectives where
 * q > p (0: q covers p). max(r, p) <= max(q, p) needs mask(r) within mask(q), which an integer
 * test rules out for most pairs; and a point exceeding p in a single objective c dominates every
 * limited point exceeding p in c by at least as much, so the lowest such point per objective is
 * found in a first pass and filters the rest in O(popcount) each. The remaining candidates are
 * checked against the kept ones both ways.
 */
function hvLevel(levels: usize, ws4: usize, pts: usize, m: i32, dim: i32, ref: usize, corner: usize): f64 {
  const lv = load<usize>(levels + (<usize>dim << 2));
  const ord = load<usize>(lv + L_ORD), keys = load<usize>(lv + L_KEYS);
  const tk = load<usize>(lv + L_TK), tv = load<usize>(lv + L_TV), lim = load<usize>(lv + L_LIM);
  const masks = load<usize>(lv + L_MASK), kept = load<usize>(lv + L_KEPT);
  const kmask = load<usize>(lv + L_KMASK);
  const best = load<usize>(lv + L_BEST), bestJ = load<usize>(lv + L_BESTJ);
  const srt = load<usize>(lv + L_SRT);
  const mm = <usize>m;
  const du = <usize>dim;
  const dl = du - 1; // objectives of the limited set
  const last = dl << 3; // byte offset of the last objective in a row
  const rowBytes = du << 3, limBytes = dl << 3;
  for (let i: usize = 0; i < mm; i++) {
    store<u64>(keys + (i << 3), orderKey(load<f64>(pts + i * rowBytes + last)));
    store<u32>(ord + (i << 2), <u32>i);
  }
  sortPairsAny(keys, ord, m, tk, tv);
  for (let i: usize = 0; i < mm; i++) {
    memory.copy(srt + i * rowBytes, pts + <usize>load<u32>(ord + (i << 2)) * rowBytes, rowBytes);
  }

  const rLast = load<f64>(ref + last);
  let total = 0.0;
  for (let i: usize = 0; i < mm; i++) {
    const p = srt + i * rowBytes;

    // Pass 1: exceed masks of the earlier points, the best one-objective point per objective.
    for (let c: usize = 0; c < dl; c++) {
      store<f64>(best + (c << 3), Infinity);
      store<i32>(bestJ + (c << 2), -1);
    }
    let covered = false;
    for (let j: usize = 0; j < i; j++) {
      const q = srt + j * rowBytes;
      let mask: u64 = 0;
      for (let c: usize = 0; c < dl; c++) {
        // Branch-free: the comparisons are unpredictable.
        mask |= <u64>(load<f64>(q + (c << 3)) > load<f64>(p + (c << 3))) << maskShift(c);
      }
      if (mask == 0) {
        covered = true;
        break;
      }
      store<u64>(masks + (j << 3), mask);
      if ((mask & (mask - 1)) == 0) {
        const c = <usize>ctz(mask);
        if (c < MASK_LAST) {
          const v = load<f64>(q + (c << 3));
          if (v < load<f64>(best + (c << 3))) {
            store<f64>(best + (c << 3), v);
            store<i32>(bestJ + (c << 2), <i32>j);
          }
        }
      }
    }
    if (covered) continue;

    // Pass 2: the other candidates, latest first.
    let nk: usize = 0;
    for (let jj = i; jj > 0; jj--) {
      const j = jj - 1;
      const mask = load<u64>(masks + (j << 3));
      if ((mask & (mask - 1)) == 0 && ctz(mask) < <u64>MASK_LAST) continue; // a one-objective point
      const q = srt + j * rowBytes;
      // Dominated by a one-objective point? (Where q <= p, q < best holds anyway.)
      let hit: u32 = 0;
      for (let c: usize = 0; c < dl; c++) {
        hit |= <u32>(load<f64>(q + (c << 3)) >= load<f64>(best + (c << 3)));
      }
      if (hit != 0) continue;
      let dropped = false;
      let t: usize = 0;
      while (t < nk) {
        const km = load<u64>(kmask + (t << 3));
        const r = <usize>load<u32>(kept + (t << 2));
        if ((km & ~mask) == 0 && limitedLeq(r, q, p, limBytes)) {
          dropped = true;
          break;
        }
        if ((mask & ~km) == 0 && limitedLeq(q, r, p, limBytes)) {
          nk--;
          store<u32>(kept + (t << 2), load<u32>(kept + (nk << 2)));
          store<u64>(kmask + (t << 3), load<u64>(kmask + (nk << 3)));
        } else {
          t++;
        }
      }
      if (dropped) continue;
      store<u32>(kept + (nk << 2), <u32>q);
      store<u64>(kmask + (nk << 3), mask);
      nk++;
    }

    // The non-dominated limited set.
    let cnt: usize = 0;
    for (let c: usize = 0; c < dl; c++) {
      const j = load<i32>(bestJ + (c << 2));
      if (j < 0) continue;
      const q = srt + <usize>j * rowBytes;
      const out = lim + cnt * limBytes;
      for (let e: usize = 0; e < limBytes; e += 8) store<f64>(out + e, max(load<f64>(q + e), load<f64>(p + e)));
      cnt++;
    }
    for (let t: usize = 0; t < nk; t++) {
      const q = <usize>load<u32>(kept + (t << 2));
      const out = lim + cnt * limBytes;
      for (let e: usize = 0; e < limBytes; e += 8) store<f64>(out + e, max(load<f64>(q + e), load<f64>(p + e)));
      cnt++;
    }

    let box = 1.0;
    for (let c: usize = 0; c < limBytes; c += 8) box *= load<f64>(ref + c) - load<f64>(p + c);
    let sub = 0.0;
    if (cnt > 0) {
      if (dl == 4) {
        sub = hv4dCore(ws4, lim, <i32>cnt, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16),
          load<f64>(ref, 24), load<f64>(p), load<f64>(p, 8), load<f64>(p, 16));
      } else {
        sub = hvLevel(levels, ws4, lim, <i32>cnt, <i32>dl, ref, p);
      }
    }
    const contrib = box - sub;
    if (contrib > 0) total += contrib * (rLast - load<f64>(p + last));
    if (corner != 0) {
      let atCorner = true;
      for (let c: usize = 0; c < limBytes; c += 8) {
        if (load<f64>(p + c) > load<f64>(corner + c)) {
          atCorner = false;
          break;
        }
      }
      if (atCorner) break;
    }
  }
  return total;
}
