import { orderKey } from '../common/sort';
import { sortPairsAny } from './pairsort';
import {
  rankSetAdd, rankSetBytes, rankSetInit, rankSetNext, rankSetPrev, rankSetRemove, rankSetWords,
} from './rankset';

// Workspace of the 4-D kernel: one heap block holding a header of array pointers followed by the
// arrays, sized for up to `cap` points, so that the recursive algorithm for d >= 5 can call the
// kernel many times without allocating.
const H_CAP: usize = 0;
const H_XS: usize = 4; // f64[cap]  x by rank (ranks: lexicographic order of (x, y))
const H_YS: usize = 8; // f64[cap]  y by rank
const H_ZS: usize = 12; // f64[cap] z by rank
const H_WS: usize = 16; // f64[cap] w by rank
const H_ZID: usize = 20; // u32[cap] rank of the k-th point in (z, rank) order
const H_ZR: usize = 24; // u32[cap] position of each rank in that order
const H_ORD: usize = 28; // u32[cap] ranks in w order
const H_KEYS: usize = 32; // u64[cap] sort keys
const H_VALS: usize = 36; // u32[cap] sort values
const H_TK: usize = 40; // u64[cap] sort scratch
const H_TV: usize = 44; // u32[cap] sort scratch
const H_SX: usize = 48; // rank set: the current 3-D front, by rank
const H_SZ: usize = 52; // rank set: the current 3-D front, by position in z order
const H_SL: usize = 56; // rank set: the local staircase of one contribution
const H_DOM: usize = 60; // u32[cap] points found dominated during one contribution
const HEADER: usize = 64;

/** Allocate a 4-D workspace for up to `cap` points (cap >= 1). */
export function hv4dWorkspace(cap: i32): usize {
  const c = <usize>max(cap, 1);
  const setBytes = (rankSetBytes(<i32>c) + 7) & ~7;
  const bytes = HEADER + c * (6 * 8 + 6 * 4) + setBytes * 3; // six f64 and six u32 arrays, three sets
  const ws = heap.alloc(bytes);
  store<u32>(ws + H_CAP, <u32>c);
  let p = ws + HEADER;
  store<usize>(ws + H_XS, p); p += c << 3;
  store<usize>(ws + H_YS, p); p += c << 3;
  store<usize>(ws + H_ZS, p); p += c << 3;
  store<usize>(ws + H_WS, p); p += c << 3;
  store<usize>(ws + H_KEYS, p); p += c << 3;
  store<usize>(ws + H_TK, p); p += c << 3;
  store<usize>(ws + H_SX, p); p += setBytes;
  store<usize>(ws + H_SZ, p); p += setBytes;
  store<usize>(ws + H_SL, p); p += setBytes;
  store<usize>(ws + H_ZID, p); p += c << 2;
  store<usize>(ws + H_ZR, p); p += c << 2;
  store<usize>(ws + H_ORD, p); p += c << 2;
  store<usize>(ws + H_VALS, p); p += c << 2;
  store<usize>(ws + H_TV, p); p += c << 2;
  store<usize>(ws + H_DOM, p);
  return ws;
}

/**
 * Exact 4-D hypervolume (minimisation) of `n` points (row-major, stride `d` >= 4, the first four
 * coordinates used) w.r.t. `ref` (f64[>= 4]). Points that do not strictly dominate the reference
 * point are ignored.
 */
export function hv4dStrided(pts: usize, n: i32, d: i32, ref: usize): f64 {
  const rx = load<f64>(ref), ry = load<f64>(ref, 8), rz = load<f64>(ref, 16), rw = load<f64>(ref, 24);
  const cap: usize = n > 0 ? <usize>n : 1;
  const buf = heap.alloc(cap << 5);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + ((<usize>i * <usize>d) << 3);
    const x = load<f64>(p), y = load<f64>(p, 8), z = load<f64>(p, 16), w = load<f64>(p, 24);
    if (x < rx && y < ry && z < rz && w < rw) {
      const q = buf + (<usize>m << 5);
      store<f64>(q, x);
      store<f64>(q, y, 8);
      store<f64>(q, z, 16);
      store<f64>(q, w, 24);
      m++;
    }
  }
  let hv = 0.0;
  if (m > 0) {
    const ws = hv4dWorkspace(m);
    hv = hv4dCore(ws, buf, m, rx, ry, rz, rw, -Infinity, -Infinity, -Infinity);
    heap.free(ws);
  }
  heap.free(buf);
  return hv;
}

