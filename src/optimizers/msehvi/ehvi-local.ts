// Exact expected hypervolume improvement of one point with independent Gaussian objectives in
// 2-D (minimisation), in closed form over the staircase of the current front. A stand-in with
// the planned signature of src/surrogates/ehvi.ts (ehvi2), to be replaced by it once merged.
//
// With the front's points p_1..p_k inside the reference box sorted by f1 (so f2 decreases),
// the region the front does not dominate splits into vertical strips [x_i, x_{i+1}) with
// x_0 = -inf, x_i = p_i.f1, x_{k+1} = r1, each open below the height h_0 = r2, h_i = p_i.f2.
// A new point y improves the hypervolume by
//   HVI(y) = Σ_i (x_{i+1} - max(y1, x_i))⁺ · (h_i - y2)⁺,
// and (b - max(y1, a))⁺ = (b - y1)⁺ - (a - y1)⁺ for a < b. Each term is a product of a function
// of y1 and one of y2, so with independent Y1 ~ N(μ1, σ1²), Y2 ~ N(μ2, σ2²)
//   EHVI = Σ_i [ψ1(x_{i+1}) - ψ1(x_i)] · ψ2(h_i),   ψ_j(t) = E[(t - Y_j)⁺] = σ_j (φ(z) + z Φ(z)),
// z = (t - μ_j) / σ_j, and ψ_j(t) = (t - μ_j)⁺ when σ_j = 0 (a deterministic objective).
import { normalCdf } from '../../surrogates/parzen.ts';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** E[(t - Y)⁺] for Y ~ N(mu, sd²) (sd = 0: (t - mu)⁺). */
export function expectedShortfall(t: number, mu: number, sd: number): number {
  if (t === -Infinity) return 0;
  if (!(sd > 0)) return t > mu ? t - mu : 0;
  const z = (t - mu) / sd;
  // Beyond |z| = 9 the tail terms are below 1e-19 sd: exact in double precision.
  if (z < -9) return 0;
  if (z > 9) return t - mu;
  const v = sd * (Math.exp(-0.5 * z * z) * INV_SQRT_2PI + z * normalCdf(z));
  return v > 0 ? v : 0;
}

/** The front's points strictly inside the reference box, non-dominated, sorted by f1 ascending (row-major k x 2). */
export function staircase(front: Float64Array, reference: readonly [number, number]): Float64Array {
  const [r1, r2] = reference;
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < front.length; i += 2) {
    const a = front[i], b = front[i + 1];
    if (a < r1 && b < r2) pts.push([a, b]);
  }
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const out: number[] = [];
  let best = Infinity;
  for (const [a, b] of pts) {
    if (b < best) {
      out.push(a, b);
      best = b;
    }
  }
  return Float64Array.from(out);
}

/**
 * EHVI of m candidates (mean, std: row-major m x 2; std 0 = deterministic) with respect to a
 * front (n x 2, minimisation; dominated points and points outside the box are ignored) and
 * a reference point. Returns m values.
 */
export function ehvi2(front: Float64Array, reference: [number, number], mean: Float64Array, std: Float64Array): Float64Array {
  const fn = 'ehvi2';
  if (front.length % 2 !== 0) throw new RangeError(`${fn}: front must hold n x 2 values, got ${front.length}`);
  if (mean.length % 2 !== 0 || std.length !== mean.length) throw new RangeError(`${fn}: mean and std must both hold m x 2 values`);
  if (!reference.every(Number.isFinite)) throw new RangeError(`${fn}: reference must be 2 finite numbers`);
  const stair = staircase(front, reference);
  const k = stair.length / 2;
  const [r1, r2] = reference;
  const m = mean.length / 2;
  const out = new Float64Array(m);
  for (let c = 0; c < m; c++) {
    const mu1 = mean[2 * c], mu2 = mean[2 * c + 1], s1 = std[2 * c], s2 = std[2 * c + 1];
    let total = 0;
    let prev = 0; // ψ1(x_0 = -inf)
    for (let i = 0; i <= k; i++) {
      const xNext = i < k ? stair[2 * i] : r1;
      const h = i === 0 ? r2 : stair[2 * i - 1];
      // heights decrease along the staircase: once Y2 surely lies above them, nothing more
      if (!(s2 > 0) && h <= mu2) break;
      const cur = expectedShortfall(xNext, mu1, s1);
      const w = cur - prev;
      if (w > 0) total += w * expectedShortfall(h, mu2, s2);
      prev = cur;
    }
    out[c] = total;
  }
  return out;
}
