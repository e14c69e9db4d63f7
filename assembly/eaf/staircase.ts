// Per-run 2-D staircases: for each run, the points of that run seen so far that are minimal in
// (x, y), x strictly ascending and y strictly descending, in two f64 arrays. Run r owns the
// slots base[r] .. base[r] + (its number of points) - 1 of both arrays; len[r] are in use.
// All offsets below are slot indices (not bytes); `sx`, `sy`, `base`, `len` are pointers.

// @ts-ignore: decorator
@inline
export function slotX(sx: usize, s: i32): f64 {
  return load<f64>(sx + (<usize>s << 3));
}

/** Number of points of the staircase slots [from, from + len) with x < v (strict) or x <= v. */
export function countBelow(sx: usize, from: i32, len: i32, v: f64, inclusive: bool): i32 {
  let lo = 0, hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = load<f64>(sx + (<usize>(from + mid) << 3));
    if (inclusive ? x <= v : x < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The least y of the staircase slots [from, from + len) among the points with x <= v (or
 * x < v when not inclusive); +inf when there is none.
 */
export function bestY(sx: usize, sy: usize, from: i32, len: i32, v: f64, inclusive: bool): f64 {
  const c = countBelow(sx, from, len, v, inclusive);
  return c > 0 ? load<f64>(sy + (<usize>(from + c - 1) << 3)) : Infinity;
}
