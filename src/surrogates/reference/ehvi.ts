// Obviously-correct pure-TypeScript EHVI, the test oracle for the WebAssembly kernels. Shares no
// code with them: the space below the reference point is cut into grid cells along every
// coordinate of the front (per axis: −∞, the sorted distinct values inside the reference box,
// the reference), a cell counts when no front point weakly dominates its lower corner (then no
// point of the cell is dominated), and the expected improvement of a cell [l, u) is
//   Π_j E[(u_j − max(l_j, Y_j))⁺],
// each factor written with Φ and φ directly:
//   E[(u − max(l, Y))⁺] = (u − l)·Φ(α) + (u − μ)·(Φ(β) − Φ(α)) + σ·(φ(β) − φ(α)),
// α = (l − μ)/σ, β = (u − μ)/σ (for l = −∞ the first term vanishes and Φ(α) = φ(α) = 0);
// for σ = 0 the factor is (u − max(l, μ))⁺. O(n^d) cells, each checked in O(n·d): for tests
// with small fronts only. Any number of objectives. Minimisation; rows as number arrays.
import { normalCdf, normalPdf } from '../../math/normal.ts';

/** E[(u − max(l, Y))⁺] for Y ~ N(mu, sigma²), l < u (l may be −∞). */
export function expectedOverlap(l: number, u: number, mu: number, sigma: number): number {
  if (sigma === 0) return Math.max(0, u - Math.max(l, mu));
  const b = (u - mu) / sigma;
  const Pb = normalCdf(b), pb = normalPdf(b);
  if (l === -Infinity) return (u - mu) * Pb + sigma * pb;
  const a = (l - mu) / sigma;
  const Pa = normalCdf(a), pa = normalPdf(a);
  return (u - l) * Pa + (u - mu) * (Pb - Pa) + sigma * (pb - pa);
}

/**
 * EHVI of one Gaussian candidate N(mean, diag(std²)) over `front` (rows; those not strictly
 * inside the reference box are ignored). Refuses grids of more than 10^6 cells.
 */
export function ehviReference(front: readonly (readonly number[])[], reference: readonly number[], mean: readonly number[], std: readonly number[]): number {
  const d = reference.length;
  const pts = front.filter((p) => p.every((v, j) => v < reference[j]));
  if ((pts.length + 1) ** d > 1e6) throw new RangeError(`ehviReference: ${pts.length} front points in ${d} objectives is too many for the grid`);
  const grids = reference.map((r, j) => [-Infinity, ...[...new Set(pts.map((p) => p[j]))].sort((a, b) => a - b), r]);
  let total = 0;
  const idx = new Array<number>(d).fill(0);
  for (;;) {
    const lower = idx.map((i, j) => grids[j][i]);
    const dominated = pts.some((p) => p.every((v, j) => v <= lower[j]));
    if (!dominated) {
      let cell = 1;
      for (let j = 0; j < d && cell > 0; j++) cell *= expectedOverlap(lower[j], grids[j][idx[j] + 1], mean[j], std[j]);
      total += cell;
    }
    let j = 0;
    while (j < d && ++idx[j] === grids[j].length - 1) idx[j++] = 0;
    if (j === d) break;
  }
  return total;
}

/** The improvement HV(front ∪ {y}) − HV(front) of one point y, by the same grid. */
export function hviReference(front: readonly (readonly number[])[], reference: readonly number[], y: readonly number[]): number {
  return ehviReference(front, reference, y, y.map(() => 0));
}
