// Seeded point sets for the Pareto kernel tests and benchmarks.
import type { Rng } from '../../src/random/rng.ts';
import { uniformPoints } from '../../src/bench/points.ts';

export { spherePoints, uniformPoints } from '../../src/bench/points.ts';

/**
 * Integer points with many ties and duplicates: coordinates drawn from {lo..hi} (integers).
 */
export function latticePoints(rng: Rng, n: number, d: number, lo: number, hi: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = lo + rng.int(hi - lo + 1);
  return out;
}

/** Rows drawn (with repetition) from a small pool: many exact duplicates. */
export function duplicatePoints(rng: Rng, n: number, d: number, pool: number): Float64Array {
  const base = uniformPoints(rng, pool, d, -1, 1);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rng.int(pool);
    out.set(base.subarray(r * d, r * d + d), i * d);
  }
  return out;
}

/** Rows of a row-major set, shuffled (returns a new array). */
export function shuffleRows(rng: Rng, pts: Float64Array, d: number): Float64Array {
  const n = pts.length / d;
  const order = Array.from({ length: n }, (_, i) => i);
  rng.shuffle(order);
  const out = new Float64Array(pts.length);
  order.forEach((src, dst) => out.set(pts.subarray(src * d, src * d + d), dst * d));
  return out;
}
