import { orderKey } from '../common/sort';
import { sortPairsAny } from './pairsort';
import { hv3dStrided } from './hv3d';
import { hvc3d } from './hvc3d';

// Exclusive hypervolume contributions in 4-D by a sweep over the fourth objective that keeps
// every swept point's 3-D contribution up to date (the scheme of HVC4D: A. P. Guerreiro,
// C. M. Fonseca, "Computing and updating hypervolume contributions in up to four dimensions",
// IEEE TEVC 22(3), 2018; here the 3-D updates are computed by hvc3d.ts on reduced limited sets).
//
// With the points sorted by the fourth objective w, the 4-D contribution of a point r is the
// integral over w >= w_r of its 3-D contribution c(r) among the points swept so far (a point of
// the slice at height w is dominated exactly by the points with w' <= w). So c(r) only changes
// when a point q is swept in, and then:
//   c(q) = vol(box of q) - HV(L),   L = { max(s, q) : s swept before q }  (first 3 objectives),
//   c(s) -= HV(L) - HV(L \ {max(s, q)})  for every swept s,
// i.e. the decreases are the exclusive contributions of the limited points within L: one 3-D
// contributions problem per point, instead of one hypervolume per point and per removal. Each
// c(s) is integrated lazily: multiplied by the w-distance covered since its last change when it
// changes, and at the end up to the reference.
//
// L is reduced before the 3-D call: a limited point that two kept ones weakly dominate changes
// neither HV(L) nor any kept point's exclusive contribution in L, and is dropped. Two cheap kinds
// of dominators are counted: the copies of q (s <= q in the first 3 objectives), and, per
// objective k, the two members exceeding q in k alone with the lowest values there (the limited
// point of such a member weakly dominates every limited point exceeding q in k by at least as
// much). Most limited points go at this test, in O(1) each.
//
// Complexity: O(n^2) for the limited sets, plus the 3-D calls on the reduced sets (O(k log k)
// for k kept points). Memory O(n).

// Scratch, sized for n points (D = 3 objectives besides the sweep axis).
const S_ORD: usize = 0;    // u32[n] rows in order of the last objective
const S_KEYS: usize = 4;   // u64[n] sort keys
const S_TK: usize = 8;     // u64[n] sort scratch
const S_TV: usize = 12;    // u32[n] sort scratch
const S_ROWS: usize = 16;  // f64[n*D] the swept points (first D objectives), in sweep order
const S_C: usize = 20;     // f64[n] their current D-dimensional contributions
const S_T: usize = 24;     // f64[n] the w at which c last changed
const S_ACC: usize = 28;   // f64[n] the integrated contributions
const S_MASK: usize = 32;  // u64[n] exceed masks against the point being swept in
const S_LIM: usize = 36;   // f64[n*D] the kept limited points
const S_KID: usize = 40;   // u32[n] their positions in the sweep
const S_KOUT: usize = 44;  // f64[n] their exclusive contributions within L
const S_B1: usize = 48;    // f64[D] per objective: lowest value among one-objective exceeders
const S_B2: usize = 52;    // f64[D] and the second lowest
const S_P1: usize = 56;    // i32[D] their sweep positions (-1: none)
const S_P2: usize = 60;    // i32[D]
const S_K1: usize = 64;    // i32[D] whether the lowest is kept (1) or dropped (0)
const S_K2: usize = 68;    // i32[D] the same for the second lowest
const S_HEADER: usize = 72;

const D: usize = 3;

function scratchAlloc(n: usize): usize {
  const bytes = S_HEADER + n * (8 * 7 + 4 * 3) + ((n * D * 2) << 3) + D * 32 + 16;
  const lv = heap.alloc(bytes);
  let p = lv + S_HEADER;
  store<usize>(lv + S_KEYS, p); p += n << 3;
  store<usize>(lv + S_TK, p); p += n << 3;
  store<usize>(lv + S_C, p); p += n << 3;
  store<usize>(lv + S_T, p); p += n << 3;
  store<usize>(lv + S_ACC, p); p += n << 3;
  store<usize>(lv + S_MASK, p); p += n << 3;
  store<usize>(lv + S_KOUT, p); p += n << 3;
  store<usize>(lv + S_ROWS, p); p += (n * D) << 3;
  store<usize>(lv + S_LIM, p); p += (n * D) << 3;
  store<usize>(lv + S_B1, p); p += D << 3;
  store<usize>(lv + S_B2, p); p += D << 3;
  store<usize>(lv + S_ORD, p); p += n << 2;
  store<usize>(lv + S_TV, p); p += n << 2;
  store<usize>(lv + S_KID, p); p += n << 2;
  store<usize>(lv + S_P1, p); p += D << 2;
  store<usize>(lv + S_P2, p); p += D << 2;
  store<usize>(lv + S_K1, p); p += D << 2;
  store<usize>(lv + S_K2, p);
  return lv;
}