/**
 * Exact 4-D hypervolume of `m` compact rows (x, y, z, w), every one strictly inside the reference
 * box, using workspace `ws` (capacity >= m).
 *
 * Algorithm: HV4D+-style sweep in w (A. P. Guerreiro, C. M. Fonseca, "Computing and updating
 * hypervolume contributions in up to four dimensions", IEEE TEVC 22(3):449-463, 2018). The points
 * are visited by increasing w; S is the set of visited points that no other visited point weakly
 * dominates in (x, y, z), and V3 its 3-D volume, so HV = sum of V3 * (gap to the next w). Each new
 * point p adds its exclusive 3-D contribution to V3, found in time linear in |S|:
 *  1. one pass over S in (x, y) rank order builds, from the points below p in (z, rank) order,
 *     the 2-D staircase clipped to p's box [p.x, rx) x [p.y, ry) and its uncovered area A
 *     (points left of p only lower a "left wall", points under p.y only move a "right wall");
 *     if one of them weakly dominates p, p adds nothing;
 *  2. the points of S above p are swept by z, each shrinking A by the rectangles it newly covers
 *     (volume += A * gap in z), until one covers p's (x, y) corner and A is exactly 0;
 *  3. p joins S and the points it dominates in 3-D (all met in step 2) leave S.
 * S is kept as rank sets in (x, y) order and in z order (64-ary bit trees), the clipped staircase
 * as a third one, so every neighbour query costs O(log_64 n). O(n^2) time worst case, O(n) space.
 *
 * If some point has (x, y, z) <= (cx, cy, cz), the caller guarantees that it weakly dominates all
 * points in (x, y, z), so V3 stays constant after it and the sweep stops there (pass -Infinity to
 * disable).
 */
