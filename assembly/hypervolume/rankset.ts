// A set of small integers (ranks 0..u-1) kept as a 64-ary tree of bit words: level 0 has one
// bit per rank, every higher level one bit per non-empty word of the level below, the top
// level a single word. Insert, remove, predecessor and successor cost O(log_64 u) word
// operations (ctz/clz on u64); at most MAX_LEVELS levels, so u < 2^36.
//
// Memory layout (one heap block, see rankSetBytes/rankSetInit):
//   u32 levels, then u32 word-array offsets (relative to the block) for each level,
//   then the word arrays, each followed by PAD_WORDS zero words so that a successor
//   search may read one word past the end without a bound check.

const MAX_LEVELS: i32 = 6;
const HEADER_BYTES: usize = 32; // 4 (levels) + 4 * MAX_LEVELS, rounded up to a multiple of 8
const PAD_WORDS: usize = 2;

/** Bytes needed by a rank set over the universe 0..u-1 (u >= 1). */
export function rankSetBytes(u: i32): usize {
  let words: usize = (<usize>u + 63) >> 6;
  let bytes = HEADER_BYTES;
  while (true) {
    bytes += (words + PAD_WORDS) << 3;
    if (words <= 1) break;
    words = (words + 63) >> 6;
  }
  return bytes;
}

/** Lay out an empty rank set over 0..u-1 in `t` (rankSetBytes(u) bytes). */
export function rankSetInit(t: usize, u: i32): void {
  let words: usize = (<usize>u + 63) >> 6;
  let off = HEADER_BYTES;
  let levels = 0;
  while (true) {
    store<u32>(t + 4 + (<usize>levels << 2), <u32>off);
    off += (words + PAD_WORDS) << 3;
    levels++;
    if (words <= 1) break;
    words = (words + 63) >> 6;
  }
  store<u32>(t, <u32>levels);
  memory.fill(t + HEADER_BYTES, 0, off - HEADER_BYTES);
}

// @ts-ignore: decorator
@inline
function levelBase(t: usize, l: i32): usize {
  return t + <usize>load<u32>(t + 4 + (<usize>l << 2));
}

/** Add rank r. */
export function rankSetAdd(t: usize, r: i32): void {
  const levels = load<i32>(t);
  let i = <usize>r;
  for (let l = 0; l < levels; l++) {
    const p = levelBase(t, l) + ((i >> 6) << 3);
    const w = load<u64>(p);
    store<u64>(p, w | (<u64>1 << <u64>(i & 63)));
    if (w != 0) return;
    i >>= 6;
  }
}

/** Remove rank r (which must be present). */
export function rankSetRemove(t: usize, r: i32): void {
  const levels = load<i32>(t);
  let i = <usize>r;
  for (let l = 0; l < levels; l++) {
    const p = levelBase(t, l) + ((i >> 6) << 3);
    const w = load<u64>(p) & ~(<u64>1 << <u64>(i & 63));
    store<u64>(p, w);
    if (w != 0) return;
    i >>= 6;
  }
}

/** Whether rank r is present. */
// @ts-ignore: decorator
@inline
export function rankSetHas(t: usize, r: i32): bool {
  return ((load<u64>(levelBase(t, 0) + ((<usize>r >> 6) << 3)) >> <u64>(r & 63)) & 1) != 0;
}

/** The largest member < r, or -1. */
export function rankSetPred(t: usize, r: i32): i32 {
  if (r <= 0) return -1;
  const levels = load<i32>(t);
  let i = <usize>r;
  for (let l = 0; l < levels; l++) {
    const wi = i >> 6;
    const w = load<u64>(levelBase(t, l) + (wi << 3)) & ((<u64>1 << <u64>(i & 63)) - 1);
    if (w != 0) {
      let pos = (wi << 6) | <usize>(63 - clz(w));
      while (l > 0) {
        l--;
        const x = load<u64>(levelBase(t, l) + (pos << 3));
        pos = (pos << 6) | <usize>(63 - clz(x));
      }
      return <i32>pos;
    }
    if (wi == 0) return -1;
    i = wi;
  }
  return -1;
}

/** The smallest member > r, or -1 (r >= -1). */
export function rankSetSucc(t: usize, r: i32): i32 {
  const levels = load<i32>(t);
  let i = <usize>(r + 1);
  for (let l = 0; l < levels; l++) {
    const wi = i >> 6;
    const w = load<u64>(levelBase(t, l) + (wi << 3)) & (<u64>-1 << <u64>(i & 63));
    if (w != 0) {
      let pos = (wi << 6) | <usize>ctz(w);
      while (l > 0) {
        l--;
        const x = load<u64>(levelBase(t, l) + (pos << 3));
        pos = (pos << 6) | <usize>ctz(x);
      }
      return <i32>pos;
    }
    i = wi + 1;
  }
  return -1;
}

/** Pointer to the level-0 words (bit r of word r >> 6 is rank r), for linear scans. */
// @ts-ignore: decorator
@inline
export function rankSetWords(t: usize): usize {
  return levelBase(t, 0);
}

/** rankSetSucc with the common case (the answer lies in the same level-0 word) inlined. */
// @ts-ignore: decorator
@inline
export function rankSetNext(t: usize, r: i32): i32 {
  const i = <usize>(r + 1);
  const w = load<u64>(levelBase(t, 0) + ((i >> 6) << 3)) & (<u64>-1 << <u64>(i & 63));
  return w != 0 ? <i32>((i & ~<usize>63) | <usize>ctz(w)) : rankSetSucc(t, r);
}

/** rankSetPred with the common case (the answer lies in the same level-0 word) inlined. */
// @ts-ignore: decorator
@inline
export function rankSetPrev(t: usize, r: i32): i32 {
  const i = <usize>r;
  const w = load<u64>(levelBase(t, 0) + ((i >> 6) << 3)) & ((<u64>1 << <u64>(i & 63)) - 1);
  return w != 0 ? <i32>((i & ~<usize>63) | <usize>(63 - clz(w))) : rankSetPred(t, r);
}
