import { orderKey, sortPairs } from '../common/sort';
import { hypervolume } from './index';
import { hvc2d } from './hvc2d';
import { hvc3d } from './hvc3d';
import { hvc4dSweep } from './hvc4d';

/**
 * Exclusive hypervolume contributions (minimisation): out[i] = HV(S) - HV(S \ {i}) for the `n`
 * points of `pts` (f64[n*d], row-major) with respect to `ref` (f64[d]), written to `out`
 * (f64[n]). Points that do not strictly dominate `ref`, weakly dominated points and duplicates
 * contribute 0 (two identical non-dominated points both get 0); a dominated point still cuts
 * into the contribution of the one point that dominates it. Inputs are not written.
 *
 * By dimension:
 *  - d = 1: the unique least value gets the gap to the next value (or to ref); O(n).
 *  - d = 2: staircase sweep (hvc2d.ts); O(n log n).
 *  - d = 3: z-sweep over a 2-D front with second-level staircases (hvc3d.ts); O(n log n).
 *  - d = 4: a sweep over the fourth objective updating every point's 3-D contribution from
 *    the 3-D contributions of reduced limited sets (hvc4d.ts); O(n^2) plus one 3-D
 *    contributions problem per point on its reduced limited set.
 *  - d >= 5: per point, the volume of its box minus the hypervolume of the other points
 *    clipped to it (`hvcGeneral`); O(n^2 d) plus n hypervolume calls on the reduced clipped
 *    sets. (The 4-D sweep generalises, recursing on (d-1)-D contributions, but measured 2-7x
 *    slower than this at d = 5 and 6: its reduced limited sets stay far larger than the
 *    non-dominated clipped sets here.)
 *
 * Returns 0 on success, -1 for a bad size or dimension.
 */
export function hvContributions(pts: usize, n: i32, d: i32, ref: usize, out: usize): i32 {
  if (n < 0 || d < 1) return -1;
  if (n > 0) memory.fill(out, 0, <usize>n << 3);
  if (n == 0) return 0;
  if (d == 1) {
    hvc1d(pts, n, load<f64>(ref), out);
    return 0;
  }
  if (d == 2) {
    hvc2d(pts, n, d, load<f64>(ref), load<f64>(ref, 8), out);
    return 0;
  }
  if (d == 3) {
    hvc3d(pts, n, d, load<f64>(ref), load<f64>(ref, 8), load<f64>(ref, 16), out);
    return 0;
  }
  if (d == 4) hvc4d(pts, n, ref, out);
  else hvcGeneral(pts, n, d, ref, out);
  return 0;
}

/** 1-D contributions: only a unique minimum below r contributes, the gap to the runner-up. */
function hvc1d(pts: usize, n: i32, r: f64, out: usize): void {
  let best = r, second = r;
  let at = -1;
  let tied = false;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(pts + (<usize>i << 3));
    if (x < best) {
      second = best;
      best = x;
      at = i;
      tied = false;
    } else if (x == best) {
      tied = true;
    } else if (x < second) {
      second = x;
    }
  }
  if (at >= 0 && !tied) store<f64>(out + (<usize>at << 3), second - best);
}

/**
 * Copy the rows strictly inside the reference box to `c` (stride d), their row numbers to `idx`
 * (u32); returns how many.
 */
function compactInside(pts: usize, n: i32, d: i32, ref: usize, c: usize, idx: usize): i32 {
  const row: usize = <usize>d << 3;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const p = pts + <usize>i * row;
    let inside = true;
    for (let k = 0; k < d; k++) {
      if (!(load<f64>(p + (<usize>k << 3)) < load<f64>(ref + (<usize>k << 3)))) {
        inside = false;
        break;
      }
    }
    if (inside) {
      memory.copy(c + <usize>m * row, p, row);
      store<u32>(idx + (<usize>m << 2), <u32>i);
      m++;
    }
  }
  return m;
}

/**
 * 4-D contributions: the points strictly inside the reference box go to the sweep of hvc4d.ts;
 * the others contribute 0 and cut nothing. Writes all of `out` (f64[n]).
 */
