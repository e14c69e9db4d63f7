// The reference code's own 2-D Pareto helpers, kept literally for SH-EMOA's 'paper' variant:
// `pareto` / `nDS_index` (docs/methods.md#pareto-weak) and the shoelace `computeHV2D` (docs/methods.md#pareto-hv2d). The 'fixed'
// variant uses the library's kernels (src/pareto/) instead. Points are [f0, f1] pairs in the
// paper's objective order, minimised.

export type Point2 = readonly [number, number];

/**
 * docs/methods.md#pareto-weak `pareto` restricted to the rows `idx`: "weak dominance, first duplicate wins". Walking
 * the rows in order, every surviving row i drops each row j that is not strictly better than i
 * in some objective; so an exact duplicate survives only as its lowest-index copy.
 * @returns a flag per entry of idx
 */
function paretoFlags(points: readonly Point2[], idx: readonly number[]): boolean[] {
  const front = idx.map(() => true);
  for (let a = 0; a < idx.length; a++) {
    if (!front[a]) continue;
    const pi = points[idx[a]];
    for (let b = 0; b < idx.length; b++) {
      const pj = points[idx[b]];
      front[b] = front[b] && (pj[0] < pi[0] || pj[1] < pi[1]);
    }
    front[a] = true;
  }
  return front;
}

/**
 * docs/methods.md#pareto-weak `nDS_index`: peel `pareto` fronts off the remaining rows until none is left. O(F·n²)
 * for F fronts, n rows (n is the population size + 1).
 * @returns the fronts, best first, each as increasing row indices
 */
export function paperFronts(points: readonly Point2[]): number[][] {
  const fronts: number[][] = [];
  let rest = points.map((_, i) => i);
  while (rest.length > 0) {
    const flags = paretoFlags(points, rest);
    fronts.push(rest.filter((_, k) => flags[k]));
    rest = rest.filter((_, k) => !flags[k]);
  }
  return fronts;
}

/**
 * docs/methods.md#pareto-hv2d `computeHV2D` [AS-IS]: the absolute shoelace area of the polygon
 * ref → (ref0, y1) → (x1, y1) → (x1, y2) → (x2, y2) → … → (xn, yn) → (xn, ref1), for points
 * sorted by objective 1 ascending. The exact dominated area when every point lies inside the
 * reference box; meaningless (a self-intersecting polygon) otherwise — not clipped (docs/methods.md#odd-9).
 */
export function shoelaceHv2d(sorted: readonly Point2[], ref: Point2): number {
  const xs: number[] = [ref[0], ref[0]];
  const ys: number[] = [ref[1], sorted[0][1]];
  for (let i = 0; i < sorted.length; i++) {
    xs.push(sorted[i][0]);
    ys.push(sorted[i][1]);
    const yNext = i + 1 < sorted.length ? sorted[i + 1][1] : ref[1];
    xs.push(sorted[i][0]);
    ys.push(yNext);
  }
  let twice = 0;
  for (let i = 0; i < xs.length; i++) {
    const j = (i + 1) % xs.length;
    twice += xs[i] * ys[j] - xs[j] * ys[i];
  }
  return Math.abs(twice) / 2;
}

/**
 * The point SH-EMOA's survival removes from the last front (docs/methods.md#shemoa-algorithm) [AS-IS]: sort the front by
 * objective 1, hv = HV2D(front), pick the first point q minimising hv − HV2D(front \ {q}).
 * The reference keeps `hv` as the initial minimum and only replaces it on a strict decrease, so
 * when every contribution equals hv (zero-area fronts) it picks nothing and then crashes
 * (docs/methods.md#odd-14); contributions never exceed hv, so taking the first point then — as done here — is
 * the same rule as "first minimiser" and the only sensible continuation.
 * @param front row indices of the last front (at least 2)
 * @returns the chosen row index
 */
export function paperLeastContributor(points: readonly Point2[], front: readonly number[], ref: Point2): number {
  // within a docs/methods.md#pareto-weak front no two points share an objective value, so the order has no ties
  const sorted = [...front].sort((a, b) => points[a][1] - points[b][1]);
  const pts = sorted.map((i) => points[i]);
  const hv = shoelaceHv2d(pts, ref);
  let best = hv;
  let chosen = -1;
  for (let q = 0; q < pts.length; q++) {
    const contribution = hv - shoelaceHv2d(pts.filter((_, k) => k !== q), ref);
    if (contribution < best) {
      best = contribution;
      chosen = q;
    }
  }
  return sorted[chosen < 0 ? 0 : chosen];
}