/**
 * 4-D contributions (into out, f64[n]) of `n` points (row-major,
 * stride 4), every one strictly inside the reference box `ref` (f64[4]).
 * out[i] = HV(S) - HV(S \ {i}): weakly dominated points and duplicates get 0, and a point that
 * exactly one other weakly dominates still cuts into that one's contribution.
 */
export function hvc4dSweep(pts: usize, n: i32, ref: usize, out: usize): void {
  if (n <= 0) return;
  const nn = <usize>n, du: usize = 4;
  const lv = scratchAlloc(nn);
  const ord = load<usize>(lv + S_ORD), keys = load<usize>(lv + S_KEYS);
  const rows = load<usize>(lv + S_ROWS), cs = load<usize>(lv + S_C), ts = load<usize>(lv + S_T);
  const acc = load<usize>(lv + S_ACC), masks = load<usize>(lv + S_MASK), lim = load<usize>(lv + S_LIM);
  const kid = load<usize>(lv + S_KID), kout = load<usize>(lv + S_KOUT);
  const b1 = load<usize>(lv + S_B1), b2 = load<usize>(lv + S_B2);
  const p1 = load<usize>(lv + S_P1), p2 = load<usize>(lv + S_P2);
  const k1 = load<usize>(lv + S_K1), k2 = load<usize>(lv + S_K2);
  const rowBytes = du << 3, limBytes = D << 3, last = D << 3;

  for (let i: usize = 0; i < nn; i++) {
    store<u64>(keys + (i << 3), orderKey(load<f64>(pts + i * rowBytes + last)));
    store<u32>(ord + (i << 2), <u32>i);
  }
  sortPairsAny(keys, ord, n, load<usize>(lv + S_TK), load<usize>(lv + S_TV));

  const rx = load<f64>(ref), ry = load<f64>(ref, 8), rz = load<f64>(ref, 16), rw = load<f64>(ref, 24);
  for (let k: usize = 0; k < nn; k++) {
    const q = pts + <usize>load<u32>(ord + (k << 2)) * rowBytes;
    const wq = load<f64>(q + last);

    // Pass 1: exceed masks, copies of q, the two lowest one-objective exceeders per objective.
    for (let c: usize = 0; c < D; c++) {
      store<f64>(b1 + (c << 3), Infinity);
      store<f64>(b2 + (c << 3), Infinity);
      store<i32>(p1 + (c << 2), -1);
      store<i32>(p2 + (c << 2), -1);
    }
    let copies = 0;
    for (let s: usize = 0; s < k; s++) {
      const r = rows + s * limBytes;
      let mask: u64 = 0;
      for (let c: usize = 0; c < D; c++) mask |= <u64>(load<f64>(r + (c << 3)) > load<f64>(q + (c << 3))) << <u64>c;
      store<u64>(masks + (s << 3), mask);
      if (mask == 0) {
        copies++;
      } else if ((mask & (mask - 1)) == 0) {
        const c = <usize>ctz(mask);
        const v = load<f64>(r + (c << 3));
        if (v < load<f64>(b1 + (c << 3))) {
          store<f64>(b2 + (c << 3), load<f64>(b1 + (c << 3)));
          store<i32>(p2 + (c << 2), load<i32>(p1 + (c << 2)));
          store<f64>(b1 + (c << 3), v);
          store<i32>(p1 + (c << 2), <i32>s);
        } else if (v < load<f64>(b2 + (c << 3))) {
          store<f64>(b2 + (c << 3), v);
          store<i32>(p2 + (c << 2), <i32>s);
        }
      }
    }

    // Which of those are kept: the first two copies of q; per objective the lowest exceeder
    // unless two kept copies dominate it, the second lowest unless two kept points do (the
    // copies and the lowest, which is never above it). Every point dropped below is weakly
    // dominated by two kept points, so the kept set has the hypervolume of L and, for each kept
    // point, the same exclusive contribution; the dropped ones have none.
    const keptCopies = copies < 2 ? copies : 2;
    for (let c: usize = 0; c < D; c++) {
      const keep1 = load<i32>(p1 + (c << 2)) >= 0 && keptCopies < 2;
      store<i32>(k1 + (c << 2), <i32>keep1);
      store<i32>(k2 + (c << 2), <i32>(load<i32>(p2 + (c << 2)) >= 0 && keptCopies + <i32>keep1 < 2));
    }

    // Pass 2: the kept limited points.
    let cnt: usize = 0;
    let copiesSeen = 0;
    for (let s: usize = 0; s < k; s++) {
      const mask = load<u64>(masks + (s << 3));
      const r = rows + s * limBytes;
      let keep = false;
      if (mask == 0) {
        keep = copiesSeen < 2;
        copiesSeen++;
      } else {
        const c0 = <usize>ctz(mask);
        const single = (mask & (mask - 1)) == 0;
        if (single && load<i32>(p1 + (c0 << 2)) == <i32>s) {
          keep = load<i32>(k1 + (c0 << 2)) != 0;
        } else if (single && load<i32>(p2 + (c0 << 2)) == <i32>s) {
          keep = load<i32>(k2 + (c0 << 2)) != 0;
        } else {
          let dom = keptCopies;
          let m = mask;
          while (m != 0 && dom < 2) {
            const c = <usize>ctz(m);
            m &= m - 1;
            const v = load<f64>(r + (c << 3));
            if (load<i32>(k1 + (c << 2)) != 0 && load<f64>(b1 + (c << 3)) <= v) dom++;
            if (load<i32>(k2 + (c << 2)) != 0 && load<f64>(b2 + (c << 3)) <= v) dom++;
          }
          keep = dom < 2;
        }
      }
      if (!keep) continue;
      const o = lim + cnt * limBytes;
      for (let e: usize = 0; e < limBytes; e += 8) store<f64>(o + e, max(load<f64>(r + e), load<f64>(q + e)));
      store<u32>(kid + (cnt << 2), <u32>s);
      cnt++;
    }

    // The 3-D problem on the kept limited points.
    let hvL = 0.0;
    if (cnt > 0) {
      memory.fill(kout, 0, cnt << 3); // hvc3d writes the points it finds contributing only
      hvc3d(lim, <i32>cnt, 3, rx, ry, rz, kout);
      hvL = hv3dStrided(lim, <i32>cnt, 3, rx, ry, rz);
    }
    for (let j: usize = 0; j < cnt; j++) {
      const delta = load<f64>(kout + (j << 3));
      if (!(delta > 0)) continue;
      const s = <usize>load<u32>(kid + (j << 2));
      const c = load<f64>(cs + (s << 3));
      store<f64>(acc + (s << 3), load<f64>(acc + (s << 3)) + c * (wq - load<f64>(ts + (s << 3))));
      store<f64>(cs + (s << 3), max(c - delta, 0.0));
      store<f64>(ts + (s << 3), wq);
    }

    let box = 1.0;
    for (let e: usize = 0; e < limBytes; e += 8) box *= load<f64>(ref + e) - load<f64>(q + e);
    const cq = max(box - hvL, 0.0);
    memory.copy(rows + k * limBytes, q, limBytes);
    store<f64>(cs + (k << 3), cq);
    store<f64>(ts + (k << 3), wq);
    store<f64>(acc + (k << 3), 0.0);
  }

  for (let k: usize = 0; k < nn; k++) {
    const i = <usize>load<u32>(ord + (k << 2));
    store<f64>(out + (i << 3), load<f64>(acc + (k << 3)) + load<f64>(cs + (k << 3)) * (rw - load<f64>(ts + (k << 3))));
  }
  heap.free(lv);
}
