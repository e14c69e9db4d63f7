// CPU twin of shaders/adam.wgsl in float64: torch.optim.Adam's single-tensor update.
import type { AdamOptions } from '../kernels/adam.ts';

/** One Adam step t on p, m, v in place (float64 arrays). */
export function adamStepReference(p: Float64Array, g: ArrayLike<number>, m: Float64Array, v: Float64Array, t: number, o: AdamOptions): void {
  const b1 = o.beta1 ?? 0.9, b2 = o.beta2 ?? 0.999, eps = o.eps ?? 1e-8, gs = o.gradScale ?? 1;
  const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] * gs;
    m[i] += (1 - b1) * (gi - m[i]);
    v[i] = b2 * v[i] + (1 - b2) * gi * gi;
    p[i] -= (o.lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps));
  }
}
