import { hv2dStrided } from './hv2d';

/** Exact hypervolume of `n` points in `d` dimensions w.r.t. `ref` (f64[d]); dispatches by d. */
export function hypervolume(pts: usize, n: i32, d: i32, ref: usize): f64 {
  if (d == 1) {
    let best = load<f64>(ref);
    for (let i = 0; i < n; i++) {
      const x = load<f64>(pts + (<usize>i << 3));
      if (x < best) best = x;
    }
    return load<f64>(ref) - best;
  }
  if (d == 2) return hv2dStrided(pts, n, d, load<f64>(ref), load<f64>(ref, 8));
  return -1;
}