export function hv4dCore(
  ws: usize, pts: usize, m: i32, rx: f64, ry: f64, rz: f64, rw: f64, cx: f64, cy: f64, cz: f64,
): f64 {
  const mm = <usize>m;
  const xs = load<usize>(ws + H_XS), ys = load<usize>(ws + H_YS);
  const zs = load<usize>(ws + H_ZS), wv = load<usize>(ws + H_WS);
  const zid = load<usize>(ws + H_ZID), zr = load<usize>(ws + H_ZR), ord = load<usize>(ws + H_ORD);
  const keys = load<usize>(ws + H_KEYS), vals = load<usize>(ws + H_VALS);
  const tk = load<usize>(ws + H_TK), tv = load<usize>(ws + H_TV);
  const sx = load<usize>(ws + H_SX), sz = load<usize>(ws + H_SZ), sl = load<usize>(ws + H_SL);
  const dom = load<usize>(ws + H_DOM);

  // Ranks: lexicographic (x, y) order (stable sorts by y, then by x).
  for (let i: usize = 0; i < mm; i++) {
    store<u64>(keys + (i << 3), orderKey(load<f64>(pts + (i << 5), 8)));
    store<u32>(vals + (i << 2), <u32>i);
  }
  sortPairsAny(keys, vals, m, tk, tv);
  for (let k: usize = 0; k < mm; k++) {
    store<u64>(keys + (k << 3), orderKey(load<f64>(pts + (<usize>load<u32>(vals + (k << 2)) << 5))));
  }
  sortPairsAny(keys, vals, m, tk, tv);
  for (let k: usize = 0; k < mm; k++) {
    const q = pts + (<usize>load<u32>(vals + (k << 2)) << 5);
    store<f64>(xs + (k << 3), load<f64>(q));
    store<f64>(ys + (k << 3), load<f64>(q, 8));
    const z = load<f64>(q, 16), w = load<f64>(q, 24);
    store<f64>(zs + (k << 3), z);
    store<f64>(wv + (k << 3), w);
    store<u64>(keys + (k << 3), orderKey(z));
    store<u32>(zid + (k << 2), <u32>k);
  }
  // z order, ties by rank: a point weakly dominated in (x, y, z) comes after its dominator.
  sortPairsAny(keys, zid, m, tk, tv);
  for (let k: usize = 0; k < mm; k++) {
    store<u32>(zr + (<usize>load<u32>(zid + (k << 2)) << 2), <u32>k);
    store<u64>(keys + (k << 3), orderKey(load<f64>(wv + (k << 3))));
    store<u32>(ord + (k << 2), <u32>k);
  }
  sortPairsAny(keys, ord, m, tk, tv);

  rankSetInit(sx, m);
  rankSetInit(sz, m);
  rankSetInit(sl, m);
  const sxWords = rankSetWords(sx);

  let total = 0.0, v3 = 0.0;
  for (let k: usize = 0; k < mm; k++) {
    const ip = <i32>load<u32>(ord + (k << 2));
    const px = load<f64>(xs + (<usize>ip << 3)), py = load<f64>(ys + (<usize>ip << 3));
    const pz = load<f64>(zs + (<usize>ip << 3)), pw = load<f64>(wv + (<usize>ip << 3));
    const zp = <i32>load<u32>(zr + (<usize>ip << 2));
    const wNext = k + 1 < mm ? load<f64>(wv + (<usize>load<u32>(ord + ((k + 1) << 2)) << 3)) : rw;

    // Step 1a: left wall = lowest y among points of S below p in z with rank < ip (x <= p.x).
    let leftY = ry;
    const lastWord = <usize>ip >> 6;
    for (let wi: usize = 0; wi <= lastWord; wi++) {
      let bits = load<u64>(sxWords + (wi << 3));
      if (wi == lastWord) bits &= (<u64>1 << <u64>(ip & 63)) - 1;
      while (bits != 0) {
        const q = (wi << 6) | <usize>ctz(bits);
        bits &= bits - 1;
        const y = load<f64>(ys + (q << 3));
        leftY = select(min(leftY, y), leftY, load<f64>(zs + (q << 3)) <= pz);
      }
    }
    let dominated = leftY <= py;

    // Step 1b: staircase of the points of S below p with rank > ip (x >= p.x), clipped to the box.
    let area = 0.0, rightX = rx;
    if (!dominated) {
      let cur = px, h = leftY;
      let q = rankSetNext(sx, ip);
      while (q >= 0) {
        const qq = <usize>q << 3;
        if (load<f64>(zs + qq) < pz) {
          const y = load<f64>(ys + qq);
          if (y < h) {
            const x = load<f64>(xs + qq);
            if (y <= py) {
              if (x <= px) dominated = true;
              rightX = x;
              break;
            }
            area += (x - cur) * (h - py);
            cur = x;
            h = y;
            rankSetAdd(sl, q);
          }
        }
        q = rankSetNext(sx, q);
      }
      area += (rightX - cur) * (h - py);
    }

    if (!dominated) {
      // Step 2: sweep the points of S above p in z order.
      let vol = 0.0, lastZ = pz, nDom: usize = 0;
      let stopped = false;
      let zk = zp;
      while ((zk = rankSetNext(sz, zk)) >= 0) {
        const q = <i32>load<u32>(zid + (<usize>zk << 2));
        const qq = <usize>q << 3;
        const qz = load<f64>(zs + qq);
        vol += area * (qz - lastZ);
        lastZ = qz;
        const qx = load<f64>(xs + qq), qy = load<f64>(ys + qq);
        if (qx >= px && qy >= py) {
          store<u32>(dom + (nDom << 2), <u32>q);
          nDom++;
        }
        if (qx <= px) {
          if (qy <= py) {
            stopped = true;
            if (qz == pz) dominated = true; // q weakly dominates p in (x, y, z)
            break;
          }
          if (qy < leftY) {
            // The left wall drops to qy: cut the staircase from the left.
            let cur = px, h = leftY;
            let s = rankSetNext(sl, ip);
            while (s >= 0) {
              const sy = load<f64>(ys + (<usize>s << 3));
              if (sy < qy) break;
              const sxv = load<f64>(xs + (<usize>s << 3));
              area -= (sxv - cur) * (h - qy);
              cur = sxv;
              h = sy;
              rankSetRemove(sl, s);
              s = rankSetNext(sl, s);
            }
            const end = s >= 0 ? load<f64>(xs + (<usize>s << 3)) : rightX;
            area -= (end - cur) * (h - qy);
            leftY = qy;
          }
        } else if (qy <= py) {
          if (qx < rightX) {
            // The right wall moves left to qx: cut the staircase from the right.
            const pr = rankSetPrev(sl, q);
            let h = pr > ip ? load<f64>(ys + (<usize>pr << 3)) : leftY;
            let cur = qx;
            let s = rankSetNext(sl, q);
            while (s >= 0) {
              const sxv = load<f64>(xs + (<usize>s << 3));
              area -= (sxv - cur) * (h - py);
              cur = sxv;
              h = load<f64>(ys + (<usize>s << 3));
              rankSetRemove(sl, s);
              s = rankSetNext(sl, s);
            }
            area -= (rightX - cur) * (h - py);
            rightX = qx;
          }
        } else if (qx < rightX && qy < leftY) {
          // Interior point: insert it into the clipped staircase.
          const pr = rankSetPrev(sl, q);
          let h = pr > ip ? load<f64>(ys + (<usize>pr << 3)) : leftY;
          if (h > qy) {
            let cur = qx;
            let s = rankSetNext(sl, q);
            while (s >= 0) {
              const sy = load<f64>(ys + (<usize>s << 3));
              if (sy < qy) break;
              const sxv = load<f64>(xs + (<usize>s << 3));
              area -= (sxv - cur) * (h - qy);
              cur = sxv;
              h = sy;
              rankSetRemove(sl, s);
              s = rankSetNext(sl, s);
            }
            const end = s >= 0 ? load<f64>(xs + (<usize>s << 3)) : rightX;
            area -= (end - cur) * (h - qy);
            rankSetAdd(sl, q);
          }
        }
        if (area < 0) area = 0;
      }
      if (!stopped) vol += area * (rz - lastZ);

      if (!dominated) {
        // Step 3: p joins S, the points it dominates leave.
        v3 += vol;
        rankSetAdd(sx, ip);
        rankSetAdd(sz, zp);
        for (let i: usize = 0; i < nDom; i++) {
          const q = <i32>load<u32>(dom + (i << 2));
          rankSetRemove(sx, q);
          rankSetRemove(sz, <i32>load<u32>(zr + (<usize>q << 2)));
        }
      }
    }
    // Empty the local staircase (its members all have rank > ip).
    let s = rankSetNext(sl, ip);
    while (s >= 0) {
      rankSetRemove(sl, s);
      s = rankSetNext(sl, s);
    }

    if (px <= cx && py <= cy && pz <= cz) {
      total += v3 * (rw - pw);
      break;
    }
    total += v3 * (wNext - pw);
  }
  return total;
}
