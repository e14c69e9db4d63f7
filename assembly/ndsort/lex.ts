// Lexicographic order, dense ranks and duplicate grouping of a point set: the common
// preprocessing of the d >= 3 non-dominated sorting and filtering kernels.
import { orderKey, sortPairs } from '../common/sort';

/**
 * Order the rows of `pts` (f64[n*d], row-major) lexicographically and rank every column.
 *
 * Least-significant-column-first: the row permutation is radix-sorted by column d-1, then d-2,
 * ..., then 0, each sort stable, so the final `perm` (u32[n], out) lists the rows in
 * lexicographic order with identical rows in input order. Right after the sort by column k the
 * keys of that column are in order, which gives its dense ranks for free: `rk` (i32[n*d], out,
 * row-major by input row) receives rank(pts[i][k]) = the number of distinct values of column k
 * smaller than pts[i][k] (so equal values, -0 and +0 included, get equal ranks).
 *
 * Time O(d n) (radix sort of 64-bit keys), scratch O(n).
 */
export function lexRank(pts: usize, n: i32, d: i32, perm: usize, rk: usize): void {
  const keys = heap.alloc(<usize>n << 3);
  const tk = heap.alloc(<usize>n << 3);
  const tv = heap.alloc(<usize>n << 2);
  for (let i = 0; i < n; i++) store<u32>(perm + (<usize>i << 2), <u32>i);
  const sd = <usize>d;
  for (let k = d - 1; k >= 0; k--) {
    for (let i = 0; i < n; i++) {
      const r = <usize>load<u32>(perm + (<usize>i << 2));
      store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((r * sd + <usize>k) << 3))));
    }
    sortPairs(keys, perm, n, tk, tv);
    let rank: i32 = -1;
    let prev: u64 = 0;
    for (let i = 0; i < n; i++) {
      const key = load<u64>(keys + (<usize>i << 3));
      if (i == 0 || key != prev) rank++;
      prev = key;
      const r = <usize>load<u32>(perm + (<usize>i << 2));
      store<i32>(rk + ((r * sd + <usize>k) << 2), rank);
    }
  }
  heap.free(tv);
  heap.free(tk);
  heap.free(keys);
}

/**
 * Group identical rows. With `perm` and `rk` from lexRank, identical rows are consecutive in
 * `perm`. Writes grp[row] (u32[n], out) = the id of the row's group, ids 0..m-1 numbering the
 * distinct rows in lexicographic order, and for each id u the ranks of columns 1..d-1 of that
 * row to urk[u*(d-1) + (k-1)] (i32[m*(d-1)], out; column 0 is implied by the id order).
 * Returns m, the number of distinct rows. O(n d).
 */
export function groupRows(perm: usize, rk: usize, n: i32, d: i32, grp: usize, urk: usize): i32 {
  const sd = <usize>d;
  const d1 = <usize>(d - 1);
  let m: i32 = 0;
  let prev: usize = 0;
  for (let i = 0; i < n; i++) {
    const r = <usize>load<u32>(perm + (<usize>i << 2));
    const row = rk + ((r * sd) << 2);
    let same = i > 0;
    if (same) {
      for (let k: usize = 0; k < sd; k++) {
        if (load<i32>(row + (k << 2)) != load<i32>(prev + (k << 2))) {
          same = false;
          break;
        }
      }
    }
    if (!same) {
      const u = urk + ((<usize>m * d1) << 2);
      for (let k: usize = 1; k < sd; k++) store<i32>(u + ((k - 1) << 2), load<i32>(row + (k << 2)));
      m++;
      prev = row;
    }
    store<u32>(grp + (r << 2), <u32>(m - 1));
  }
  return m;
}
