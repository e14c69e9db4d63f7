import { orderKey, sortPairs } from '../common/sort';

/**
 * NSGA-II crowding distance (Deb et al. 2002) of each of the n points, into out (f64[n]).
 * Per objective, points are sorted by value (ties by index, stably); the two extremes get
 * +Infinity and every interior point adds (next - previous) / (max - min). An objective whose
 * values are all equal adds nothing. n <= 2: every point gets +Infinity. O(d n) with radix sort.
 */
export function crowdingDistance(pts: usize, n: i32, d: i32, out: usize): void {
  memory.fill(out, 0, <usize>n << 3);
  if (n <= 2) {
    for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), Infinity);
    return;
  }
  const keys = heap.alloc(<usize>n << 3);
  const perm = heap.alloc(<usize>n << 2);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) {
      store<u32>(perm + (<usize>i << 2), <u32>i);
      store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((<usize>i * <usize>d + <usize>k) << 3))));
    }
    sortPairs(keys, perm, n);
    const first = <usize>load<u32>(perm);
    const last = <usize>load<u32>(perm + (<usize>(n - 1) << 2));
    const lo = load<f64>(pts + ((first * <usize>d + <usize>k) << 3));
    const hi = load<f64>(pts + ((last * <usize>d + <usize>k) << 3));
    const range = hi - lo;
    if (range == 0) continue;
    store<f64>(out + (first << 3), Infinity);
    store<f64>(out + (last << 3), Infinity);
    for (let i = 1; i < n - 1; i++) {
      const prev = <usize>load<u32>(perm + (<usize>(i - 1) << 2));
      const cur = <usize>load<u32>(perm + (<usize>i << 2));
      const next = <usize>load<u32>(perm + (<usize>(i + 1) << 2));
      const gap = load<f64>(pts + ((next * <usize>d + <usize>k) << 3)) - load<f64>(pts + ((prev * <usize>d + <usize>k) << 3));
      const o = out + (cur << 3);
      store<f64>(o, load<f64>(o) + gap / range);
    }
  }
  heap.free(keys);
  heap.free(perm);
}