function hvc4d(pts: usize, n: i32, ref: usize, out: usize): void {
  const d = 4;
  const cap: usize = n > 0 ? <usize>n : 1;
  const row: usize = <usize>d << 3;
  const c = heap.alloc(cap * row);
  const idx = heap.alloc(cap << 2);
  const m = compactInside(pts, n, d, ref, c, idx);
  if (m > 0) {
    const res = heap.alloc(<usize>m << 3);
    hvc4dSweep(c, m, ref, res);
    for (let j = 0; j < m; j++) {
      store<f64>(out + (<usize>load<u32>(idx + (<usize>j << 2)) << 3), load<f64>(res + (<usize>j << 3)));
    }
    heap.free(res);
  }
  heap.free(idx);
  heap.free(c);
}

/**
 * Contributions in any dimension d >= 1 from hypervolumes: for each point p strictly inside
 * the reference box, HV(S) - HV(S \ {p}) equals the volume of p's box [p, ref) minus the
 * hypervolume of {max(q, p) : q != p} (the other points clipped to that box). A point that
 * another one weakly dominates (a duplicate included) clips to p itself: its contribution is 0
 * without a hypervolume call. The clipped points are reduced to their non-dominated subset
 * (ascending coordinate sums, each one checked against the ones kept) before the call.
 * Writes all of `out` (f64[n]).
 *
 * Complexity: O(n^2 d + n k d) for clipping and filtering (k = clipped points kept, usually
 * small), plus n calls of `hypervolume` on at most n - 1 points. This is the reduction of a
 * contribution to the hypervolume of the set "limited" to the point, as surveyed in
 * A. P. Guerreiro, C. M. Fonseca, L. Paquete, "The hypervolume indicator: computational
 * problems and algorithms", ACM Computing Surveys 54(6), 2021; it uses no structure of the front.
 */
export function hvcGeneral(pts: usize, n: i32, d: i32, ref: usize, out: usize): void {
  const cap: usize = n > 0 ? <usize>n : 1;
  const row: usize = <usize>d << 3;
  if (n > 0) memory.fill(out, 0, <usize>n << 3);
  const c = heap.alloc(cap * row);
  const idx = heap.alloc(cap << 2);
  const m = compactInside(pts, n, d, ref, c, idx);
  const clip = heap.alloc(cap * row);
  const kept = heap.alloc(cap * row);
  const keys = heap.alloc(cap << 3);
  const ord = heap.alloc(cap << 2);
  for (let i = 0; i < m; i++) {
    const p = c + <usize>i * row;
    let cnt = 0;
    let dominated = false;
    for (let j = 0; j < m && !dominated; j++) {
      if (j == i) continue;
      const q = c + <usize>j * row;
      const dst = clip + <usize>cnt * row;
      let below = true; // q <= p in every coordinate
      let sum = 0.0;
      for (let k = 0; k < d; k++) {
        const o = <usize>k << 3;
        const qv = load<f64>(q + o), pv = load<f64>(p + o);
        const v = qv > pv ? qv : pv;
        if (qv > pv) below = false;
        store<f64>(dst + o, v);
        sum += v;
      }
      if (below) {
        dominated = true;
      } else {
        store<u64>(keys + (<usize>cnt << 3), orderKey(sum));
        store<u32>(ord + (<usize>cnt << 2), <u32>cnt);
        cnt++;
      }
    }
    if (dominated) continue;
    let vol = 1.0;
    for (let k = 0; k < d; k++) {
      vol *= load<f64>(ref + (<usize>k << 3)) - load<f64>(p + (<usize>k << 3));
    }
    let contribution = vol;
    if (cnt > 0) {
      // A point can only be weakly dominated by one with a smaller or equal coordinate sum.
      sortPairs(keys, ord, cnt);
      let kc = 0;
      for (let t = 0; t < cnt; t++) {
        const q = clip + <usize>load<u32>(ord + (<usize>t << 2)) * row;
        let covered = false;
        for (let s = 0; s < kc && !covered; s++) {
          const w = kept + <usize>s * row;
          let le = true;
          for (let k = 0; k < d; k++) {
            if (load<f64>(w + (<usize>k << 3)) > load<f64>(q + (<usize>k << 3))) {
              le = false;
              break;
            }
          }
          covered = le;
        }
        if (!covered) {
          memory.copy(kept + <usize>kc * row, q, row);
          kc++;
        }
      }
      contribution = vol - hypervolume(kept, kc, d, ref);
      if (contribution < 0) contribution = 0;
    }
    store<f64>(out + (<usize>load<u32>(idx + (<usize>i << 2)) << 3), contribution);
  }
  heap.free(ord);
  heap.free(keys);
  heap.free(kept);
  heap.free(clip);
  heap.free(idx);
  heap.free(c);
}
