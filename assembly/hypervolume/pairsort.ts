import { sortPairs } from '../common/sort';

// Stable sorting of (u64 key, u32 value) pairs for sets of any size. The radix sort in
// common/sort.ts has a fixed cost of a few 2048-bucket histograms per call, which dominates for
// the many small and mid-sized sets the recursive hypervolume algorithms sort; below
// RADIX_MIN pairs a bottom-up merge sort (insertion-sorted runs of RUN pairs) is used instead.

const RUN: i32 = 16;
const RADIX_MIN: i32 = 2048;

function insertionRun(keys: usize, vals: usize, lo: i32, hi: i32): void {
  for (let i = lo + 1; i < hi; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    const v = load<u32>(vals + (<usize>i << 2));
    let j = i - 1;
    while (j >= lo) {
      const kj = load<u64>(keys + (<usize>j << 3));
      if (kj <= k) break;
      store<u64>(keys + (<usize>(j + 1) << 3), kj);
      store<u32>(vals + (<usize>(j + 1) << 2), load<u32>(vals + (<usize>j << 2)));
      j--;
    }
    store<u64>(keys + (<usize>(j + 1) << 3), k);
    store<u32>(vals + (<usize>(j + 1) << 2), v);
  }
}

/**
 * Sort `n` pairs (keys: u64[n], vals: u32[n]) by key, stably, in place; `tk` (u64[n]) and `tv`
 * (u32[n]) are scratch. O(n log n) merge sort below RADIX_MIN pairs, O(n) radix sort above.
 */
export function sortPairsAny(keys: usize, vals: usize, n: i32, tk: usize, tv: usize): void {
  if (n >= RADIX_MIN) {
    sortPairs(keys, vals, n, tk, tv);
    return;
  }
  for (let lo = 0; lo < n; lo += RUN) insertionRun(keys, vals, lo, min(lo + RUN, n));
  if (n <= RUN) return;
  let sk = keys, sv = vals, dk = tk, dv = tv;
  for (let width = RUN; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min(lo + width, n);
      const hi = min(lo + (width << 1), n);
      let i = lo, j = mid, o = lo;
      while (i < mid && j < hi) {
        const ki = load<u64>(sk + (<usize>i << 3));
        const kj = load<u64>(sk + (<usize>j << 3));
        if (kj < ki) {
          store<u64>(dk + (<usize>o << 3), kj);
          store<u32>(dv + (<usize>o << 2), load<u32>(sv + (<usize>j << 2)));
          j++;
        } else {
          store<u64>(dk + (<usize>o << 3), ki);
          store<u32>(dv + (<usize>o << 2), load<u32>(sv + (<usize>i << 2)));
          i++;
        }
        o++;
      }
      if (i < mid) {
        memory.copy(dk + (<usize>o << 3), sk + (<usize>i << 3), <usize>(mid - i) << 3);
        memory.copy(dv + (<usize>o << 2), sv + (<usize>i << 2), <usize>(mid - i) << 2);
      } else if (j < hi) {
        memory.copy(dk + (<usize>o << 3), sk + (<usize>j << 3), <usize>(hi - j) << 3);
        memory.copy(dv + (<usize>o << 2), sv + (<usize>j << 2), <usize>(hi - j) << 2);
      }
    }
    const t1 = sk; sk = dk; dk = t1;
    const t2 = sv; sv = dv; dv = t2;
  }
  if (sk != keys) {
    memory.copy(keys, sk, <usize>n << 3);
    memory.copy(vals, sv, <usize>n << 2);
  }
}
