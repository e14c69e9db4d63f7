// Seeded point sets for the benchmarks (and the kernel tests, through test/helpers/fronts.ts):
// they live in src/ because `paretonas bench` ships with the package.
import { Rng } from '../random/rng.ts';

/** n points uniform in [lo, hi]^d. */
export function uniformPoints(rng: Rng, n: number, d: number, lo = 0, hi = 1): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(lo, hi);
  return out;
}

/** n points on the positive part of the unit sphere (a mutually non-dominated set). */
export function spherePoints(rng: Rng, n: number, d: number): Float64Array {
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.abs(rng.normal());
      out[i * d + j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[i * d + j] /= norm;
  }
  return out;
}
