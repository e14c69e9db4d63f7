// Non-dominated sorting in three objectives: a sweep in lexicographic order with one 2-D
// staircase per front and a binary search over the fronts.
//
// The two-objective method of M. T. Jensen ("Reducing the run-time complexity of multiobjective
// EAs", IEEE TEC 7(5), 2003) keeps one number per front and binary-searches the fronts; here each
// front keeps the staircase of its points projected on objectives (1, 2) instead, the structure
// that the three-objective maxima sweep of H. T. Kung, F. Luccio, F. P. Preparata ("On finding
// the maxima of a set of vectors", JACM 22(4), 1975) maintains for a single front.
//
// Setting (from lex.ts): m distinct points in lexicographic order, each given by the dense ranks
// (y, z) of objectives 1 and 2. Every dominator of a point precedes it, and an earlier point q
// dominates p iff q.y <= p.y and q.z <= p.z. When p is visited, every earlier point already has
// its final rank, and
//   * "front f holds a dominator of p" is monotone in f: a dominator in front f is itself
//     dominated by a point of front f-1, which then dominates p too;
//   * so rank(p) = the first front holding no dominator of p, found by binary search;
//   * a front only needs the (y, z)-minimal points of its members, a staircase in which z falls
//     strictly as y grows, and it holds a dominator of p iff its point with the largest y <= p.y
//     has z <= p.z. Adding p removes the staircase points with y >= p.y and z >= p.z, which p
//     covers from then on (none covers p, or p would be dominated by this front).
// Each staircase is a treap keyed by y (split/merge, iterative), nodes are the point ids and
// priorities a fixed hash of the id.
//
// Time O(m log F log m) expected for F fronts, scratch O(m).

// Node u (u = point id) is 16 bytes at NODES + 16u: y rank (the key), z rank, left child,
// right child (-1: none), so that one visit touches one cache line.
let NODES: usize = 0;
let SLOTS: usize = 0; // i32[2]: roots produced by split / merge

// @ts-ignore: decorator
@inline function prio(u: i32): u32 {
  let h = <u32>u * 0x9e3779b1;
  h ^= h >> 15;
  h *= 0x85ebca77;
  h ^= h >> 13;
  return h;
}

// @ts-ignore: decorator
@inline function at(a: usize, u: i32): usize {
  return a + (<usize>u << 2);
}

// @ts-ignore: decorator
@inline function node(u: i32): usize {
  return NODES + (<usize>u << 4);
}

/**
 * Split treap t into the nodes whose key < k (slot 0) and the rest (slot 1); with byZ, into the
 * nodes whose z >= k (slot 0) and the rest, which is also a split by key because z falls
 * strictly along the keys.
 */
function split(t: i32, k: i32, byZ: bool): void {
  let lh = SLOTS, rh = SLOTS + 4;
  while (t >= 0) {
    const low = byZ ? load<i32>(node(t), 4) >= k : load<i32>(node(t)) < k;
    if (low) {
      store<i32>(lh, t);
      lh = node(t) + 12;
      t = load<i32>(lh);
    } else {
      store<i32>(rh, t);
      rh = node(t) + 8;
      t = load<i32>(rh);
    }
  }
  store<i32>(lh, -1);
  store<i32>(rh, -1);
}

/** Merge treaps a and b (every key of a below every key of b); returns the root. */
function merge(a: i32, b: i32): i32 {
  let h = SLOTS;
  while (a >= 0 && b >= 0) {
    if (prio(a) > prio(b)) {
      store<i32>(h, a);
      h = node(a) + 12;
      a = load<i32>(h);
    } else {
      store<i32>(h, b);
      h = node(b) + 8;
      b = load<i32>(h);
    }
  }
  store<i32>(h, a >= 0 ? a : b);
  return load<i32>(SLOTS);
}

/** True iff the staircase rooted at t has a point with key <= y and z <= z. */
// @ts-ignore: decorator
@inline function covers(t: i32, y: i32, z: i32): bool {
  while (t >= 0) {
    if (load<i32>(node(t)) <= y) {
      if (load<i32>(node(t), 4) <= z) return true;
      t = load<i32>(node(t) + 12);
    } else {
      t = load<i32>(node(t) + 8);
    }
  }
  return false;
}

/**
 * Pareto ranks of m distinct points in lexicographic order, urk = i32[m*2] (y, z) ranks; writes
 * rank (i32[m]) and returns the number of fronts.
 */
export function ranks3d(urk: usize, m: i32, rank: usize): i32 {
  if (m <= 0) return 0;
  const bytes = <usize>m << 2;
  NODES = heap.alloc(<usize>m << 4);
  SLOTS = heap.alloc(8);
  const roots = heap.alloc(bytes); // i32[F]: staircase root of each front
  let fronts: i32 = 0;
  for (let u = 0; u < m; u++) {
    const y = load<i32>(urk + (<usize>u << 3)), z = load<i32>(urk + (<usize>u << 3), 4);
    let lo: i32 = 0, hi: i32 = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (covers(load<i32>(at(roots, mid)), y, z)) lo = mid + 1;
      else hi = mid;
    }
    if (lo == fronts) {
      store<i32>(at(roots, lo), -1);
      fronts++;
    }
    store<i32>(at(rank, u), lo);
    const nu = node(u);
    store<i32>(nu, y);
    store<i32>(nu, z, 4);
    store<i32>(nu, -1, 8);
    store<i32>(nu, -1, 12);
    // Staircase of front lo: (keys < y) + u + (keys >= y, less the prefix with z >= z(u)).
    split(load<i32>(at(roots, lo)), y, false);
    const below = load<i32>(SLOTS);
    split(load<i32>(SLOTS + 4), z, true);
    const above = load<i32>(SLOTS + 4);
    store<i32>(at(roots, lo), merge(below, merge(u, above)));
  }
  heap.free(roots);
  heap.free(SLOTS);
  heap.free(NODES);
  return fronts;
}
