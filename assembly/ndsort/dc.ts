// Divide-and-conquer non-dominated sorting for d >= 3 objectives (used for d >= 4; three
// objectives have the faster sweep of rank3d.ts).
//
// The algorithm of M. T. Jensen, "Reducing the run-time complexity of multiobjective EAs: The
// NSGA-II and other algorithms", IEEE TEC 7(5), 2003, with the treatment of equal values of
// F.-A. Fortin, S. Grenier, M. Parizeau, "Generalizing the improved run-time complexity
// algorithm for non-dominated sorting", GECCO 2013, and the balanced splitting that restores the
// O(n log^{d-1} n) bound of M. Buzdalov, A. Shalyto, "A provably asymptotically fast version of
// the generalized Jensen algorithm for non-dominated sorting", PPSN XIII, 2014.
//
// Setting (prepared by lex.ts): m distinct points, numbered 0..m-1 in lexicographic order, each
// given by the dense ranks of its objectives 1..d-1 (columns 0..D1-1 of a row-major i32 table,
// D1 = d-1). For distinct points in lexicographic order, p dominates q iff id(p) < id(q) and
// p <= q in every column: the id order stands in for objective 0. The rank of q is then the
// length of the longest dominance chain ending at q:
//   rank(q) = max(0, 1 + max{ rank(p) : p dominates q }).
//
// Two mutually recursive procedures on sets of ids, each kept sorted by id in a slice of WORK:
//   A(S, k): all ranks inside S, knowing that columns > k are equal across S (or k = D1-1).
//     Sort S by (column k, id) and cut it near the middle into L (low part) and H: no point of H
//     dominates one of L. A(L, k); B(L, H, k-1); A(H, k).
//   B(L, H, k): raise the ranks of H by the (final) ranks of L, knowing l <= h in columns > k for
//     every l in L, h in H. Sort L u H by (column k, L before H on ties) and cut it near the
//     middle into a low part L1 u H1 and a high part L2 u H2: every l in L1 is <= every h in H2
//     in column k, and every l in L2 is > every h in H1. So B(L1, H1, k); B(L1, H2, k-1);
//     B(L2, H2, k). Both halves are smaller, which is what keeps the recursion balanced.
//   At k = 0 both reduce to a sweep in id order with a Fenwick tree of prefix maxima of rank+1
//   indexed by the column-0 rank: O(s log m) for a set of size s.
// No sorting happens: the cut value is the median of a random sample of column k, the values
// equal to it are shared between the parts so that both are non-empty and as even as possible,
// partitions are stable, and each call merges its parts back into id order before it returns.
// Sets with few points (A) or few pairs (B) are handled by direct comparison.
//
// Time O(m log^{d-1} m) expected (the cuts are even w.h.p.), scratch O(m) besides the recursion
// stack of depth O(d log m).

// Recursion state (plain pointers into linear memory, set by dcRanks).
let D1: i32 = 0;      // columns per row
let RK: usize = 0;    // i32[m*D1] column ranks
let RANK: usize = 0;  // i32[m] ranks being computed
let WORK: usize = 0;  // u32[m] ids, sorted by id within every active slice
let TMP: usize = 0;   // u32[m] partition / merge buffer
let VALS: usize = 0;  // i32[SAMPLE] pivot sample
let FEN: usize = 0;   // i32[FENN+1] Fenwick tree (1-based) of prefix maxima of rank+1; 0 = empty
let FENN: i32 = 0;
let CAP: i32 = 0;     // ranks are computed up to this cap: min(rank, CAP)
let SEED: u32 = 0x9e3779b9; // xorshift32 state for the pivot samples

const SMALL_A: i32 = 48;   // brute force A below this size
const SMALL_B: i32 = 32768;  // brute force B when |L| * |H| is at most this
const SAMPLE: i32 = 31;     // pivot sample size

