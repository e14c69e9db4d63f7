// MO-BANANAS's ranking and selection (docs/methods.md#pareto-weak, docs/methods.md#pareto-crowding, docs/methods.md#mobananas-selection): the reference's own
// "sorted population" — fronts by `nDS_index` (weak dominance, first duplicate wins), each
// front ordered by its `crowdingDist` — and the Thompson-like choice of children by the spread
// of their ranks under the ensemble's networks. Used by both variants (docs/methods.md#oddities lists no bug here;
// items 7 and 8 are the conventions themselves, kept).
import type { Rng } from '../../random/rng.ts';
import { paperFronts, type Point2 } from '../shemoa/paper.ts';

/**
 * docs/methods.md#pareto-crowding `crowdingDist` on one front (indices into points): sort the front by objective 0
 * ascending (ties by index), min–max normalise each objective within the front, give the two
 * ends +∞ and every interior point the Euclidean distances to its two sorted neighbours
 * summed (not NSGA-II's per-objective sum), then order by (distance, index) descending — so of
 * the two infinite ends the larger index comes first. A one-point front is just that point;
 * an objective with a single value within the front (impossible on a 2-D docs/methods.md#pareto-weak front of several
 * points) normalises to 0.
 * @returns the front's indices, most isolated first
 */
export function crowdingOrder(points: readonly Point2[], front: readonly number[]): number[] {
  const n = front.length;
  if (n <= 1) return [...front];
  const byF0 = [...front].sort((a, b) => points[a][0] - points[b][0] || a - b);
  const lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
  for (const i of front) {
    for (const k of [0, 1]) {
      lo[k] = Math.min(lo[k], points[i][k]);
      hi[k] = Math.max(hi[k], points[i][k]);
    }
  }
  const norm = (i: number, k: number) => (hi[k] > lo[k] ? (points[i][k] - lo[k]) / (hi[k] - lo[k]) : 0);
  const dist = (i: number, j: number) => Math.hypot(norm(i, 0) - norm(j, 0), norm(i, 1) - norm(j, 1));
  const d = new Map<number, number>();
  d.set(byF0[0], Infinity);
  d.set(byF0[n - 1], Infinity);
  for (let p = 1; p + 1 < n; p++) d.set(byF0[p], dist(byF0[p], byF0[p - 1]) + dist(byF0[p + 1], byF0[p]));
  return [...front].sort((a, b) => {
    const da = d.get(a)!, db = d.get(b)!;
    if (da !== db) return da < db ? 1 : -1;
    return b - a;
  });
}

/**
 * The reference's sorted population: `nDS_index` fronts (front 0 first), each in
 * `crowdingOrder`, concatenated.
 * @returns every index of points once, best first
 */
export function sortedPopulation(points: readonly Point2[]): number[] {
  return paperFronts(points).flatMap((front) => crowdingOrder(points, front));
}

/** positions[i] = where index i stands in `order`. */
function positions(order: readonly number[]): number[] {
  const pos = new Array<number>(order.length);
  order.forEach((i, p) => (pos[i] = p));
  return pos;
}

/**
 * docs/methods.md#mobananas-selection `choose_models`: with the mean prediction μ(c) and each network's prediction P_m(c) of
 * every candidate c (objective space, minimised), rankMean[c] = position of c in
 * sortedPopulation(μ), rank_m[c] = its position in sortedPopulation(P_m),
 * sd[c] = sqrt(Σ_m (rank_m[c] − rankMean[c])² / (M − 1)) (0 for a single network),
 * score[c] ~ N(rankMean[c], sd[c]²) drawn in candidate order; the `select` candidates of
 * smallest score are chosen (the earlier candidate on ties).
 * @returns the chosen candidates' indices, smallest score first
 */
export function thompsonChoose(rng: Rng, mean: readonly Point2[], perNetwork: readonly (readonly Point2[])[], select: number): number[] {
  const n = mean.length;
  const rankMean = positions(sortedPopulation(mean));
  const ranks = perNetwork.map((pred) => positions(sortedPopulation(pred)));
  const M = perNetwork.length;
  const score = new Array<number>(n);
  for (let c = 0; c < n; c++) {
    let ss = 0;
    for (const r of ranks) ss += (r[c] - rankMean[c]) ** 2;
    const sd = M > 1 ? Math.sqrt(ss / (M - 1)) : 0;
    score[c] = rankMean[c] + sd * rng.normal();
  }
  const idx = Array.from({ length: n }, (_, c) => c);
  idx.sort((a, b) => score[a] - score[b] || a - b);
  return idx.slice(0, Math.min(select, n));
}
