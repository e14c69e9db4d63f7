import { orderKey } from '../common/sort';
import { sortPairsAny } from './pairsort';
import { hv4dCore, hv4dWorkspace } from './hv4d';

// Per-level workspace of the recursion, one per dimension 5..d, each sized for n points:
// a header of array pointers followed by the arrays. dl = dim - 1, NB = 2^dl (0 above
// BUCKET_DIMS_MAX).
const L_ORD: usize = 0; // u32[n] sort values: the rows in order of the last objective
const L_KEYS: usize = 4; // u64[n] sort keys
const L_TK: usize = 8; // u64[n] sort scratch
const L_TV: usize = 12; // u32[n] sort scratch
const L_SRT: usize = 16; // f64[n * dim] the rows sorted by the last objective
const L_FRONT: usize = 20; // f64[n * dl] F: the rows swept so far not dominated in dl objectives
const L_LIM: usize = 24; // f64[n * dl] the limited set handed to the level below
const L_MASK: usize = 28; // u64[n] exceed mask of each member of F
const L_DEL: usize = 32; // u32[n] positions in F to delete
const L_KEPT: usize = 36; // u32[n] the kept candidates (row pointers)
const L_KMASK: usize = 40; // u64[n] their masks (flat filter)
const L_NEXT: usize = 44; // i32[n] candidate bucket links (bucketed filter)
const L_KNEXT: usize = 48; // i32[n] kept bucket links (bucketed filter)
const L_BEST: usize = 52; // f64[dl] per objective: lowest value among one-objective members
const L_BESTJ: usize = 56; // i32[dl] and its position in F (-1: none)
const L_HEAD: usize = 60; // i32[NB] candidate bucket heads
const L_KHEAD: usize = 64; // i32[NB] kept bucket heads
const L_ORDER: usize = 68; // u32[NB] the masks with two or more bits, by number of bits
const L_NORDER: usize = 72; // u32: their count
const L_HEADER: usize = 80;

// Exceed masks have one bit per objective; objectives from MASK_LAST on share the last bit,
// which is then never treated as a single objective.
const MASK_LAST: usize = 63;
// Up to this many objectives in the limited set, candidates are bucketed by exceed mask.
const BUCKET_DIMS_MAX: usize = 6;