// @ts-ignore: decorator
@inline function idAt(i: i32): u32 {
  return load<u32>(WORK + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function col(id: u32, k: i32): i32 {
  return load<i32>(RK + ((<usize>id * <usize>D1 + <usize>k) << 2));
}

// @ts-ignore: decorator
@inline function rankOf(id: u32): i32 {
  return load<i32>(RANK + (<usize>id << 2));
}

/** The rank that p gives to the points it dominates. */
// @ts-ignore: decorator
@inline function nextRank(p: u32): i32 {
  return min(rankOf(p) + 1, CAP);
}

// @ts-ignore: decorator
@inline function setRank(id: u32, r: i32): void {
  store<i32>(RANK + (<usize>id << 2), r);
}

/** True iff row a <= row b in columns 0..k. */
// @ts-ignore: decorator
@inline function weaklyBelow(a: u32, b: u32, k: i32): bool {
  const pa = RK + ((<usize>a * <usize>D1) << 2);
  const pb = RK + ((<usize>b * <usize>D1) << 2);
  for (let j = 0; j <= k; j++) {
    if (load<i32>(pa + (<usize>j << 2)) > load<i32>(pb + (<usize>j << 2))) return false;
  }
  return true;
}

// ---- Fenwick tree of prefix maxima over column-0 ranks ----

// @ts-ignore: decorator
@inline function fenQuery(v: i32): i32 {
  let i = v + 1;
  let best: i32 = 0;
  while (i > 0) {
    const x = load<i32>(FEN + (<usize>i << 2));
    if (x > best) best = x;
    i &= i - 1;
  }
  return best;
}

// Node values only grow along an update path (each node covers a superset of the previous one),
// so an update may stop at the first node that already holds at least x.
// @ts-ignore: decorator
@inline function fenRaise(v: i32, x: i32): void {
  let i = v + 1;
  while (i <= FENN) {
    const p = FEN + (<usize>i << 2);
    if (load<i32>(p) >= x) break;
    store<i32>(p, x);
    i += i & -i;
  }
}

// Clearing along the update path of every inserted value empties the tree; a node found empty
// was cleared together with the rest of its path already.
// @ts-ignore: decorator
@inline function fenClear(v: i32): void {
  let i = v + 1;
  while (i <= FENN) {
    const p = FEN + (<usize>i << 2);
    if (load<i32>(p) == 0) break;
    store<i32>(p, 0);
    i += i & -i;
  }
}

// ---- slices of WORK: selection, stable partition, merge ----

// @ts-ignore: decorator
@inline function nextRandom(): u32 {
  SEED ^= SEED << 13;
  SEED ^= SEED >> 17;
  SEED ^= SEED << 5;
  return SEED;
}

/**
 * A split value for column k of the n1 + n2 ids WORK[a1..a1+n1) and WORK[a2..a2+n2): the median
 * of up to 31 values drawn at random positions, so close to the median of all w.h.p.; O(1).
 */
function samplePivot(a1: i32, n1: i32, a2: i32, n2: i32, k: i32): i32 {
  const n = n1 + n2;
  const s = n < SAMPLE ? n : SAMPLE;
  for (let i = 0; i < s; i++) {
    const r = <i32>(nextRandom() % <u32>n);
    const v = col(idAt(r < n1 ? a1 + r : a2 + r - n1), k);
    // Insertion sort as the sample grows.
    let j = i - 1;
    while (j >= 0 && load<i32>(VALS + (<usize>j << 2)) > v) {
      store<i32>(VALS + (<usize>(j + 1) << 2), load<i32>(VALS + (<usize>j << 2)));
      j--;
    }
    store<i32>(VALS + (<usize>(j + 1) << 2), v);
  }
  return load<i32>(VALS + (<usize>(s >> 1) << 2));
}

/**
 * How many of the `eq` ids equal to the split value go to the low part, given `lt` ids below
 * it among n >= 2: as close to n/2 in all as possible, and both parts non-empty.
 */
// @ts-ignore: decorator
@inline function lowTies(n: i32, lt: i32, eq: i32): i32 {
  let t = (n >> 1) - lt;
  if (t < 0) t = 0;
  if (t > eq) t = eq;
  if (lt + t == 0) t = 1;          // eq >= 1: the split value occurs
  if (lt + t == n) t--;            // then eq >= 1 too, as lt < n
  return t;
}

/**
 * Stable partition of WORK[lo..hi) into the ids whose column-k value v has v < m, or v == m
 * among the first `eqLow` such ids, followed by the others. Returns the size of the first part.
 */
function partition(lo: i32, hi: i32, k: i32, m: i32, eqLow: i32): i32 {
  let w = lo, h = lo, seen = 0;
  for (let i = lo; i < hi; i++) {
    const id = idAt(i);
    const v = col(id, k);
    let low = v < m;
    if (v == m) {
      low = seen < eqLow;
      seen++;
    }
    if (low) {
      store<u32>(WORK + (<usize>w << 2), id);
      w++;
    } else {
      store<u32>(TMP + (<usize>h << 2), id);
      h++;
    }
  }
  memory.copy(WORK + (<usize>w << 2), TMP + (<usize>lo << 2), <usize>(h - lo) << 2);
  return w - lo;
}

/** Merge the id-sorted slices WORK[a..b) and WORK[b..c) into one id-sorted slice. */
function mergeBack(a: i32, b: i32, c: i32): void {
  if (a == b || b == c || idAt(b - 1) < idAt(b)) return;
  memory.copy(TMP + (<usize>a << 2), WORK + (<usize>a << 2), <usize>(b - a) << 2);
  let i = a, j = b, w = a;
  while (i < b && j < c) {
    const x = load<u32>(TMP + (<usize>i << 2));
    const y = idAt(j);
    if (x < y) {
      store<u32>(WORK + (<usize>w << 2), x);
      i++;
    } else {
      store<u32>(WORK + (<usize>w << 2), y);
      j++;
    }
    w++;
  }
  if (i < b) memory.copy(WORK + (<usize>w << 2), TMP + (<usize>i << 2), <usize>(b - i) << 2);
}

// ---- A: ranks inside one set ----

function bruteA(lo: i32, hi: i32, k: i32): void {
  for (let a = lo + 1; a < hi; a++) {
    const q = idAt(a);
    let r = rankOf(q);
    for (let b = lo; b < a; b++) {
      const p = idAt(b);
      const rp = nextRank(p);
      if (rp > r && weaklyBelow(p, q, k)) r = rp;
    }
    setRank(q, r);
  }
}

function sweepA(lo: i32, hi: i32): void {
  for (let i = lo; i < hi; i++) {
    const q = idAt(i);
    const v = col(q, 0);
    let r = rankOf(q);
    const c = fenQuery(v);
    if (c > r) {
      r = c;
      setRank(q, r);
    }
    fenRaise(v, min(r + 1, CAP));
  }
  for (let i = lo; i < hi; i++) fenClear(col(idAt(i), 0));
}

function solveA(lo: i32, hi: i32, k: i32): void {
  const n = hi - lo;
  if (n < 2) return;
  if (n <= SMALL_A) {
    bruteA(lo, hi, k);
    return;
  }
  if (k == 0) {
    sweepA(lo, hi);
    return;
  }
  const m = samplePivot(lo, n, hi, 0, k);
  let lt = 0, eq = 0;
  for (let i = lo; i < hi; i++) {
    const v = col(idAt(i), k);
    if (v < m) lt++;
    else if (v == m) eq++;
  }
  if (eq == n) {
    solveA(lo, hi, k - 1);
    return;
  }
  const mid = lo + partition(lo, hi, k, m, lowTies(n, lt, eq));
  solveA(lo, mid, k);
  solveB(lo, mid, mid, hi, k - 1);
  solveA(mid, hi, k);
  mergeBack(lo, mid, hi);
}

// ---- B: ranks of H raised by L ----

function bruteB(lL: i32, hL: i32, lH: i32, hH: i32, k: i32): void {
  if (D1 <= 4) {
    bruteB4(lL, hL, lH, hH, k);
    return;
  }
  const stride = <usize>D1 << 2;
  for (let j = lH; j < hH; j++) {
    const q = idAt(j);
    const rq = RK + <usize>q * stride;
    const q0 = load<i32>(rq), q1 = k >= 1 ? load<i32>(rq, 4) : 0;
    let r = rankOf(q);
    const r0 = r;
    for (let i = lL; i < hL; i++) {
      const p = idAt(i);
      if (p > q) break;
      const rp = nextRank(p);
      if (rp <= r) continue;
      const pp = RK + <usize>p * stride;
      if (load<i32>(pp) > q0) continue;
      if (k >= 1) {
        if (load<i32>(pp, 4) > q1) continue;
        if (k >= 2 && !weaklyBelow(p, q, k)) continue;
      }
      r = rp;
    }
    if (r != r0) setRank(q, r);
  }
}

/**
 * bruteB for rows of at most 4 columns: a whole row compared at once (i32x4; the rank table has
 * 16 bytes of slack after it, so the load of the last row stays inside), columns above k masked.
 */
function bruteB4(lL: i32, hL: i32, lH: i32, hH: i32, k: i32): void {
  const stride = <usize>D1 << 2;
  const ignore = i32x4.gt_s(i32x4(0, 1, 2, 3), i32x4.splat(k));
  for (let j = lH; j < hH; j++) {
    const q = idAt(j);
    const qv = v128.load(RK + <usize>q * stride);
    let r = rankOf(q);
    const r0 = r;
    for (let i = lL; i < hL; i++) {
      const p = idAt(i);
      if (p > q) break;
      const rp = nextRank(p);
      if (rp <= r) continue;
      if (i32x4.all_true(v128.or(i32x4.le_s(v128.load(RK + <usize>p * stride), qv), ignore))) r = rp;
    }
    if (r != r0) setRank(q, r);
  }
}

function sweepB(lL: i32, hL: i32, lH: i32, hH: i32): void {
  let i = lL;
  for (let j = lH; j < hH; j++) {
    const q = idAt(j);
    while (i < hL) {
      const p = idAt(i);
      if (p > q) break;
      fenRaise(col(p, 0), nextRank(p));
      i++;
    }
    const c = fenQuery(col(q, 0));
    if (c > rankOf(q)) setRank(q, c);
  }
  for (let t = lL; t < i; t++) fenClear(col(idAt(t), 0));
}

function solveB(lL: i32, hL: i32, lH: i32, hH: i32, k: i32): void {
  // Only ids of L below the last id of H, and ids of H above the first id of L, interact.
  if (lL >= hL || lH >= hH) return;
  const firstL = idAt(lL), lastH = idAt(hH - 1);
  if (firstL > lastH) return;
  while (idAt(hL - 1) > lastH) hL--;
  while (idAt(lH) < firstL) lH++;
  const nL = hL - lL, nH = hH - lH;
  if (nL <= 2 || nH <= 2 || <i64>nL * <i64>nH <= SMALL_B) {
    bruteB(lL, hL, lH, hH, k);
    return;
  }
  if (k == 0) {
    sweepB(lL, hL, lH, hH);
    return;
  }
  const m = samplePivot(lL, nL, lH, nH, k);
  let mnL = col(idAt(lL), k), mxL = mnL, ltL = 0, eqL = 0;
  for (let i = lL; i < hL; i++) {
    const v = col(idAt(i), k);
    if (v < mnL) mnL = v;
    if (v > mxL) mxL = v;
    if (v < m) ltL++;
    else if (v == m) eqL++;
  }
  let mnH = col(idAt(lH), k), mxH = mnH, ltH = 0, eqH = 0;
  for (let j = lH; j < hH; j++) {
    const v = col(idAt(j), k);
    if (v < mnH) mnH = v;
    if (v > mxH) mxH = v;
    if (v < m) ltH++;
    else if (v == m) eqH++;
  }
  if (mxL <= mnH) {
    solveB(lL, hL, lH, hH, k - 1);
    return;
  }
  if (mnL > mxH) return;
  // In (value, L before H) order, cut inside the values equal to m: the first t of them go low,
  // the L ones first.
  const t = lowTies(nL + nH, ltL + ltH, eqL + eqH);
  const tL = t < eqL ? t : eqL;
  const midL = lL + partition(lL, hL, k, m, tL);
  const midH = lH + partition(lH, hH, k, m, t - tL);
  solveB(lL, midL, lH, midH, k);
  solveB(lL, midL, midH, hH, k - 1);
  solveB(midL, hL, midH, hH, k);
  mergeBack(lL, midL, hL);
  mergeBack(lH, midH, hH);
}

/**
 * Pareto ranks of m distinct points in lexicographic order (see the top of this file):
 * `urk` i32[m*d1] column ranks (d1 >= 1), column-0 ranks below `r0`; writes `rank` (i32[m]),
 * each rank capped at `cap` >= 1 (min(rank, cap); cap = 1 only tells dominated points apart,
 * with fewer comparisons). Returns the number of fronts (max rank + 1) below the cap.
 */
export function dcRanks(urk: usize, m: i32, d1: i32, r0: i32, rank: usize, cap: i32 = i32.MAX_VALUE): i32 {
  if (m <= 0) return 0;
  D1 = d1;
  CAP = cap;
  SEED = 0x9e3779b9;
  RK = urk;
  RANK = rank;
  memory.fill(rank, 0, <usize>m << 2);
  WORK = heap.alloc(<usize>m << 2);
  TMP = heap.alloc(<usize>m << 2);
  VALS = heap.alloc(<usize>SAMPLE << 2);
  FENN = r0;
  FEN = heap.alloc(<usize>(r0 + 1) << 2);
  memory.fill(FEN, 0, <usize>(r0 + 1) << 2);
  for (let i = 0; i < m; i++) store<u32>(WORK + (<usize>i << 2), <u32>i);
  solveA(0, m, d1 - 1);
  heap.free(FEN);
  heap.free(VALS);
  heap.free(TMP);
  heap.free(WORK);
  let mx: i32 = 0;
  for (let i = 0; i < m; i++) {
    const r = load<i32>(rank + (<usize>i << 2));
    if (r > mx) mx = r;
  }
  return mx + 1;
}
