// Non-dominated filtering of distinct points in lexicographic order (d >= 3), on the dense
// column ranks prepared by lex.ts: rows u = 0..m-1, columns 0..d1-1 = objectives 1..d-1.
// For distinct points in lexicographic order only earlier points can dominate later ones, and
// an earlier point dominates a later one iff it is <= in every column.
import { dcRanks } from './dc';

const LIST_MAX: i32 = 1024; // give up the filter beyond this many non-dominated points

/**
 * Three objectives (d1 = 2): sweep in id order with a Fenwick tree, indexed by the column-0
 * rank, of prefix minima of the column-1 rank over the non-dominated points seen so far. A point
 * is dominated iff the minimum over column-0 ranks <= its own is <= its column-1 rank (a
 * dominated dominator would itself be dominated by a kept point). Kung, Luccio, Preparata 1975
 * use a balanced tree for the same sweep; the Fenwick tree answers the same query with O(log m)
 * array steps. Time O(m log m), scratch O(r0). Writes nd[u] (u8) and returns the count.
 */
export function nondomSweep3(urk: usize, m: i32, r0: i32, nd: usize): i32 {
  const fen = heap.alloc(<usize>(r0 + 1) << 2);
  memory.fill(fen, 0xff, <usize>(r0 + 1) << 2); // -1 read as u32: "empty" is the largest value
  let count: i32 = 0;
  for (let u = 0; u < m; u++) {
    const row = urk + (<usize>u << 3);
    const y = load<i32>(row), z = <u32>load<i32>(row, 4);
    let i = y + 1;
    let best: u32 = 0xffffffff;
    while (i > 0) {
      const v = load<u32>(fen + (<usize>i << 2));
      if (v < best) best = v;
      i &= i - 1;
    }
    const keep = best > z;
    store<u8>(nd + <usize>u, keep ? 1 : 0);
    if (keep) {
      count++;
      i = y + 1;
      while (i <= r0) {
        const p = fen + (<usize>i << 2);
        if (load<u32>(p) <= z) break; // minima only fall along the path
        store<u32>(p, z);
        i += i & -i;
      }
    }
  }
  heap.free(fen);
  return count;
}

/**
 * Any number of objectives (used for d >= 4): each point is compared with the non-dominated
 * points found before it, kept in a list (the lexicographic order guarantees that a kept point
 * stays kept). O(m k d1) for k non-dominated points, which is fast while the non-dominated set is
 * small. When the list outgrows LIST_MAX or the comparisons exceed a budget of about
 * 16 m log2 m, the filter gives up and the non-dominated points are read off the
 * divide-and-conquer ranks capped at 1 (dc.ts), O(m log^{d1} m) in the worst case.
 * Writes nd[u] (u8) and returns the count.
 */
export function nondomFilter(urk: usize, m: i32, d1: i32, r0: i32, nd: usize): i32 {
  const cap: i32 = m > 0 ? m : 1;
  const list = heap.alloc(<usize>cap << 2);
  let lg: i64 = 1;
  while ((<i64>1 << lg) < <i64>m) lg++;
  const budget: i64 = 16 * <i64>m * lg + 4096;
  let work: i64 = 0;
  let k: i32 = 0;
  const stride = <usize>d1 << 2;
  let u: i32 = 0;
  for (; u < m; u++) {
    const q = urk + <usize>u * stride;
    let dominated = false;
    for (let t = 0; t < k; t++) {
      const p = urk + <usize>load<u32>(list + (<usize>t << 2)) * stride;
      let below = true;
      for (let j = 0; j < d1; j++) {
        if (load<i32>(p + (<usize>j << 2)) > load<i32>(q + (<usize>j << 2))) {
          below = false;
          break;
        }
      }
      if (below) {
        dominated = true;
        // Move the dominator one step towards the front: good dominators are met sooner.
        if (t > 0) {
          const a = list + (<usize>(t - 1) << 2), b = list + (<usize>t << 2);
          const x = load<u32>(a);
          store<u32>(a, load<u32>(b));
          store<u32>(b, x);
        }
        work += t + 1;
        break;
      }
    }
    if (!dominated) {
      work += k;
      store<u32>(list + (<usize>k << 2), <u32>u);
      k++;
    }
    store<u8>(nd + <usize>u, dominated ? 0 : 1);
    if (work > budget || k > LIST_MAX) break;
  }
  heap.free(list);
  if (u >= m) return k;
  // Too many comparisons: fall back on the ranks.
  const rank = heap.alloc(<usize>m << 2);
  dcRanks(urk, m, d1, r0, rank, 1);
  let count: i32 = 0;
  for (let v = 0; v < m; v++) {
    const keep = load<i32>(rank + (<usize>v << 2)) == 0;
    store<u8>(nd + <usize>v, keep ? 1 : 0);
    if (keep) count++;
  }
  heap.free(rank);
  return count;
}
