// The Wilcoxon rank-sum (Mann-Whitney U) test of two independent samples.
import { erfc } from './normal.ts';

export interface RankSumResult {
  /** U of the first sample: pairs (x, y) with x > y, ties counting 1/2 */
  u: number;
  /** two-sided p-value */
  p: number;
  /** 'exact' (no ties: the permutation distribution of U) or 'normal' (with tie correction) */
  method: 'exact' | 'normal';
}

/** P(U <= u) for samples of sizes m, n without ties: counts of subsets by rank sum (dynamic programming). */
function exactCdf(u: number, m: number, n: number): number {
  // f[i][j][s]: arrangements of i x's and j y's with U = s; computed with a rolling table.
  const maxU = m * n;
  let prev: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(maxU + 1));
  for (let j = 0; j <= n; j++) prev[j][0] = 1; // i = 0: U = 0
  for (let i = 1; i <= m; i++) {
    const cur: Float64Array[] = Array.from({ length: n + 1 }, () => new Float64Array(maxU + 1));
    cur[0][0] = 1; // j = 0: U = 0
    for (let j = 1; j <= n; j++) {
      // The largest of the i + j values is an x (it beats all j y's) or a y.
      for (let s = 0; s <= i * j; s++) cur[j][s] = (s >= j ? prev[j][s - j] : 0) + cur[j - 1][s];
    }
    prev = cur;
  }
  const counts = prev[n];
  let total = 0, below = 0;
  for (let s = 0; s <= maxU; s++) {
    total += counts[s];
    if (s <= u) below += counts[s];
  }
  return below / total;
}

/**
 * Two-sided Wilcoxon rank-sum test of x against y: exact when there are no ties and
 * m n <= 2,500, otherwise the normal approximation with continuity and tie corrections.
 * @throws RangeError when a sample is empty or holds a non-finite value
 * @example rankSum([4, 5, 6], [1, 2, 3]) // { u: 9, p: 0.1, method: 'exact' }
 */
export function rankSum(x: readonly number[], y: readonly number[]): RankSumResult {
  for (const [name, s] of [['x', x], ['y', y]] as const) {
    if (s.length === 0) throw new RangeError(`rankSum: ${name} is empty`);
    if (s.some((v) => !Number.isFinite(v))) throw new RangeError(`rankSum: ${name} holds a non-finite value`);
  }
  const m = x.length, n = y.length;
  const all = [...x.map((v) => ({ v, first: true })), ...y.map((v) => ({ v, first: false }))].sort((a, b) => a.v - b.v);
  // Mid-ranks, and the tie term sum(t^3 - t).
  let rankX = 0, ties = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].v === all[i].v) j++;
    const mid = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k].first) rankX += mid;
    const t = j - i;
    ties += t * t * t - t;
    i = j;
  }
  const u = rankX - (m * (m + 1)) / 2;
  if (ties === 0 && m * n <= 2500) {
    const lo = Math.min(u, m * n - u);
    return { u, p: Math.min(1, 2 * exactCdf(lo, m, n)), method: 'exact' };
  }
  const mean = (m * n) / 2;
  const N = m + n;
  const sd = Math.sqrt((m * n / 12) * (N + 1 - ties / (N * (N - 1))));
  if (sd === 0) return { u, p: 1, method: 'normal' };
  const z = Math.max(0, Math.abs(u - mean) - 0.5) / sd;
  return { u, p: Math.min(1, erfc(z / Math.SQRT2)), method: 'normal' };
}
