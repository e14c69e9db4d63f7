// Stable sorting of (key, value) pairs by unsigned 64-bit keys: LSD radix sort with 11-bit
// digits (6 passes at most, passes whose digit is constant are skipped), insertion sort for
// short inputs. O(n) per pass; the kernels use it in place of comparison sorts.

const SMALL: i32 = 48;
const DIGIT_BITS: u64 = 11;
const BUCKETS: i32 = 1 << 11;
const PASSES: i32 = 6;

/** Map a double to a u64 whose unsigned order is the numeric order (-0 == +0; no NaN here). */
// @ts-ignore: decorator
@inline
export function orderKey(x: f64): u64 {
  if (x == 0) x = 0; // -0 -> +0
  const b = reinterpret<u64>(x);
  return (b >> 63) != 0 ? ~b : b | 0x8000000000000000;
}

function insertionSort(keys: usize, vals: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    const v = load<u32>(vals + (<usize>i << 2));
    let j = i - 1;
    while (j >= 0 && load<u64>(keys + (<usize>j << 3)) > k) {
      store<u64>(keys + (<usize>(j + 1) << 3), load<u64>(keys + (<usize>j << 3)));
      store<u32>(vals + (<usize>(j + 1) << 2), load<u32>(vals + (<usize>j << 2)));
      j--;
    }
    store<u64>(keys + (<usize>(j + 1) << 3), k);
    store<u32>(vals + (<usize>(j + 1) << 2), v);
  }
}

/**
 * Sort `n` pairs (keys: u64[n], vals: u32[n]) by key, stably, in place.
 * Scratch: `tk` (u64[n]) and `tv` (u32[n]) may be 0, then they are allocated here.
 */
export function sortPairs(keys: usize, vals: usize, n: i32, tk: usize = 0, tv: usize = 0): void {
  if (n < 2) return;
  if (n <= SMALL) {
    insertionSort(keys, vals, n);
    return;
  }
  const ownScratch = tk == 0;
  if (ownScratch) {
    tk = heap.alloc(<usize>n << 3);
    tv = heap.alloc(<usize>n << 2);
  }
  const hist = heap.alloc(<usize>(BUCKETS * PASSES) << 2);
  memory.fill(hist, 0, <usize>(BUCKETS * PASSES) << 2);
  for (let i = 0; i < n; i++) {
    const k = load<u64>(keys + (<usize>i << 3));
    for (let p = 0; p < PASSES; p++) {
      const digit = <i32>((k >> (<u64>p * DIGIT_BITS)) & <u64>(BUCKETS - 1));
      const h = hist + (<usize>(p * BUCKETS + digit) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
  }
  let srcK = keys, srcV = vals, dstK = tk, dstV = tv;
  for (let p = 0; p < PASSES; p++) {
    const h = hist + (<usize>(p * BUCKETS) << 2);
    // Skip a pass whose digit is the same for every key.
    const first = <i32>((load<u64>(srcK) >> (<u64>p * DIGIT_BITS)) & <u64>(BUCKETS - 1));
    if (load<u32>(h + (<usize>first << 2)) == <u32>n) continue;
    let sum: u32 = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const c = load<u32>(h + (<usize>b << 2));
      store<u32>(h + (<usize>b << 2), sum);
      sum += c;
    }
    const shift = <u64>p * DIGIT_BITS;
    for (let i = 0; i < n; i++) {
      const k = load<u64>(srcK + (<usize>i << 3));
      const digit = <i32>((k >> shift) & <u64>(BUCKETS - 1));
      const hp = h + (<usize>digit << 2);
      const pos = load<u32>(hp);
      store<u32>(hp, pos + 1);
      store<u64>(dstK + (<usize>pos << 3), k);
      store<u32>(dstV + (<usize>pos << 2), load<u32>(srcV + (<usize>i << 2)));
    }
    const t1 = srcK; srcK = dstK; dstK = t1;
    const t2 = srcV; srcV = dstV; dstV = t2;
  }
  if (srcK != keys) {
    memory.copy(keys, srcK, <usize>n << 3);
    memory.copy(vals, srcV, <usize>n << 2);
  }
  heap.free(hist);
  if (ownScratch) {
    heap.free(tk);
    heap.free(tv);
  }
}

/**
 * Fill `perm` (u32[n]) with the indices 0..n-1 of the rows of `pts` (f64[n*d], row-major)
 * ordered by coordinate `c` ascending, ties by coordinate `c2` ascending (c2 < 0: no tie-break,
 * input order kept).
 */
export function sortRowsBy(pts: usize, n: i32, d: i32, c: i32, c2: i32, perm: usize): void {
  const keys = heap.alloc(<usize>n << 3);
  for (let i = 0; i < n; i++) store<u32>(perm + (<usize>i << 2), <u32>i);
  if (c2 >= 0) {
    for (let i = 0; i < n; i++) {
      store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((<usize>i * <usize>d + <usize>c2) << 3))));
    }
    sortPairs(keys, perm, n);
    for (let i = 0; i < n; i++) {
      const r = <usize>load<u32>(perm + (<usize>i << 2));
      store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((r * <usize>d + <usize>c) << 3))));
    }
  } else {
    for (let i = 0; i < n; i++) {
      store<u64>(keys + (<usize>i << 3), orderKey(load<f64>(pts + ((<usize>i * <usize>d + <usize>c) << 3))));
    }
  }
  sortPairs(keys, perm, n);
  heap.free(keys);
}
