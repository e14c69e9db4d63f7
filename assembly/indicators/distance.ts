// Distance-based quality indicators of a set A (n points) against a reference set R (m points),
// both row-major f64 with d objectives, all minimised. Brute force O(n m d): every pair is
// visited once, with an early exit on the inner sum once it exceeds the best distance so far.

/** Squared Euclidean distance from r to the nearest point of A. */
// @ts-ignore: decorator
@inline
function nearestSq(pts: usize, n: i32, r: usize, d: i32, plus: bool): f64 {
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    const a = pts + ((<usize>i * <usize>d) << 3);
    let s = 0.0;
    for (let k = 0; k < d; k++) {
      let diff = load<f64>(a + (<usize>k << 3)) - load<f64>(r + (<usize>k << 3));
      // IGD+ (Ishibuchi et al. 2015): only the amount by which a is worse than r counts.
      if (plus && diff < 0) diff = 0;
      s += diff * diff;
      if (s >= best) break;
    }
    if (s < best) best = s;
  }
  return best;
}

function meanNearest(pts: usize, n: i32, refset: usize, m: i32, d: i32, plus: bool): f64 {
  let sum = 0.0;
  for (let j = 0; j < m; j++) {
    sum += Math.sqrt(nearestSq(pts, n, refset + ((<usize>j * <usize>d) << 3), d, plus));
  }
  return sum / <f64>m;
}

/** IGD(A, R) = (1/|R|) sum_{r in R} min_{a in A} ||a - r||_2. */
export function igd(pts: usize, n: i32, refset: usize, m: i32, d: i32): f64 {
  return meanNearest(pts, n, refset, m, d, false);
}

/** IGD+(A, R) = (1/|R|) sum_{r in R} min_{a in A} sqrt(sum_k max(a_k - r_k, 0)^2). */
export function igdPlus(pts: usize, n: i32, refset: usize, m: i32, d: i32): f64 {
  return meanNearest(pts, n, refset, m, d, true);
}

/** Additive epsilon: max_{r in R} min_{a in A} max_k (a_k - r_k) (Zitzler et al. 2003). */
export function epsilonAdditive(pts: usize, n: i32, refset: usize, m: i32, d: i32): f64 {
  let worst = -Infinity;
  for (let j = 0; j < m; j++) {
    const r = refset + ((<usize>j * <usize>d) << 3);
    let best = Infinity;
    for (let i = 0; i < n; i++) {
      const a = pts + ((<usize>i * <usize>d) << 3);
      let e = -Infinity;
      for (let k = 0; k < d; k++) {
        const diff = load<f64>(a + (<usize>k << 3)) - load<f64>(r + (<usize>k << 3));
        if (diff > e) {
          e = diff;
          if (e >= best) break;
        }
      }
      if (e < best) best = e;
    }
    if (best > worst) worst = best;
  }
  return worst;
}
