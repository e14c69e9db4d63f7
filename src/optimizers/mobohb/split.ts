// MO-TPE's split of observations into "good" and "bad" (docs/methods.md#mobohb-motpe, Ozaki et al. 2020):
// whole non-dominated fronts while they fit, then the overflowing front's points chosen
// greedily by hypervolume contribution. The same pieces truncate MO-BOHB's promotions (docs/methods.md#mobohb-promotion).
// Any number of objectives; ranks and volumes come from the Pareto kernels. Minimisation.
import { hypervolume } from '../../pareto/hypervolume.ts';
import { ndsort } from '../../pareto/ndsort.ts';
import { EPS } from '../../surrogates/parzen.ts';
import type { MobohbVariant } from './types.ts';

/**
 * The reference point for the greedy selections.
 *  - 'paper' (docs/methods.md#odd-21): w = the componentwise worst value, ref = max(1.1 w, 0.9 w, eps); a
 *    column of non-positive values (the negated accuracy) gets ref ≈ 0 instead of a point
 *    beyond its worst value.
 *  - 'fixed': 10 % of the range beyond the worst value, ref = w + 0.1 (w - best), so every
 *    objective counts on its own scale whatever its sign; a column without spread gets w + 1
 *    (any positive extent scales every box alike).
 *
 * @param points row-major n x nObj, n >= 1
 */
export function hvReference(points: Float64Array, nObj: number, variant: MobohbVariant): Float64Array {
  const n = points.length / nObj;
  const ref = new Float64Array(nObj);
  for (let k = 0; k < nObj; k++) {
    let w = -Infinity, b = Infinity;
    for (let i = 0; i < n; i++) {
      const v = points[i * nObj + k];
      if (v > w) w = v;
      if (v < b) b = v;
    }
    if (variant === 'paper') ref[k] = Math.max(Math.max(1.1 * w, 0.9 * w), EPS);
    else ref[k] = w > b ? w + 0.1 * (w - b) : w + 1;
  }
  return ref;
}

/**
 * Whole fronts, best first, while together they hold at most `count` points (each front's
 * indices ascending), and the first front that does not fit (empty when none is left).
 * The reference code's loop never ends once every front is taken (docs/methods.md#odd-18, docs/methods.md#odd-23); this stops.
 */
export function frontsThatFit(ranks: Int32Array, count: number): { taken: number[]; next: number[] } {
  let maxRank = -1;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] > maxRank) maxRank = ranks[i];
  const byRank: number[][] = Array.from({ length: maxRank + 1 }, () => []);
  for (let i = 0; i < ranks.length; i++) byRank[ranks[i]].push(i);
  const taken: number[] = [];
  let r = 0;
  while (r <= maxRank && taken.length + byRank[r].length <= count) {
    for (const i of byRank[r]) taken.push(i);
    r++;
  }
  return { taken, next: r <= maxRank ? byRank[r] : [] };
}

/**
 * Greedy hypervolume subset selection among the rows `candidates` of `points`: repeatedly take
 * the candidate with the largest hypervolume contribution to the set S chosen so far (first on
 * ties), starting from S = {}. Contributions are updated exactly as in the reference code:
 * c_j -= HV(S ∪ {max(a, j)}) - HV(S) after taking a.
 *
 * Starting from the empty set is kept in both variants (docs/methods.md#odd-21's second remark): every point
 * of the overflowing front is dominated by a point of the better fronts already taken, so its
 * contribution to those would be zero and could not rank anything.
 *
 * @returns the chosen row indices in the order they were taken (min(count, candidates) of them)
 */
export function greedyHvSelect(points: Float64Array, nObj: number, candidates: readonly number[], count: number, ref: ArrayLike<number>): number[] {
  const d = nObj;
  const m = candidates.length;
  const want = Math.min(count, m);
  const chosen: number[] = [];
  if (want <= 0) return chosen;
  const c = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let v = 1;
    for (let k = 0; k < d; k++) v *= Math.max(ref[k] - points[candidates[j] * d + k], 0);
    c[j] = v;
  }
  const taken = new Uint8Array(m);
  const set = new Float64Array((want + 1) * d);
  let size = 0;
  for (let t = 0; t < want; t++) {
    let a = -1;
    for (let j = 0; j < m; j++) if (!taken[j] && (a < 0 || c[j] > c[a])) a = j;
    taken[a] = 1;
    chosen.push(candidates[a]);
    if (t < want - 1) {
      const hvS = size > 0 ? hypervolume(set.subarray(0, size * d), d, ref) : 0;
      const ra = candidates[a] * d;
      for (let j = 0; j < m; j++) {
        if (taken[j]) continue;
        const rj = candidates[j] * d;
        for (let k = 0; k < d; k++) set[size * d + k] = Math.max(points[ra + k], points[rj + k]);
        c[j] -= hypervolume(set.subarray(0, (size + 1) * d), d, ref) - hvS;
      }
    }
    for (let k = 0; k < d; k++) set[size * d + k] = points[candidates[a] * d + k];
    size++;
  }
  return chosen;
}

/**
 * Split n observations (rows of `points`, newest first as the sampler orders them) into the
 * nLow "good" ones and the rest: whole fronts of the non-dominated sort (docs/methods.md#pareto-ndsort: duplicates
 * share a rank) while they fit, the remaining slots filled from the next front by greedy
 * hypervolume contribution. No observations: both sets empty (the reference code hangs, docs/methods.md#odd-23).
 *
 * @returns good (in the order taken) and bad (ascending) row indices
 */
export function splitGoodBad(points: Float64Array, nObj: number, nLow: number, variant: MobohbVariant): { good: number[]; bad: number[] } {
  const n = points.length / nObj;
  if (n === 0) return { good: [], bad: [] };
  const ranks = ndsort(points, nObj);
  const { taken, next } = frontsThatFit(ranks, nLow);
  const good = taken;
  if (good.length < nLow && next.length > 0) {
    for (const i of greedyHvSelect(points, nObj, next, nLow - good.length, hvReference(points, nObj, variant))) good.push(i);
  }
  const isGood = new Uint8Array(n);
  for (const i of good) isGood[i] = 1;
  const bad: number[] = [];
  for (let i = 0; i < n; i++) if (!isGood[i]) bad.push(i);
  return { good, bad };
}
