// An ascending array of f64 values (one per run) in which a value may only decrease: the k-th
// smallest is a load. Used by the sweeps to hold every run's current best value, so that the
// value at attainment level k (the k-th smallest over the runs) is read in O(1).

/**
 * Replace one copy of `from` by `to` (to <= from) in the ascending array `a` of `n` values,
 * keeping it ascending. `from` must be present. O(log n + shifted elements).
 */
export function lowerValue(a: usize, n: i32, from: f64, to: f64): void {
  // Last index holding a value <= from: that is a copy of `from`.
  let lo = 0, hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (load<f64>(a + (<usize>mid << 3)) <= from) lo = mid + 1;
    else hi = mid;
  }
  let i = lo - 1;
  while (i > 0) {
    const prev = load<f64>(a + (<usize>(i - 1) << 3));
    if (prev <= to) break;
    store<f64>(a + (<usize>i << 3), prev);
    i--;
  }
  store<f64>(a + (<usize>i << 3), to);
}

// @ts-ignore: decorator
@inline
function at(a: usize, i: i32): f64 {
  return load<f64>(a + (<usize>i << 3));
}

// @ts-ignore: decorator
@inline
function put(a: usize, i: i32, v: f64): void {
  store<f64>(a + (<usize>i << 3), v);
}

/** Move a[i] down the max-heap a[0..n). */
function siftDown(a: usize, i: i32, n: i32): void {
  const v = at(a, i);
  while (true) {
    let c = 2 * i + 1;
    if (c >= n) break;
    if (c + 1 < n && at(a, c + 1) > at(a, c)) c++;
    if (at(a, c) <= v) break;
    put(a, i, at(a, c));
    i = c;
  }
  put(a, i, v);
}

/**
 * Sort `n` values (no NaN) in place, ascending: insertion sort for a few values, heapsort
 * (O(n log n), no scratch) for more.
 */
export function sortValues(a: usize, n: i32): void {
  if (n <= 24) {
    for (let i = 1; i < n; i++) {
      const v = at(a, i);
      let j = i - 1;
      while (j >= 0 && at(a, j) > v) {
        put(a, j + 1, at(a, j));
        j--;
      }
      put(a, j + 1, v);
    }
    return;
  }
  for (let i = (n >> 1) - 1; i >= 0; i--) siftDown(a, i, n);
  for (let end = n - 1; end > 0; end--) {
    const top = at(a, 0);
    put(a, 0, at(a, end));
    put(a, end, top);
    siftDown(a, 0, end);
  }
}