function levelAlloc(n: usize, dim: i32): usize {
  const du = <usize>dim, dl = du - 1;
  const nb: usize = dl <= BUCKET_DIMS_MAX ? <usize>1 << dl : 0;
  const bytes = L_HEADER + n * (8 * 4 + 4 * 7) + ((n * (du + dl * 2)) << 3) + dl * 12 + nb * 12;
  const lv = heap.alloc(bytes);
  let p = lv + L_HEADER;
  store<usize>(lv + L_KEYS, p); p += n << 3;
  store<usize>(lv + L_TK, p); p += n << 3;
  store<usize>(lv + L_MASK, p); p += n << 3;
  store<usize>(lv + L_KMASK, p); p += n << 3;
  store<usize>(lv + L_SRT, p); p += (n * du) << 3;
  store<usize>(lv + L_FRONT, p); p += (n * dl) << 3;
  store<usize>(lv + L_LIM, p); p += (n * dl) << 3;
  store<usize>(lv + L_BEST, p); p += dl << 3;
  store<usize>(lv + L_ORD, p); p += n << 2;
  store<usize>(lv + L_TV, p); p += n << 2;
  store<usize>(lv + L_DEL, p); p += n << 2;
  store<usize>(lv + L_KEPT, p); p += n << 2;
  store<usize>(lv + L_NEXT, p); p += n << 2;
  store<usize>(lv + L_KNEXT, p); p += n << 2;
  store<usize>(lv + L_BESTJ, p); p += dl << 2;
  store<usize>(lv + L_HEAD, p); p += nb << 2;
  store<usize>(lv + L_KHEAD, p); p += nb << 2;
  store<usize>(lv + L_ORDER, p);
  // Masks with >= 2 bits, by increasing number of bits.
  let cnt: u32 = 0;
  for (let bits: u32 = 2; bits <= <u32>dl && nb > 0; bits++) {
    for (let mask: u32 = 0; mask < <u32>nb; mask++) {
      if (<u32>popcnt(mask) == bits) {
        store<u32>(p + (<usize>cnt << 2), mask);
        cnt++;
      }
    }
  }
  store<u32>(lv + L_NORDER, cnt);
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
 * set replaces every earlier point q by max(q, p_i) (coordinate-wise, first d-1 objectives). Only
 * the non-dominated limited points are kept (see hvLevel), and the (d-1)-D volume recurses the
 * same way down to d = 4, where the HV4D+-style kernel of hv4d.ts takes over (told that a limited
 * point equal to p_i in x, y, z ends its sweep). A point weakly dominated in its first d-1
 * objectives by an earlier one contributes 0 and is skipped at once.
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

/** out = max(q, p) in the first `bytes` / 8 objectives (p01, p23: p's first four, for bytes = 32). */
// @ts-ignore: decorator
@inline
function limitRow(out: usize, q: usize, p: usize, bytes: usize, p01: v128, p23: v128): void {
  if (bytes == 32) {
    v128.store(out, f64x2.max(v128.load(q), p01));
    v128.store(out, f64x2.max(v128.load(q, 16), p23), 16);
  } else {
    for (let e: usize = 0; e < bytes; e += 8) store<f64>(out + e, max(load<f64>(q + e), load<f64>(p + e)));
  }
}

/** Whether max(a, p) weakly dominates max(b, p) in the first `bytes` / 8 objectives. */
// @ts-ignore: decorator
@inline
function limitedLeq(a: usize, b: usize, p: usize, bytes: usize): bool {
  for (let c: usize = 0; c < bytes; c += 8) {
    const pv = load<f64>(p + c);
    if (max(load<f64>(a + c), pv) > max(load<f64>(b + c), pv)) return false;
  }
  return true;
}

/** limitedLeq for four objectives, p given as two f64x2 halves. */
// @ts-ignore: decorator
@inline
function limitedLeq4(a: usize, b: usize, p01: v128, p23: v128): bool {
  const lo = f64x2.le(f64x2.max(v128.load(a), p01), f64x2.max(v128.load(b), p01));
  const hi = f64x2.le(f64x2.max(v128.load(a, 16), p23), f64x2.max(v128.load(b, 16), p23));
  return i64x2.all_true(v128.and(lo, hi));
}

/** Whether F member q (exceed mask `mask`) is dominated after limiting by a one-objective member. */
// @ts-ignore: decorator
@inline
function hitsBest(q: usize, best: usize, dl: usize): bool {
  // Where q <= p, q < best holds anyway, so all objectives can be tested, branch-free.
  let hit: u32 = 0;
  for (let c: usize = 0; c < dl; c++) hit |= <u32>(load<f64>(q + (c << 3)) >= load<f64>(best + (c << 3)));
  return hit != 0;
}

/**
 * HV of `m` compact rows of `dim` >= 5 objectives, all inside the reference box. If `corner` is
 * not 0, every row is >= corner (f64[dim]) coordinate-wise, so a row equal to it in the first
 * dim - 1 objectives makes every later contribution 0.
 *
 * Limited sets are built from F, the rows swept so far that no other swept row weakly dominates
 * in the first dl = dim - 1 objectives (the others only give dominated limited points), and
 * reduced to their non-dominated points before recursing. Most limited points are dominated, and
 * cheaply so: let the exceed mask of q be the set of objectives where q > p (0: q covers p).
 * max(r, p) <= max(q, p) needs mask(r) within mask(q); and a member exceeding p in one objective
 * c dominates every limited point exceeding p in c by at least as much, so the lowest such member
 * per objective, found in a first pass, filters most of the rest in O(dl) each. The remaining
 * candidates are bucketed by mask and processed by increasing number of bits, each checked only
 * against kept points whose mask is within its own (flat list, checked both ways, above
 * BUCKET_DIMS_MAX objectives).
 */
function hvLevel(levels: usize, ws4: usize, pts: usize, m: i32, dim: i32, ref: usize, corner: usize): f64 {
  const lv = load<usize>(levels + (<usize>dim << 2));
  const ord = load<usize>(lv + L_ORD), keys = load<usize>(lv + L_KEYS);
  const tk = load<usize>(lv + L_TK), tv = load<usize>(lv + L_TV), lim = load<usize>(lv + L_LIM);
  const masks = load<usize>(lv + L_MASK), kept = load<usize>(lv + L_KEPT);
  const best = load<usize>(lv + L_BEST), bestJ = load<usize>(lv + L_BESTJ);
  const srt = load<usize>(lv + L_SRT), front = load<usize>(lv + L_FRONT), del = load<usize>(lv + L_DEL);
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
  let nf: usize = 0; // size of F
  for (let i: usize = 0; i < mm; i++) {
    const p = srt + i * rowBytes;

    // Pass over F: exceed masks, the best one-objective member per objective, and the members
    // that p weakly dominates.
    for (let c: usize = 0; c < dl; c++) {
      store<f64>(best + (c << 3), Infinity);
      store<i32>(bestJ + (c << 2), -1);
    }
    let covered = false;
    let nDel: usize = 0;
    // Four objectives (dim = 5, the common case): two f64x2 comparisons per member.
    const p01 = v128.load(p), p23 = v128.load(p, 16);
    for (let j: usize = 0; j < nf; j++) {
      const q = front + j * limBytes;
      let mask: u64 = 0;
      let ge: u32 = 1;
      if (dl == 4) {
        const q01 = v128.load(q), q23 = v128.load(q, 16);
        mask = <u64>(i64x2.bitmask(f64x2.gt(q01, p01)) | (i64x2.bitmask(f64x2.gt(q23, p23)) << 2));
        ge = <u32>((i64x2.bitmask(f64x2.ge(q01, p01)) & i64x2.bitmask(f64x2.ge(q23, p23))) == 3);
      } else {
        for (let c: usize = 0; c < dl; c++) {
          // Branch-free: the comparisons are unpredictable.
          const qv = load<f64>(q + (c << 3)), pv = load<f64>(p + (c << 3));
          mask |= <u64>(qv > pv) << maskShift(c);
          ge &= <u32>(qv >= pv);
        }
      }
      if (mask == 0) {
        covered = true;
        break;
      }
      store<u64>(masks + (j << 3), mask);
      store<u32>(del + (nDel << 2), <u32>j);
      nDel += <usize>ge;
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

    // The non-dominated limited set: the one-objective bests, then the other survivors.
    const nk = dl <= BUCKET_DIMS_MAX ? filterBucketed(lv, p, nf, dl) : filterFlat(lv, p, nf, dl);
    let cnt: usize = 0;
    for (let c: usize = 0; c < dl; c++) {
      const j = load<i32>(bestJ + (c << 2));
      if (j < 0) continue;
      const q = front + <usize>j * limBytes;
      limitRow(lim + cnt * limBytes, q, p, limBytes, p01, p23);
      cnt++;
    }
    for (let t: usize = 0; t < nk; t++) {
      limitRow(lim + cnt * limBytes, <usize>load<u32>(kept + (t << 2)), p, limBytes, p01, p23);
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

    // Update F: drop the members p weakly dominates (highest position first, each replaced by
    // the last member), then add p.
    for (let k = nDel; k > 0; k--) {
      const j = <usize>load<u32>(del + ((k - 1) << 2));
      nf--;
      if (j != nf) memory.copy(front + j * limBytes, front + nf * limBytes, limBytes);
    }
    memory.copy(front + nf * limBytes, p, limBytes);
    nf++;

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

/**
 * Non-dominated filter of the limited members of F with two or more exceed bits, after the
 * one-objective filter; kept row pointers go to L_KEPT, their number is returned. Candidates are
 * bucketed by mask and processed by increasing number of bits: a dominator's mask lies within
 * the dominated one's, so a kept point can only be displaced by one with the same mask.
 */
function filterBucketed(lv: usize, p: usize, nf: usize, dl: usize): usize {
  const front = load<usize>(lv + L_FRONT), masks = load<usize>(lv + L_MASK);
  const best = load<usize>(lv + L_BEST), kept = load<usize>(lv + L_KEPT);
  const next = load<usize>(lv + L_NEXT), knext = load<usize>(lv + L_KNEXT);
  const head = load<usize>(lv + L_HEAD), khead = load<usize>(lv + L_KHEAD);
  const order = load<usize>(lv + L_ORDER), nOrder = <usize>load<u32>(lv + L_NORDER);
  const limBytes = dl << 3;
  const nb = <usize>1 << dl;
  memory.fill(head, 0xff, nb << 2);
  memory.fill(khead, 0xff, nb << 2);
  const b01 = v128.load(best), b23 = dl == 4 ? v128.load(best, 16) : b01;
  const p01 = v128.load(p), p23 = v128.load(p, 16);
  for (let j: usize = 0; j < nf; j++) {
    const mask = load<u64>(masks + (j << 3));
    if ((mask & (mask - 1)) == 0) continue; // a one-objective member
    const q = front + j * limBytes;
    if (dl == 4) {
      if (v128.any_true(v128.or(f64x2.ge(v128.load(q), b01), f64x2.ge(v128.load(q, 16), b23)))) continue;
    } else if (hitsBest(q, best, dl)) continue;
    const h = head + (<usize>mask << 2);
    store<i32>(next + (j << 2), load<i32>(h));
    store<i32>(h, <i32>j);
  }
  let nk: usize = 0;
  for (let o: usize = 0; o < nOrder; o++) {
    const mask = <usize>load<u32>(order + (o << 2));
    let j = load<i32>(head + (mask << 2));
    while (j >= 0) {
      const q = front + <usize>j * limBytes;
      let dropped = false;
      // Kept points with a smaller mask (>= 2 bits) within this one.
      let sub = (mask - 1) & mask;
      while (sub != 0 && !dropped) {
        if ((sub & (sub - 1)) != 0) {
          let r = load<i32>(khead + (sub << 2));
          while (r >= 0) {
            const rp = front + <usize>r * limBytes;
            if (dl == 4 ? limitedLeq4(rp, q, p01, p23) : limitedLeq(rp, q, p, limBytes)) {
              dropped = true;
              break;
            }
            r = load<i32>(knext + (<usize>r << 2));
          }
        }
        sub = (sub - 1) & mask;
      }
      if (!dropped) {
        // Kept points with the same mask, both ways.
        let prev = -1;
        let r = load<i32>(khead + (mask << 2));
        while (r >= 0) {
          const rn = load<i32>(knext + (<usize>r << 2));
          const rp = front + <usize>r * limBytes;
          if (dl == 4 ? limitedLeq4(rp, q, p01, p23) : limitedLeq(rp, q, p, limBytes)) {
            dropped = true;
            break;
          }
          if (dl == 4 ? limitedLeq4(q, rp, p01, p23) : limitedLeq(q, rp, p, limBytes)) {
            if (prev < 0) store<i32>(khead + (mask << 2), rn);
            else store<i32>(knext + (<usize>prev << 2), rn);
          } else {
            prev = r;
          }
          r = rn;
        }
      }
      if (!dropped) {
        store<i32>(knext + (<usize>j << 2), load<i32>(khead + (mask << 2)));
        store<i32>(khead + (mask << 2), j);
      }
      j = load<i32>(next + (<usize>j << 2));
    }
  }
  for (let o: usize = 0; o < nOrder; o++) {
    let r = load<i32>(khead + (<usize>load<u32>(order + (o << 2)) << 2));
    while (r >= 0) {
      store<u32>(kept + (nk << 2), <u32>(front + <usize>r * limBytes));
      nk++;
      r = load<i32>(knext + (<usize>r << 2));
    }
  }
  return nk;
}

/** The same filter for many objectives: one flat list of kept points, checked both ways. */
function filterFlat(lv: usize, p: usize, nf: usize, dl: usize): usize {
  const front = load<usize>(lv + L_FRONT), masks = load<usize>(lv + L_MASK);
  const best = load<usize>(lv + L_BEST), kept = load<usize>(lv + L_KEPT);
  const kmask = load<usize>(lv + L_KMASK);
  const limBytes = dl << 3;
  let nk: usize = 0;
  for (let jj = nf; jj > 0; jj--) {
    const j = jj - 1;
    const mask = load<u64>(masks + (j << 3));
    if ((mask & (mask - 1)) == 0 && ctz(mask) < <u64>MASK_LAST) continue; // a one-objective member
    const q = front + j * limBytes;
    if (hitsBest(q, best, dl)) continue;
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
  return nk;
}
